/**
 * CachedPriceHistory over HttpPriceHistory and the local fake Binance (no network), with the in-memory and the lowdb
 * repositories as the cache. The fake records every request, so "served from the cache" is asserted as zero requests.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryQuery, PriceHistory, PriceSeries, Repositories } from '../../src/ports/index.ts';
import { CachedPriceHistory } from '../../src/prices/cached.ts';
import { HttpPriceHistory } from '../../src/prices/http.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { SCHEMA_VERSION } from '../../src/storage/schema.ts';
import { DAY, type FakeBinance, HOUR, startFakeBinance } from '../fakes/binance-klines.ts';

const NOW = Date.UTC(2025, 5, 13, 10, 30);
const HALT = Date.UTC(2023, 2, 24, 13);
const SETTLE = 60_000;

let fake: FakeBinance;
let clock: ManualClock;
let dir = '';
let files = 0;

beforeAll(async () => {
  fake = await startFakeBinance({
    now: NOW,
    markets: {
      SOLUSDT: { listedAt: Date.UTC(2020, 7, 11), base: 150, missing: { '1h': [HALT] } },
      BTCUSDT: { listedAt: Date.UTC(2017, 7, 17), base: 60_000 },
    },
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  clock = new ManualClock(NOW);
  fake.now = NOW;
  fake.requests.length = 0;
  dir = await mkdtemp(join(tmpdir(), 'vigil-candles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Moves the fake exchange and the cache's clock together. */
function advance(ms: number): void {
  clock.advance(ms);
  fake.now += ms;
}

function http(): HttpPriceHistory {
  return new HttpPriceHistory({ baseUrl: fake.url, backoffMs: 1, maxRetries: 2, sleep: () => Promise.resolve() });
}

function cached(repos: Repositories, source: PriceHistory = http()): CachedPriceHistory {
  return new CachedPriceHistory(source, repos.candles, { clock, settleMs: SETTLE });
}

/** The same query straight from the source, without counting its requests. */
async function direct(asset: string, q: HistoryQuery): Promise<PriceSeries> {
  const before = fake.requests.length;
  const s = await http().closes(asset, q);
  fake.requests.length = before;
  return s;
}

async function requestsFor(run: () => Promise<unknown>): Promise<number> {
  const before = fake.requests.length;
  await run();
  return fake.requests.length - before;
}

describe.each([
  { name: 'memory', open: (): Promise<Repositories> => Promise.resolve(memoryRepositories()) },
  // A new file per open, so stores opened within one test (property runs) never see each other.
  { name: 'lowdb', open: (): Promise<Repositories> => openLowdbRepositories(join(dir, `vigil-${++files}.json`)) },
])('CachedPriceHistory with $name repositories', ({ open }) => {
  let repos: Repositories;
  beforeEach(async () => {
    repos = await open();
  });
  afterEach(async () => {
    await repos.close();
  });

  it('serves a repeated past range with zero requests', async () => {
    const h = cached(repos);
    const q = { interval: '1h' as const, from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 3, 1) };
    const first = await h.closes('SOL', q);
    expect(first).toEqual(await direct('SOL', q));
    expect(first.t).toHaveLength(91 * 24 + 1);
    expect(fake.requests.length).toBeGreaterThan(1);
    expect(await requestsFor(async () => expect(await h.closes('SOL', q)).toEqual(first))).toBe(0);
    // Anything inside the cached span is free too.
    const inner = { interval: '1h' as const, from: Date.UTC(2024, 1, 1), to: Date.UTC(2024, 1, 2), limit: 5 };
    expect(await requestsFor(async () => expect(await h.closes('sol', inner)).toEqual(await direct('SOL', inner)))).toBe(0);
  });

  it('keeps a gap of the source as a gap and does not fetch it again', async () => {
    const h = cached(repos);
    const q = { interval: '1h' as const, from: HALT - 5 * HOUR, to: HALT + 5 * HOUR };
    const s = await h.closes('SOL', q);
    expect(s.t).toHaveLength(10);
    expect(s.t).not.toContain(HALT + HOUR);
    expect(await requestsFor(() => h.closes('SOL', q))).toBe(0);
  });

  it('up to the present: returns the open candle live, never stores it, and only fetches the new tail later', async () => {
    const h = cached(repos);
    const q = { interval: '1d' as const, from: Date.UTC(2025, 0, 1) };
    const first = await h.closes('SOL', q);
    expect(first).toEqual(await direct('SOL', q));
    // The last point is today's open candle (closes at midnight, after now) …
    expect(first.t.at(-1)).toBe(Date.UTC(2025, 5, 14));
    // … which the cache does not keep: its span ends a settle margin before now.
    const stored = await repos.candles.get('SOL', '1d');
    expect(stored?.t.at(-1)).toBe(Date.UTC(2025, 5, 13));
    expect(stored?.coveredTo).toBe(NOW - SETTLE);

    // Five hours later the open candle has moved; one request for the tail gets it fresh.
    advance(5 * HOUR);
    fake.requests.length = 0;
    const later = await h.closes('SOL', q);
    expect(later).toEqual(await direct('SOL', q));
    expect(later.close.at(-1)).not.toBe(first.close.at(-1));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.startTime).toBe(NOW - SETTLE + 1 - DAY);

    // Three days later: still one request, only for what closed since (and the open candle).
    advance(3 * DAY);
    fake.requests.length = 0;
    const after = await h.closes('SOL', q);
    expect(after).toEqual(await direct('SOL', q));
    expect(after.t.slice(-4)).toEqual([Date.UTC(2025, 5, 14), Date.UTC(2025, 5, 15), Date.UTC(2025, 5, 16), Date.UTC(2025, 5, 17)]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.startTime).toBe(NOW + 5 * HOUR - SETTLE + 1 - DAY);
    expect((await repos.candles.get('SOL', '1d'))?.t.at(-1)).toBe(Date.UTC(2025, 5, 16));
  });

  it('does not keep a candle that closed less than the settle margin ago', async () => {
    const h = cached(repos);
    advance(Date.UTC(2025, 5, 14, 0, 0, 30) - NOW); // 30 s after the daily close
    await h.closes('SOL', { interval: '1d', limit: 3 });
    expect((await repos.candles.get('SOL', '1d'))?.t.at(-1)).toBe(Date.UTC(2025, 5, 13));
    advance(60_000);
    await h.closes('SOL', { interval: '1d', limit: 3 });
    expect((await repos.candles.get('SOL', '1d'))?.t.at(-1)).toBe(Date.UTC(2025, 5, 14));
  });

  it('fetches only the older part when a query starts before the cached span', async () => {
    const h = cached(repos);
    const jun = { interval: '1d' as const, from: Date.UTC(2025, 5, 1), to: Date.UTC(2025, 5, 10) };
    await h.closes('SOL', jun);
    fake.requests.length = 0;
    const may = { interval: '1d' as const, from: Date.UTC(2025, 4, 1), to: Date.UTC(2025, 5, 10) };
    expect(await h.closes('SOL', may)).toEqual(await direct('SOL', may));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ startTime: Date.UTC(2025, 4, 1) - DAY, endTime: Date.UTC(2025, 5, 1) - 1 - DAY });
    expect(await requestsFor(() => h.closes('SOL', may))).toBe(0);
    expect(await repos.candles.get('SOL', '1d')).toMatchObject({ coveredFrom: Date.UTC(2025, 4, 1), coveredTo: Date.UTC(2025, 5, 10) });
  });

  it('with a limit, fetches only as many older points as it still needs', async () => {
    const h = cached(repos);
    const to = Date.UTC(2025, 5, 10);
    await h.closes('SOL', { interval: '1d', to, limit: 10 });
    fake.requests.length = 0;
    const s = await h.closes('SOL', { interval: '1d', to, limit: 30 });
    expect(s).toEqual(await direct('SOL', { interval: '1d', to, limit: 30 }));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ limit: 20, startTime: undefined });
    expect(await requestsFor(() => h.closes('SOL', { interval: '1d', to, limit: 25 }))).toBe(0);
  });

  it('learns where the history starts, so "everything" is fetched once', async () => {
    const h = cached(repos);
    const to = Date.UTC(2025, 0, 1);
    const all = await h.closes('SOL', { interval: '1d', to });
    expect(all).toEqual(await direct('SOL', { interval: '1d', to }));
    expect(await repos.candles.get('SOL', '1d')).toMatchObject({ coveredFrom: 0 });
    expect(await requestsFor(() => h.closes('SOL', { interval: '1d', to }))).toBe(0);
    expect(await requestsFor(() => h.closes('SOL', { interval: '1d', to, limit: 5_000 }))).toBe(0);
  });

  it('shares one fetch between concurrent identical queries', async () => {
    const h = cached(repos);
    const q = { interval: '1d' as const, from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 6, 1) };
    const [a, b] = await Promise.all([h.closes('SOL', q), h.closes('SOL', q)]);
    expect(a).toEqual(b);
    expect(fake.requests).toHaveLength(1);
  });

  it('stores nothing when the source fails, and the error passes through', async () => {
    const h = cached(repos);
    fake.inject(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })));
    await expect(h.closes('SOL', { interval: '1d', limit: 5 })).rejects.toThrow(/HTTP 500/);
    expect(await repos.candles.get('SOL', '1d')).toBeUndefined();
    expect((await h.closes('SOL', { interval: '1d', limit: 5 })).t).toHaveLength(5);
  });

  it('keeps assets and intervals apart', async () => {
    const h = cached(repos);
    const q = { interval: '1d' as const, from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 1, 1) };
    const sol = await h.closes('SOL', q);
    const btc = await h.closes('BTC', q);
    expect(btc.close).not.toEqual(sol.close);
    expect(await requestsFor(() => h.closes('SOL', { ...q, interval: '1h' }))).toBe(1);
    expect(await requestsFor(async () => {
      expect(await h.closes('BTC', q)).toEqual(btc);
      expect(await h.closes('SOL', q)).toEqual(sol);
    })).toBe(0);
  });

  it('always answers what the source would, whatever the sequence of queries and clock steps (property)', async () => {
    const anchor = Date.UTC(2025, 5, 1);
    const time = fc.integer({ min: -400, max: 400 }).map((k) => anchor + k * HOUR);
    const query = fc.record({
      interval: fc.constantFrom('1h' as const, '1d' as const),
      from: fc.option(time, { nil: undefined }),
      to: fc.option(time, { nil: undefined }),
      limit: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
      advance: fc.constantFrom(0, 0, 30_000, HOUR, 7 * HOUR),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(query, { minLength: 1, maxLength: 6 }), async (steps) => {
        clock = new ManualClock(NOW);
        fake.now = NOW;
        const store = await open();
        const h = cached(store);
        for (const step of steps) {
          advance(step.advance);
          // Without from and limit, an hourly query reaches back to 2020: keep runs short.
          const from = step.from ?? (step.limit === undefined ? anchor - 500 * HOUR : undefined);
          const q: HistoryQuery = {
            interval: step.interval, ...(from === undefined ? {} : { from }),
            ...(step.to === undefined ? {} : { to: step.to }), ...(step.limit === undefined ? {} : { limit: step.limit }),
          };
          expect(await h.closes('SOL', q)).toEqual(await direct('SOL', q));
        }
        await store.close();
      }),
      { numRuns: 40 },
    );
  });
});

describe('CachedPriceHistory on a lowdb file', () => {
  it('keeps what it fetched across close and reopen: the same query then makes no request', async () => {
    const file = join(dir, 'data', 'vigil.json');
    const q = { interval: '1h' as const, from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 1, 1) };
    const a = await openLowdbRepositories(file);
    const first = await cached(a).closes('SOL', q);
    expect(first.t).toHaveLength(31 * 24 + 1);
    await a.close();

    const doc = JSON.parse(await readFile(file, 'utf8')) as { schemaVersion: number; candles: Record<string, { t: number[] }> };
    expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
    expect(Object.keys(doc.candles)).toEqual(['SOL:1h']);
    expect(doc.candles['SOL:1h']?.t).toHaveLength(31 * 24 + 1);

    fake.requests.length = 0;
    const b = await openLowdbRepositories(file);
    expect(await cached(b).closes('SOL', q)).toEqual(first);
    expect(fake.requests).toHaveLength(0);
    // A later query only fetches what is newer than the last cached close.
    const more = { ...q, to: Date.UTC(2025, 1, 2) };
    expect(await cached(b).closes('SOL', more)).toEqual(await direct('SOL', more));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.startTime).toBe(q.to + 1 - HOUR);
    await b.close();
  });
});
