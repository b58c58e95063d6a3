/**
 * CsvPriceHistory against the real files in ../shared/data/prices (read in place), and against malformed files written
 * to a temporary directory. Expected values are copied by hand from the CSV files (e.g. `grep ^2024-02-29,
 * SOL-USD.daily.csv` → 125.68 and `grep ^2024-03-01T00 SOL-USD.hourly.csv` → 125.68).
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvPriceHistory, PriceDataError } from '../../src/prices/csv.ts';
import { UserError } from '../../src/shared/errors.ts';
import { SHARED_PRICES, describeShared } from '../helpers/shared-dir.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const at = (iso: string): number => Date.parse(iso);

describeShared('CsvPriceHistory on the real price files', () => {
  const h = new CsvPriceHistory(SHARED_PRICES);

  it('lists every asset that has a daily or hourly file', () => {
    expect(h.assets()).toEqual(['BNSOL', 'BONK', 'BTC', 'ETH', 'JTO', 'JUP', 'MSOL', 'PYTH', 'RAY', 'SOL', 'USDC', 'USDT', 'WIF']);
  });

  it('reads SOL daily: 2092 rows, each stamped at the end of its UTC day', async () => {
    const s = await h.closes('SOL', { interval: '1d' });
    expect(s.asset).toBe('SOL');
    expect(s.interval).toBe('1d');
    expect(s.t).toHaveLength(2092);
    expect(s.close).toHaveLength(2092);
    // First row 2020-04-10,0.95105398 and last row 2025-12-31,124.65.
    expect(s.t[0]).toBe(at('2020-04-11T00:00:00Z'));
    expect(s.close[0]).toBe(0.95105398);
    expect(s.t.at(-1)).toBe(at('2026-01-01T00:00:00Z'));
    expect(s.close.at(-1)).toBe(124.65);
    // One row per day, no gaps.
    expect(s.t.every((t, i) => i === 0 || t - (s.t[i - 1] ?? 0) === DAY)).toBe(true);
  });

  it.each([
    ['2022-05-11', 50.9],
    ['2022-11-09', 14.08],
    ['2024-02-29', 125.68],
    ['2025-06-12', 152.32],
  ])('daily close of %s equals the hourly close at the next midnight (%s)', async (day, expected) => {
    const midnight = at(`${day}T00:00:00Z`) + DAY;
    const d = await h.closes('SOL', { interval: '1d', from: midnight, to: midnight });
    const hr = await h.closes('SOL', { interval: '1h', from: midnight, to: midnight });
    expect(d.t).toEqual([midnight]);
    expect(hr.t).toEqual([midnight]);
    expect(d.close).toEqual([expected]);
    expect(hr.close).toEqual([expected]);
  });

  it('daily and hourly agree at every common midnight, for SOL, BTC and ETH', async () => {
    for (const asset of ['SOL', 'BTC', 'ETH']) {
      const d = await h.closes(asset, { interval: '1d' });
      const hr = await h.closes(asset, { interval: '1h' });
      const hourly = new Map(hr.t.map((t, i) => [t, hr.close[i]]));
      let common = 0;
      d.t.forEach((t, i) => {
        if (!hourly.has(t)) return;
        common++;
        expect(hourly.get(t), `${asset} ${new Date(t).toISOString()}`).toBe(d.close[i]);
      });
      // 2022-01-02 .. 2025-06-13 (SOURCES.md checked 1,259 midnights).
      expect(common).toBeGreaterThanOrEqual(1259);
    }
  });

  it('keeps the missing 2023-03-24 13:00–14:00 candle as a gap: 13:00 is followed by 15:00', async () => {
    const s = await h.closes('SOL', { interval: '1h', from: at('2023-03-24T12:00:00Z'), to: at('2023-03-24T16:00:00Z') });
    expect(s.t.map((t) => new Date(t).toISOString())).toEqual([
      '2023-03-24T12:00:00.000Z', '2023-03-24T13:00:00.000Z', '2023-03-24T15:00:00.000Z', '2023-03-24T16:00:00.000Z',
    ]);
    expect(s.close).toEqual([21.73, 21.73, 21.45, 21.2]);
    const all = await h.closes('SOL', { interval: '1h' });
    expect(all.t).toHaveLength(30215);
    const steps = all.t.slice(1).map((t, i) => t - (all.t[i] ?? 0));
    expect(steps.filter((d) => d !== HOUR)).toEqual([2 * HOUR]);
  });

  it('filters by from/to (inclusive, on close times) and keeps the `limit` most recent', async () => {
    const q = async (query: { from?: number; to?: number; limit?: number }): Promise<number[]> =>
      (await h.closes('SOL', { interval: '1d', ...query })).close.slice();
    // Rows 2024-03-01..2024-03-05 of SOL-USD.daily.csv: 129.43, 130.02, 130.16, 133.27, 125.31; 671 rows from 2024-03-01.
    const mar1 = at('2024-03-02T00:00:00Z'); // close of 2024-03-01
    const mar5 = at('2024-03-06T00:00:00Z'); // close of 2024-03-05
    expect(await q({ from: mar1, to: mar5 })).toEqual([129.43, 130.02, 130.16, 133.27, 125.31]);
    expect(await q({ from: mar1 + 1, to: mar5 - 1 })).toEqual([130.02, 130.16, 133.27]);
    expect(await q({ from: mar1, to: mar5, limit: 2 })).toEqual([133.27, 125.31]);
    expect(await q({ to: mar5, limit: 1 })).toEqual([125.31]);
    expect(await q({ limit: 2 })).toEqual([125.01, 124.65]);
    expect(await q({ from: mar1, to: mar5, limit: 0 })).toEqual([]);
    expect(await q({ from: mar5, to: mar1 })).toEqual([]);
    expect(await q({ to: at('2020-01-01T00:00:00Z') })).toEqual([]);
    expect(await q({ from: at('2030-01-01T00:00:00Z') })).toEqual([]);
    expect((await h.closes('SOL', { interval: '1d', from: mar1 })).t).toHaveLength(671);
  });

  it('accepts lower-case symbols and hands out copies', async () => {
    const a = await h.closes('sol', { interval: '1d', limit: 3 });
    expect(a.asset).toBe('SOL');
    (a.close as number[])[0] = -1;
    (a.t as number[]).length = 0;
    const b = await h.closes('SOL', { interval: '1d', limit: 3 });
    expect(b.close).toEqual([123.28, 125.01, 124.65]);
    expect(b.t).toEqual([at('2025-12-30T00:00:00Z'), at('2025-12-31T00:00:00Z'), at('2026-01-01T00:00:00Z')]);
  });

  it('names the known assets when an asset or interval is unknown', async () => {
    const unknown = h.closes('DOGE', { interval: '1d' });
    await expect(unknown).rejects.toBeInstanceOf(UserError);
    await expect(unknown).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/DOGE.*BONK, BTC.*SOL.*WIF/) as unknown });
    await expect(h.closes('BONK', { interval: '1h' })).rejects.toMatchObject({
      code: 'not_found', message: 'No 1h price history for BONK. Assets with 1h history: BTC, ETH, SOL.',
    });
  });

  it('rejects a malformed query', async () => {
    await expect(h.closes('SOL', { interval: '5m' as '1h' })).rejects.toMatchObject({ code: 'bad_argument' });
    await expect(h.closes('SOL', { interval: '1d', limit: -1 })).rejects.toMatchObject({ code: 'bad_argument' });
    await expect(h.closes('SOL', { interval: '1d', from: NaN })).rejects.toMatchObject({ code: 'bad_argument' });
  });
});

describe('CsvPriceHistory on files written for the test', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-prices-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function failure(name: string, text: string, asset = 'X', interval: '1h' | '1d' = '1d'): Promise<PriceDataError> {
    await writeFile(join(dir, name), text);
    const err: unknown = await new CsvPriceHistory(dir).closes(asset, { interval }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PriceDataError);
    return err as PriceDataError;
  }

  it.each([
    ['a bad header', 'day,close\n2024-01-01,1\n', 1, /expected the header "date,close", got "day,close"/],
    ['an extra header column', 'date,close,volume\n2024-01-01,1,5\n', 1, /expected the header "date,close"/],
    ['unsorted rows', 'date,close\n2024-01-01,1\n2024-01-03,2\n2024-01-02,3\n', 4, /2024-01-02 does not come after the previous row's 2024-01-03/],
    ['a duplicate day', 'date,close\n2024-01-01,1\n2024-01-01,1\n', 3, /ascending, without duplicates/],
    ['a negative price', 'date,close\n2024-01-01,1\n2024-01-02,-5\n', 3, /close must be a positive finite number, got "-5"/],
    ['a zero price', 'date,close\n2024-01-01,0\n', 2, /positive/],
    ['a non-number', 'date,close\n2024-01-01,1\n2024-01-02,1\n2024-01-03,abc\n', 4, /close "abc" is not a number/],
    ['an empty close', 'date,close\n2024-01-01,\n', 2, /close "" is not a number/],
    ['a hex close', 'date,close\n2024-01-01,0x10\n', 2, /is not a number/],
    ['an impossible date', 'date,close\n2023-02-30,1\n', 2, /date "2023-02-30" is not a UTC calendar day/],
    ['a missing field', 'date,close\n2024-01-01,1\n2024-01-02\n', 3, /expected 2 fields \(date,close\), got 1/],
    ['an unclosed quote', 'date,close\n2024-01-01,1\n2024-01-02,"2\n', 3, /not valid CSV/],
  ])('fails on %s, naming the file and line', async (_what, text, line, message) => {
    const err = await failure('X-USD.daily.csv', text);
    expect(err.file).toBe(join(dir, 'X-USD.daily.csv'));
    expect(err.line).toBe(line);
    expect(err.message).toContain(`${join(dir, 'X-USD.daily.csv')}:${line}: `);
    expect(err.message).toMatch(message);
  });

  it('fails on an empty file', async () => {
    const err = await failure('X-USD.daily.csv', '');
    expect(err.message).toMatch(/empty file; expected the header "date,close"/);
  });

  it.each([
    ['a daily-style header', 'date,close\n2024-01-01T01:00:00Z,1\n', 1, /expected the header "timestamp,close"/],
    ['a local time', 'timestamp,close\n2024-01-01T01:00:00+02:00,1\n', 2, /not an ISO 8601 UTC time/],
    ['a time off the hour', 'timestamp,close\n2024-01-01T01:30:00Z,1\n', 2, /not on the hour/],
    ['a repeated hour', 'timestamp,close\n2024-01-01T01:00:00Z,1\n2024-01-01T02:00:00Z,1\n2024-01-01T02:00:00Z,1\n', 4, /timestamp 2024-01-01T02:00:00Z does not come after/],
  ])('fails on an hourly file with %s', async (_what, text, line, message) => {
    const err = await failure('X-USD.hourly.csv', text, 'X', '1h');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
  });

  it('reads CRLF line ends, a byte-order mark and blank lines, and counts lines for errors past them', async () => {
    await writeFile(join(dir, 'A-USD.daily.csv'), '\uFEFFdate,close\r\n2024-01-01,1.5\r\n\r\n2024-01-02,2\r\n');
    const s = await new CsvPriceHistory(dir).closes('A', { interval: '1d' });
    expect(s.t).toEqual([at('2024-01-02T00:00:00Z'), at('2024-01-03T00:00:00Z')]);
    expect(s.close).toEqual([1.5, 2]);
    const err = await failure('B-USD.daily.csv', 'date,close\n2024-01-01,1\n\n\n2024-01-02,x\n', 'B');
    expect(err.line).toBe(5);
  });

  it('reads each file once and keeps it; a file that failed is read again on the next query', async () => {
    const file = join(dir, 'A-USD.daily.csv');
    await writeFile(file, 'date,close\n2024-01-01,1\n');
    const h = new CsvPriceHistory(dir);
    expect((await h.closes('A', { interval: '1d' })).close).toEqual([1]);
    await writeFile(file, 'date,close\n2024-01-01,2\n');
    expect((await h.closes('A', { interval: '1d' })).close).toEqual([1]);
    expect(await readFile(file, 'utf8')).toContain(',2');

    const bad = join(dir, 'B-USD.daily.csv');
    await writeFile(bad, 'date,close\n2024-01-01,-1\n');
    await expect(h.closes('B', { interval: '1d' })).rejects.toBeInstanceOf(PriceDataError);
    await writeFile(bad, 'date,close\n2024-01-01,3\n');
    expect((await h.closes('B', { interval: '1d' })).close).toEqual([3]);
  });

  it('shares one read between concurrent first queries', async () => {
    await writeFile(join(dir, 'A-USD.daily.csv'), 'date,close\n2024-01-01,1\n2024-01-02,2\n');
    const h = new CsvPriceHistory(dir);
    const [a, b] = await Promise.all([h.closes('A', { interval: '1d' }), h.closes('A', { interval: '1d', limit: 1 })]);
    expect(a.close).toEqual([1, 2]);
    expect(b.close).toEqual([2]);
  });

  it('ignores other files and accepts a header-only file as an empty series', async () => {
    await writeFile(join(dir, 'A-USD.daily.csv'), 'date,close\n');
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, 'a-USD.daily.csv'), 'date,close\n');
    await writeFile(join(dir, 'B-EUR.daily.csv'), 'date,close\n');
    const h = new CsvPriceHistory(dir);
    expect(h.assets()).toEqual(['A']);
    expect(await h.closes('A', { interval: '1d' })).toEqual({ asset: 'A', interval: '1d', t: [], close: [] });
  });

  it('touches nothing when constructed; a missing directory has no assets and says where it looked', async () => {
    const missing = join(dir, 'nope');
    const h = new CsvPriceHistory(missing);
    expect(h.assets()).toEqual([]);
    await expect(h.closes('SOL', { interval: '1d' })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(missing) as unknown });
  });
});
