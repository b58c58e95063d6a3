/**
 * Price history from Binance's public spot klines endpoint (no key needed), for real mode:
 * `GET {baseUrl}/api/v3/klines?symbol=SOLUSDT&interval=1d|1h&startTime&endTime&limit=1000`.
 *
 * - Symbols: `<ASSET>USDT` (USDT-quoted, used as USD, as in SOURCES.md), e.g. SOL → SOLUSDT, USDC → USDCUSDT;
 *   `symbols` overrides the mapping per asset.
 * - Times: Binance identifies a kline by its open time; a point's `t` is the candle's END, openTime + interval
 *   (= closeTime + 1 ms), so a 1d kline opening 2024-02-29T00:00Z has t = 2024-03-01T00:00Z, exactly like the daily
 *   CSV files. A query's from/to apply to that t.
 * - The still-open candle: when a query reaches the present, Binance's last kline is the current, unfinished one. It
 *   is returned like the others (t in the future, close = the last trade so far), so the newest point is always the
 *   latest price; a caller that keeps closes for good (CachedPriceHistory) must drop points with t after now.
 * - Paging: at most 1,000 klines per request. Without `limit`, pages walk forward from `from` (or from the listing);
 *   with `limit`, they walk back from `to` (or now), so "the last 24 hours" is one request.
 * - Failures: every request has a timeout (AbortSignal.timeout). Network errors, timeouts and 5xx are retried with
 *   exponential backoff; 429/418 wait for Retry-After (or the backoff when absent) unless that is longer than
 *   `maxRetryAfterMs`. At most `maxRetries` retries per request, then a VenueError('Binance') naming the endpoint
 *   (symbol and interval only), the HTTP status and Binance's `{code, msg}`. Other 4xx fail at once.
 */
import type { HistoryQuery, Interval, PriceHistory, PriceSeries } from '../ports/index.ts';
import { UserError, VenueError } from '../shared/errors.ts';
import { checkQuery, INTERVAL_MS, sliceSeries } from './series.ts';

const VENUE = 'Binance';
/** Binance's largest page of klines. */
export const KLINES_PAGE = 1000;
/** The assets listed by default: the ones Vigil's paper market knows. */
export const DEFAULT_HTTP_ASSETS: readonly string[] = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'JTO', 'PYTH', 'RAY', 'WIF', 'USDC'];
const ASSET_RE = /^[A-Z0-9]{1,20}$/;

export interface HttpPriceHistoryOptions {
  /** Default https://api.binance.com. */
  readonly baseUrl?: string;
  /** What `assets()` lists. Default DEFAULT_HTTP_ASSETS. Other assets may still be asked for. */
  readonly assets?: readonly string[];
  /** Asset → Binance symbol where `<ASSET>USDT` is wrong. */
  readonly symbols?: Readonly<Record<string, string>>;
  /** Per request, including reading the body. Default 10 s. */
  readonly timeoutMs?: number;
  /** Retries per request after the first attempt. Default 4. */
  readonly maxRetries?: number;
  /** First backoff; doubles on each retry up to maxBackoffMs. Default 500 ms. */
  readonly backoffMs?: number;
  /** Default 8 s. */
  readonly maxBackoffMs?: number;
  /** A Retry-After longer than this fails at once instead of waiting. Default 60 s. */
  readonly maxRetryAfterMs?: number;
  /** Most pages one query may take (guards against a runaway walk). Default 100 (100,000 candles). */
  readonly maxPages?: number;
  /** How to wait between attempts (tests pass a recorder). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Default the global fetch. */
  readonly fetch?: typeof fetch;
}

interface Kline {
  readonly open: number;
  readonly close: number;
}

interface KlineParams {
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function apiError(text: string): { code: number; msg: string } | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (body !== null && typeof body === 'object' && 'code' in body && 'msg' in body) {
      const { code, msg } = body;
      if (typeof code === 'number' && typeof msg === 'string') return { code, msg: msg.slice(0, 200) };
    }
  } catch {
    // Not JSON (a proxy's HTML page …): the status says enough.
  }
  return undefined;
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const message = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : err instanceof Error ? err.message : String(err);
  return `network error: ${message}${typeof cause?.code === 'string' ? ` (${cause.code})` : ''}`;
}

export class HttpPriceHistory implements PriceHistory {
  readonly name = 'Binance klines';
  readonly baseUrl: string;
  private readonly list: readonly string[];
  private readonly symbols: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxPages: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchFn: typeof fetch;

  constructor(opts: HttpPriceHistoryOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? 'https://api.binance.com').replace(/\/+$/, '');
    this.list = (opts.assets ?? DEFAULT_HTTP_ASSETS).map((a) => a.toUpperCase());
    this.symbols = Object.fromEntries(Object.entries(opts.symbols ?? {}).map(([a, s]) => [a.toUpperCase(), s]));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxRetries = opts.maxRetries ?? 4;
    this.backoffMs = opts.backoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 8_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
    this.maxPages = opts.maxPages ?? 100;
    this.sleep = opts.sleep ?? realSleep;
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  assets(): readonly string[] {
    return this.list;
  }

  /** The Binance symbol an asset is quoted under. */
  symbolOf(asset: string): string {
    const name = asset.trim().toUpperCase();
    return Object.hasOwn(this.symbols, name) ? (this.symbols[name] as string) : `${name}USDT`;
  }

  async closes(asset: string, q: HistoryQuery): Promise<PriceSeries> {
    checkQuery(q);
    const name = asset.trim().toUpperCase();
    if (!ASSET_RE.test(name)) {
      throw new UserError('bad_argument', `"${asset.slice(0, 30)}" is not an asset symbol.`, `Known: ${this.list.join(', ')}`);
    }
    const symbol = this.symbolOf(name);
    const step = INTERVAL_MS[q.interval];
    const empty: PriceSeries = { asset: name, interval: q.interval, t: [], close: [] };
    // from ≤ t ≤ to with t = open + step  ⇔  from − step ≤ open ≤ to − step (open times are whole ms).
    const startTime = q.from === undefined ? undefined : Math.max(0, Math.ceil(q.from) - step);
    const endTime = q.to === undefined ? undefined : Math.floor(q.to) - step;
    if (q.limit === 0 || (endTime !== undefined && (endTime < 0 || (startTime !== undefined && startTime > endTime)))) return empty;

    const klines = q.limit === undefined
      ? await this.forward(symbol, q.interval, startTime ?? 0, endTime)
      : await this.backward(symbol, q.interval, startTime, endTime, q.limit);
    // Pages may overlap at their edges: keep one kline per open time, in order.
    const t: number[] = [];
    const close: number[] = [];
    for (const k of [...klines].sort((a, b) => a.open - b.open)) {
      const time = k.open + step;
      if (t[t.length - 1] === time) close[close.length - 1] = k.close;
      else {
        t.push(time);
        close.push(k.close);
      }
    }
    return sliceSeries(name, q.interval, t, close, q);
  }

  /** Oldest first from startTime until a short page or endTime. */
  private async forward(symbol: string, interval: Interval, startTime: number, endTime: number | undefined): Promise<Kline[]> {
    const out: Kline[] = [];
    let cursor = startTime;
    for (let page = 0; page < this.maxPages; page++) {
      const rows = await this.request(symbol, interval, { startTime: cursor, endTime, limit: KLINES_PAGE });
      out.push(...rows);
      const last = rows[rows.length - 1];
      if (rows.length < KLINES_PAGE || !last || (endTime !== undefined && last.open >= endTime)) return out;
      if (last.open < cursor) throw this.error(symbol, interval, 'klines came back out of order');
      cursor = last.open + 1;
    }
    throw this.error(symbol, interval, `the range needs more than ${this.maxPages} pages of ${KLINES_PAGE} klines; ask for a shorter one`);
  }

  /** Newest first back from endTime (or now) until `limit` klines, a short page, or startTime. */
  private async backward(
    symbol: string, interval: Interval, startTime: number | undefined, endTime: number | undefined, limit: number,
  ): Promise<Kline[]> {
    const pages: Kline[][] = [];
    let need = limit;
    let cursor = endTime;
    for (let page = 0; need > 0; page++) {
      if (page >= this.maxPages) {
        throw this.error(symbol, interval, `the range needs more than ${this.maxPages} pages of ${KLINES_PAGE} klines; ask for fewer`);
      }
      const n = Math.min(KLINES_PAGE, need);
      const rows = await this.request(symbol, interval, { endTime: cursor, limit: n });
      const kept = startTime === undefined ? rows : rows.filter((k) => k.open >= startTime);
      pages.unshift(kept);
      need -= kept.length;
      const first = rows[0];
      if (rows.length < n || !first || kept.length < rows.length) break;
      if (cursor !== undefined && first.open > cursor) throw this.error(symbol, interval, 'klines came back out of order');
      cursor = first.open - 1;
      if (cursor < 0) break;
    }
    return pages.flat();
  }

  private where(symbol: string, interval: Interval): string {
    return `GET ${this.baseUrl}/api/v3/klines?symbol=${symbol}&interval=${interval}`;
  }

  private error(symbol: string, interval: Interval, problem: string, options?: { programError?: string; cause?: unknown }): VenueError {
    return new VenueError(VENUE, `${VENUE}: ${this.where(symbol, interval)}: ${problem}`, options);
  }

  private backoff(attempt: number): number {
    return Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt);
  }

  /** One page, with timeout and bounded retries. */
  private async request(symbol: string, interval: Interval, p: KlineParams): Promise<Kline[]> {
    const params = new URLSearchParams({ symbol, interval });
    if (p.startTime !== undefined) params.set('startTime', String(p.startTime));
    if (p.endTime !== undefined) params.set('endTime', String(p.endTime));
    params.set('limit', String(p.limit));
    const url = `${this.baseUrl}/api/v3/klines?${params.toString()}`;
    for (let attempt = 0; ; attempt++) {
      const attempts = `${attempt + 1} attempt${attempt === 0 ? '' : 's'}`;
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const res = await this.fetchFn(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        text = await res.text();
      } catch (err) {
        if (attempt < this.maxRetries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw this.error(symbol, interval, `${describeNetworkError(err, this.timeoutMs)}, after ${attempts}`, { cause: err });
      }
      if (status >= 200 && status < 300) return this.parse(symbol, interval, text);

      const api = apiError(text);
      const detail = `HTTP ${status}${api ? `, code ${api.code}: ${api.msg}` : ''}`;
      const programError = api ? String(api.code) : undefined;
      const opts = programError === undefined ? undefined : { programError };
      if (status === 429 || status === 418) {
        const wait = parseRetryAfter(retryAfter) ?? this.backoff(attempt);
        if (attempt < this.maxRetries && wait <= this.maxRetryAfterMs) {
          await this.sleep(wait);
          continue;
        }
        const why = wait > this.maxRetryAfterMs ? `asks to wait ${Math.ceil(wait / 1000)} s` : `still limited after ${attempts}`;
        throw this.error(symbol, interval, `rate limited (${detail}); ${why}`, opts);
      }
      if (status >= 500) {
        if (attempt < this.maxRetries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw this.error(symbol, interval, `server error (${detail}), after ${attempts}`, opts);
      }
      if (api?.code === -1121) throw this.error(symbol, interval, `no such market ${symbol} (${detail})`, opts);
      throw this.error(symbol, interval, `request refused (${detail})`, opts);
    }
  }

  private parse(symbol: string, interval: Interval, text: string): Kline[] {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.error(symbol, interval, 'the answer is not JSON');
    }
    if (!Array.isArray(body)) throw this.error(symbol, interval, 'expected an array of klines');
    return body.map((row: unknown, i) => {
      const open = Array.isArray(row) ? (row[0] as unknown) : undefined;
      const raw = Array.isArray(row) ? (row[4] as unknown) : undefined;
      const close = typeof raw === 'string' ? Number(raw) : NaN;
      if (typeof open !== 'number' || !Number.isSafeInteger(open) || open < 0 || !(Number.isFinite(close) && close > 0)) {
        throw this.error(symbol, interval, `kline ${i} is malformed (expected [openTime, …, close, …] with a positive close)`);
      }
      return { open, close };
    });
  }
}
