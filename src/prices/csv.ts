/**
 * Price history from CSV files in one directory, read in place (the app points it at `../shared/data/prices`).
 *
 * Files and conventions (see SOURCES.md in that directory):
 * - `<ASSET>-USD.daily.csv`, header `date,close`: `date` is the UTC calendar day `YYYY-MM-DD` and `close` the last
 *   price of that day. A point's `t` is the moment its close was observed, which for a daily row is the END of the UTC
 *   day: `date + 1 day` at 00:00:00Z. So the daily row `2024-02-29` has `t = 2024-03-01T00:00:00Z`, the same `t` as the
 *   hourly row that carries the same close (SOURCES.md: daily close(D) = hourly close at (D+1)T00:00:00Z), and daily
 *   and hourly series line up on one time axis.
 * - `<ASSET>-USD.hourly.csv`, header `timestamp,close`: `timestamp` is the END of the 1-hour candle, ISO 8601 UTC on
 *   the hour (`2024-03-01T00:00:00Z`), used as `t` as it stands.
 *
 * Every file is checked when first read: the header, times strictly increasing (ascending, no duplicates), closes that
 * are positive finite numbers. A bad row fails the whole file with a {@link PriceDataError} naming the file and line.
 * Missing candles (e.g. the hourly candle opening 2023-03-24 13:00 UTC, a Binance halt) stay gaps: nothing is filled.
 *
 * Files are read lazily, on the first query that needs them, and kept in memory (one parsed copy per file, never
 * re-read; a file that failed to load is tried again on the next query). The directory listing is kept too, and taken
 * again by `assets()` and when a query asks for an asset it does not know.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { HistoryQuery, Interval, PriceHistory, PriceSeries } from '../ports/index.ts';
import { UserError } from '../shared/errors.ts';
import { checkQuery, DAY_MS, HOUR_MS, sliceSeries } from './series.ts';

const FILE_RE = /^([A-Z0-9]+)-USD\.(daily|hourly)\.csv$/;
const KIND_INTERVAL = { daily: '1d', hourly: '1h' } as const satisfies Record<string, Interval>;
const HEADER: Readonly<Record<Interval, readonly [string, string]>> = { '1d': ['date', 'close'], '1h': ['timestamp', 'close'] };
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.000)?Z$/;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A price file that breaks the format: `file` is its path, `line` the 1-based line (0 when unknown). */
export class PriceDataError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, problem: string) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${problem}`);
    this.name = 'PriceDataError';
    this.file = file;
    this.line = line;
  }
}

interface Loaded {
  readonly t: readonly number[];
  readonly close: readonly number[];
}

interface ParsedRow {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

/** Epoch ms of a UTC calendar date/time, or undefined when the fields do not name a real moment (2023-02-30). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number | undefined {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  const same = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d
    && back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s;
  return same ? ms : undefined;
}

/** The close time of a row: the end of the UTC day for daily rows, the timestamp itself for hourly ones. */
function rowTime(interval: Interval, field: string): number | string {
  if (interval === '1d') {
    const m = DATE_RE.exec(field);
    const start = m ? utc(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
    return start === undefined ? `date ${quote(field)} is not a UTC calendar day (YYYY-MM-DD)` : start + DAY_MS;
  }
  const m = TIMESTAMP_RE.exec(field);
  const t = m ? utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
  if (t === undefined) return `timestamp ${quote(field)} is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)`;
  return t % HOUR_MS === 0 ? t : `timestamp ${quote(field)} is not on the hour (hourly rows mark the end of a 1h candle)`;
}

/** Parses and checks one file's text; throws PriceDataError on the first problem. */
export function parsePriceCsv(file: string, text: string, interval: Interval): Loaded {
  let rows: ParsedRow[];
  try {
    rows = parse(text, { info: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as unknown as ParsedRow[];
  } catch (err) {
    const line = (err as { lines?: unknown }).lines;
    throw new PriceDataError(file, typeof line === 'number' ? line : 0, `not valid CSV: ${(err as Error).message}`);
  }
  const [timeCol, closeCol] = HEADER[interval];
  const header = rows[0];
  if (!header) throw new PriceDataError(file, 1, `empty file; expected the header "${timeCol},${closeCol}"`);
  if (header.record.length !== 2 || header.record[0] !== timeCol || header.record[1] !== closeCol) {
    throw new PriceDataError(file, header.info.lines, `expected the header "${timeCol},${closeCol}", got ${quote(header.record.join(','))}`);
  }
  const t: number[] = [];
  const close: number[] = [];
  let previous = '';
  for (const { record, info } of rows.slice(1)) {
    const bad = (problem: string): PriceDataError => new PriceDataError(file, info.lines, problem);
    if (record.length !== 2) throw bad(`expected 2 fields (${timeCol},${closeCol}), got ${record.length}: ${quote(record.join(','))}`);
    const [when = '', price = ''] = record;
    const time = rowTime(interval, when);
    if (typeof time === 'string') throw bad(time);
    if (!NUMBER_RE.test(price)) throw bad(`close ${quote(price)} is not a number`);
    const value = Number(price);
    if (!(Number.isFinite(value) && value > 0)) throw bad(`close must be a positive finite number, got ${quote(price)}`);
    const last = t[t.length - 1];
    if (last !== undefined && time <= last) {
      throw bad(`${timeCol} ${when} does not come after the previous row's ${previous}: rows must be ascending, without duplicates`);
    }
    t.push(time);
    close.push(value);
    previous = when;
  }
  return { t, close };
}

export class CsvPriceHistory implements PriceHistory {
  readonly name = 'CSV price files';
  readonly dir: string;
  private files: Map<string, Partial<Record<Interval, string>>> | undefined;
  private readonly loaded = new Map<string, Promise<Loaded>>();

  /** `dir` holds the `<ASSET>-USD.daily.csv` / `.hourly.csv` files; nothing is read until first used. */
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** Assets with a daily or hourly file, sorted (the directory is listed afresh). A missing directory has none. */
  assets(): readonly string[] {
    return [...this.listing(true).keys()].sort();
  }

  async closes(asset: string, q: HistoryQuery): Promise<PriceSeries> {
    checkQuery(q);
    const name = asset.trim().toUpperCase();
    // A miss lists the directory again, so a file added while running is found.
    const file = this.listing().get(name)?.[q.interval] ?? this.listing(true).get(name)?.[q.interval];
    if (file === undefined) {
      const known = [...this.listing()].filter(([, f]) => f[q.interval] !== undefined).map(([a]) => a).sort();
      throw new UserError(
        'not_found',
        `No ${q.interval} price history for ${asset}. Assets with ${q.interval} history: ${known.length > 0 ? known.join(', ') : `none (no price files in ${this.dir})`}.`,
      );
    }
    const data = await this.load(file, q.interval);
    return sliceSeries(name, q.interval, data.t, data.close, q);
  }

  private listing(fresh = false): Map<string, Partial<Record<Interval, string>>> {
    if (this.files && !fresh) return this.files;
    const files = new Map<string, Partial<Record<Interval, string>>>();
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      // No directory: no assets; closes() says where it looked.
    }
    for (const n of names) {
      const m = FILE_RE.exec(n);
      if (!m?.[1] || !m[2]) continue;
      const entry = files.get(m[1]) ?? {};
      entry[KIND_INTERVAL[m[2] as keyof typeof KIND_INTERVAL]] = join(this.dir, n);
      files.set(m[1], entry);
    }
    this.files = files;
    return files;
  }

  /** One parse per file, shared by concurrent callers; a failed read is forgotten so the next call tries again. */
  private load(file: string, interval: Interval): Promise<Loaded> {
    let p = this.loaded.get(file);
    if (!p) {
      p = readFile(file, 'utf8').then((text) => parsePriceCsv(file, text, interval));
      this.loaded.set(file, p);
      void p.catch(() => this.loaded.delete(file));
    }
    return p;
  }
}
