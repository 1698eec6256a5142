import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RedactionTally } from './redaction-report.js';
import { StreamingTextRedactor } from './streaming-text-redactor.js';
import { redactDocumentText } from './text-redaction.js';

function run(input: Buffer, chunkSizes: number[], windowBytes: number): { output: string; total: number } {
  const tally = new RedactionTally();
  const pieces: Buffer[] = [];
  const redactor = new StreamingTextRedactor((text) => redactDocumentText(text, tally), (bytes) => pieces.push(bytes), windowBytes);
  let offset = 0;
  let turn = 0;
  while (offset < input.length) {
    const size = chunkSizes[turn++ % chunkSizes.length]!;
    redactor.write(input.subarray(offset, offset + size));
    offset += size;
  }
  redactor.flush();
  return { output: Buffer.concat(pieces).toString('utf8'), total: tally.count };
}

describe('StreamingTextRedactor', () => {
  const lines = Array.from({ length: 400 }, (_, i) => `${i} caf\u00e9 \ud83d\ude80 GET /api?access_token=tok${i}x${i}abc&page=${i} Authorization: Bearer bear${i}er${i}xyz\n`);
  const input = Buffer.from(lines.join(''), 'utf8');

  it('redacts every line whatever the chunking, with the same output', () => {
    const reference = run(input, [input.length], 1024);
    assert.equal(reference.total, 800);
    for (let i = 0; i < 400; i++) {
      assert.ok(!reference.output.includes(`tok${i}x${i}abc`));
      assert.ok(!reference.output.includes(`bear${i}er${i}xyz`));
    }
    assert.ok(reference.output.includes('café 🚀'));
    for (const sizes of [[1], [7], [3, 11, 64, 1], [65536]]) assert.deepEqual(run(input, sizes, 1024), reference, `chunks ${sizes.join(',')}`);
  });

  it('never splits a multi-byte character when a window has no line break', () => {
    const text = '\u2603'.repeat(3000);
    const { output } = run(Buffer.from(text, 'utf8'), [5], 1000);
    assert.equal(output, text);
  });
});
