import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCsv } from './csv.js';

const columns = [
  { key: 'a', header: 'A' },
  { key: 'b', header: 'B' },
];

describe('toCsv', () => {
  it('writes a header row and CRLF-terminated records', () => {
    assert.equal(toCsv(columns, [{ a: 'x', b: 1 }, { a: 'y', b: 2 }]), 'A,B\r\nx,1\r\ny,2\r\n');
  });

  it('writes only the header when there are no rows, in column order', () => {
    assert.equal(toCsv([{ key: 'z', header: 'Zed' }, { key: 'a', header: 'Ay' }], []), 'Zed,Ay\r\n');
  });

  it('quotes commas, quotes and line breaks', () => {
    const csv = toCsv(columns, [
      { a: 'one, two', b: 'say "hi"' },
      { a: 'line1\nline2', b: 'cr\rhere' },
      { a: 'windows\r\nbreak', b: 'plain' },
    ]);
    assert.equal(
      csv,
      'A,B\r\n"one, two","say ""hi"""\r\n"line1\nline2","cr\rhere"\r\n"windows\r\nbreak",plain\r\n',
    );
  });

  it('guards text cells that a spreadsheet would read as a formula', () => {
    const csv = toCsv(
      [{ key: 'v', header: 'v' }],
      ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', '=HYPERLINK("http://x","y")', 'safe=1', ''].map((v) => ({ v })),
    );
    assert.equal(
      csv,
      [
        'v',
        "'=1+1",
        "'+SUM(A1)",
        "'-2+3",
        "'@cmd",
        "'\tx",
        `"'\rx"`,
        `"'=HYPERLINK(""http://x"",""y"")"`,
        'safe=1',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('leaves JS numbers alone, negative ones included', () => {
    assert.equal(toCsv(columns, [{ a: -5, b: -0.25 }, { a: 0, b: 1e21 }]), 'A,B\r\n-5,-0.25\r\n0,1e+21\r\n');
  });

  it('joins arrays with ; and still guards the joined text', () => {
    const csv = toCsv(columns, [{ a: ['INC-1', 'INC-2'], b: ['-x', 'y'] }, { a: [], b: [new Date('2026-11-02T00:00:00Z'), null, 3] }]);
    assert.equal(csv, "A,B\r\nINC-1;INC-2,'-x;y\r\n,2026-11-02T00:00:00.000Z;;3\r\n");
  });

  it('writes null, undefined, missing keys and non-finite numbers as empty cells', () => {
    const csv = toCsv([{ key: 'a', header: 'A' }, { key: 'b', header: 'B' }, { key: 'c', header: 'C' }, { key: 'd', header: 'D' }], [
      { a: null, b: undefined, d: Number.NaN },
    ]);
    assert.equal(csv, 'A,B,C,D\r\n,,,\r\n');
  });

  it('writes Dates as ISO 8601, booleans as words, objects as JSON', () => {
    const csv = toCsv(
      [
        { key: 'when', header: 'when' },
        { key: 'ok', header: 'ok' },
        { key: 'meta', header: 'meta' },
      ],
      [{ when: new Date('2026-11-02T10:20:30.456Z'), ok: false, meta: { n: 1 } }],
    );
    assert.equal(csv, 'when,ok,meta\r\n2026-11-02T10:20:30.456Z,false,"{""n"":1}"\r\n');
  });
});
