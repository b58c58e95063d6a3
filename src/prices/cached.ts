/**
 * A PriceHistory that keeps what another one returns in a CandleCacheRepo and asks it only for what is missing.
 *
 * The cache holds, per asset and interval, one run of closes and the span [coveredFrom, coveredTo] it is complete for
 * (see CandleSeries). A query is answered from that span, plus at most two fetches from the source:
 * - the tail: everything after coveredTo, up to the query's `to` (or the present), when the query reaches past it;
 * - the head: everything from the query's `from` (or the beginning) up to coveredFrom, when it starts before it (with
 *   `limit` and no `from`, only as many older points as the limit still needs).
 * Fetches always start or end right at the cached span, so it stays one contiguous run and a missing candle inside it
 * is a real gap in the source, never a hole in the cache.
 *
 * Past closes never change, so they are kept for good. The still-open candle does: its "close" is the latest trade.
 * A point counts as final only once its close time t is at least `settleMs` (default 60 s, a margin for clock skew
 * against the exchange) in the past by the injected clock; later points are returned to the caller as the source gave
 * them but never stored, and the covered span ends at now − settleMs. So a query that reaches the present always makes
 * one request, for the tail since the last final close (the open candle included), and nothing older is fetched again.
 *
 * Concurrent queries for the same asset and interval run one after the other, so the second sees what the first stored.
 * Source errors propagate and store nothing.
 */
import type { CandleCacheRepo, CandleSeries, Clock, HistoryQuery, Interval, PriceHistory, PriceSeries } from '../ports/index.ts';
import { systemClock } from '../shared/clock.ts';
import { checkQuery, INTERVAL_MS, sliceSeries } from './series.ts';

export interface CachedPriceHistoryOptions {
  /** Default the system clock. */
  readonly clock?: Clock;
  /** How long after its close time a candle counts as final and is stored. Default 60 s. */
  readonly settleMs?: number;
}

interface Points {
  t: number[];
  close: number[];
}

export class CachedPriceHistory implements PriceHistory {
  readonly name: string;
  private readonly source: PriceHistory;
  private readonly cache: CandleCacheRepo;
  private readonly clock: Clock;
  private readonly settleMs: number;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(source: PriceHistory, cache: CandleCacheRepo, opts: CachedPriceHistoryOptions = {}) {
    this.source = source;
    this.cache = cache;
    this.clock = opts.clock ?? systemClock;
    this.settleMs = opts.settleMs ?? 60_000;
    this.name = `${source.name} (cached)`;
  }

  assets(): readonly string[] {
    return this.source.assets();
  }

  async closes(asset: string, q: HistoryQuery): Promise<PriceSeries> {
    checkQuery(q);
    const name = asset.trim().toUpperCase();
    if (q.limit === 0 || (q.from !== undefined && q.to !== undefined && q.from > q.to)) {
      return { asset: name, interval: q.interval, t: [], close: [] };
    }
    return this.serially(`${name}:${q.interval}`, () => this.answer(name, q));
  }

  private serially<T>(key: string, run: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(run, run);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }

  /** Stores the final points of `p` (t ≤ settled) as covering [from, min(to, settled)]. */
  private async store(asset: string, interval: Interval, p: Points, from: number, to: number, settled: number): Promise<void> {
    const coveredTo = Math.min(to, settled);
    if (coveredTo < from) return;
    const n = p.t.filter((t) => t <= coveredTo).length;
    await this.cache.merge(asset, interval, { t: p.t.slice(0, n), close: p.close.slice(0, n), coveredFrom: from, coveredTo });
  }

  private async answer(asset: string, q: HistoryQuery): Promise<PriceSeries> {
    const settled = this.clock.now() - this.settleMs;
    const from = q.from ?? 0;
    const to = q.to ?? Infinity;
    const cached = await this.cache.get(asset, q.interval);

    if (!cached) {
      const got = await this.source.closes(asset, q);
      const p = { t: [...got.t], close: [...got.close] };
      // With a limit that was reached, the source may hold older points than the oldest returned.
      const complete = q.limit === undefined || p.t.length < q.limit;
      const coveredFrom = complete ? from : (p.t[0] ?? from);
      await this.store(asset, q.interval, p, coveredFrom, to, settled);
      return sliceSeries(asset, q.interval, p.t, p.close, q);
    }

    const { coveredFrom, coveredTo } = cached;
    let head: Points = { t: [], close: [] };
    let tail: Points = { t: [], close: [] };
    if (to > coveredTo) {
      const got = await this.source.closes(asset, { interval: q.interval, from: coveredTo + 1, ...(q.to === undefined ? {} : { to: q.to }) });
      tail = keep(got, (t) => t > coveredTo);
      await this.store(asset, q.interval, tail, coveredTo + 1, to, settled);
    }
    if (from < coveredFrom) head = await this.fetchHead(asset, q, cached, tail, settled);
    // head < coveredFrom ≤ cached ≤ coveredTo < tail: concatenated, they stay in order.
    return sliceSeries(asset, q.interval, [...head.t, ...cached.t, ...tail.t], [...head.close, ...cached.close, ...tail.close], q);
  }

  /** The older points a query needs from before the cached span, stored as they come; oldest first. */
  private async fetchHead(asset: string, q: HistoryQuery, cached: CandleSeries, tail: Points, settled: number): Promise<Points> {
    const from = q.from ?? 0;
    const to = q.to ?? Infinity;
    let head: Points = { t: [], close: [] };
    let edge = cached.coveredFrom;
    const base: HistoryQuery = { interval: q.interval, ...(q.from === undefined ? {} : { from: q.from }) };
    if (q.limit === undefined) {
      // Everything from `from` up to the cached span (even past `to`, so the span stays contiguous).
      const got = keep(await this.source.closes(asset, { ...base, to: edge - 1 }), (t) => t < edge);
      await this.store(asset, q.interval, got, from, edge - 1, settled);
      return got;
    }
    // Only as many as the limit still needs. Points between `to` and the span do not count toward it, so ask for as
    // many more as can fit there (one per interval); a source with irregular points may take another round.
    const step = INTERVAL_MS[q.interval];
    for (;;) {
      const have = countIn(head.t, from, to) + countIn(cached.t, from, to) + countIn(tail.t, from, to);
      const need = q.limit - have;
      if (need <= 0 || edge <= from) return head;
      const between = to < edge - 1 ? Math.floor((edge - 1 - to) / step) + 1 : 0;
      const ask = need + between;
      const got = keep(await this.source.closes(asset, { ...base, to: edge - 1, limit: ask }), (t) => t < edge);
      // Fewer than asked: the source has nothing older, back to `from`.
      const complete = got.t.length < ask;
      const start = complete ? from : (got.t[0] ?? from);
      await this.store(asset, q.interval, got, start, edge - 1, settled);
      head = { t: [...got.t, ...head.t], close: [...got.close, ...head.close] };
      if (complete) return head;
      edge = start;
    }
  }
}

function keep(s: PriceSeries, ok: (t: number) => boolean): Points {
  const out: Points = { t: [], close: [] };
  s.t.forEach((t, i) => {
    if (ok(t)) {
      out.t.push(t);
      out.close.push(s.close[i] ?? NaN);
    }
  });
  return out;
}

function countIn(t: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const x of t) if (x >= from && x <= to) n++;
  return n;
}
