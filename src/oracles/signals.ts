/**
 * Signals oracle: per-asset scores from a file or an http(s) URL, in the shape of a Numerai-style signals export,
 * turned into long-only weights.
 *
 * Input. Rows of (asset, score, date):
 *   - CSV with a header row (required). Columns are found by name, case-insensitively, in any order; other columns
 *     are ignored. asset: `asset` | `ticker` | `symbol` | `numerai_ticker` | `bloomberg_ticker`; score: `score` |
 *     `signal` | `prediction`; date: `date` | `friday_date` | `timestamp`. Double-quoted fields may contain commas.
 *   - JSON: an array of objects with the same keys, e.g. [{ "asset": "SOL", "score": 0.8, "date": "2026-11-20" }].
 *   The format is told by the content: text starting with `[` or `{` is JSON, anything else CSV.
 *   Dates: `YYYY-MM-DD` or `YYYYMMDD` (Numerai's friday_date; 00:00 UTC that day), or an ISO date-time (UTC unless it
 *   carries an offset). Assets are trimmed and upper-cased. Two rows for one asset on one date are an error.
 *
 * Mapping (`at` = the time asked for; every step is a pure function below, tested with exact numbers):
 *   1. Latest: per asset, the row with the latest date ≤ `at` (rows dated after `at` are ignored: no look-ahead).
 *   2. Stale: an asset whose latest date is more than `maxAgeDays` (default 7: Numerai's rounds are weekly) before
 *      `at` is dropped, with a note; when every asset is stale → UserError naming the latest date and its age.
 *   3. Unknown: assets outside `knownAssets` (the ones Vigil can price) are dropped with a note listing them (a
 *      Numerai-style universe is far larger than a venue's). None left → UserError.
 *   4. Scores: `mapping: 'rank'` (default) replaces each score by its percentile rank among the remaining assets,
 *      s_i = rank_i / n with rank 1 = lowest score and ties sharing their average rank (pandas
 *      `rank(pct=True)`), so s ∈ (0, 1]. `mapping: 'raw'` uses the scores as given; they must lie in [0, 1].
 *   5. Keep: with `top: N`, the N highest s (ties broken by asset name); then only s > 0.
 *   6. Weights: w_i = s_i / Σ_kept s_j (long-only, Σw = 1).
 *   7. Cap: with `maxWeight: c`, every w_i > c is set to c and the excess is shared among the others in proportion to
 *      their s, repeated until none exceeds c (water-filling; UserError if c × kept < 1).
 *   Example: SOL 0.9, BTC 0.5, ETH 0.2, JUP 0.7 → ranks ETH 1, BTC 2, JUP 3, SOL 4 → s = 0.25, 0.5, 0.75, 1 →
 *   w = ETH 10%, BTC 20%, JUP 30%, SOL 40%; with top 3: BTC 2/9, JUP 1/3, SOL 4/9; with cap 35%: SOL 35% and its
 *   5 points shared 1:2:3 → ETH 10.83%, BTC 21.67%, JUP 32.5%.
 *
 * Reading: files (.csv or .json only) at every fetch, from the weights directory `baseDir` only, like static files
 * (src/oracles/weights-dir.ts); URLs over https only, to public addresses only unless allow-listed, redirects
 * re-checked, within a timeout (default 10 s) and a 1 MiB cap (src/oracles/url-fetch.ts). Errors name the source (a
 * URL without its query string) and quote at most a short word of a field, never a line or a parser's message: the
 * source may be something the user should not see in full (a secret-bearing file, an internal URL).
 */
import { extname } from 'node:path';
import type { Weights } from '../ports/index.ts';
import { UserError } from '../shared/errors.ts';
import type { OracleProposal, ProposingOracle } from './types.ts';
import { compileAllowList, safeFetchText, UrlFetchError, type HostResolver, type UrlAllowList } from './url-fetch.ts';
import { jsonErrorAt, readInsideDir, shortValue } from './weights-dir.ts';

const DAY_MS = 86_400_000;
/** Largest signals file read. */
export const MAX_SIGNALS_BYTES = 20_000_000;
/** Largest signals response read: a few thousand assets' scores are well under it. */
export const MAX_SIGNALS_URL_BYTES = 1_048_576;
export const DEFAULT_SIGNALS_MAX_AGE_DAYS = 7;
export const DEFAULT_SIGNALS_TIMEOUT_MS = 10_000;

export interface SignalRow {
  readonly asset: string;
  readonly score: number;
  /** Epoch ms. */
  readonly date: number;
}

export type ScoreMapping = 'rank' | 'raw';

export interface SignalMappingOptions {
  /** 'rank' (default): percentile ranks; 'raw': scores in [0, 1] as given. */
  readonly mapping?: ScoreMapping;
  /** Keep only the N highest scores. */
  readonly top?: number;
  /** Cap on any one weight, a fraction in (0, 1]. */
  readonly maxWeight?: number;
}

export interface SignalsOracleOptions extends SignalMappingOptions {
  /** A file path (inside `baseDir`) or an https URL. */
  readonly source: string;
  /** Assets that may be weighted; others are dropped with a note. Default: keep every asset. */
  readonly knownAssets?: Iterable<string> | (() => Iterable<string>);
  /** Scores older than this many days before `at` are stale. Default 7. */
  readonly maxAgeDays?: number;
  /** URL requests: timeout in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Files: the weights directory the path must stay inside; without it no file is read. */
  readonly baseDir?: string;
  /** URLs: WEIGHTS_URL_ALLOW entries (host names, IP addresses, CIDR ranges) let through even when private. */
  readonly urlAllow?: readonly string[];
  /** URLs, tests: resolve host names without DNS. */
  readonly resolveHost?: HostResolver;
}

/** The signals:SOURCE oracle: scores from a file or an https URL, read at every fetch, mapped to weights. */
export function signalsOracle(options: SignalsOracleOptions): ProposingOracle {
  const label = displaySource(options.source);
  const name = `signals:${label}`;
  const maxAgeDays = options.maxAgeDays ?? DEFAULT_SIGNALS_MAX_AGE_DAYS;
  checkMappingOptions(options, name);
  if (!(maxAgeDays > 0)) throw new UserError('bad_argument', `${name}: maxAgeDays must be > 0, got ${maxAgeDays}.`);
  const allow = compileAllowList(options.urlAllow ?? []);
  const propose = async (at: number): Promise<OracleProposal> => {
    const text = await readSource(options, label, allow);
    const rows = parseSignals(text, label);
    const known = options.knownAssets === undefined ? undefined : new Set(typeof options.knownAssets === 'function' ? options.knownAssets() : options.knownAssets);
    const picked = pickScores(rows, at, { maxAgeDays, ...(known ? { knownAssets: known } : {}) }, label);
    const weights = signalWeights(picked.scores, options, label);
    const notes: string[] = [];
    if (picked.stale.length > 0) notes.push(`dropped ${picked.stale.length} asset${picked.stale.length > 1 ? 's' : ''} with scores older than ${maxAgeDays} days: ${list(picked.stale)}`);
    if (picked.unknown.length > 0) notes.push(`dropped ${picked.unknown.length} asset${picked.unknown.length > 1 ? 's' : ''} Vigil cannot price: ${list(picked.unknown)}`);
    return {
      weights,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      detail: `scores of ${isoDay(picked.latest)} (${Object.keys(picked.scores).length} assets), ${options.mapping === 'raw' ? 'raw scores' : 'rank-normalised'}${options.top !== undefined ? `, top ${options.top}` : ''}${options.maxWeight !== undefined ? `, each ≤ ${(options.maxWeight * 100).toFixed(0)}%` : ''}`,
    };
  };
  return {
    name,
    description: `Signals from ${label}: latest score per asset → weights ∝ ${options.mapping === 'raw' ? 'score' : 'percentile rank'}, long-only`,
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Parsing

const ASSET_KEYS = ['asset', 'ticker', 'symbol', 'numerai_ticker', 'bloomberg_ticker'];
const SCORE_KEYS = ['score', 'signal', 'prediction'];
const DATE_KEYS = ['date', 'friday_date', 'timestamp'];

/** Rows of a CSV or JSON signals document (see the module comment); UserError naming `source` and the line/item. */
export function parseSignals(text: string, source: string): SignalRow[] {
  const body = text.replace(/^\uFEFF/, '');
  const head = body.trimStart()[0];
  return head === '[' || head === '{' ? parseJsonSignals(body, source) : parseCsvSignals(body, source);
}

function parseJsonSignals(text: string, source: string): SignalRow[] {
  const fail = (m: string): never => {
    throw new UserError('bad_argument', `Signals ${source}: ${m}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // JSON.parse's own message may quote the text; only the position is shown.
    const at = jsonErrorAt(text, err);
    return fail(`not valid JSON${at ? ` (${at})` : ''}.`);
  }
  if (!Array.isArray(doc)) return fail('expected a JSON array of { "asset", "score", "date" } objects.');
  const rows: SignalRow[] = [];
  doc.forEach((item: unknown, i) => {
    const where = `item ${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) fail(`${where} is not an object with asset, score and date.`);
    const rec = Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([k, v]) => [k.trim().toLowerCase(), v]));
    const get = (keys: readonly string[], what: string): unknown => {
      const k = keys.find((x) => x in rec);
      return k === undefined ? fail(`${where} has no ${what} (one of ${keys.join(', ')}).`) : rec[k];
    };
    rows.push(makeRow(get(ASSET_KEYS, 'asset'), get(SCORE_KEYS, 'score'), get(DATE_KEYS, 'date'), where, fail));
  });
  return checkDuplicates(rows, fail);
}

function parseCsvSignals(text: string, source: string): SignalRow[] {
  const fail = (m: string): never => {
    throw new UserError('bad_argument', `Signals ${source}: ${m}`);
  };
  const lines = text.split(/\r?\n/);
  let headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) return fail('empty: expected a header row asset,score,date and one row per asset and date.');
  const header = splitCsvLine(lines[headerAt]!, headerAt + 1, fail).map((h) => h.trim().toLowerCase());
  const column = (keys: readonly string[], what: string): number => {
    const i = header.findIndex((h) => keys.includes(h));
    return i >= 0 ? i : fail(`the header has no ${what} column (one of ${keys.join(', ')}). A header row asset,score,date is required.`);
  };
  const ia = column(ASSET_KEYS, 'asset');
  const is = column(SCORE_KEYS, 'score');
  const id = column(DATE_KEYS, 'date');
  const rows: SignalRow[] = [];
  for (headerAt++; headerAt < lines.length; headerAt++) {
    const line = lines[headerAt]!;
    if (line.trim() === '') continue;
    const where = `line ${headerAt + 1}`;
    const cells = splitCsvLine(line, headerAt + 1, fail);
    if (cells.length < header.length) fail(`${where} has ${cells.length} fields, the header ${header.length}.`);
    rows.push(makeRow(cells[ia], cells[is], cells[id], where, fail));
  }
  return checkDuplicates(rows, fail);
}

/** One CSV line into fields: commas separate, double quotes group ("" is a quote). Multi-line fields are not supported. */
function splitCsvLine(line: string, lineNo: number, fail: (m: string) => never): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) fail(`line ${lineNo} has an unclosed quote.`);
  out.push(cur);
  return out;
}

function makeRow(asset: unknown, score: unknown, date: unknown, where: string, fail: (m: string) => never): SignalRow {
  const a = typeof asset === 'string' ? asset.trim().toUpperCase() : '';
  if (a === '' || a.length > 40) fail(`${where}: asset ${show(asset)} is not an asset symbol.`);
  const s = typeof score === 'number' ? score : typeof score === 'string' && score.trim() !== '' ? Number(score.trim()) : Number.NaN;
  if (!Number.isFinite(s)) fail(`${where}: the score of ${a} is ${show(score)}, expected a number.`);
  const d = parseSignalDate(typeof date === 'number' ? String(date) : typeof date === 'string' ? date : '');
  if (d === undefined) fail(`${where}: the date of ${a} is ${show(date)}, expected YYYY-MM-DD, YYYYMMDD or an ISO date-time.`);
  return { asset: a, score: s, date: d };
}

function checkDuplicates(rows: SignalRow[], fail: (m: string) => never): SignalRow[] {
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.asset}@${r.date}`;
    if (seen.has(key)) fail(`two scores for ${r.asset} on ${isoDay(r.date)}.`);
    seen.add(key);
  }
  return rows;
}

const DAY_RE = /^(\d{4})-?(\d{2})-?(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** `YYYY-MM-DD` / `YYYYMMDD` → 00:00 UTC; ISO date-time → its instant (UTC without an offset); else undefined. */
export function parseSignalDate(text: string): number | undefined {
  const t = text.trim();
  const day = DAY_RE.exec(t);
  if (day) return utc(Number(day[1]), Number(day[2]), Number(day[3]));
  const dt = DATETIME_RE.exec(t);
  if (!dt) return undefined;
  if (utc(Number(dt[1]), Number(dt[2]), Number(dt[3])) === undefined) return undefined;
  const ms = Date.parse(dt[8] ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function utc(y: number, m: number, d: number): number | undefined {
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Mapping

export interface PickedScores {
  /** Asset → its latest fresh score, known assets only. */
  readonly scores: Readonly<Record<string, number>>;
  /** The latest date among the kept scores. */
  readonly latest: number;
  /** Dropped: latest score older than maxAgeDays. */
  readonly stale: readonly string[];
  /** Dropped: not in knownAssets. */
  readonly unknown: readonly string[];
}

/** Steps 1–3: latest score ≤ `at` per asset, stale and unknown assets dropped (UserError when nothing is left). */
export function pickScores(
  rows: readonly SignalRow[], at: number, options: { readonly maxAgeDays: number; readonly knownAssets?: ReadonlySet<string> }, source: string,
): PickedScores {
  const latest = new Map<string, SignalRow>();
  for (const r of rows) {
    if (r.date > at) continue;
    const prev = latest.get(r.asset);
    if (!prev || r.date > prev.date) latest.set(r.asset, r);
  }
  if (latest.size === 0) {
    throw new UserError('unavailable', rows.length === 0
      ? `Signals ${source}: no rows.`
      : `Signals ${source}: no scores dated on or before ${isoDay(at)} (the earliest is ${isoDay(Math.min(...rows.map((r) => r.date)))}).`);
  }
  const cutoff = at - options.maxAgeDays * DAY_MS;
  const fresh = [...latest.values()].filter((r) => r.date >= cutoff);
  const stale = [...latest.values()].filter((r) => r.date < cutoff).map((r) => r.asset).sort();
  if (fresh.length === 0) {
    const newest = Math.max(...[...latest.values()].map((r) => r.date));
    const age = (at - newest) / DAY_MS;
    throw new UserError('unavailable', `Signals ${source} are stale: the latest scores are from ${isoDay(newest)}, ${age.toFixed(age < 10 ? 1 : 0)} days before ${isoDay(at)} (at most ${options.maxAgeDays} days old are used).`, 'Is the signals export still being updated?');
  }
  const known = options.knownAssets;
  const kept = known ? fresh.filter((r) => known.has(r.asset)) : fresh;
  const unknown = known ? fresh.filter((r) => !known.has(r.asset)).map((r) => r.asset).sort() : [];
  if (kept.length === 0) {
    throw new UserError('unavailable', `Signals ${source}: none of the ${fresh.length} assets scored (${list(unknown)}) is one Vigil can price.`, known ? `Known: ${[...known].sort().join(', ')}` : undefined);
  }
  kept.sort((a, b) => (a.asset < b.asset ? -1 : 1));
  return {
    scores: Object.fromEntries(kept.map((r) => [r.asset, r.score])),
    latest: Math.max(...kept.map((r) => r.date)),
    stale,
    unknown,
  };
}

/** Percentile ranks s_i = rank_i / n (rank 1 = lowest, ties averaged): pandas `rank(pct=True)`. */
export function percentileRanks(scores: Readonly<Record<string, number>>): Record<string, number> {
  const entries = Object.entries(scores).sort((a, b) => a[1] - b[1]);
  const n = entries.length;
  const out: Record<string, number> = {};
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && entries[j + 1]![1] === entries[i]![1]) j++;
    const avgRank = (i + 1 + (j + 1)) / 2;
    for (let k = i; k <= j; k++) out[entries[k]![0]] = avgRank / n;
    i = j + 1;
  }
  return out;
}

/** Steps 4–7: scores (asset → score) to weights; see the module comment. */
export function signalWeights(scores: Readonly<Record<string, number>>, options: SignalMappingOptions, source: string): Weights {
  const fail = (m: string): never => {
    throw new UserError('bad_argument', `Signals ${source}: ${m}`);
  };
  checkMappingOptions(options, `Signals ${source}`);
  if (Object.keys(scores).length === 0) fail('no scores to weight.');
  let s: Record<string, number>;
  if (options.mapping === 'raw') {
    const out = Object.entries(scores).filter(([, v]) => !(v >= 0 && v <= 1));
    if (out.length > 0) fail(`raw scores must lie in [0, 1]; ${out.map(([a, v]) => `${a} is ${v}`).join(', ')}. Use the rank mapping for other scales.`);
    s = { ...scores };
  } else {
    s = percentileRanks(scores);
  }
  let kept = Object.entries(s).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (options.top !== undefined) kept = kept.slice(0, options.top);
  kept = kept.filter(([, v]) => v > 0);
  if (kept.length === 0) fail('every score is 0: nothing to weight.');
  const cap = options.maxWeight ?? 1;
  if (cap * kept.length < 1 - 1e-12) fail(`a cap of ${(cap * 100).toFixed(1)}% on ${kept.length} asset${kept.length > 1 ? 's' : ''} cannot add up to 100%.`);
  const w = capWeights(kept.map(([, v]) => v), cap);
  const pairs = kept.map(([a], i): [string, number] => [a, w[i] ?? 0]);
  pairs.sort((x, y) => (x[0] < y[0] ? -1 : 1));
  return Object.freeze(Object.fromEntries(pairs));
}

/** w ∝ s with every w ≤ cap: water-filling (cap the largest, share the rest ∝ s, repeat). Needs cap × n ≥ 1. */
export function capWeights(s: readonly number[], cap: number): number[] {
  const w = new Array<number>(s.length).fill(0);
  const capped = new Array<boolean>(s.length).fill(false);
  for (let pass = 0; pass <= s.length; pass++) {
    const free = s.map((_, i) => i).filter((i) => !capped[i]);
    const budget = 1 - cap * (s.length - free.length);
    const total = free.reduce((acc, i) => acc + s[i]!, 0);
    let over = false;
    for (const i of free) {
      w[i] = total > 0 ? (budget * s[i]!) / total : budget / free.length;
      if (w[i] > cap + 1e-15) over = true;
    }
    if (!over) break;
    for (const i of free) {
      if (w[i]! > cap + 1e-15) {
        capped[i] = true;
        w[i] = cap;
      }
    }
  }
  return w;
}

function checkMappingOptions(o: SignalMappingOptions, where: string): void {
  if (o.mapping !== undefined && o.mapping !== 'rank' && o.mapping !== 'raw') throw new UserError('bad_argument', `${where}: mapping must be rank or raw, got ${String(o.mapping)}.`);
  if (o.top !== undefined && !(Number.isInteger(o.top) && o.top >= 1)) throw new UserError('bad_argument', `${where}: top must be a whole number ≥ 1, got ${o.top}.`);
  if (o.maxWeight !== undefined && !(o.maxWeight > 0 && o.maxWeight <= 1)) throw new UserError('bad_argument', `${where}: maxWeight must be a fraction in (0, 1], got ${o.maxWeight}.`);
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading

const URL_RE = /^https?:\/\//i;
const SCHEME_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A URL without credentials, query or fragment (they may hold a key); a path as is. */
export function displaySource(source: string): string {
  if (!SCHEME_RE.test(source)) return source;
  try {
    const u = new URL(source);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return source.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//');
  }
}

async function readSource(options: SignalsOracleOptions, label: string, allow: UrlAllowList): Promise<string> {
  const source = options.source;
  if (URL_RE.test(source)) return readUrl(source, label, allow, options);
  if (SCHEME_RE.test(source)) throw new UserError('bad_argument', `Signals ${label}: only https URLs and files in the weights directory are read.`);
  return readSignalsFile(source, options.baseDir);
}

async function readSignalsFile(path: string, baseDir: string | undefined): Promise<string> {
  const fail = (m: string, code: 'bad_argument' | 'not_found' = 'bad_argument'): never => {
    throw new UserError(code, `Signals file ${path}: ${m}`);
  };
  if (path.trim() === '') fail('no path given.');
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') fail('expected a .csv or .json file.');
  return readInsideDir(path, baseDir, MAX_SIGNALS_BYTES, fail);
}

async function readUrl(url: string, label: string, allow: UrlAllowList, options: SignalsOracleOptions): Promise<string> {
  try {
    return await safeFetchText(url, {
      allow,
      timeoutMs: options.timeoutMs ?? DEFAULT_SIGNALS_TIMEOUT_MS,
      maxBytes: MAX_SIGNALS_URL_BYTES,
      accept: 'text/csv, application/json;q=0.9, */*;q=0.5',
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    });
  } catch (err) {
    if (err instanceof UrlFetchError) throw new UserError(err.refused ? 'bad_argument' : 'unavailable', `Signals ${label}: ${err.message}`);
    throw err;
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function list(xs: readonly string[], max = 8): string {
  return xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} and ${xs.length - max} more`;
}

function show(x: unknown): string {
  if (typeof x === 'string') return shortValue(x) ?? (x.trim() === '' ? 'empty' : `text of ${x.length} characters`);
  if (x === undefined || x === null) return 'missing';
  return typeof x === 'number' ? String(x) : typeof x;
}
