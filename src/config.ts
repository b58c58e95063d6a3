/**
 * Environment → validated, typed Config. The only module that reads process.env. Every problem is reported as one
 * line naming the key, what is expected and what was given (never the value of a secret).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { z } from 'zod';
import type { ExecutionMode, Role } from './domain/index.ts';
import { ConfigError } from './shared/errors.ts';
import { CONFIG_KEYS, shownName, unknownKeys, warningLine, type AccessEntry, type ConfigKey, type KeySpec } from './config/keys.ts';

export { CONFIG_KEYS, KEY_PREFIXES, configWarnings, type AccessEntry, type ConfigKey } from './config/keys.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';


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
  /** Saros DLMM wallets to watch (with SOLANA_RPC_URL). */
  /** Saros LP wallets; their key (SAROS_KEYPAIR) to send re-centers; swap slippage allowed, bps (venue default if unset). */
  /** Discord bot: credentials (also for `npm run discord:deploy`), who may use it, channels that get the alerts. */
  readonly discord: {
    readonly token: string; readonly applicationId: string; readonly guildId: string | undefined; readonly apiRoot: string | undefined;
    /** Users allowed, with their role; and server roles granting a Vigil role (DISCORD_ROLE_MAP). */
    readonly allowed: readonly AccessEntry[]; readonly roleMap: readonly { readonly roleId: string; readonly role: Role }[];
    /** Channels subscribed to alerts and the daily report at start-up (DISCORD_ALERT_CHANNELS). */
    readonly alertChannels: readonly string[];
  } | undefined;
  readonly saros: { readonly wallets: readonly string[]; readonly keypairFile: string | undefined; readonly slippageBps: number | undefined } | undefined;
  /** Which chat transports run: console unless a chat token is configured. */
  readonly transport: 'console' | 'telegram' | 'discord' | 'telegram+discord';
  /** One person's Telegram and Discord ids (LINKED_IDENTITIES): a plan asked for on one may be confirmed on the other. */
  readonly linkedIdentities: readonly { readonly telegram: string; readonly discord: string }[];
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
function checkLiveKeypair(file: string, key: 'WALLET_KEYPAIR' | 'SAROS_KEYPAIR' = 'WALLET_KEYPAIR'): void {
  const where = shellPath(file);
  const notKeypair = new ConfigError(`${key}: ${where} is not a Solana keypair file (expected a JSON array of 64 integers from 0 to 255)`);
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    throw new ConfigError(`${key}: ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new ConfigError(`${key}: ${where} is readable by group or others (mode ${mode}); run chmod 600 ${where}`);
  }
  if (stat.size > KEYPAIR_MAX_BYTES) throw notKeypair;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${key}: ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
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
  const discordToken = read(env, 'DISCORD_TOKEN', cwd);
  const discordApp = read(env, 'DISCORD_APPLICATION_ID', cwd);
  const discordGuild = read(env, 'DISCORD_GUILD_ID', cwd);
  const discordApi = read(env, 'DISCORD_API_ROOT', cwd);
  const discordAllowed = read(env, 'DISCORD_ALLOWED_USERS', cwd) ?? [];
  const discordRoleMap = read(env, 'DISCORD_ROLE_MAP', cwd) ?? [];
  const discordChannels = read(env, 'DISCORD_ALERT_CHANNELS', cwd) ?? [];
  const links = read(env, 'LINKED_IDENTITIES', cwd) ?? [];
  if (discordToken && !discordApp) throw new ConfigError('DISCORD_APPLICATION_ID: missing, expected the application id from the Discord developer portal (DISCORD_TOKEN is set)');
  if (discordToken && discordAllowed.length === 0 && discordRoleMap.length === 0) {
    throw new ConfigError('DISCORD_ALLOWED_USERS: missing, expected comma-separated Discord user ids (or DISCORD_ROLE_MAP; the bot refuses everyone else)');
  }
  const rpcUrl = read(env, 'SOLANA_RPC_URL', cwd);
  const keypair = read(env, 'WALLET_KEYPAIR', cwd);
  if (keypair && !rpcUrl) throw new ConfigError('SOLANA_RPC_URL: missing, expected an http(s) URL (WALLET_KEYPAIR is set)');
  const wsUrl = read(env, 'SOLANA_WS_URL', cwd);
  const authorities = read(env, 'DRIFT_AUTHORITIES', cwd);
  const subAccounts = read(env, 'DRIFT_SUBACCOUNTS', cwd);
  const subscription = read(env, 'DRIFT_SUBSCRIPTION', cwd) ?? 'websocket';
  const driftEnv = read(env, 'DRIFT_ENV', cwd) ?? 'mainnet-beta';
  const allowOwnerKey = read(env, 'DRIFT_ALLOW_OWNER_KEY', cwd) ?? false;
  const sarosWallets = read(env, 'SAROS_WALLETS', cwd);
  const sarosKeypair = read(env, 'SAROS_KEYPAIR', cwd);
  const sarosSlippageBps = read(env, 'SAROS_SLIPPAGE_BPS', cwd);
  if (sarosKeypair && !sarosWallets) throw new ConfigError('SAROS_WALLETS: missing, expected the wallet address(es) whose positions SAROS_KEYPAIR signs for (SAROS_KEYPAIR is set)');
  if (!rpcUrl && (authorities || wsUrl || sarosWallets)) {
    throw new ConfigError(`SOLANA_RPC_URL: missing, expected an http(s) URL (${authorities ? 'DRIFT_AUTHORITIES' : sarosWallets ? 'SAROS_WALLETS' : 'SOLANA_WS_URL'} is set)`);
  }
  const mode = read(env, 'EXECUTION_MODE', cwd) ?? 'dry-run';
  // Live needs a key for what it would send: Drift's (WALLET_KEYPAIR) and/or the LP wallet's (SAROS_KEYPAIR).
  if (mode === 'live' && !keypair && !sarosKeypair) throw new ConfigError('WALLET_KEYPAIR: missing, expected a keypair file (EXECUTION_MODE is live; SAROS_KEYPAIR for Saros only)');
  if (mode === 'live' && keypair) checkLiveKeypair(keypair);
  if (mode === 'live' && sarosKeypair) checkLiveKeypair(sarosKeypair, 'SAROS_KEYPAIR');
  if (rpcUrl && !authorities && !keypair && !sarosWallets) {
    throw new ConfigError('DRIFT_AUTHORITIES: missing, expected one or more wallet addresses to watch (SOLANA_RPC_URL is set; or SAROS_WALLETS for Saros positions)');
  }
  // Drift runs for its own addresses, or for the signing key's account; a Saros-only setup does not start it.
  const driftOn = Boolean(rpcUrl && (authorities || (keypair && !sarosWallets)));
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
    consoleEnabled: token || discordToken ? consoleFlag === 'on' : true,
    discord: discordToken && discordApp ? {
      token: discordToken, applicationId: discordApp, guildId: discordGuild, apiRoot: discordApi,
      allowed: discordAllowed, roleMap: discordRoleMap.map((e) => ({ roleId: e.userId, role: e.role })), alertChannels: discordChannels,
    } : undefined,
    linkedIdentities: links,
    solana: rpcUrl ? { rpcUrl, wsUrl, keypairFile: keypair } : undefined,
    drift: driftOn ? { authorities: authorities ?? [], subAccounts: subAccounts ?? null, subscription, env: driftEnv, allowOwnerKey } : undefined,
    saros: rpcUrl && sarosWallets ? { wallets: sarosWallets, keypairFile: sarosKeypair, slippageBps: sarosSlippageBps } : undefined,
    transport: token && discordToken ? 'telegram+discord' : token ? 'telegram' : discordToken ? 'discord' : 'console',
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
