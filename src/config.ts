/**
 * Environment → validated, typed Config. The only module that reads process.env. Every problem is reported as one
 * line naming the key, what is expected and what was given (never the value of a secret).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { ExecutionMode, Role } from './domain/index.ts';
import { ConfigError } from './shared/errors.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AccessEntry {
  readonly userId: string;
  readonly role: Role;
}

export interface Config {
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Log file; undefined → stderr (or dataDir/vigil.log when the console transport owns the terminal). */
  readonly logFile: string | undefined;
  readonly timeZone: string;
  readonly executionMode: ExecutionMode;
  readonly paper: {
    readonly seed: number;
    readonly portfolioFile: string | undefined;
    /** Simulated ms per real ms. */
    readonly demoSpeed: number;
    /** Real ms between market ticks. */
    readonly tickMs: number;
  };
  readonly console: { readonly role: Role };
  readonly prices: {
    /** Where daily/hourly history comes from: the paper simulator, CSV files, or Binance's public candles (cached). */
    readonly source: 'paper' | 'csv' | 'binance';
    readonly csvDir: string | undefined;
    readonly apiUrl: string;
  };
  readonly risk: { readonly lookbackDays: number };
  /** Cron overrides by env key (MONITOR_*_CRON), checked fully by the monitor at start-up; absent keys use defaults. */
  readonly schedules: Readonly<Record<string, string>>;
  readonly telegram: {
    readonly token: string;
    readonly allowed: readonly AccessEntry[];
    readonly apiRoot: string | undefined;
    readonly webhook: { readonly url: string; readonly secret: string; readonly port: number } | undefined;
    /** How long start-up may wait for Telegram before it fails (ms). */
    readonly startupTimeoutMs: number;
  } | undefined;
  /** Whether the terminal chat runs: always without a chat token, on request (CONSOLE=on) with one. */
  readonly consoleEnabled: boolean;
  readonly solana: { readonly rpcUrl: string; readonly wsUrl: string | undefined; readonly keypairFile: string | undefined } | undefined;
  /** Drift accounts to watch (with SOLANA_RPC_URL). `subAccounts` null: discover them. */
  readonly drift: {
    readonly authorities: readonly string[];
    readonly subAccounts: readonly number[] | null;
    readonly subscription: 'websocket' | 'polling';
    readonly env: 'mainnet-beta' | 'devnet';
    readonly allowOwnerKey: boolean;
  } | undefined;
  /** Which chat transport runs: console unless a chat token is configured. */
  readonly transport: 'console' | 'telegram';
  /** Which venue supplies positions: paper unless an RPC is configured. */
  readonly venue: 'paper' | 'live';
  /** Confirm-gated execution: how long a confirm card lives, how far prices may move, who may confirm, notional caps. */
  readonly approvals: {
    readonly ttlMs: number;
    /** Largest move of a leg's price between the card and Confirm before the plan is re-priced and asked again. */
    readonly priceToleranceBps: number;
    /** requester: only the trader who asked may confirm; any-trader: any trader or admin. */
    readonly confirmer: 'requester' | 'any-trader';
    /** Cap on one plan's total leg notional, USD. */
    readonly maxNotionalPerActionUsd: number;
    /** Cap on notional executed in any rolling 24 hours, USD (≥ the per-action cap). */
    readonly maxNotionalPerDayUsd: number;
  };
  readonly rebalance: {
    /** Smallest rebalance trade, USD; smaller differences are left alone. */
    readonly minTradeUsd: number;
  };
  /** Where /weights static: and signals: oracles may read and fetch from. */
  readonly weights: {
    /** The only directory their files are read from (absolute); never overlaps dataDir. */
    readonly dir: string;
    /** Host names, IP addresses and CIDR ranges signals: URLs may reach even when private (and over http). */
    readonly urlAllow: readonly string[];
  };
  /** One line each, ready to print: keys under a known prefix that are not known settings (see {@link configWarnings}). */
  readonly warnings: readonly string[];
}

interface KeySpec<T> {
  readonly expected: string;
  readonly schema: z.ZodType<T>;
  readonly secret?: boolean;
  /** The value is a path: resolved against the working directory before it is checked, and returned resolved. */
  readonly path?: boolean;
}

const ROLE_VALUES = ['viewer', 'trader', 'admin'] as const;

function accessList(): z.ZodType<AccessEntry[]> {
  return z.string().transform((text, ctx) => {
    const entries: AccessEntry[] = [];
    for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = /^(\d{1,20})(?::(viewer|trader|admin))?$/.exec(part);
      if (!m?.[1]) {
        ctx.addIssue({ code: 'custom', message: 'bad entry' });
        return z.NEVER;
      }
      entries.push({ userId: m[1], role: (m[2] as Role | undefined) ?? 'viewer' });
    }
    return entries;
  });
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** What is at a path: a directory, a file (or other non-directory), nothing yet, or not reachable (a parent is a file). */
function pathKind(p: string): 'dir' | 'file' | 'missing' | 'blocked' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'blocked';
  }
}

/** A plain decimal (no hex, exponent or Infinity, which Number() would also accept). */
const decimalText = (whole: boolean): z.ZodType<number> =>
  z.string().regex(whole ? /^\d+$/ : /^\d+(\.\d+)?$/).transform(Number);

/** The shape of a cron expression (5 or 6 fields of cron characters); node-cron validates the meaning at start-up. */
const cronShape = z.string().regex(/^[\d*/,?LW#A-Za-z-]+(\s+[\d*/,?LW#A-Za-z-]+){4,5}$/);

const url = z.string().refine((s) => { try { return ['http:', 'https:'].includes(new URL(s).protocol); } catch { return false; } });

const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** WEIGHTS_URL_ALLOW: comma-separated host names, IP addresses or CIDR ranges (ipaddr.js parses the last two). */
const urlAllowList = z.string().transform((text, ctx) => {
  const entries = text.split(',').map((p) => p.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean);
  if (entries.length === 0 || !entries.every((e) => ipaddr.isValidCIDR(e) || ipaddr.isValid(e) || HOST_NAME.test(e))) {
    ctx.addIssue({ code: 'custom', message: 'bad entry' });
    return z.NEVER;
  }
  return entries;
});

/** A Solana address: 32 to 44 base58 characters (the venue checks it decodes to 32 bytes). */
const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
const base58List = z.string().transform((text, ctx) => {
  const entries = [...new Set(text.split(',').map((p) => p.trim()).filter(Boolean))];
  if (entries.length === 0 || !entries.every((e) => BASE58_ADDRESS.test(e))) {
    ctx.addIssue({ code: 'custom', message: 'bad address' });
    return z.NEVER;
  }
  return entries;
});
const subAccountList = z.string().transform((text, ctx) => {
  const entries = text.split(',').map((p) => p.trim()).filter(Boolean);
  const ids = entries.map((e) => (/^\d{1,5}$/.test(e) ? Number(e) : -1));
  if (ids.length === 0 || ids.some((n) => n < 0 || n > 65_535)) {
    ctx.addIssue({ code: 'custom', message: 'bad id' });
    return z.NEVER;
  }
  return [...new Set(ids)].sort((a, b) => a - b);
});

/** Every key Config reads, with what it expects. .env.example documents the same list. */
export const CONFIG_KEYS = {
  VIGIL_DATA_DIR: { expected: 'a directory path', schema: z.string().refine((p) => ['dir', 'missing'].includes(pathKind(p))), path: true },
  LOG_LEVEL: { expected: 'one of fatal, error, warn, info, debug, trace, silent', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  LOG_FILE: { expected: 'a file path', schema: z.string().refine((p) => ['file', 'missing'].includes(pathKind(p))), path: true },
  TZ: { expected: 'an IANA time zone such as Europe/Paris or UTC', schema: z.string().refine(isTimeZone) },
  EXECUTION_MODE: { expected: 'one of dry-run, paper, live', schema: z.enum(['dry-run', 'paper', 'live']) },
  PAPER_SEED: { expected: 'a whole number from 0 to 4294967295', schema: decimalText(true).pipe(z.number().int().min(0).max(4294967295)) },
  PAPER_PORTFOLIO: { expected: 'the path of an existing JSON portfolio file', schema: z.string().refine((p) => pathKind(p) === 'file'), path: true },
  DEMO_SPEED: { expected: 'a number from 1 to 100000 (simulated seconds per real second)', schema: decimalText(false).pipe(z.number().min(1).max(100_000)) },
  PAPER_TICK_MS: { expected: 'a whole number of milliseconds from 100 to 60000', schema: decimalText(true).pipe(z.number().int().min(100).max(60_000)) },
  CONSOLE_ROLE: { expected: 'one of viewer, trader, admin', schema: z.enum(ROLE_VALUES) },
  PRICE_HISTORY: { expected: 'one of paper, csv, binance', schema: z.enum(['paper', 'csv', 'binance']) },
  PRICE_HISTORY_DIR: { expected: 'a directory of <ASSET>-USD.daily.csv files', schema: z.string().refine((p) => pathKind(p) === 'dir'), path: true },
  PRICE_API_URL: { expected: 'an http(s) URL', schema: url },
  RISK_LOOKBACK_DAYS: { expected: 'a whole number of days from 30 to 3000', schema: decimalText(true).pipe(z.number().int().min(30).max(3000)) },
  TELEGRAM_BOT_TOKEN: { expected: 'a bot token from @BotFather (digits:secret)', schema: z.string().regex(/^\d{5,20}:[A-Za-z0-9_-]{30,}$/), secret: true },
  TELEGRAM_ALLOWED_USERS: { expected: 'comma-separated numeric ids, each optionally :viewer, :trader or :admin', schema: accessList() },
  TELEGRAM_API_ROOT: { expected: 'an http(s) URL of a Bot API server', schema: url },
  TELEGRAM_WEBHOOK_URL: { expected: 'an https URL Telegram can reach', schema: z.string().refine((s) => { try { return new URL(s).protocol === 'https:'; } catch { return false; } }) },
  TELEGRAM_WEBHOOK_SECRET: { expected: '1-256 characters of A-Z, a-z, 0-9, _ and -', schema: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/), secret: true },
  TELEGRAM_WEBHOOK_PORT: { expected: 'a port number from 1 to 65535', schema: decimalText(true).pipe(z.number().int().min(1).max(65_535)) },
  TELEGRAM_STARTUP_TIMEOUT: { expected: 'seconds from 1 to 3600', schema: decimalText(true).pipe(z.number().int().min(1).max(3_600)) },
  CONSOLE: { expected: 'on or off', schema: z.enum(['on', 'off']) },
  MONITOR_REFRESH_CRON: { expected: 'a cron expression of 5 or 6 fields such as "*/10 * * * * *"', schema: cronShape },
  MONITOR_RISK_CRON: { expected: 'a cron expression of 5 or 6 fields such as "0 * * * * *"', schema: cronShape },
  MONITOR_DRIFT_CRON: { expected: 'a cron expression of 5 or 6 fields such as "0 */5 * * * *"', schema: cronShape },
  MONITOR_SNAPSHOT_CRON: { expected: 'a cron expression of 5 or 6 fields such as "0 */5 * * * *"', schema: cronShape },
  MONITOR_REPORT_CRON: { expected: 'a cron expression of 5 or 6 fields such as "0 0 9 * * *"', schema: cronShape },
  SOLANA_RPC_URL: { expected: 'an http(s) URL', schema: url },
  SOLANA_WS_URL: { expected: 'a ws(s) URL', schema: z.string().refine((s) => { try { return ['ws:', 'wss:'].includes(new URL(s).protocol); } catch { return false; } }) },
  DRIFT_AUTHORITIES: { expected: 'one or more comma-separated Solana wallet addresses (base58)', schema: base58List },
  DRIFT_SUBACCOUNTS: { expected: 'comma-separated sub-account ids from 0 to 65535', schema: subAccountList },
  DRIFT_SUBSCRIPTION: { expected: 'one of websocket, polling', schema: z.enum(['websocket', 'polling']) },
  DRIFT_ENV: { expected: 'one of mainnet-beta, devnet', schema: z.enum(['mainnet-beta', 'devnet']) },
  DRIFT_ALLOW_OWNER_KEY: { expected: 'true or false', schema: z.enum(['true', 'false']).transform((v) => v === 'true') },
  WALLET_KEYPAIR: { expected: 'the path of an existing keypair JSON file', schema: z.string().refine((p) => pathKind(p) === 'file'), secret: true, path: true },
  APPROVAL_TTL_SECONDS: { expected: 'a whole number of seconds from 10 to 3600', schema: decimalText(true).pipe(z.number().int().min(10).max(3600)) },
  APPROVAL_PRICE_TOLERANCE_BPS: { expected: 'a number of basis points from 1 to 5000', schema: decimalText(false).pipe(z.number().min(1).max(5000)) },
  APPROVAL_CONFIRMER: { expected: 'one of requester, any-trader', schema: z.enum(['requester', 'any-trader']) },
  MAX_NOTIONAL_PER_ACTION_USD: { expected: 'a positive number of USD', schema: decimalText(false).pipe(z.number().positive()) },
  MAX_NOTIONAL_PER_DAY_USD: { expected: 'a positive number of USD', schema: decimalText(false).pipe(z.number().positive()) },
  REBALANCE_MIN_TRADE_USD: { expected: 'a number of USD, 0 or more', schema: decimalText(false).pipe(z.number().min(0)) },
  WEIGHTS_DIR: { expected: 'a directory path', schema: z.string().refine((p) => ['dir', 'missing'].includes(pathKind(p))), path: true },
  WEIGHTS_URL_ALLOW: { expected: 'comma-separated host names, IP addresses or CIDR ranges such as signals.internal,10.1.0.0/16', schema: urlAllowList },
} as const satisfies Record<string, KeySpec<unknown>>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Prefixes of settings not read yet but reserved for venues and features to come; typos under them are warned too. */
const RESERVED_PREFIXES = ['DISCORD_', 'SAROS_'] as const;

/** Names under a known prefix that other project tools read (the test suite's data directory), not Vigil itself. */
const OTHER_TOOL_KEYS: ReadonlySet<string> = new Set(['VIGIL_SHARED_DIR']);

/**
 * The prefixes whose keys are checked for typos: the first word of every key in CONFIG_KEYS (TELEGRAM_, PAPER_,
 * CONSOLE_ …) plus the reserved ones. Keys under no such prefix (PATH, HOME …) are never warned about.
 */
export const KEY_PREFIXES: readonly string[] = [...new Set([
  ...Object.keys(CONFIG_KEYS).map((key) => `${key.split('_')[0] ?? key}_`),
  ...RESERVED_PREFIXES,
])].sort();

/** Edit distance where inserting, deleting or replacing a character, or swapping two neighbours, costs 1. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] ?? 0) + 1);
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The known key nearest to `name`, if one is near enough to be a typo of it (2 edits, or a quarter of its length). */
function closestKey(name: string): ConfigKey | undefined {
  let best: { key: ConfigKey; distance: number } | undefined;
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
    const limit = Math.max(2, Math.floor(key.length / 4));
    if (Math.abs(key.length - name.length) > limit) continue; // the distance is at least the difference in length
    const distance = editDistance(name, key);
    if (distance <= limit && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

/** A key name as it can be shown on one line: as is when plain, else quoted with line breaks escaped and shortened. */
function shownName(name: string): string {
  if (/^[A-Za-z0-9_]{1,80}$/.test(name)) return name;
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
    .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface UnknownKey {
  readonly name: string;
  /** The known key it most likely means, if one is near. */
  readonly suggestion: ConfigKey | undefined;
}

/** Keys of `env` under a known prefix that are not known settings, sorted; names only, never values. */
function unknownKeys(env: Readonly<Record<string, string | undefined>>): UnknownKey[] {
  return Object.keys(env)
    .filter((name) => !Object.hasOwn(CONFIG_KEYS, name) && !OTHER_TOOL_KEYS.has(name) && KEY_PREFIXES.some((p) => name.startsWith(p)))
    .sort()
    .map((name) => ({ name, suggestion: closestKey(name) }));
}

function warningLine({ name, suggestion }: UnknownKey): string {
  const hint = suggestion ? `did you mean ${suggestion}?` : '.env.example lists the known ones';
  return `vigil: warning: ${shownName(name)} is not a known setting; ${hint}`;
}

/**
 * One warning line per key of `env` that starts with a known prefix but is not a known setting, naming the closest
 * known key when one is near, e.g. `vigil: warning: TELEGRAM_ALOWED_USERS is not a known setting; did you mean
 * TELEGRAM_ALLOWED_USERS?`. Shows key names only, never values.
 */
export function configWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  return unknownKeys(env).map(warningLine);
}

function shown(key: ConfigKey, value: string): string {
  const spec: KeySpec<unknown> = CONFIG_KEYS[key];
  if (spec.secret) return `a value of ${value.length} characters`;
  // JSON.stringify escapes \n and \r but not the Unicode line breaks NEL, LS and PS; escape those too (one line).
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
    .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function read<K extends ConfigKey>(env: Readonly<Record<string, string | undefined>>, key: K, cwd: string): z.output<(typeof CONFIG_KEYS)[K]['schema']> | undefined {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  const spec: KeySpec<unknown> = CONFIG_KEYS[key];
  // Paths are checked where they will be used: relative to `cwd`, not to the process's working directory.
  const parsed = spec.schema.safeParse(spec.path ? resolve(cwd, value) : value);
  if (!parsed.success) throw new ConfigError(`${key}: expected ${spec.expected}, got ${shown(key, value)}`);
  return parsed.data as z.output<(typeof CONFIG_KEYS)[K]['schema']>;
}

/** A path as it can be pasted into a shell command, on one line. */
function shellPath(p: string): string {
  if (/^[\w@%+=:,./-]+$/.test(p)) return p;
  return `'${p.replace(/'/g, `'\\''`)}'`
    .replace(/[\n\r\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Largest file read as a keypair; a Solana keypair file (64 numbers as JSON) is a few hundred bytes. */
const KEYPAIR_MAX_BYTES = 16_384;

/**
 * Live signing key checks: the file must be readable by its owner only and hold a Solana keypair (a JSON array of 64
 * integers 0..255). Errors name the path, never the content.
 */
function checkLiveKeypair(file: string): void {
  const where = shellPath(file);
  const notKeypair = new ConfigError(`WALLET_KEYPAIR: ${where} is not a Solana keypair file (expected a JSON array of 64 integers from 0 to 255)`);
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    throw new ConfigError(`WALLET_KEYPAIR: ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new ConfigError(`WALLET_KEYPAIR: ${where} is readable by group or others (mode ${mode}); run chmod 600 ${where}`);
  }
  if (stat.size > KEYPAIR_MAX_BYTES) throw notKeypair;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`WALLET_KEYPAIR: ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notKeypair;
  }
  const isByte = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 255;
  if (!Array.isArray(value) || value.length !== 64 || !value.every(isByte)) throw notKeypair;
}

/** `p` with every symlink in its longest existing part resolved (the rest appended), as the OS will see it. */
function realish(p: string): string {
  const tail: string[] = [];
  for (let head = p; ;) {
    try {
      return join(realpathSync(head), ...tail);
    } catch {
      const parent = dirname(head);
      if (parent === head) return p;
      tail.unshift(basename(head));
      head = parent;
    }
  }
}

/** Whether `a` and `b` are the same directory or one is inside the other, after symlinks. */
function overlaps(a: string, b: string): boolean {
  const ra = realish(a);
  const rb = realish(b);
  return ra === rb || ra.startsWith(rb.endsWith(sep) ? rb : `${rb}${sep}`) || rb.startsWith(ra.endsWith(sep) ? ra : `${ra}${sep}`);
}

/**
 * WEIGHTS_DIR: chat users make the server read files there, so it must not be, hold or sit inside the data
 * directory (the state file, logs) nor hold the signing keypair.
 */
function checkWeightsDir(env: Readonly<Record<string, string | undefined>>, dir: string, set: boolean, dataDir: string, keypair: string | undefined): void {
  const where = set ? `, got ${shown('WEIGHTS_DIR', env.WEIGHTS_DIR?.trim() ?? '')}` : ' (the default ./weights)';
  if (overlaps(dir, dataDir)) {
    throw new ConfigError(`WEIGHTS_DIR: expected a directory outside VIGIL_DATA_DIR, and not one holding it${where}`);
  }
  if (keypair && overlaps(dir, keypair)) throw new ConfigError(`WEIGHTS_DIR: expected a directory that does not hold WALLET_KEYPAIR${where}`);
}

/**
 * Builds the Config, with its typo warnings, from an environment map. Throws ConfigError (one line) on the first bad
 * key; when the key it names looks mistyped elsewhere in `env` (TELEGRAM_ALOWED_USERS for a missing
 * TELEGRAM_ALLOWED_USERS), the error says so, since the warnings are never printed then.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): Config {
  const unknown = unknownKeys(env);
  try {
    return { ...settings(env, cwd), warnings: unknown.map(warningLine) };
  } catch (err) {
    const typo = err instanceof ConfigError ? unknown.find((u) => u.suggestion && err.message.startsWith(`${u.suggestion}: `)) : undefined;
    if (typo?.suggestion) throw new ConfigError(`${(err as ConfigError).message}; ${shownName(typo.name)} is set: did you mean ${typo.suggestion}?`);
    throw err;
  }
}

/** The settings part of the Config (everything but the warnings); throws ConfigError on the first bad key. */
function settings(env: Readonly<Record<string, string | undefined>>, cwd: string): Omit<Config, 'warnings'> {
  const token = read(env, 'TELEGRAM_BOT_TOKEN', cwd);
  const allowed = read(env, 'TELEGRAM_ALLOWED_USERS', cwd);
  if (token && (!allowed || allowed.length === 0)) {
    throw new ConfigError('TELEGRAM_ALLOWED_USERS: missing, expected comma-separated numeric ids (the bot refuses everyone else)');
  }
  const apiRoot = read(env, 'TELEGRAM_API_ROOT', cwd);
  const webhookPort = read(env, 'TELEGRAM_WEBHOOK_PORT', cwd);
  const startupTimeoutS = read(env, 'TELEGRAM_STARTUP_TIMEOUT', cwd);
  const consoleFlag = read(env, 'CONSOLE', cwd);
  const webhookUrl = read(env, 'TELEGRAM_WEBHOOK_URL', cwd);
  const webhookSecret = read(env, 'TELEGRAM_WEBHOOK_SECRET', cwd);
  if (webhookUrl && !webhookSecret) throw new ConfigError('TELEGRAM_WEBHOOK_SECRET: missing, expected a secret token (TELEGRAM_WEBHOOK_URL is set)');
  const rpcUrl = read(env, 'SOLANA_RPC_URL', cwd);
  const keypair = read(env, 'WALLET_KEYPAIR', cwd);
  if (keypair && !rpcUrl) throw new ConfigError('SOLANA_RPC_URL: missing, expected an http(s) URL (WALLET_KEYPAIR is set)');
  const wsUrl = read(env, 'SOLANA_WS_URL', cwd);
  const authorities = read(env, 'DRIFT_AUTHORITIES', cwd);
  const subAccounts = read(env, 'DRIFT_SUBACCOUNTS', cwd);
  const subscription = read(env, 'DRIFT_SUBSCRIPTION', cwd) ?? 'websocket';
  const driftEnv = read(env, 'DRIFT_ENV', cwd) ?? 'mainnet-beta';
  const allowOwnerKey = read(env, 'DRIFT_ALLOW_OWNER_KEY', cwd) ?? false;
  if (!rpcUrl && (authorities || wsUrl)) throw new ConfigError(`SOLANA_RPC_URL: missing, expected an http(s) URL (${authorities ? 'DRIFT_AUTHORITIES' : 'SOLANA_WS_URL'} is set)`);
  const mode = read(env, 'EXECUTION_MODE', cwd) ?? 'dry-run';
  if (mode === 'live' && !keypair) throw new ConfigError('WALLET_KEYPAIR: missing, expected a keypair file (EXECUTION_MODE is live)');
  if (mode === 'live' && keypair) checkLiveKeypair(keypair);
  if (rpcUrl && !authorities && !keypair) throw new ConfigError('DRIFT_AUTHORITIES: missing, expected one or more wallet addresses to watch (SOLANA_RPC_URL is set)');
  const ttlSeconds = read(env, 'APPROVAL_TTL_SECONDS', cwd) ?? 60;
  const priceToleranceBps = read(env, 'APPROVAL_PRICE_TOLERANCE_BPS', cwd) ?? 50;
  const confirmer = read(env, 'APPROVAL_CONFIRMER', cwd) ?? 'requester';
  const perActionSet = read(env, 'MAX_NOTIONAL_PER_ACTION_USD', cwd);
  const perDaySet = read(env, 'MAX_NOTIONAL_PER_DAY_USD', cwd);
  const perAction = perActionSet ?? 100_000;
  const perDay = perDaySet ?? 500_000;
  if (perDay < perAction) {
    const action = perActionSet === undefined ? `${perAction}, the default` : `${perAction}`;
    const day = perDaySet === undefined ? `${perDay} (the default)` : shown('MAX_NOTIONAL_PER_DAY_USD', env.MAX_NOTIONAL_PER_DAY_USD?.trim() ?? '');
    throw new ConfigError(`MAX_NOTIONAL_PER_DAY_USD: expected at least MAX_NOTIONAL_PER_ACTION_USD (${action}), got ${day}`);
  }
  const minTradeUsd = read(env, 'REBALANCE_MIN_TRADE_USD', cwd) ?? 25;
  const portfolio = read(env, 'PAPER_PORTFOLIO', cwd);
  const priceSource = read(env, 'PRICE_HISTORY', cwd) ?? (rpcUrl ? 'binance' : 'paper');
  const csvDir = read(env, 'PRICE_HISTORY_DIR', cwd);
  if (priceSource === 'csv' && !csvDir) throw new ConfigError('PRICE_HISTORY_DIR: missing, expected a directory of <ASSET>-USD.daily.csv files (PRICE_HISTORY is csv)');
  const logFile = read(env, 'LOG_FILE', cwd);
  const dataDir = read(env, 'VIGIL_DATA_DIR', cwd) ?? resolve(cwd, 'data');
  const weightsDirSet = read(env, 'WEIGHTS_DIR', cwd);
  const weightsDir = weightsDirSet ?? resolve(cwd, 'weights');
  checkWeightsDir(env, weightsDir, weightsDirSet !== undefined, dataDir, keypair);
  const urlAllow = read(env, 'WEIGHTS_URL_ALLOW', cwd) ?? [];
  return {
    dataDir,
    logLevel: read(env, 'LOG_LEVEL', cwd) ?? 'info',
    logFile,
    timeZone: read(env, 'TZ', cwd) ?? 'UTC',
    executionMode: mode,
    paper: {
      seed: read(env, 'PAPER_SEED', cwd) ?? 42,
      portfolioFile: portfolio,
      demoSpeed: read(env, 'DEMO_SPEED', cwd) ?? 60,
      tickMs: read(env, 'PAPER_TICK_MS', cwd) ?? 1000,
    },
    console: { role: read(env, 'CONSOLE_ROLE', cwd) ?? 'admin' },
    prices: { source: priceSource, csvDir, apiUrl: read(env, 'PRICE_API_URL', cwd) ?? 'https://api.binance.com' },
    risk: { lookbackDays: read(env, 'RISK_LOOKBACK_DAYS', cwd) ?? 365 },
    schedules: Object.fromEntries((['MONITOR_REFRESH_CRON', 'MONITOR_RISK_CRON', 'MONITOR_DRIFT_CRON', 'MONITOR_SNAPSHOT_CRON', 'MONITOR_REPORT_CRON'] as const)
      .flatMap((k) => { const v = read(env, k, cwd); return v === undefined ? [] : [[k, v]]; })),
    telegram: token && allowed ? {
      token, allowed, apiRoot,
      webhook: webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret, port: webhookPort ?? 8443 } : undefined,
      startupTimeoutMs: (startupTimeoutS ?? 60) * 1000,
    } : undefined,
    consoleEnabled: token ? consoleFlag === 'on' : true,
    solana: rpcUrl ? { rpcUrl, wsUrl, keypairFile: keypair } : undefined,
    drift: rpcUrl ? { authorities: authorities ?? [], subAccounts: subAccounts ?? null, subscription, env: driftEnv, allowOwnerKey } : undefined,
    transport: token ? 'telegram' : 'console',
    venue: rpcUrl ? 'live' : 'paper',
    approvals: {
      ttlMs: ttlSeconds * 1000,
      priceToleranceBps,
      confirmer,
      maxNotionalPerActionUsd: perAction,
      maxNotionalPerDayUsd: perDay,
    },
    rebalance: { minTradeUsd },
    weights: { dir: weightsDir, urlAllow },
  };
}

/** Loads `.env` from `cwd` if present (real environment wins), then parses. */
export function loadConfig(cwd = process.cwd()): Config {
  const file = resolve(cwd, '.env');
  if (existsSync(file)) {
    try {
      process.loadEnvFile(file);
    } catch (err) {
      throw new ConfigError(`.env: cannot be read (${(err as Error).message})`);
    }
  }
  return parseConfig(process.env, cwd);
}
