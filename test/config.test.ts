import { chmodSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_KEYS, KEY_PREFIXES, configWarnings, loadConfig, parseConfig, type ConfigKey } from '../src/config.ts';
import { ConfigError } from '../src/shared/errors.ts';

const TOKEN = '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ';
const SECRET_KEYS: readonly ConfigKey[] = ['TELEGRAM_BOT_TOKEN', 'DISCORD_TOKEN', 'WALLET_KEYPAIR', 'SAROS_KEYPAIR', 'TELEGRAM_WEBHOOK_SECRET'];
/** Characters that end a line: \n, \r, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;
/** A well-formed Solana keypair file's content: 64 bytes as a JSON array. */
const KEYPAIR_JSON = JSON.stringify(Array.from({ length: 64 }, (_, i) => (i * 37) % 256));
const LIVE = { EXECUTION_MODE: 'live', SOLANA_RPC_URL: 'https://rpc.example' } as const;

let cwd = '';
let keypair = '';
let portfolio = '';

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vigil-config-'));
  keypair = join(cwd, 'keypair.json');
  portfolio = join(cwd, 'book.json');
  writeFileSync(keypair, KEYPAIR_JSON);
  chmodSync(keypair, 0o600);
  await writeFile(portfolio, '{}');
  await mkdir(join(cwd, 'a-dir'));
  await writeFile(join(cwd, 'a-file'), 'x');
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** The ConfigError parseConfig throws for `env` (fails the test if it returns or throws something else). */
function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('parseConfig defaults', () => {
  it('runs the paper demo in the terminal with an empty environment', () => {
    const c = parseConfig({}, cwd);
    expect(c).toEqual({
      dataDir: join(cwd, 'data'),
      logLevel: 'info',
      logFile: undefined,
      timeZone: 'UTC',
      executionMode: 'dry-run',
      paper: { seed: 42, portfolioFile: undefined, demoSpeed: 60, tickMs: 1000 },
      console: { role: 'admin' },
      consoleEnabled: true,
      prices: { source: 'paper', csvDir: undefined, apiUrl: 'https://api.binance.com' },
      risk: { lookbackDays: 365 },
      schedules: {},
      telegram: undefined,
      solana: undefined,
      transport: 'console', linkedIdentities: [],
      venue: 'paper',
      approvals: { ttlMs: 60_000, priceToleranceBps: 50, confirmer: 'requester', maxNotionalPerActionUsd: 100_000, maxNotionalPerDayUsd: 500_000 },
      rebalance: { minTradeUsd: 25 },
      weights: { dir: join(cwd, 'weights'), urlAllow: [] },
      warnings: [],
    });
  });

  it('chooses the price history: csv needs a directory; a live RPC defaults to Binance candles', () => {
    expect(() => parseConfig({ PRICE_HISTORY: 'csv' }, cwd)).toThrow(/^PRICE_HISTORY_DIR: missing/);
    expect(parseConfig({ SOLANA_RPC_URL: 'https://rpc.example', DRIFT_AUTHORITIES: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p' }, cwd).prices.source).toBe('binance');
    expect(parseConfig({ RISK_LOOKBACK_DAYS: '1095' }, cwd).risk.lookbackDays).toBe(1095);
  });

  it('treats empty and blank values as unset', () => {
    const blank = Object.fromEntries(Object.keys(CONFIG_KEYS).map((k, i) => [k, i % 2 === 0 ? '' : '  \t ']));
    expect(parseConfig(blank, cwd)).toEqual(parseConfig({}, cwd));
  });

  it('resolves the default data directory against the given cwd, not the process cwd', () => {
    expect(parseConfig({}, '/srv/vigil').dataDir).toBe(resolve('/srv/vigil', 'data'));
  });
});

describe('parseConfig valid values', () => {
  it('reads every scalar key, trimming surrounding whitespace', () => {
    const c = parseConfig({
      LOG_LEVEL: ' debug ', TZ: 'Europe/Paris', EXECUTION_MODE: 'paper', PAPER_SEED: '4294967295', DEMO_SPEED: '2.5',
      PAPER_TICK_MS: '100', CONSOLE_ROLE: 'viewer',
    }, cwd);
    expect(c.logLevel).toBe('debug');
    expect(c.timeZone).toBe('Europe/Paris');
    expect(c.executionMode).toBe('paper');
    expect(c.paper).toEqual({ seed: 4294967295, portfolioFile: undefined, demoSpeed: 2.5, tickMs: 100 });
    expect(c.console.role).toBe('viewer');
  });

  it('accepts the bounds of every numeric range', () => {
    expect(parseConfig({ PAPER_SEED: '0', DEMO_SPEED: '1', PAPER_TICK_MS: '60000' }, cwd).paper)
      .toEqual({ seed: 0, portfolioFile: undefined, demoSpeed: 1, tickMs: 60_000 });
    expect(parseConfig({ DEMO_SPEED: '100000' }, cwd).paper.demoSpeed).toBe(100_000);
    expect(parseConfig({ APPROVAL_TTL_SECONDS: '10', APPROVAL_PRICE_TOLERANCE_BPS: '1' }, cwd).approvals)
      .toMatchObject({ ttlMs: 10_000, priceToleranceBps: 1 });
    expect(parseConfig({ APPROVAL_TTL_SECONDS: '3600', APPROVAL_PRICE_TOLERANCE_BPS: '5000' }, cwd).approvals)
      .toMatchObject({ ttlMs: 3_600_000, priceToleranceBps: 5000 });
    expect(parseConfig({ REBALANCE_MIN_TRADE_USD: '0' }, cwd).rebalance.minTradeUsd).toBe(0);
  });

  it('reads the approval settings, caps and rebalance minimum', () => {
    const c = parseConfig({
      APPROVAL_TTL_SECONDS: '120', APPROVAL_PRICE_TOLERANCE_BPS: '12.5', APPROVAL_CONFIRMER: ' any-trader ',
      MAX_NOTIONAL_PER_ACTION_USD: '5000.5', MAX_NOTIONAL_PER_DAY_USD: '20000', REBALANCE_MIN_TRADE_USD: '10.25',
    }, cwd);
    expect(c.approvals).toEqual({
      ttlMs: 120_000, priceToleranceBps: 12.5, confirmer: 'any-trader', maxNotionalPerActionUsd: 5000.5, maxNotionalPerDayUsd: 20_000,
    });
    expect(c.rebalance).toEqual({ minTradeUsd: 10.25 });
    // The daily cap may equal the per-action cap.
    expect(parseConfig({ MAX_NOTIONAL_PER_ACTION_USD: '500000' }, cwd).approvals.maxNotionalPerDayUsd).toBe(500_000);
  });

  it('resolves relative paths against the given cwd and checks them there', () => {
    const c = parseConfig({ VIGIL_DATA_DIR: 'state/here', LOG_FILE: 'logs/v.log', PAPER_PORTFOLIO: 'book.json' }, cwd);
    expect(c.dataDir).toBe(join(cwd, 'state', 'here'));
    expect(c.logFile).toBe(join(cwd, 'logs', 'v.log'));
    expect(c.paper.portfolioFile).toBe(portfolio);
    // An existing directory is a fine data directory; an absolute path stays as it is.
    expect(parseConfig({ VIGIL_DATA_DIR: join(cwd, 'a-dir') }, '/elsewhere').dataDir).toBe(join(cwd, 'a-dir'));
  });

  it('parses the access list: default viewer, explicit roles, spaces around entries', () => {
    const c = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_USERS: '123,456:trader, 789:admin' }, cwd);
    expect(c.telegram).toEqual({
      token: TOKEN,
      allowed: [{ userId: '123', role: 'viewer' }, { userId: '456', role: 'trader' }, { userId: '789', role: 'admin' }],
      startupTimeoutMs: 60_000,
    });
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_USERS: '1', TELEGRAM_STARTUP_TIMEOUT: '5' }, cwd).telegram?.startupTimeoutMs).toBe(5_000);
  });

  it('Drift: an RPC URL needs the addresses to watch; they are read, deduplicated, with discovery by default', () => {
    expect(configError({ SOLANA_RPC_URL: 'https://rpc.example' }).message).toBe('DRIFT_AUTHORITIES: missing, expected one or more wallet addresses to watch (SOLANA_RPC_URL is set; or SAROS_WALLETS for Saros positions)');
    expect(configError({ SAROS_WALLETS: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p' }).message).toBe('SOLANA_RPC_URL: missing, expected an http(s) URL (SAROS_WALLETS is set)');
    // Saros alone: its wallets are watched, Drift does not start.
    const saros = parseConfig({ SOLANA_RPC_URL: 'https://rpc.example', SAROS_WALLETS: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p' }, cwd);
    expect(saros.saros).toEqual({ wallets: ['5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p'], keypairFile: undefined, slippageBps: undefined });
    expect(saros.drift).toBeUndefined();
    expect(saros.venue).toBe('live');
    expect(parseConfig({ SOLANA_RPC_URL: 'https://rpc.example', DRIFT_AUTHORITIES: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p' }, cwd).saros).toBeUndefined();
    expect(configError({ DRIFT_AUTHORITIES: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p' }).message).toBe('SOLANA_RPC_URL: missing, expected an http(s) URL (DRIFT_AUTHORITIES is set)');
    const c = parseConfig({ SOLANA_RPC_URL: 'https://rpc.example', DRIFT_AUTHORITIES: ' 5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p,5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p ' }, cwd);
    expect(c.drift).toEqual({ authorities: ['5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p'], subAccounts: null, subscription: 'websocket', env: 'mainnet-beta', allowOwnerKey: false });
    expect(parseConfig({ SOLANA_RPC_URL: 'https://rpc.example', DRIFT_AUTHORITIES: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p', DRIFT_SUBACCOUNTS: '3,0,3' }, cwd).drift?.subAccounts).toEqual([0, 3]);
    expect(parseConfig({}, cwd).drift).toBeUndefined();
  });

  it('a chat token selects the telegram transport; an RPC URL selects the live venue', () => {
    const tg = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_USERS: '1' }, cwd);
    expect(tg.transport).toBe('telegram');
    expect(tg.venue).toBe('paper');
    const live = parseConfig({ SOLANA_RPC_URL: 'http://127.0.0.1:8899', DRIFT_AUTHORITIES: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p' }, cwd);
    expect(live.venue).toBe('live');
    expect(live.transport).toBe('console');
    expect(live.solana).toEqual({ rpcUrl: 'http://127.0.0.1:8899', keypairFile: undefined });
    expect(live.executionMode).toBe('dry-run');
  });

  it('an access list without a token changes nothing', () => {
    const c = parseConfig({ TELEGRAM_ALLOWED_USERS: '1,2' }, cwd);
    expect(c.transport).toBe('console');
    expect(c.telegram).toBeUndefined();
  });

  it('live execution with a keypair and an RPC URL', () => {
    const c = parseConfig({ EXECUTION_MODE: 'live', WALLET_KEYPAIR: 'keypair.json', SOLANA_RPC_URL: 'https://rpc.example' }, cwd);
    expect(c.executionMode).toBe('live');
    expect(c.solana).toEqual({ rpcUrl: 'https://rpc.example', keypairFile: keypair });
  });

  it('Discord: the token needs its application id; a server id scopes the commands to that server', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gfake0.vigil-test-token-not-real-000000000000';
    expect(configError({ DISCORD_TOKEN: token }).message).toBe('DISCORD_APPLICATION_ID: missing, expected the application id from the Discord developer portal (DISCORD_TOKEN is set)');
    expect(configError({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '111111111111111111' }).message).toMatch(/^DISCORD_ALLOWED_USERS: missing, expected comma-separated Discord user ids \(or DISCORD_ROLE_MAP/);
    const viaRoles = parseConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '111111111111111111', DISCORD_GUILD_ID: '222222222222222222', DISCORD_ROLE_MAP: '555555555555555555:trader' }, cwd);
    expect(viaRoles.discord).toEqual({
      token, applicationId: '111111111111111111', guildId: '222222222222222222', apiRoot: undefined, allowed: [],
      roleMap: [{ roleId: '555555555555555555', role: 'trader' }], alertChannels: [],
    });
    // Discord alone: the terminal chat is off unless CONSOLE=on.
    expect([viaRoles.transport, viaRoles.consoleEnabled]).toEqual(['discord', false]);
    const both = parseConfig({
      DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '111111111111111111', DISCORD_ALLOWED_USERS: '444444444444444444', DISCORD_ALERT_CHANNELS: '333333333333333333, 333333333333333333',
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij', TELEGRAM_ALLOWED_USERS: '42', LINKED_IDENTITIES: 'telegram:42=discord:444444444444444444', CONSOLE: 'on',
    }, cwd);
    expect([both.transport, both.consoleEnabled, both.discord?.alertChannels, both.linkedIdentities]).toEqual(['telegram+discord', true, ['333333333333333333'], [{ telegram: '42', discord: '444444444444444444' }]]);
    expect(parseConfig({ LINKED_IDENTITIES: 'discord:444444444444444444=telegram:42' }, cwd).linkedIdentities).toEqual([{ telegram: '42', discord: '444444444444444444' }]);
    for (const bad of ['telegram:42=telegram:43', 'telegram:42', 'telegram:42=discord:444444444444444444,telegram:42=discord:555555555555555555']) {
      expect(configError({ LINKED_IDENTITIES: bad }).message).toMatch(/^LINKED_IDENTITIES: /);
    }
    const access = parseConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '111111111111111111', DISCORD_ALLOWED_USERS: '444444444444444444:trader, 777777777777777777', DISCORD_ROLE_MAP: '555555555555555555:admin' }, cwd).discord;
    expect(access?.allowed).toEqual([{ userId: '444444444444444444', role: 'trader' }, { userId: '777777777777777777', role: 'viewer' }]);
    expect(access?.roleMap).toEqual([{ roleId: '555555555555555555', role: 'admin' }]);
    expect(parseConfig({}, cwd).discord).toBeUndefined();
  });

  it('Saros signing: SAROS_KEYPAIR needs the wallets it signs for; live with only the LP wallet’s key is accepted', () => {
    const W = '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p';
    expect(configError({ ...LIVE, DRIFT_AUTHORITIES: W, SAROS_KEYPAIR: 'keypair.json' }).message)
      .toBe('SAROS_WALLETS: missing, expected the wallet address(es) whose positions SAROS_KEYPAIR signs for (SAROS_KEYPAIR is set)');
    expect(configError({ ...LIVE, SAROS_WALLETS: W }).message).toBe('WALLET_KEYPAIR: missing, expected a keypair file (EXECUTION_MODE is live; SAROS_KEYPAIR for Saros only)');
    const c = parseConfig({ ...LIVE, SAROS_WALLETS: W, SAROS_KEYPAIR: 'keypair.json', SAROS_SLIPPAGE_BPS: '25' }, cwd);
    expect(c.executionMode).toBe('live');
    expect(c.saros).toEqual({ wallets: [W], keypairFile: keypair, slippageBps: 25 });
    expect(c.drift).toBeUndefined();
  });
});

describe('weights directory and URL allow-list', () => {
  it('reads WEIGHTS_DIR against cwd and WEIGHTS_URL_ALLOW as lower-case entries', () => {
    const c = parseConfig({ WEIGHTS_DIR: 'my-weights', WEIGHTS_URL_ALLOW: ' Signals.Internal , 127.0.0.1,10.0.0.0/8 ,[::1], fd00::/8' }, cwd);
    expect(c.weights).toEqual({ dir: join(cwd, 'my-weights'), urlAllow: ['signals.internal', '127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'] });
  });

  it('refuses a weights directory that is, holds or sits inside the data directory', () => {
    const message = (env: Record<string, string>): string => configError(env).message;
    expect(message({ VIGIL_DATA_DIR: 'a-dir', WEIGHTS_DIR: 'a-dir' })).toBe(`WEIGHTS_DIR: expected a directory outside VIGIL_DATA_DIR, and not one holding it, got "a-dir"`);
    expect(message({ VIGIL_DATA_DIR: 'a-dir', WEIGHTS_DIR: 'a-dir/weights' })).toMatch(/^WEIGHTS_DIR: expected a directory outside VIGIL_DATA_DIR/);
    expect(message({ WEIGHTS_DIR: '.' })).toMatch(/^WEIGHTS_DIR: expected a directory outside VIGIL_DATA_DIR/); // holds ./data
    expect(message({ VIGIL_DATA_DIR: '.' })).toBe('WEIGHTS_DIR: expected a directory outside VIGIL_DATA_DIR, and not one holding it (the default ./weights)');
    expect(message({ VIGIL_DATA_DIR: 'a-dir', WEIGHTS_DIR: 'a-dir/../a-dir/x' })).toMatch(/^WEIGHTS_DIR: expected a directory outside/);
    expect(parseConfig({ VIGIL_DATA_DIR: 'a-dir', WEIGHTS_DIR: 'a-dir-weights' }, cwd).weights.dir).toBe(join(cwd, 'a-dir-weights'));
  });

  it('sees through a symlink to the data directory', async () => {
    const { symlink } = await import('node:fs/promises');
    await symlink(join(cwd, 'a-dir'), join(cwd, 'link-to-data'));
    expect(configError({ VIGIL_DATA_DIR: 'a-dir', WEIGHTS_DIR: 'link-to-data' }).message).toMatch(/^WEIGHTS_DIR: expected a directory outside VIGIL_DATA_DIR/);
  });

  it('refuses a weights directory holding the signing keypair', () => {
    expect(configError({ ...LIVE, WALLET_KEYPAIR: 'keypair.json', WEIGHTS_DIR: '.', VIGIL_DATA_DIR: join(tmpdir(), 'vigil-elsewhere-data') }).message)
      .toBe('WEIGHTS_DIR: expected a directory that does not hold WALLET_KEYPAIR, got "."');
  });
});

/** At least one bad value per key; the test below checks the table covers CONFIG_KEYS exactly. */
const INVALID: Record<ConfigKey, readonly string[]> = {
  VIGIL_DATA_DIR: ['a-file', 'a-file/below'],
  LOG_LEVEL: ['verbose', 'INFO2'],
  LOG_FILE: ['a-dir', 'a-file/below.log'],
  TZ: ['Mars/Olympus_Mons', 'UTC+25'],
  EXECUTION_MODE: ['yolo', 'LIVE!'],
  PAPER_SEED: ['abc', '-1', '4294967296', '1.5'],
  PAPER_PORTFOLIO: ['missing.json', 'a-dir'],
  DEMO_SPEED: ['0', '100001', 'fast', '0.5'],
  PAPER_TICK_MS: ['99', '60001', '150.5', 'soon'],
  CONSOLE_ROLE: ['root', 'Admin'],
  TELEGRAM_BOT_TOKEN: ['not-a-token-SECRETVALUE', '123456789:tooShortSECRET'],
  TELEGRAM_ALLOWED_USERS: ['bob', '123:owner', '12a', '1;2'],
  SOLANA_RPC_URL: ['ftp://rpc.example', 'not a url', 'ws://rpc.example'],
  SOLANA_WS_URL: ['http://rpc.example', 'not a url'],
  DRIFT_AUTHORITIES: ['0xdeadbeef', 'short', 'Il0Oabcdefghijklmnopqrstuvwxyz12345', ','],
  SAROS_WALLETS: ['0xdeadbeef', 'Il0Oabcdefghijklmnopqrstuvwxyz12345', ','],
  DRIFT_SUBACCOUNTS: ['-1', '65536', 'main', '1.5', ','],
  DRIFT_SUBSCRIPTION: ['grpc', 'push'],
  DRIFT_ENV: ['mainnet', 'testnet'],
  DRIFT_ALLOW_OWNER_KEY: ['yes', '1'],
  WALLET_KEYPAIR: ['no-such-SECRETVALUE.json', 'a-dir'],
  SAROS_KEYPAIR: ['no-such-SECRETVALUE.json', 'a-dir'],
  DISCORD_TOKEN: ['not-a-token-SECRETVALUE', 'abc.def.SECRETVALUE'],
  DISCORD_APPLICATION_ID: ['12345', 'app', '1234567890123456789012'],
  DISCORD_GUILD_ID: ['guild', '1'],
  DISCORD_ALLOWED_USERS: ['bob', '123:owner', '1;2'],
  DISCORD_ROLE_MAP: ['mods', '123:boss'],
  DISCORD_API_ROOT: ['discord', 'ftp://discord.example/api'],
  DISCORD_ALERT_CHANNELS: ['alerts', '123'],
  LINKED_IDENTITIES: ['42', 'telegram:42=discord:1'],
  SAROS_SLIPPAGE_BPS: ['-1', '1001', '0.5', 'lots'],
  PRICE_HISTORY: ['yahoo', 'CSV!'],
  PRICE_HISTORY_DIR: ['missing-dir', 'a-file'],
  PRICE_API_URL: ['ftp://api.example', 'not a url'],
  RISK_LOOKBACK_DAYS: ['29', '3001', '365.5', 'year'],
  TELEGRAM_API_ROOT: ['telegram', 'ftp://api.example'],
  TELEGRAM_WEBHOOK_URL: ['http://insecure.example/hook', 'not a url'],
  TELEGRAM_WEBHOOK_SECRET: ['has spaces SECRETVALUE', 'semi;colon-SECRETVALUE'],
  TELEGRAM_WEBHOOK_PORT: ['0', '65536', 'http', '80.5'],
  TELEGRAM_STARTUP_TIMEOUT: ['0', '3601', 'soon', '1.5'],
  CONSOLE: ['yes', 'ON!'],
  MONITOR_REFRESH_CRON: ['every 10s', '* * *'],
  MONITOR_RISK_CRON: ['hourly', '* * * * * * *'],
  MONITOR_DRIFT_CRON: ['5m', '* * * *'],
  MONITOR_SNAPSHOT_CRON: ['never', '$ * * * *'],
  MONITOR_REPORT_CRON: ['9am', '0 9 * *'],
  APPROVAL_TTL_SECONDS: ['9', '3601', '60.5', 'a minute', '1e2'],
  APPROVAL_PRICE_TOLERANCE_BPS: ['0', '0.5', '5001', '-10', 'half', '5e1'],
  APPROVAL_CONFIRMER: ['anyone', 'Requester', 'admin'],
  MAX_NOTIONAL_PER_ACTION_USD: ['0', '-100', '$25000', '25,000', '1e4'],
  MAX_NOTIONAL_PER_DAY_USD: ['0', '0.0', '-1', 'lots', 'Infinity'],
  REBALANCE_MIN_TRADE_USD: ['-1', '-0.5', 'small', '0x10'],
  WEIGHTS_DIR: ['a-file', 'a-file/below'],
  WEIGHTS_URL_ALLOW: ['https://signals.example', '10.0.0.0/33', 'bad host', 'a_b.example', ','],
};

describe('parseConfig invalid values', () => {
  it('has a bad value for every key', () => {
    expect(Object.keys(INVALID).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
  });

  for (const key of Object.keys(INVALID) as ConfigKey[]) {
    for (const value of INVALID[key]) {
      const secret = SECRET_KEYS.includes(key);
      it(`${key}=${JSON.stringify(value)} → one line naming the key, ${secret ? 'hiding' : 'quoting'} the value`, () => {
        const { message } = configError({ [key]: value });
        expect(message).not.toMatch(LINE_BREAK);
        expect(message.startsWith(`${key}: expected ${CONFIG_KEYS[key].expected}, got `)).toBe(true);
        if (secret) {
          expect(message).not.toContain(value);
          expect(message.slice(key.length)).not.toContain('SECRET'); // the key's own name may say SECRET
          expect(message).toContain(`a value of ${value.length} characters`);
        } else {
          expect(message.endsWith(`got ${JSON.stringify(value)}`)).toBe(true);
        }
      });
    }
  }

  it('matches the README example for PAPER_SEED', () => {
    expect(configError({ PAPER_SEED: 'abc' }).message).toBe('PAPER_SEED: expected a whole number from 0 to 4294967295, got "abc"');
  });

  it('matches the spec example for TELEGRAM_ALLOWED_USERS=bob with a valid token', () => {
    const { message } = configError({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_USERS: 'bob' });
    expect(message.startsWith('TELEGRAM_ALLOWED_USERS: expected comma-separated numeric ids')).toBe(true);
    expect(message).toContain('got "bob"');
    expect(message).not.toContain(TOKEN);
  });

  it('quotes the trimmed value, escaping line breaks, and shortens long values', () => {
    expect(configError({ LOG_LEVEL: '  loud  ' }).message).toBe(`LOG_LEVEL: expected ${CONFIG_KEYS.LOG_LEVEL.expected}, got "loud"`);
    const multi = configError({ CONSOLE_ROLE: 'a\nb\rc\u2028d' }).message;
    expect(multi).not.toMatch(LINE_BREAK);
    expect(multi).toContain('got "a\\nb\\rc');
    expect(multi).toContain('c\\u2028d"');
    const long = configError({ CONSOLE_ROLE: 'x'.repeat(500) }).message;
    expect(long.endsWith(`got "${'x'.repeat(60)}…"`)).toBe(true);
  });

  it('a directory is not a portfolio or keypair file, nor a log file; a file is not a data directory', () => {
    const d = join(cwd, 'a-dir');
    const f = join(cwd, 'a-file');
    expect(configError({ PAPER_PORTFOLIO: d }).message.startsWith('PAPER_PORTFOLIO: expected')).toBe(true);
    expect(configError({ WALLET_KEYPAIR: d, SOLANA_RPC_URL: 'https://rpc.example' }).message.startsWith('WALLET_KEYPAIR: expected')).toBe(true);
    expect(configError({ LOG_FILE: d }).message).toBe(`LOG_FILE: expected a file path, got ${JSON.stringify(d)}`);
    expect(configError({ VIGIL_DATA_DIR: f }).message).toBe(`VIGIL_DATA_DIR: expected a directory path, got ${JSON.stringify(f)}`);
  });

  it('refuses a number too large to represent (it would read as Infinity)', () => {
    expect(configError({ MAX_NOTIONAL_PER_ACTION_USD: '9'.repeat(400) }).message)
      .toMatch(/^MAX_NOTIONAL_PER_ACTION_USD: expected a positive number of USD, got "9{60}…"$/);
  });

  it('checks a relative path against the given cwd, not the process cwd', () => {
    // package.json exists in the process cwd (the project root) but not in the temporary cwd.
    expect(configError({ PAPER_PORTFOLIO: 'package.json' }).message)
      .toBe(`PAPER_PORTFOLIO: expected ${CONFIG_KEYS.PAPER_PORTFOLIO.expected}, got "package.json"`);
  });
});

describe('parseConfig rules across keys', () => {
  it('a token without an access list is refused, without showing the token', () => {
    for (const allowed of [undefined, ',', ' , ']) {
      const env: Record<string, string> = { TELEGRAM_BOT_TOKEN: TOKEN };
      if (allowed !== undefined) env.TELEGRAM_ALLOWED_USERS = allowed;
      const { message } = configError(env);
      expect(message.startsWith('TELEGRAM_ALLOWED_USERS: missing')).toBe(true);
      expect(message).not.toContain(TOKEN);
      expect(message).not.toMatch(LINE_BREAK);
    }
  });

  it('a keypair without an RPC URL is refused, without showing the keypair path', () => {
    const { message } = configError({ WALLET_KEYPAIR: keypair });
    expect(message.startsWith('SOLANA_RPC_URL: missing')).toBe(true);
    expect(message).not.toContain('keypair.json');
  });

  it('live execution without a keypair is refused', () => {
    expect(configError({ EXECUTION_MODE: 'live' }).message.startsWith('WALLET_KEYPAIR: missing')).toBe(true);
    expect(configError({ EXECUTION_MODE: 'live', SOLANA_RPC_URL: 'https://rpc.example' }).message.startsWith('WALLET_KEYPAIR: missing'))
      .toBe(true);
  });

  it('the daily notional cap must be at least the per-action cap, naming both', () => {
    expect(configError({ MAX_NOTIONAL_PER_ACTION_USD: '5000', MAX_NOTIONAL_PER_DAY_USD: '4999.5' }).message)
      .toBe('MAX_NOTIONAL_PER_DAY_USD: expected at least MAX_NOTIONAL_PER_ACTION_USD (5000), got "4999.5"');
    // Against a default on either side.
    expect(configError({ MAX_NOTIONAL_PER_DAY_USD: '10000' }).message)
      .toBe('MAX_NOTIONAL_PER_DAY_USD: expected at least MAX_NOTIONAL_PER_ACTION_USD (100000, the default), got "10000"');
    expect(configError({ MAX_NOTIONAL_PER_ACTION_USD: '600000' }).message)
      .toBe('MAX_NOTIONAL_PER_DAY_USD: expected at least MAX_NOTIONAL_PER_ACTION_USD (600000), got 500000 (the default)');
  });
});

describe('parseConfig live signing key', () => {
  /** A file in the temporary cwd with the given content and mode; returns its absolute path. */
  function keyFile(name: string, content: string, mode: number): string {
    const file = join(cwd, name);
    writeFileSync(file, content);
    chmodSync(file, mode);
    return file;
  }

  it('accepts a 64-byte keypair readable by its owner only', () => {
    const file = keyFile('owner-only.json', KEYPAIR_JSON, 0o600);
    expect(parseConfig({ ...LIVE, WALLET_KEYPAIR: file }, cwd).solana).toEqual({ rpcUrl: 'https://rpc.example', keypairFile: file });
    expect(parseConfig({ ...LIVE, WALLET_KEYPAIR: keyFile('owner-read-only.json', KEYPAIR_JSON, 0o400) }, cwd).executionMode).toBe('live');
  });

  it('refuses a keypair that group or others can read, showing the mode found and the fix', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660, 0o601]) {
      const file = keyFile(`open-${mode.toString(8)}.json`, KEYPAIR_JSON, mode);
      const { message } = configError({ ...LIVE, WALLET_KEYPAIR: file });
      const octal = mode.toString(8).padStart(4, '0');
      expect(message).toBe(`WALLET_KEYPAIR: ${file} is readable by group or others (mode ${octal}); run chmod 600 ${file}`);
      expect(message).not.toMatch(LINE_BREAK);
      expect(message).not.toContain(KEYPAIR_JSON.slice(1, 20));
    }
  });

  it('quotes a path with spaces so the chmod command can be pasted', () => {
    const file = keyFile('my key.json', KEYPAIR_JSON, 0o644);
    expect(configError({ ...LIVE, WALLET_KEYPAIR: file }).message).toContain(`run chmod 600 '${file}'`);
  });

  it('checks permissions only in live mode', () => {
    const file = keyFile('open-paper.json', KEYPAIR_JSON, 0o644);
    for (const mode of ['dry-run', 'paper']) {
      expect(parseConfig({ ...LIVE, EXECUTION_MODE: mode, WALLET_KEYPAIR: file }, cwd).solana?.keypairFile).toBe(file);
    }
    expect(parseConfig({ ...LIVE, EXECUTION_MODE: 'paper', WALLET_KEYPAIR: keyFile('bad-paper.json', 'nonsense', 0o600) }, cwd).executionMode)
      .toBe('paper');
  });

  it('refuses content that is not a Solana keypair, without printing it', () => {
    const bytes = (n: number, v = 7): string => JSON.stringify(Array.from({ length: n }, () => v));
    const bad = {
      'not-json': 'SECRETVALUE not json at all',
      'short': bytes(63),
      'long': bytes(65),
      'too-big': bytes(64, 256),
      'negative': bytes(64, -1),
      'fraction': bytes(64, 1.5),
      'strings': JSON.stringify(Array.from({ length: 64 }, () => '7')),
      'object': JSON.stringify({ secretKey: JSON.parse(KEYPAIR_JSON) as unknown }),
      'base58': '"4NMwxzmYj2uvHuq8xoqhY8RXg63KSVJM1DXkpbmkUY7YQWuoyQgFnnzn6yo3CMnqZasnNPNuAT2TLwQsCaKkUddp"',
      'empty': '',
      'huge': `[${'1,'.repeat(20_000)}1]`,
    };
    for (const [name, content] of Object.entries(bad)) {
      const file = keyFile(`bad-${name}.json`, content, 0o600);
      const { message } = configError({ ...LIVE, WALLET_KEYPAIR: file });
      expect(message, name).toBe(`WALLET_KEYPAIR: ${file} is not a Solana keypair file (expected a JSON array of 64 integers from 0 to 255)`);
      if (content.length > 2) expect(message, name).not.toContain(content.slice(0, 12));
    }
  });

  it('checks permissions before reading the content', () => {
    const file = keyFile('bad-and-open.json', 'SECRETVALUE', 0o644);
    const { message } = configError({ ...LIVE, WALLET_KEYPAIR: file });
    expect(message).toContain('chmod 600');
    expect(message).not.toContain('SECRETVALUE');
  });
});

describe('parseConfig on arbitrary input (property)', () => {
  const keys = Object.keys(CONFIG_KEYS) as ConfigKey[];
  const VALID: Record<ConfigKey, string> = {
    VIGIL_DATA_DIR: 'data', LOG_LEVEL: 'warn', LOG_FILE: 'v.log', TZ: 'Asia/Tokyo', EXECUTION_MODE: 'live', PAPER_SEED: '7',
    PAPER_PORTFOLIO: 'book.json', DEMO_SPEED: '10', PAPER_TICK_MS: '500', CONSOLE_ROLE: 'trader', TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_ALLOWED_USERS: '1:admin', SOLANA_RPC_URL: 'https://rpc.example', WALLET_KEYPAIR: 'keypair.json',
    SOLANA_WS_URL: 'wss://rpc.example', DRIFT_AUTHORITIES: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p', DRIFT_SUBACCOUNTS: '0,2', SAROS_WALLETS: '5MWFVJxGtAY2Tm3Bx8GqCnN7JBcAnR4gGBJ9NYkuyC9p',
    SAROS_KEYPAIR: 'keypair.json', SAROS_SLIPPAGE_BPS: '30', DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gfake0.vigil-test-token-not-real-000000000000',
    DISCORD_APPLICATION_ID: '111111111111111111', DISCORD_GUILD_ID: '222222222222222222', DISCORD_ALLOWED_USERS: '444444444444444444:trader',
    DISCORD_ROLE_MAP: '555555555555555555:viewer', DISCORD_API_ROOT: 'http://127.0.0.1:9/api', DISCORD_ALERT_CHANNELS: '333333333333333333',
    LINKED_IDENTITIES: 'telegram:42=discord:444444444444444444', DRIFT_SUBSCRIPTION: 'polling', DRIFT_ENV: 'devnet', DRIFT_ALLOW_OWNER_KEY: 'false',
    PRICE_HISTORY: 'binance', PRICE_HISTORY_DIR: 'a-dir', PRICE_API_URL: 'https://api.example', RISK_LOOKBACK_DAYS: '730',
    TELEGRAM_API_ROOT: 'http://127.0.0.1:8081', TELEGRAM_WEBHOOK_URL: 'https://vigil.example/hook', TELEGRAM_WEBHOOK_SECRET: 's3cret_token',
    TELEGRAM_WEBHOOK_PORT: '8443', TELEGRAM_STARTUP_TIMEOUT: '30', CONSOLE: 'on', MONITOR_REFRESH_CRON: '*/10 * * * * *', MONITOR_RISK_CRON: '0 * * * * *',
    MONITOR_DRIFT_CRON: '0 */5 * * * *', MONITOR_SNAPSHOT_CRON: '0 */5 * * * *', MONITOR_REPORT_CRON: '0 0 9 * * *',
    APPROVAL_TTL_SECONDS: '90', APPROVAL_PRICE_TOLERANCE_BPS: '25', APPROVAL_CONFIRMER: 'any-trader',
    MAX_NOTIONAL_PER_ACTION_USD: '1000', MAX_NOTIONAL_PER_DAY_USD: '5000', REBALANCE_MIN_TRADE_USD: '50',
    WEIGHTS_DIR: 'a-dir', WEIGHTS_URL_ALLOW: 'signals.internal,127.0.0.1,10.0.0.0/8,[::1]',
  };
  const value = (key: ConfigKey): fc.Arbitrary<string> => fc.oneof(
    fc.constant(VALID[key]),
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: fc.constantFrom('1', 'a', ':', ' ', '\n', '\r', '\u0085', '\u2028', '\u2029'), maxLength: 12 }),
    fc.constantFrom(...INVALID[key]),
  );
  const env = fc.uniqueArray(fc.constantFrom(...keys), { maxLength: keys.length })
    .chain((chosen) => fc.tuple(...chosen.map((k) => value(k).map((v) => [k, v] as const))))
    .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

  it('returns a Config or throws a one-line ConfigError that starts with a known key', () => {
    fc.assert(
      fc.property(env, (e) => {
        try {
          parseConfig(e, cwd);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          const { message } = err as ConfigError;
          expect(message).not.toMatch(LINE_BREAK);
          expect(keys.some((k) => message.startsWith(`${k}: `))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never shows a secret value', () => {
    const secret = fc.string({ maxLength: 40 }).map((s) => `Zq7#${s}`);
    fc.assert(
      fc.property(env, fc.constantFrom(...SECRET_KEYS), secret, (e, key, s) => {
        try {
          parseConfig({ ...e, [key]: s }, cwd);
        } catch (err) {
          expect((err as Error).message).not.toContain('Zq7#');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('typo warnings', () => {
  const warning = (name: string, suggestion?: ConfigKey): string =>
    `vigil: warning: ${name} is not a known setting; ${suggestion ? `did you mean ${suggestion}?` : '.env.example lists the known ones'}`;

  it('warns about a mistyped key in the environment, naming the closest known key', () => {
    const c = parseConfig({ TELEGRAM_ALOWED_USERS: '1:admin' }, cwd);
    expect(c.warnings).toEqual(['vigil: warning: TELEGRAM_ALOWED_USERS is not a known setting; did you mean TELEGRAM_ALLOWED_USERS?']);
    expect(c.telegram).toBeUndefined();
  });

  it('suggests the intended key for missing, extra, swapped and wrong letters and dropped words', () => {
    const typos: Record<string, ConfigKey> = {
      LOG_LEVL: 'LOG_LEVEL', VIGIL_DATADIR: 'VIGIL_DATA_DIR', MONITOR_RSIK_CRON: 'MONITOR_RISK_CRON', CONSOLE_ROEL: 'CONSOLE_ROLE',
      PAPER_TICKS_MS: 'PAPER_TICK_MS', TELEGRAM_TOKEN: 'TELEGRAM_BOT_TOKEN', APPROVAL_TTL_SECS: 'APPROVAL_TTL_SECONDS',
      MAX_NOTIONAL_PER_DAY: 'MAX_NOTIONAL_PER_DAY_USD', REBALANCE_MIN_TRADE: 'REBALANCE_MIN_TRADE_USD', PRICE_HISTROY: 'PRICE_HISTORY',
    };
    for (const [typo, meant] of Object.entries(typos)) expect(configWarnings({ [typo]: 'x' }), typo).toEqual([warning(typo, meant)]);
  });

  it('warns about a mistyped key in .env, without showing its value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-config-env-'));
    const added = ['TELEGRAM_BOT_TOKN', 'LOG_LEVL'];
    try {
      await writeFile(join(dir, '.env'), `TELEGRAM_BOT_TOKN=${TOKEN}\nLOG_LEVL=debug\n`);
      const { warnings } = loadConfig(dir);
      expect(warnings).toContain(warning('TELEGRAM_BOT_TOKN', 'TELEGRAM_BOT_TOKEN'));
      expect(warnings).toContain(warning('LOG_LEVL', 'LOG_LEVEL'));
      expect(warnings.join('\n')).not.toContain(TOKEN.slice(10));
    } finally {
      // process.loadEnvFile put the .env keys into this worker's environment.
      for (const key of added) Reflect.deleteProperty(process.env, key);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not warn about known keys, nor about keys under no known prefix', () => {
    const known = Object.fromEntries(Object.keys(CONFIG_KEYS).map((k) => [k, 'x']));
    const unrelated = { PATH: '/usr/bin', HOME: '/home/v', FOO_BAR: '1', NODE_ENV: 'production', TZDIR: '/usr/share/zoneinfo', telegram_bot_token: 'x' };
    expect(configWarnings({ ...known, ...unrelated })).toEqual([]);
    // The test suite's own data directory variable shares the VIGIL_ prefix but is not a typo.
    expect(configWarnings({ VIGIL_SHARED_DIR: '../shared' })).toEqual([]);
    expect(parseConfig({ ...unrelated, LOG_LEVEL: 'warn', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_USERS: '1' }, cwd).warnings).toEqual([]);
  });

  it('says a key far from every known one is unknown, without a suggestion', () => {
    expect(configWarnings({ SOLANA_COMMITMENT: 'confirmed' })).toEqual([warning('SOLANA_COMMITMENT')]);
    // A reserved prefix (a venue to come) is checked too, and is not mistaken for the Telegram token.
    expect(configWarnings({ DISCORD_BOT_TOKEN: TOKEN })).toEqual([warning('DISCORD_BOT_TOKEN')]);
    expect(configWarnings({ TELEGRAM_CHAT_ID: '42' })).toEqual([warning('TELEGRAM_CHAT_ID')]);
  });

  it('checks every prefix of the issue, derived from the known keys plus the reserved ones', () => {
    for (const prefix of ['TELEGRAM_', 'DISCORD_', 'DRIFT_', 'SAROS_', 'SOLANA_', 'EXECUTION_', 'APPROVAL_', 'MONITOR_', 'PAPER_', 'PRICE_',
      'RISK_', 'REBALANCE_', 'WALLET_', 'VIGIL_', 'CONSOLE_', 'LOG_', 'DEMO_', 'WEIGHTS_', 'MAX_']) expect(KEY_PREFIXES).toContain(prefix);
    for (const key of Object.keys(CONFIG_KEYS).filter((k) => k !== 'TZ' && k !== 'CONSOLE')) {
      expect(KEY_PREFIXES.some((p) => key.startsWith(p)), key).toBe(true);
    }
  });

  it('lists the warnings sorted by key, one line each, even for odd key names', () => {
    const w = configWarnings({ PAPER_Z: '1', 'LOG_\nINJECTED': '1', PAPER_A: '1' });
    expect(w).toHaveLength(3);
    for (const line of w) expect(line).not.toMatch(LINE_BREAK);
    expect(w[0]).toContain('"LOG_\\nINJECTED"');
    expect(w.slice(1).map((l) => l.split(' ')[2])).toEqual(['PAPER_A', 'PAPER_Z']);
  });

  it('a failing start-up names the typo that explains it, without showing a secret', () => {
    const { message } = configError({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALOWED_USERS: '1:admin' });
    expect(message).toBe('TELEGRAM_ALLOWED_USERS: missing, expected comma-separated numeric ids (the bot refuses everyone else); '
      + 'TELEGRAM_ALOWED_USERS is set: did you mean TELEGRAM_ALLOWED_USERS?');
    expect(message).not.toContain(TOKEN);
    // A typo unrelated to the failing key leaves its message as it was.
    expect(configError({ PAPER_SEED: 'abc', LOG_LEVL: 'debug' }).message).toBe('PAPER_SEED: expected a whole number from 0 to 4294967295, got "abc"');
  });

  it('never shows a value, whatever the keys (property)', () => {
    const name = fc.tuple(fc.constantFrom(...KEY_PREFIXES), fc.string({ maxLength: 30 })).map(([p, rest]) => `${p}${rest}`);
    fc.assert(
      fc.property(fc.dictionary(name, fc.string({ maxLength: 20 }).map((s) => `Zq7#${s}`)), (env) => {
        for (const line of configWarnings(env)) {
          expect(line.startsWith('vigil: warning: ')).toBe(true);
          expect(line).not.toMatch(LINE_BREAK);
          expect(line).not.toContain('Zq7#');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('.env.example', () => {
  it('documents exactly the keys config reads, each with a comment line above it', async () => {
    const { readFile } = await import('node:fs/promises');
    const { CONFIG_KEYS } = await import('../src/config.ts');
    const text = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
    const lines = text.split('\n');
    const keys = lines.flatMap((l, i) => {
      const m = /^#?\s?([A-Z][A-Z0-9_]+)=/.exec(l);
      if (!m?.[1]) return [];
      expect(lines[i - 1]?.startsWith('# '), `${m[1]} needs a comment line above it`).toBe(true);
      return [m[1]];
    });
    expect([...new Set(keys)].sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
  });

  it('reads numbers only as plain decimals', async () => {
    const { parseConfig } = await import('../src/config.ts');
    for (const v of ['0x10', '1e3', 'Infinity', ' 12 x']) {
      expect(() => parseConfig({ PAPER_SEED: v }, '/tmp')).toThrow(/^PAPER_SEED: expected a whole number/);
    }
    expect(parseConfig({ PAPER_SEED: '16', DEMO_SPEED: '2.5' }, '/tmp').paper).toMatchObject({ seed: 16, demoSpeed: 2.5 });
  });
});
