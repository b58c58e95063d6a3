/**
 * A local stand-in for Binance's public `GET /api/v3/klines` (node:http on 127.0.0.1, a free port, no network).
 *
 * Candles come from a deterministic generated series per symbol, from each market's listing up to the fake's clock
 * (`now`); the one containing `now` is the still-open candle, whose close moves with `now`. Selection follows Binance:
 * klines are identified by open time; startTime/endTime bound the open time (inclusive); with startTime the first
 * `limit` klines from it are returned, otherwise the last `limit` up to endTime (or now); limit defaults to 500 and is
 * capped at 1000. Errors have Binance's shape and codes: `{"code":-1121,"msg":"Invalid symbol."}` with HTTP 400, etc.
 *
 * Faults queued with `inject` apply to the next requests, one each: an HTTP status (429/418 with Retry-After, 500 …),
 * a dropped connection, or a slow answer. Every request is recorded, faulted or not.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const FAKE_INTERVALS: Readonly<Record<string, number>> = { '1h': HOUR, '1d': DAY };

export interface FakeMarket {
  /** Open time of the first candle of every interval (rounded up to each interval). */
  readonly listedAt: number;
  /** Price level the generated series moves around. */
  readonly base: number;
  /** Open times (per interval) with no candle, like a trading halt. */
  readonly missing?: Readonly<Record<string, readonly number[]>>;
}

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string; readonly body?: string }
  | { readonly kind: 'drop' }
  | { readonly kind: 'slow'; readonly ms: number };

export interface RecordedRequest {
  readonly path: string;
  readonly symbol: string | null;
  readonly interval: string | null;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly limit: number | undefined;
  readonly fault: Fault['kind'] | undefined;
}

export interface FakeBinance {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The fake's clock (epoch ms); candles exist up to it. */
  now: number;
  inject(...faults: Fault[]): void;
  /** The candles the fake serves for a symbol: open time and close, oldest first, the open one included. */
  candles(symbol: string, interval: string): { open: number; close: number }[];
  close(): Promise<void>;
}

/** A deterministic close for a candle (finished candles never change); the open candle also moves with `now`. */
function price(base: number, symbol: string, open: number, step: number): number {
  let h = 0;
  for (const c of symbol) h = (h * 31 + c.charCodeAt(0)) % 1000;
  const k = open / step;
  const v = base * (1 + 0.2 * Math.sin(k / 17 + h) + 0.05 * Math.sin(k * 1.3));
  return Math.round(v * 1e4) / 1e4;
}

function error(res: ServerResponse, status: number, code: number, msg: string): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify({ code, msg }));
}

function intParam(v: string | null): number | undefined | 'bad' {
  if (v === null) return undefined;
  return /^\d+$/.test(v) ? Number(v) : 'bad';
}

export async function startFakeBinance(opts: { markets: Readonly<Record<string, FakeMarket>>; now: number }): Promise<FakeBinance> {
  const faults: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const state = { now: opts.now };

  const candles = (symbol: string, interval: string): { open: number; close: number }[] => {
    const m = opts.markets[symbol];
    const step = FAKE_INTERVALS[interval];
    if (!m || step === undefined) return [];
    const missing = new Set(m.missing?.[interval] ?? []);
    const out: { open: number; close: number }[] = [];
    for (let open = Math.ceil(m.listedAt / step) * step; open <= state.now; open += step) {
      if (missing.has(open)) continue;
      const isOpen = open + step > state.now;
      // The open candle's close drifts with the clock, so caching it as final would show.
      const close = price(m.base, symbol, open, step) + (isOpen ? Math.round(((state.now - open) / step) * 100) / 100 : 0);
      out.push({ open, close });
    }
    return out;
  };

  const klines = (res: ServerResponse, url: URL): void => {
    const p = url.searchParams;
    const symbol = p.get('symbol');
    const interval = p.get('interval');
    if (!symbol) return error(res, 400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    if (!interval) return error(res, 400, -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.");
    if (!Object.hasOwn(opts.markets, symbol)) return error(res, 400, -1121, 'Invalid symbol.');
    const step = FAKE_INTERVALS[interval];
    if (step === undefined) return error(res, 400, -1120, 'Invalid interval.');
    const startTime = intParam(p.get('startTime'));
    const endTime = intParam(p.get('endTime'));
    const limitParam = intParam(p.get('limit'));
    if (startTime === 'bad' || endTime === 'bad' || limitParam === 'bad' || limitParam === 0) {
      return error(res, 400, -1100, 'Illegal characters found in a parameter.');
    }
    if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
      return error(res, 400, -1023, 'Start time is greater than end time.');
    }
    const limit = Math.min(limitParam ?? 500, 1000);
    const inRange = candles(symbol, interval).filter((c) =>
      (startTime === undefined || c.open >= startTime) && (endTime === undefined || c.open <= endTime));
    const page = startTime !== undefined ? inRange.slice(0, limit) : inRange.slice(Math.max(0, inRange.length - limit));
    const body = page.map((c) => {
      const close = c.close.toFixed(4);
      return [c.open, close, close, close, close, '1.00000000', c.open + step - 1, '1.00000000', 1, '0.5', '0.5', '0'];
    });
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = url.searchParams;
    const fault = faults.shift();
    requests.push({
      path: url.pathname, symbol: p.get('symbol'), interval: p.get('interval'),
      startTime: p.has('startTime') ? Number(p.get('startTime')) : undefined,
      endTime: p.has('endTime') ? Number(p.get('endTime')) : undefined,
      limit: p.has('limit') ? Number(p.get('limit')) : undefined,
      fault: fault?.kind,
    });
    const serve = (): void => {
      if (url.pathname !== '/api/v3/klines' || req.method !== 'GET') {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body>Not found</body></html>');
        return;
      }
      klines(res, url);
    };
    if (!fault) return serve();
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'slow') {
      const timer = setTimeout(() => { if (!res.destroyed) serve(); }, fault.ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
    if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
    res.writeHead(fault.status, headers);
    res.end(fault.body ?? JSON.stringify(
      fault.status === 429
        ? { code: -1003, msg: 'Too many requests; current limit of IP is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.' }
        : fault.status === 418
          ? { code: -1003, msg: 'Way too many requests; IP banned until 1700000000000. Please use WebSocket Streams for live updates to avoid bans.' }
          : { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
    ));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get now() {
      return state.now;
    },
    set now(v: number) {
      state.now = v;
    },
    inject: (...f) => { faults.push(...f); },
    candles,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}
