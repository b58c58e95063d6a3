/** HttpPriceHistory against a local fake of Binance's klines endpoint (test/fakes/binance-klines.ts): no network. */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_ASSETS, HttpPriceHistory, type HttpPriceHistoryOptions, parseRetryAfter } from '../../src/prices/http.ts';
import { UserError, VenueError } from '../../src/shared/errors.ts';
import { DAY, type FakeBinance, HOUR, startFakeBinance } from '../fakes/binance-klines.ts';

// 10:30 UTC: the 10:00–11:00 hourly candle and the day's candle are still open.
const NOW = Date.UTC(2025, 5, 13, 10, 30);
const HALT = Date.UTC(2023, 2, 24, 13); // open time of a missing hourly candle

let fake: FakeBinance;
let sleeps: number[] = [];

beforeAll(async () => {
  fake = await startFakeBinance({
    now: NOW,
    markets: {
      SOLUSDT: { listedAt: Date.UTC(2020, 7, 11), base: 150, missing: { '1h': [HALT] } },
      BTCUSDT: { listedAt: Date.UTC(2017, 7, 17), base: 60_000 },
      USDCUSDT: { listedAt: Date.UTC(2018, 11, 15), base: 1 },
      WSOLUSDT: { listedAt: Date.UTC(2024, 0, 1), base: 150 },
    },
  });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
  fake.now = NOW;
  sleeps = [];
});

function source(opts: HttpPriceHistoryOptions = {}): HttpPriceHistory {
  return new HttpPriceHistory({
    baseUrl: fake.url, backoffMs: 10, maxRetries: 3, timeoutMs: 2_000,
    sleep: (ms) => { sleeps.push(ms); return Promise.resolve(); },
    ...opts,
  });
}

/** What a query should return, computed straight from the fake's candles. */
function expected(symbol: string, interval: '1h' | '1d', q: { from?: number; to?: number; limit?: number }): { t: number[]; close: number[] } {
  const step = interval === '1h' ? HOUR : DAY;
  let rows = fake.candles(symbol, interval).map((c) => ({ t: c.open + step, close: Number(c.close.toFixed(4)) }))
    .filter((r) => (q.from === undefined || r.t >= q.from) && (q.to === undefined || r.t <= q.to));
  if (q.limit !== undefined) rows = rows.slice(Math.max(0, rows.length - q.limit));
  return { t: rows.map((r) => r.t), close: rows.map((r) => r.close) };
}

describe('HttpPriceHistory', () => {
  it('pages forward over more than 1000 daily candles, stamping each at its close (open + 1 day)', async () => {
    const s = await source().closes('SOL', { interval: '1d' });
    const want = expected('SOLUSDT', '1d', {});
    expect(want.t.length).toBeGreaterThan(1000);
    expect(s).toEqual({ asset: 'SOL', interval: '1d', ...want });
    expect(s.t[0]).toBe(Date.UTC(2020, 7, 12));
    // The last point is today's still-open candle: its close time is in the future.
    expect(s.t.at(-1)).toBe(Date.UTC(2025, 5, 14));
    expect(fake.requests.map((r) => [r.symbol, r.interval, r.startTime, r.endTime, r.limit])).toEqual([
      ['SOLUSDT', '1d', 0, undefined, 1000],
      ['SOLUSDT', '1d', Date.UTC(2020, 7, 11) + 999 * DAY + 1, undefined, 1000],
    ]);
  });

  it('pages forward across 2,500 hourly candles between from and to, keeping the exchange halt as a gap', async () => {
    const from = HALT - 1_200 * HOUR;
    const to = HALT + 1_300 * HOUR;
    const s = await source().closes('sol', { interval: '1h', from, to });
    const want = expected('SOLUSDT', '1h', { from, to });
    expect(want.t).toHaveLength(2_500);
    expect(s.t).toEqual(want.t);
    expect(s.close).toEqual(want.close);
    expect(s.t).toContain(HALT);
    expect(s.t).not.toContain(HALT + HOUR);
    expect(fake.requests).toHaveLength(3);
    // Each page starts 1 ms after the last open time seen; the second page spans the halt, so it reaches an hour further.
    const start = from - HOUR;
    expect(fake.requests.map((r) => r.startTime)).toEqual([start, start + 999 * HOUR + 1, start + 2_000 * HOUR + 1]);
    expect(fake.requests.every((r) => r.endTime === to - HOUR && r.limit === 1000)).toBe(true);
  });

  it('walks back from the present for `limit`: 2,500 hourly candles in 3 requests, the open candle last', async () => {
    const s = await source().closes('SOL', { interval: '1h', limit: 2_500 });
    expect(s).toEqual({ asset: 'SOL', interval: '1h', ...expected('SOLUSDT', '1h', { limit: 2_500 }) });
    expect(s.t.at(-1)).toBe(Date.UTC(2025, 5, 13, 11));
    const open = (n: number): number => Date.UTC(2025, 5, 13, 10) - n * HOUR;
    expect(fake.requests.map((r) => [r.startTime, r.endTime, r.limit])).toEqual([
      [undefined, undefined, 1000],
      [undefined, open(999) - 1, 1000],
      [undefined, open(1999) - 1, 500],
    ]);
  });

  it('answers "the last 24 hours" with one request', async () => {
    const s = await source().closes('SOL', { interval: '1h', limit: 24 });
    expect(s.t).toHaveLength(24);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ startTime: undefined, endTime: undefined, limit: 24 });
  });

  it('with limit and from, stops walking back at from', async () => {
    const from = Date.UTC(2025, 5, 1);
    const s = await source().closes('SOL', { interval: '1d', from, limit: 500 });
    expect(s.t).toEqual(expected('SOLUSDT', '1d', { from, limit: 500 }).t);
    expect(s.t[0]).toBe(from);
    expect(fake.requests).toHaveLength(1);
  });

  it('matches slicing the full series for any from/to/limit (property)', async () => {
    const h = source();
    const anchor = Date.UTC(2025, 3, 1);
    const time = fc.integer({ min: -3_000, max: 3_000 }).map((k) => anchor + k * HOUR + (k % 7 === 0 ? 1_234 : 0));
    await fc.assert(
      fc.asyncProperty(fc.option(time, { nil: undefined }), fc.option(time, { nil: undefined }), fc.option(fc.integer({ min: 0, max: 2_100 }), { nil: undefined }),
        fc.constantFrom('1h' as const, '1d' as const), async (from, to, limit, interval) => {
          if (from === undefined && limit === undefined && interval === '1h') return; // all of history: too slow here
          const q = { interval, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(limit === undefined ? {} : { limit }) };
          const s = await h.closes('SOL', q);
          expect({ t: s.t, close: s.close }).toEqual(expected('SOLUSDT', interval, { from, to, limit }));
        }),
      { numRuns: 40 },
    );
  });

  it('makes no request for an empty range, a zero limit or an end before 1970', async () => {
    const h = source();
    expect((await h.closes('SOL', { interval: '1d', from: 10 * DAY, to: 5 * DAY })).t).toEqual([]);
    expect((await h.closes('SOL', { interval: '1d', limit: 0 })).t).toEqual([]);
    expect((await h.closes('SOL', { interval: '1d', to: 1_000 })).t).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps assets to USDT symbols, with overrides; lists the default assets', async () => {
    const h = source({ symbols: { msol: 'WSOLUSDT' } });
    expect(h.assets()).toEqual(DEFAULT_HTTP_ASSETS);
    expect(h.symbolOf('USDC')).toBe('USDCUSDT');
    expect(h.symbolOf('sol')).toBe('SOLUSDT');
    expect(h.symbolOf('MSOL')).toBe('WSOLUSDT');
    await h.closes('USDC', { interval: '1d', limit: 2 });
    await h.closes('mSOL', { interval: '1d', limit: 2 });
    expect(fake.requests.map((r) => r.symbol)).toEqual(['USDCUSDT', 'WSOLUSDT']);
    expect(source({ assets: ['sol', 'BTC'] }).assets()).toEqual(['SOL', 'BTC']);
  });

  it('turns an unknown symbol into a VenueError carrying HTTP 400 and Binance code -1121, without retrying', async () => {
    const err: unknown = await source().closes('NOPE', { interval: '1d', from: DAY * 20_000, to: DAY * 20_010 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect(err).toMatchObject({ venue: 'Binance', programError: '-1121' });
    expect((err as Error).message).toBe(
      `Binance: GET ${fake.url}/api/v3/klines?symbol=NOPEUSDT&interval=1d: no such market NOPEUSDT (HTTP 400, code -1121: Invalid symbol.)`,
    );
    // Only symbol and interval: no times or limits in the message.
    expect((err as Error).message).not.toMatch(/startTime|endTime|limit/);
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects an asset that cannot be a symbol before asking anything', async () => {
    await expect(source().closes('SOL/USDT&x=1', { interval: '1d' })).rejects.toBeInstanceOf(UserError);
    await expect(source().closes('SOL', { interval: '1w' as '1d' })).rejects.toMatchObject({ code: 'bad_argument' });
    expect(fake.requests).toHaveLength(0);
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    fake.inject({ kind: 'status', status: 429, retryAfter: '2' });
    const s = await source().closes('SOL', { interval: '1h', limit: 5 });
    expect(s.t).toHaveLength(5);
    expect(sleeps).toEqual([2_000]);
    expect(fake.requests.map((r) => r.fault)).toEqual(['status', undefined]);
  });

  it('waits for real when no sleep is injected (Retry-After: 1)', async () => {
    fake.inject({ kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    const h = new HttpPriceHistory({ baseUrl: fake.url });
    expect((await h.closes('SOL', { interval: '1d', limit: 1 })).t).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests).toHaveLength(2);
  });

  it('backs off on 429 without Retry-After, and gives up after maxRetries', async () => {
    fake.inject(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 429 })));
    const err: unknown = await source().closes('SOL', { interval: '1d', limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as Error).message).toMatch(/rate limited \(HTTP 429, code -1003: Too many requests.*\); still limited after 4 attempts$/);
    expect(sleeps).toEqual([10, 20, 40]);
    expect(fake.requests).toHaveLength(4);
  });

  it('fails at once on a 418 ban whose Retry-After is longer than it will wait', async () => {
    fake.inject({ kind: 'status', status: 418, retryAfter: '3600' });
    const err: unknown = await source().closes('SOL', { interval: '1d', limit: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ venue: 'Binance', programError: '-1003' });
    expect((err as Error).message).toMatch(/rate limited \(HTTP 418, code -1003: Way too many requests.*\); asks to wait 3600 s$/);
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 5xx with exponential backoff, then succeeds', async () => {
    fake.inject({ kind: 'status', status: 500 }, { kind: 'status', status: 503, body: '<html>busy</html>' });
    const s = await source().closes('SOL', { interval: '1d', limit: 3 });
    expect(s.t).toEqual(expected('SOLUSDT', '1d', { limit: 3 }).t);
    expect(sleeps).toEqual([10, 20]);
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up on 5xx after maxRetries with the status and Binance code', async () => {
    fake.inject(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })));
    const err: unknown = await source({ maxRetries: 2 }).closes('SOL', { interval: '1d', limit: 1 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/server error \(HTTP 500, code -1001: Internal error; .*\), after 3 attempts$/);
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a dropped connection, and names it when it keeps happening', async () => {
    fake.inject({ kind: 'drop' });
    expect((await source().closes('SOL', { interval: '1d', limit: 2 })).t).toHaveLength(2);
    expect(fake.requests.map((r) => r.fault)).toEqual(['drop', undefined]);
    fake.requests.length = 0;

    fake.inject(...Array.from({ length: 4 }, () => ({ kind: 'drop' as const })));
    const err: unknown = await source().closes('SOL', { interval: '1d', limit: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as Error).message).toMatch(/network error: .+, after 4 attempts$/);
    expect((err as Error).cause).toBeDefined();
    expect(fake.requests).toHaveLength(4);
  });

  it('times out a slow answer and retries it; keeps failing → a timeout error', async () => {
    fake.inject({ kind: 'slow', ms: 1_000 });
    expect((await source({ timeoutMs: 150 }).closes('SOL', { interval: '1d', limit: 2 })).t).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
    fake.requests.length = 0;

    fake.inject(...Array.from({ length: 2 }, () => ({ kind: 'slow' as const, ms: 1_000 })));
    const started = Date.now();
    const err: unknown = await source({ timeoutMs: 150, maxRetries: 1 }).closes('SOL', { interval: '1d', limit: 2 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no answer within 150 ms, after 2 attempts$/);
    expect(Date.now() - started).toBeLessThan(900);
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects an answer that is not klines, without retrying', async () => {
    fake.inject({ kind: 'status', status: 200, body: 'not json' });
    await expect(source().closes('SOL', { interval: '1d', limit: 1 })).rejects.toThrow(/the answer is not JSON/);
    fake.inject({ kind: 'status', status: 200, body: '[[1, "1", "1", "1", "-3"]]' });
    await expect(source().closes('SOL', { interval: '1d', limit: 1 })).rejects.toThrow(/kline 0 is malformed/);
    fake.inject({ kind: 'status', status: 200, body: '{"a":1}' });
    await expect(source().closes('SOL', { interval: '1d', limit: 1 })).rejects.toThrow(/expected an array of klines/);
    expect(fake.requests).toHaveLength(3);
  });

  it('refuses other 4xx at once, with or without a Binance body', async () => {
    fake.inject({ kind: 'status', status: 403, body: '<html>WAF</html>' });
    await expect(source().closes('SOL', { interval: '1d', limit: 1 })).rejects.toThrow(/request refused \(HTTP 403\)$/);
    expect(fake.requests).toHaveLength(1);
  });

  it('bounds a runaway walk with maxPages', async () => {
    await expect(source({ maxPages: 1 }).closes('SOL', { interval: '1d' })).rejects.toThrow(/more than 1 pages of 1000 klines/);
    await expect(source({ maxPages: 1 }).closes('SOL', { interval: '1h', limit: 1_500 })).rejects.toThrow(/more than 1 pages/);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2016, 0, 1))).toBe(0);
  });
});
