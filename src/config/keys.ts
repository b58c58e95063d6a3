/**
 * The table of configuration keys: each key's schema and the one-line description of what it expects, plus the typo
 * check for unknown keys under a known prefix. Pure: src/config.ts reads the environment and applies this table.
 */
import { statSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { Role } from '../domain/index.ts';

export interface AccessEntry {
  readonly userId: string;
  readonly role: Role;
}

export interface KeySpec<T> {
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

const snowflakeList = z.string().transform((text, ctx) => {
  const ids = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (ids.length === 0 || ids.some((id) => !/^\d{17,20}$/.test(id))) {
    ctx.addIssue({ code: 'custom', message: 'bad id' });
    return z.NEVER;
  }
  return [...new Set(ids)];
});

/** "telegram:123=discord:456,…" (either order): each pair is one person; an identity may appear in one pair only. */
const identityLinks = z.string().transform((text, ctx) => {
  const pairs: { telegram: string; discord: string }[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const ids: Record<string, string> = {};
    for (const side of part.split('=')) {
      const m = /^(telegram):(\d{1,20})$/.exec(side.trim()) ?? /^(discord):(\d{17,20})$/.exec(side.trim());
      if (m?.[1] && m[2]) ids[m[1]] = m[2];
    }
    const { telegram, discord } = ids;
    if (part.split('=').length !== 2 || !telegram || !discord || seen.has(`telegram:${telegram}`) || seen.has(`discord:${discord}`)) {
      ctx.addIssue({ code: 'custom', message: 'bad pair' });
      return z.NEVER;
    }
    seen.add(`telegram:${telegram}`);
    seen.add(`discord:${discord}`);
    pairs.push({ telegram, discord });
  }
  return pairs;
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** What is at a path: a directory, a file (or other non-directory), nothing yet, or not reachable (a parent is a file). */
export function pathKind(p: string): 'dir' | 'file' | 'missing' | 'blocked' {
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
  DEMO_SPEED: { expected: 'a number from 1 to 100000 (paper market seconds per real second)', schema: decimalText(false).pipe(z.number().min(1).max(100_000)) },
  PAPER_TICK_MS: { expected: 'a whole number of milliseconds from 100 to 60000', schema: decimalText(true).pipe(z.number().int().min(100).max(60_000)) },
  CONSOLE_ROLE: { expected: 'one of viewer, trader, admin', schema: z.enum(ROLE_VALUES) },
  PRICE_HISTORY: { expected: 'one of paper, csv, binance', schema: z.enum(['paper', 'csv', 'binance']) },
  PRICE_HISTORY_DIR: { expected: 'a directory of <ASSET>-USD.daily.csv files', schema: z.string().refine((p) => pathKind(p) === 'dir'), path: true },
  PRICE_API_URL: { expected: 'an http(s) URL', schema: url },
  RISK_LOOKBACK_DAYS: { expected: 'a whole number of days from 30 to 3000', schema: decimalText(true).pipe(z.number().int().min(30).max(3000)) },
  DISCORD_TOKEN: { expected: 'a bot token from the Discord developer portal (three dot-separated parts)', schema: z.string().regex(/^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/), secret: true },
  DISCORD_APPLICATION_ID: { expected: 'the application id (a snowflake of 17 to 20 digits)', schema: z.string().regex(/^\d{17,20}$/) },
  DISCORD_ALLOWED_USERS: { expected: 'comma-separated Discord user ids, each optionally :viewer, :trader or :admin', schema: accessList() },
  DISCORD_ROLE_MAP: { expected: 'comma-separated Discord role ids, each :viewer, :trader or :admin', schema: accessList() },
  DISCORD_GUILD_ID: { expected: 'a server id (a snowflake of 17 to 20 digits)', schema: z.string().regex(/^\d{17,20}$/) },
  DISCORD_ALERT_CHANNELS: { expected: 'comma-separated channel ids (snowflakes of 17 to 20 digits)', schema: snowflakeList },
  LINKED_IDENTITIES: { expected: 'comma-separated telegram:ID=discord:ID pairs (one person on both platforms)', schema: identityLinks },
  DISCORD_API_ROOT: { expected: 'an http(s) URL of a Discord API proxy (its /api path)', schema: url },
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
  SAROS_WALLETS: { expected: 'one or more comma-separated Solana wallet addresses (base58) holding Saros DLMM positions', schema: base58List },
  SAROS_KEYPAIR: { expected: 'the path of an existing keypair JSON file (the key of a SAROS_WALLETS wallet)', schema: z.string().refine((p) => pathKind(p) === 'file'), secret: true, path: true },
  SAROS_SLIPPAGE_BPS: { expected: 'a whole number of basis points from 0 to 1000', schema: decimalText(true).pipe(z.number().int().min(0).max(1000)) },
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
const RESERVED_PREFIXES = ['DISCORD_'] as const;

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
export function shownName(name: string): string {
  if (/^[A-Za-z0-9_]{1,80}$/.test(name)) return name;
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
    .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface UnknownKey {
  readonly name: string;
  /** The known key it most likely means, if one is near. */
  readonly suggestion: ConfigKey | undefined;
}

/** Keys of `env` under a known prefix that are not known settings, sorted; names only, never values. */
export function unknownKeys(env: Readonly<Record<string, string | undefined>>): UnknownKey[] {
  return Object.keys(env)
    .filter((name) => !Object.hasOwn(CONFIG_KEYS, name) && !OTHER_TOOL_KEYS.has(name) && KEY_PREFIXES.some((p) => name.startsWith(p)))
    .sort()
    .map((name) => ({ name, suggestion: closestKey(name) }));
}

export function warningLine({ name, suggestion }: UnknownKey): string {
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
