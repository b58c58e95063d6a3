/**
 * The signals oracle: parsing (CSV and JSON, Numerai-style column names), the latest score per asset, staleness,
 * unknown assets, and the documented mapping (src/oracles/signals.ts) checked with exact numbers; read from a file
 * and from a local HTTP server (plain http on 127.0.0.1, so allow-listed as an admin would for a local setup; the
 * URL rules themselves are in url-fetch.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracle, type OracleDeps } from '../../src/oracles/index.ts';
import { capWeights, parseSignalDate, parseSignals, percentileRanks, pickScores, signalsOracle, signalWeights } from '../../src/oracles/signals.ts';

const AT = Date.UTC(2026, 10, 21, 9); // 2026-11-21 09:00 UTC
const KNOWN = ['SOL', 'BTC', 'ETH', 'JUP', 'WIF', 'USDC'];
const CSV = [
  'asset,score,date',
  'SOL,0.10,2026-11-13',
  'BTC,0.20,2026-11-13',
  'SOL,0.90,2026-11-20',
  'BTC,0.50,2026-11-20',
  'ETH,0.20,2026-11-20',
  'JUP,0.70,2026-11-20',
  'SOL,0.05,2026-11-27', // after `at`: ignored (no look-ahead)
  'DOGE,0.99,2026-11-20', // unknown: dropped with a note
  'WIF,0.80,2026-11-01', // 20 days old: stale, dropped with a note
  '',
].join('\n');
const JSON_ROWS = JSON.stringify([
  { numerai_ticker: 'sol', signal: 0.9, friday_date: 20261120 },
  { numerai_ticker: 'btc', signal: 0.5, friday_date: 20261120 },
  { numerai_ticker: 'eth', signal: 0.2, friday_date: '2026-11-20' },
  { numerai_ticker: 'jup', signal: 0.7, friday_date: '2026-11-20T00:00:00Z' },
]);

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-signals-'));
  writeFileSync(join(dir, 'signals.csv'), CSV);
  writeFileSync(join(dir, 'signals.json'), JSON_ROWS);
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/signals.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' }).end(CSV);
    } else if (path === '/signals.json') {
      if (!(req.url ?? '').includes('key=s3cret')) res.writeHead(403).end('forbidden');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON_ROWS);
    } else if (path === '/down') {
      res.writeHead(503).end('maintenance');
    } else if (path === '/slow') {
      // never answers
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** The local test server's address, as WEIGHTS_URL_ALLOW would list it. */
const LOCAL = ['127.0.0.1'];

const deps = (signals: OracleDeps['signals'] = {}): OracleDeps => ({
  universe: [], returns: () => Promise.reject(new Error('unused')), periodsPerYear: 365, knownAssets: KNOWN, baseDir: dir, signals: { urlAllow: LOCAL, ...signals },
});

describe('signals mapping (exact numbers, as documented)', () => {
  it('rank-normalised: ranks ETH 1, BTC 2, JUP 3, SOL 4 → s = 0.25 … 1 → 10%, 20%, 30%, 40%', () => {
    expect(percentileRanks({ SOL: 0.9, BTC: 0.5, ETH: 0.2, JUP: 0.7 })).toEqual({ ETH: 0.25, BTC: 0.5, JUP: 0.75, SOL: 1 });
    const w = signalWeights({ SOL: 0.9, BTC: 0.5, ETH: 0.2, JUP: 0.7 }, {}, 'test');
    expect(Object.keys(w)).toEqual(['BTC', 'ETH', 'JUP', 'SOL']);
    expect(w.ETH).toBeCloseTo(0.1, 15);
    expect(w.BTC).toBeCloseTo(0.2, 15);
    expect(w.JUP).toBeCloseTo(0.3, 15);
    expect(w.SOL).toBeCloseTo(0.4, 15);
  });

  it('ties share their average rank (pandas rank(pct=True))', () => {
    expect(percentileRanks({ A: 0.3, B: 0.3, C: 0.9 })).toEqual({ A: 0.5, B: 0.5, C: 1 });
    expect(signalWeights({ A: 0.3, B: 0.3, C: 0.9 }, {}, 't')).toEqual({ A: 0.25, B: 0.25, C: 0.5 });
  });

  it('top 3: BTC 2/9, JUP 1/3, SOL 4/9 (ties at the cut broken by name)', () => {
    const w = signalWeights({ SOL: 0.9, BTC: 0.5, ETH: 0.2, JUP: 0.7 }, { top: 3 }, 't');
    expect(Object.keys(w)).toEqual(['BTC', 'JUP', 'SOL']);
    expect(w.BTC).toBeCloseTo(2 / 9, 15);
    expect(w.JUP).toBeCloseTo(1 / 3, 15);
    expect(w.SOL).toBeCloseTo(4 / 9, 15);
    expect(Object.keys(signalWeights({ A: 1, B: 1, C: 1 }, { top: 2, mapping: 'raw' }, 't'))).toEqual(['A', 'B']);
  });

  it('cap 35%: SOL 35%, its 5 points shared 1:2:3 → ETH 10.83%, BTC 21.67%, JUP 32.5%', () => {
    const w = signalWeights({ SOL: 0.9, BTC: 0.5, ETH: 0.2, JUP: 0.7 }, { maxWeight: 0.35 }, 't');
    expect(w.SOL).toBe(0.35);
    expect(w.ETH).toBeCloseTo(0.1 + 0.05 / 6, 15);
    expect(w.BTC).toBeCloseTo(0.2 + 0.05 / 3, 15);
    expect(w.JUP).toBeCloseTo(0.325, 15);
    // a cascade: capping the first pushes the second over
    expect(capWeights([10, 9, 1], 0.45).map((x) => Number(x.toFixed(12)))).toEqual([0.45, 0.45, 0.1]);
    expect(() => signalWeights({ A: 1, B: 1 }, { maxWeight: 0.4 }, 't')).toThrow('Signals t: a cap of 40.0% on 2 assets cannot add up to 100%.');
  });

  it('raw scores in [0, 1] as given: weights ∝ score; zero scores dropped; out of range is an error', () => {
    const w = signalWeights({ SOL: 0.9, BTC: 0.5, ETH: 0.2, JUP: 0.7, WIF: 0 }, { mapping: 'raw' }, 't');
    expect(Object.keys(w)).toEqual(['BTC', 'ETH', 'JUP', 'SOL']);
    expect(w.SOL).toBeCloseTo(0.9 / 2.3, 15);
    expect(w.ETH).toBeCloseTo(0.2 / 2.3, 15);
    expect(() => signalWeights({ SOL: 1.5, BTC: -0.1 }, { mapping: 'raw' }, 't')).toThrow('Signals t: raw scores must lie in [0, 1]; SOL is 1.5, BTC is -0.1.');
    expect(() => signalWeights({ SOL: 0 }, { mapping: 'raw' }, 't')).toThrow('every score is 0');
    expect(() => signalWeights({ SOL: 1 }, { top: 0 }, 't')).toThrow('top must be a whole number ≥ 1, got 0.');
  });
});

describe('latest score per asset, staleness, unknown assets', () => {
  const rows = parseSignals(CSV, 'f');

  it('takes the latest date ≤ at per asset and drops stale and unknown ones', () => {
    const p = pickScores(rows, AT, { maxAgeDays: 7, knownAssets: new Set(KNOWN) }, 'f');
    expect(p.scores).toEqual({ BTC: 0.5, ETH: 0.2, JUP: 0.7, SOL: 0.9 });
    expect(p.stale).toEqual(['WIF']);
    expect(p.unknown).toEqual(['DOGE']);
    expect(new Date(p.latest).toISOString()).toBe('2026-11-20T00:00:00.000Z');
    // a week later the 27th's SOL row counts
    expect(pickScores(rows, Date.UTC(2026, 10, 27), { maxAgeDays: 7 }, 'f').scores.SOL).toBe(0.05);
  });

  it('stale data: a clear error with the latest date and its age', () => {
    expect(() => pickScores(rows, Date.UTC(2026, 11, 10), { maxAgeDays: 7 }, 'signals.csv'))
      .toThrow('Signals signals.csv are stale: the latest scores are from 2026-11-27, 13 days before 2026-12-10 (at most 7 days old are used).');
    expect(() => pickScores(rows, Date.UTC(2026, 9, 1), { maxAgeDays: 7 }, 'signals.csv'))
      .toThrow('Signals signals.csv: no scores dated on or before 2026-10-01 (the earliest is 2026-11-01).');
    expect(() => pickScores(rows, AT, { maxAgeDays: 7, knownAssets: new Set(['USDC']) }, 'signals.csv'))
      .toThrow('Signals signals.csv: none of the 5 assets scored (BTC, DOGE, ETH, JUP, SOL) is one Vigil can price.');
  });
});

describe('parsing', () => {
  it('CSV: columns by name in any order, quoted fields, extra columns ignored', () => {
    const rows = parseSignals('\uFEFFDate,Extra,Signal,Ticker\r\n20261120,"a, b",0.5," sol "\r\n', 'f');
    expect(rows).toEqual([{ asset: 'SOL', score: 0.5, date: Date.UTC(2026, 10, 20) }]);
  });

  it('JSON with Numerai column names equals the CSV', () => {
    const fromJson = pickScores(parseSignals(JSON_ROWS, 'j'), AT, { maxAgeDays: 7 }, 'j');
    expect(fromJson.scores).toEqual({ BTC: 0.5, ETH: 0.2, JUP: 0.7, SOL: 0.9 });
  });

  it('dates: YYYY-MM-DD, YYYYMMDD, ISO date-times (UTC unless offset); nonsense rejected', () => {
    expect(parseSignalDate('2026-11-20')).toBe(Date.UTC(2026, 10, 20));
    expect(parseSignalDate('20261120')).toBe(Date.UTC(2026, 10, 20));
    expect(parseSignalDate('2026-11-20 12:30')).toBe(Date.UTC(2026, 10, 20, 12, 30));
    expect(parseSignalDate('2026-11-20T12:30:00+02:00')).toBe(Date.UTC(2026, 10, 20, 10, 30));
    expect(parseSignalDate('2026-02-30')).toBeUndefined();
    expect(parseSignalDate('1763596800000')).toBeUndefined();
  });

  it.each([
    ['', 'Signals f: empty: expected a header row asset,score,date'],
    ['SOL,0.5,2026-11-20\n', 'Signals f: the header has no asset column (one of asset, ticker, symbol, numerai_ticker, bloomberg_ticker). A header row asset,score,date is required.'],
    ['asset,score\nSOL,0.5\n', 'Signals f: the header has no date column'],
    ['asset,score,date\nSOL,abc,2026-11-20\n', 'Signals f: line 2: the score of SOL is "abc", expected a number.'],
    ['asset,score,date\nSOL,0.5,Friday\n', 'Signals f: line 2: the date of SOL is "Friday", expected YYYY-MM-DD, YYYYMMDD or an ISO date-time.'],
    ['asset,score,date\nSOL,0.5\n', 'Signals f: line 2 has 2 fields, the header 3.'],
    ['asset,score,date\n"SOL,0.5,2026-11-20\n', 'Signals f: line 2 has an unclosed quote.'],
    ['asset,score,date\nSOL,0.5,2026-11-20\nsol,0.6,20261120\n', 'Signals f: two scores for SOL on 2026-11-20.'],
    ['{"asset":"SOL"}', 'Signals f: expected a JSON array of { "asset", "score", "date" } objects.'],
    ['[{"asset":"SOL","score":0.5}]', 'Signals f: item 1 has no date (one of date, friday_date, timestamp).'],
    ['[1, 2', 'Signals f: not valid JSON (line 1, column 6).'],
    ['[{"asset": SECRETVALUE}]', 'Signals f: not valid JSON (line 1, column 12).'],
    ['asset,score,date\nSOL,sk-live-SECRETVALUE,2026-11-20\n', 'Signals f: line 2: the score of SOL is text of 19 characters, expected a number.'],
  ])('%j → %s', (text, message) => {
    expect(() => parseSignals(text, 'f')).toThrow(message);
    // A parser's own message may quote the text; ours never do beyond a short word.
    expect(() => parseSignals(text, 'f')).not.toThrow('SECRET');
  });
});

describe('signals oracle from a file', () => {
  it('CSV file through createOracle: weights, note on dropped assets, description and detail', async () => {
    const o = createOracle('signals:signals.csv', deps());
    expect(o.name).toBe('signals:signals.csv');
    expect(o.description).toBe('Signals from signals.csv: latest score per asset → weights ∝ percentile rank, long-only');
    const p = await o.propose(AT);
    expect(p.weights.ETH).toBeCloseTo(0.1, 15);
    expect(p.weights.BTC).toBeCloseTo(0.2, 15);
    expect(p.weights.JUP).toBeCloseTo(0.3, 15);
    expect(p.weights.SOL).toBeCloseTo(0.4, 15);
    expect(p.note).toBe('dropped 1 asset with scores older than 7 days: WIF; dropped 1 asset Vigil cannot price: DOGE');
    expect(p.detail).toBe('scores of 2026-11-20 (4 assets), rank-normalised');
  });

  it('options: top, cap and a longer max age (WIF now counts)', async () => {
    const p = await createOracle('signals:signals.json', deps({ top: 3, maxWeight: 0.4 })).propose(AT);
    // top 3 ranks 0.5, 0.75, 1 → 2/9, 1/3, 4/9; SOL 44.4% > 40% → 40%, the rest 0.6 × 2:3 → 24%, 36%
    expect(p.weights).toEqual({ BTC: expect.closeTo(0.24, 15) as number, JUP: expect.closeTo(0.36, 15) as number, SOL: 0.4 });
    expect(p.detail).toBe('scores of 2026-11-20 (4 assets), rank-normalised, top 3, each ≤ 40%');
    const wide = await createOracle('signals:signals.csv', deps({ maxAgeDays: 30 })).propose(AT);
    expect(Object.keys(wide.weights)).toContain('WIF');
  });

  it('stale file and missing file: clear errors', async () => {
    await expect(signalsOracle({ source: 'signals.csv', baseDir: dir }).fetchWeights(Date.UTC(2026, 11, 10))).rejects.toThrow('Signals signals.csv are stale');
    await expect(signalsOracle({ source: 'nope.csv', baseDir: dir }).fetchWeights(AT)).rejects.toThrow('Signals file nope.csv: no such file.');
    await expect(signalsOracle({ source: '../x.csv', baseDir: dir }).fetchWeights(AT)).rejects.toThrow('Signals file ../x.csv: must be a file inside the weights directory.');
    await expect(signalsOracle({ source: '.env', baseDir: dir }).fetchWeights(AT)).rejects.toThrow('Signals file .env: expected a .csv or .json file.');
    await expect(signalsOracle({ source: 'ftp://example.com/x.csv' }).fetchWeights(AT)).rejects.toThrow('Signals ftp://example.com/x.csv: only https URLs and files in the weights directory are read.');
  });
});

describe('signals oracle from a URL (local HTTP server)', () => {
  it('CSV over HTTP', async () => {
    const w = await createOracle(`signals:${base}/signals.csv`, deps()).fetchWeights(AT);
    expect(w.SOL).toBeCloseTo(0.4, 15);
    expect(w.ETH).toBeCloseTo(0.1, 15);
  });

  it('JSON over HTTP; the query string (a key) stays out of the name and messages', async () => {
    const o = createOracle(`signals:${base}/signals.json?key=s3cret`, deps());
    expect(o.name).toBe(`signals:${base}/signals.json`);
    const w = await o.fetchWeights(AT);
    expect(w).toEqual({ BTC: expect.closeTo(0.2, 15) as number, ETH: expect.closeTo(0.1, 15) as number, JUP: expect.closeTo(0.3, 15) as number, SOL: expect.closeTo(0.4, 15) as number });
    await expect(createOracle(`signals:${base}/signals.json?key=wrong`, deps()).fetchWeights(AT)).rejects.toThrow(`Signals ${base}/signals.json: HTTP 403 Forbidden.`);
  });

  it('HTTP errors, timeouts and refused connections: clear errors', async () => {
    await expect(signalsOracle({ source: `${base}/down`, urlAllow: LOCAL }).fetchWeights(AT)).rejects.toThrow(`Signals ${base}/down: HTTP 503 Service Unavailable.`);
    await expect(signalsOracle({ source: `${base}/slow`, timeoutMs: 150, urlAllow: LOCAL }).fetchWeights(AT)).rejects.toThrow(`Signals ${base}/slow: no answer within 0.15 s.`);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(signalsOracle({ source: `http://127.0.0.1:${port}/x.csv`, urlAllow: LOCAL }).fetchWeights(AT)).rejects.toThrow(`Signals http://127.0.0.1:${port}/x.csv: cannot connect (ECONNREFUSED).`);
  });
});
