import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { utcMs, zoneOffsetMinutes } from './timestamps.js';

/** What utcMs promises, said with Date: the instant, or null when the parts are not that date. */
function reference(year: number, month0: number, day: number, hour: number, minute: number, second: number, millis: number, offset: number): number | null {
  if (year < 1970 || year > 2200 || month0 < 0 || month0 > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = Date.UTC(year, month0, day, hour, minute, second, millis);
  return new Date(ms).getUTCDate() === day ? ms - offset * 60_000 : null;
}

describe('utcMs', () => {
  it('agrees with Date.UTC on every day of sampled years, month ends and leap days included', () => {
    for (const year of [1970, 1971, 1999, 2000, 2023, 2024, 2026, 2100, 2199, 2200]) {
      for (let month0 = 0; month0 < 12; month0++) {
        for (let day = 1; day <= 31; day++) {
          for (const [h, m, s, ms, off] of [
            [0, 0, 0, 0, 0],
            [23, 59, 59, 999, 0],
            [23, 59, 60, 0, 0],
            [12, 30, 60, 5, 330],
            [7, 8, 9, 250, -300],
          ] as const) {
            assert.equal(utcMs(year, month0, day, h, m, s, ms, off), reference(year, month0, day, h, m, s, ms, off), `${year}-${month0 + 1}-${day} ${h}:${m}:${s}`);
          }
        }
      }
    }
  });

  it('rejects what is not a date and keeps Date semantics for odd parts', () => {
    assert.equal(utcMs(2023, 1, 29, 0, 0, 0), null);
    assert.equal(utcMs(2024, 1, 29, 0, 0, 0), Date.UTC(2024, 1, 29));
    assert.equal(utcMs(1969, 11, 31, 0, 0, 0), null);
    assert.equal(utcMs(2024, 3, 31, 0, 0, 0), null);
    assert.equal(utcMs(Number.NaN, 0, 1, 0, 0, 0), null);
    assert.equal(utcMs(2024, 0, 1, 5, -1, 0), reference(2024, 0, 1, 5, -1, 0, 0, 0));
    assert.equal(utcMs(2024, 0, 1, 0, 0, 0, 1500), reference(2024, 0, 1, 0, 0, 0, 1500, 0));
  });

  it('reads numeric zones with and without a colon, and treats names and garbage as UTC', () => {
    const cases: Array<[string | undefined, number]> = [
      ['+0700', 420],
      ['-05:00', -300],
      ['+0530', 330],
      ['-0000', 0],
      ['Z', 0],
      ['UTC', 0],
      ['gmt', 0],
      [undefined, 0],
      ['+7', 0],
      ['+07:0', 0],
      ['+07x00', 0],
      ['+0a00', 0],
    ];
    for (const [zone, minutes] of cases) assert.equal(zoneOffsetMinutes(zone), minutes, String(zone));
  });
});
