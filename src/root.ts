/**
 * Composition root: config → logger → storage → venue → services → commands → transport. The only module that wires
 * concrete adapters. `npm start` with no configuration runs the paper venue in the terminal. Loaded by the entry
 * (src/main.ts), which has already installed the signal handlers: a stop request is honoured at any point here, and
 * shutdown ends with an explicit exit within a deadline (never waiting for the event loop to drain).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { COMMANDS } from '../commands/index.ts';
import { buildApp } from './app/build.ts';
import { reply } from './core/index.ts';
import { loadConfig, type Config } from './config.ts';
import { ConfigError, StorageError, UserError } from './shared/errors.ts';
import { onStop, stopRequested, stopSignal } from './shared/stop-signal.ts';
import { systemClock } from './shared/clock.ts';
import { resolveSchedules } from './monitor/schedules.ts';
import { PushTrigger, Scheduler } from './monitor/scheduler.ts';
import { createLogger } from './shared/logger.ts';
import { backupStateFile, openLowdbRepositories } from './storage/lowdb/index.ts';
import { ConsoleTransport } from './transports/console/transport.ts';
import { TelegramTransport } from './transports/telegram/bot.ts';
import { DiscordTransport } from './transports/discord/bot.ts';
import { DEFAULT_PORTFOLIO, loadPortfolioFile } from './venues/paper/portfolio-file.ts';
import { portfolioOrigin } from './venues/paper/book.ts';
import { acquireStateLock } from './storage/lock.ts';
import { probeAppendableFile, probeWritableDir } from './storage/probe.ts';
import { PaperExecutor } from './venues/paper/executor.ts';
import { PaperVenue } from './venues/paper/venue.ts';
import { CachedPriceHistory } from './prices/cached.ts';
import { CsvPriceHistory } from './prices/csv.ts';
import { HttpPriceHistory } from './prices/http.ts';
import type { Clock, LiquidityVenue, PositionSource, PriceHistory, Repositories, TradeExecutor } from './ports/index.ts';
import { DriftExecutor } from './venues/drift/executor.ts';
import { driftSigning } from './venues/drift/signer.ts';
import { DriftVenue } from './venues/drift/venue.ts';
import { symbolForMint as driftSymbolForMint } from './venues/drift/balances.ts';
import { SarosExecutor } from './venues/saros/executor.ts';
import { sarosSigning } from './venues/saros/signer.ts';
import { SarosVenue } from './venues/saros/venue.ts';
import type { Logger } from './shared/logger.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

function fail(message: string, code = 1): never {
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(code);
}

/** Shutdown gets this long (ms) to close what it can before the process exits anyway (the bound is 10 s). */
const SHUTDOWN_DEADLINE_MS = 8_000;

/** What the composition root needs from the venue side: positions, (paper) history and executors, start/stop. */
interface Venues {
  readonly sources: readonly PositionSource[];
  /** The wall clock every TTL, cooldown, schedule and audit entry uses (DEMO_SPEED only speeds the paper market). */
  readonly clock: Clock;
  /** The venue's own history (paper simulator); live venues use the configured history source. */
  readonly history: PriceHistory | undefined;
  readonly executors: TradeExecutor[];
  /** Venues that manage liquidity positions (Saros). */
  readonly liquidity: LiquidityVenue[];
  /** Persists venue state (the paper book); a no-op for live venues. */
  save(): Promise<void>;
  stop(): Promise<void>;
}

/** The paper venue with its book restored from the state file, ticking. */
async function paperVenues(config: Config, repos: Repositories, storageFile: string): Promise<Venues> {
  const clock = systemClock;
  const portfolio = config.paper.portfolioFile ? loadPortfolioFile(config.paper.portfolioFile) : DEFAULT_PORTFOLIO;
  const venue = new PaperVenue({ clock, speed: config.paper.demoSpeed, seed: config.paper.seed, portfolio });
  // The paper book (fills, cash, realised PnL, signatures) lives in the state file: restored before anything trades.
  const paperExecutor = new PaperExecutor(venue, { book: repos.paperBook, origin: portfolioOrigin(portfolio) });
  const restored = await paperExecutor.restore();
  if (restored.kind === 'other-origin') {
    const copy = await backupStateFile(storageFile, 'paper-book');
    process.stderr.write(`vigil: warning: the paper book in ${storageFile} (${restored.fills} fills) grew from another starting portfolio; starting ${config.paper.portfolioFile ?? 'the demo book'} afresh (the old book is kept in ${copy})\n`);
  }
  venue.start(config.paper.tickMs);
  return {
    sources: [venue], clock, history: venue.history, executors: [paperExecutor], liquidity: [],
    save: () => paperExecutor.save(),
    stop: async () => { venue.stop(); await paperExecutor.save(); },
  };
}

/** Drift: the watched accounts over SOLANA_RPC_URL, and their executor (watch-only without WALLET_KEYPAIR). */
async function driftVenues(config: Config, logger: Logger, clock: Clock): Promise<{ venue: DriftVenue; executor: DriftExecutor }> {
  const drift = config.drift;
  const solana = config.solana;
  if (!drift || !solana) throw new ConfigError('SOLANA_RPC_URL: missing');
  const venue = await DriftVenue.connect({
    rpcUrl: solana.rpcUrl, ...(solana.wsUrl ? { wsUrl: solana.wsUrl } : {}), env: drift.env, authorities: drift.authorities,
    subAccounts: drift.subAccounts, subscription: drift.subscription, clock, logger,
  });
  const signing = driftSigning(venue, solana.keypairFile, drift.allowOwnerKey);
  logger.info({ role: signing.role, authority: signing.authority, subAccount: signing.subAccountId }, signing.summary);
  process.stderr.write(`vigil: ${signing.summary}\n`);
  const executor = new DriftExecutor({ venue, signer: signing.signer, authority: venue.users[0]!.getUserAccount().authority, subAccountId: signing.subAccountId, logger });
  return { venue, executor };
}

/**
 * The live venues over SOLANA_RPC_URL: Drift (DRIFT_AUTHORITIES) and/or Saros (SAROS_WALLETS). Saros tokens are named
 * by Drift's spot-market registry and priced by Drift's oracles when Drift runs, else by the history source's latest
 * close (`latestHistory` is bound once the history source exists).
 */
async function liveVenues(config: Config, repos: Repositories, logger: Logger, latestHistory: { get?: PriceHistory }): Promise<Venues> {
  const clock = systemClock;
  // The SDKs (and web3.js) log with console.*: into our log, never onto the terminal chat's stdout.
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    // eslint-disable-next-line no-console -- replacing console itself, not logging through it
    console[level] = (...args: unknown[]): void => { logger[level === 'log' ? 'info' : level]({ sdk: format(...args) }, 'solana sdk'); };
  }
  const drift = config.drift ? await driftVenues(config, logger, clock) : undefined;
  const sources: PositionSource[] = drift ? [drift.venue] : [];
  const executors: TradeExecutor[] = drift ? [drift.executor] : [];
  const liquidity: LiquidityVenue[] = [];
  if (config.saros && config.solana) {
    const env = config.drift?.env ?? 'mainnet-beta';
    const saros = new SarosVenue({
      rpcUrl: config.solana.rpcUrl, owners: config.saros.wallets, clock, logger, baselines: repos.lpBaselines,
      symbolOf: (mint) => driftSymbolForMint(env, mint),
      prices: async (symbols) => {
        const out: Record<string, number> = {};
        const oracle = drift?.venue.oraclePrices() ?? {};
        for (const s of symbols) {
          const p = oracle[s];
          if (p !== undefined && p > 0) {
            out[s] = p;
            continue;
          }
          const history = latestHistory.get;
          if (!history) continue;
          // The freshest close the source has, hourly or daily (a folder's hourly file may end before its daily one).
          const [hourly, daily] = await Promise.all((['1h', '1d'] as const).map((interval) => history.closes(s, { interval, limit: 1 }).catch(() => undefined)));
          const series = (hourly?.t.at(-1) ?? -Infinity) >= (daily?.t.at(-1) ?? -Infinity) ? hourly : daily;
          const last = series?.close.at(-1);
          if (last !== undefined && last > 0) out[s] = last;
        }
        return out;
      },
    });
    sources.push(saros);
    liquidity.push(saros);
    const signing = sarosSigning(config.saros.wallets, config.saros.keypairFile);
    logger.info({ signer: signing.signer?.publicKey.toBase58() ?? null }, signing.summary);
    process.stderr.write(`vigil: ${signing.summary}\n`);
    executors.push(new SarosExecutor({ venue: saros, signer: signing.signer, logger }));
  }
  return {
    sources, clock, history: undefined, executors, liquidity, save: () => Promise.resolve(),
    stop: async () => { await drift?.venue.close(); },
  };
}

async function run(config: Config): Promise<void> {
  if (config.executionMode === 'live' && !config.drift && !config.saros?.keypairFile) {
    fail('EXECUTION_MODE=live: live execution needs SOLANA_RPC_URL and a Drift account (DRIFT_AUTHORITIES, with WALLET_KEYPAIR its delegate key) or Saros wallets with SAROS_KEYPAIR; use paper without one');
  }
  if ((config.drift || config.saros) && config.executionMode === 'paper') fail('EXECUTION_MODE=paper fills on the paper venue; with SOLANA_RPC_URL set (your Drift account or Saros wallets) use dry-run');

  // Every configuration refusal comes before the logger exists, so exiting never races its file.
  const schedules = resolveSchedules(config.schedules);
  // The terminal chat owns stdout, so logs go to a file then; a Telegram-only process logs to stderr.
  // Unusable places are configuration errors now, not failures of every command later.
  probeWritableDir('VIGIL_DATA_DIR', config.dataDir);
  const logFile = config.logFile ?? (config.consoleEnabled ? join(config.dataDir, 'vigil.log') : undefined);
  if (logFile) probeAppendableFile(config.logFile ? 'LOG_FILE' : 'VIGIL_DATA_DIR', logFile);
  // One writer per state file: a second instance on this data dir refuses here, before reading or writing anything.
  const lock = acquireStateLock(config.dataDir);
  process.once('exit', () => lock.release());
  const logger = createLogger({ level: config.logLevel, destination: logFile });
  // A promise nobody awaited must not take the desk down (a failed state write is already reported where it failed).
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason, storage: reason instanceof StorageError }, 'unhandled rejection; Vigil keeps running');
  });
  if (lock.tookOver) logger.warn({ previous: lock.tookOver }, 'took over a stale lock: the previous Vigil on this data dir did not stop cleanly');
  const storageFile = join(config.dataDir, 'vigil.json');
  // A failed write at run time (disk full, file system gone read-only) is told once to the log and the subscribed
  // chats, and once when writes work again; each command that could not save says so itself.
  // Set once the notifications service exists (it is built on these repositories).
  const storageAlert: { send?: (text: string, level: 'critical' | 'info') => void } = {};
  const repos = await openLowdbRepositories(storageFile, {
    onWriteError: (err) => {
      logger.error({ err, code: err.code }, 'state file write failed');
      storageAlert.send?.(`🚨 Vigil cannot save its state file (${err.code ?? 'write error'}): changes are not being kept. Free space or fix the permissions of ${config.dataDir}.`, 'critical');
    },
    onWriteRecovered: () => {
      logger.info('state file writes work again');
      storageAlert.send?.('✅ Vigil can save its state file again.', 'info');
    },
  });
  const latestHistory: { get?: PriceHistory } = {};
  const venues = config.solana && (config.drift || config.saros)
    ? await liveVenues(config, repos, logger, latestHistory)
    : await paperVenues(config, repos, storageFile);
  const { clock } = venues;

  let history: PriceHistory | undefined = venues.history;
  if (config.prices.source === 'csv' && config.prices.csvDir) history = new CsvPriceHistory(config.prices.csvDir);
  if (config.prices.source === 'binance') history = new CachedPriceHistory(new HttpPriceHistory({ baseUrl: config.prices.apiUrl }), repos.candles, { clock });
  if (!history) fail('PRICE_HISTORY: a live venue needs price history for risk: set PRICE_HISTORY=binance (default) or csv with PRICE_HISTORY_DIR');
  latestHistory.get = history;

  const { dispatcher, services } = buildApp({
    commands: COMMANDS, sources: venues.sources, history, repos, clock, logger, risk: { lookbackDays: config.risk.lookbackDays },
    executors: venues.executors, liquidity: venues.liquidity, approvals: config.approvals, oracleBaseDir: config.weights.dir, oracleUrlAllow: config.weights.urlAllow, rebalanceMinTradeUsd: config.rebalance.minTradeUsd,
    ...(config.saros?.slippageBps !== undefined ? { recenterSlippageBps: config.saros.slippageBps } : {}),
    runtime: {
      version: version(), venueMode: config.venue, executionMode: config.executionMode, transport: config.transport,
      startedAt: clock.now(), timeZone: config.timeZone, storage: storageFile,
    },
  });
  const telegram = config.telegram
    ? new TelegramTransport({
      token: config.telegram.token, allowed: config.telegram.allowed, dispatcher, commands: COMMANDS, logger,
      ...(config.telegram.apiRoot ? { apiRoot: config.telegram.apiRoot } : {}),
      ...(config.telegram.webhook ? { webhook: config.telegram.webhook } : {}),
      links: config.linkedIdentities,
    })
    : undefined;
  const discord = config.discord
    ? new DiscordTransport({
      token: config.discord.token, access: config.discord, links: config.linkedIdentities, dispatcher, logger,
      ...(config.discord.apiRoot ? { apiRoot: config.discord.apiRoot } : {}),
    })
    : undefined;
  const chat = config.consoleEnabled
    ? new ConsoleTransport({
      input: process.stdin, output: process.stdout, dispatcher, imageDir: join(config.dataDir, 'charts'),
      actor: { platform: 'console', userId: 'local', displayName: 'operator', role: config.console.role },
    })
    : undefined;
  let storageAlerting = false;
  storageAlert.send = (text, level) => {
    // Once per episode: every failed write would otherwise be a message (and publishing may itself need to write).
    if ((level === 'critical') === storageAlerting) return;
    storageAlerting = level === 'critical';
    void services.notifications.publish({ reply: reply.of(reply.text(text, level === 'critical' ? 'error' : 'body')), level }).catch(() => undefined);
  };
  if (telegram) services.notifications.addNotifier(telegram);
  if (discord) services.notifications.addNotifier(discord);
  // Channels named in the configuration get alerts and the daily report like a chat that sent /subscribe.
  for (const chatId of config.discord?.alertChannels ?? []) await services.notifications.subscribe({ platform: 'discord', chatId });
  if (chat) services.notifications.addNotifier(chat);
  logger.info({ venue: venues.sources.map((s) => s.label).join(' + '), seed: config.paper.seed, speed: config.paper.demoSpeed, history: history.name, telegram: Boolean(telegram), discord: Boolean(discord), console: Boolean(chat) }, 'vigil started');
  // The job table (UTC; the daily report in the configured time zone). Jobs log their own failures and run again.
  const scheduler = new Scheduler({ logger, clock: systemClock, timezone: 'UTC' });
  scheduler.add({ name: 'refresh', cron: schedules.refresh, run: async () => { await services.portfolio.refresh(); } });
  scheduler.add({
    name: 'snapshot', cron: schedules.snapshot,
    run: async () => {
      await services.performance.record();
      await repos.snapshots.compact();
      await venues.save();
    },
  });
  scheduler.add({ name: 'drift', cron: schedules.drift, run: async () => { await services.alerts.checkDrift(); } });
  scheduler.add({ name: 'risk', cron: schedules.risk, run: async () => { await services.alerts.evaluate({ fullRisk: true }); } });
  scheduler.add({
    name: 'report', cron: schedules.report, timezone: config.timeZone,
    run: async () => {
      // The daily report is /report itself, sent to every subscribed chat.
      const report = await dispatcher.handleCommand({
        actor: { platform: 'console', userId: 'system', displayName: 'Vigil', role: 'admin' }, chat: { platform: 'console', chatId: 'system' }, name: 'report',
      });
      await services.notifications.publish({ reply: report, level: 'info' });
    },
  });
  // Plans past their expiry become expired; plans left executing by a crash are settled from their signatures.
  scheduler.add({ name: 'approvals', cron: '*/15 * * * * *', run: async () => { await services.actions.expireDue(); await services.actions.reconcile(); } });
  // Expired buttons are dead weight in the state file.
  scheduler.add({ name: 'prune', cron: '0 */10 * * * *', run: async () => { await repos.actions.prune(clock.now()); } });
  services.monitor.jobs = () => scheduler.heartbeats();
  scheduler.start();
  await scheduler.runNow('snapshot');
  // Price ticks (and, later, chain account updates) evaluate the health rules at once, not at the next cron tick.
  const push = new PushTrigger({ name: 'health', logger, minIntervalMs: 100, evaluate: async () => { await services.alerts.evaluate({ fullRisk: false }); } });
  const unwatchAll = venues.sources.map((s) => push.watch(s));
  const unwatch = (): void => { for (const u of unwatchAll) u(); };
  await services.alerts.retryUndelivered();
  // Before anything else can confirm: settle what a previous run left executing (asks the venue; never re-sends).
  const settled = await services.actions.reconcile();
  if (settled.length > 0) logger.warn({ plans: settled.map((r) => ({ id: r.plan.id, state: r.approval.state })) }, 'reconciled plans left executing');
  void scheduler.runNow('risk');

  // A stop requested now (or already, while loading) ends the run; past the deadline the process exits regardless.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    onStop((signal) => {
      chat?.close();
      setTimeout(() => {
        logger.warn({ signal, deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting without finishing it');
        process.stderr.write(`vigil: stopped (${signal}); shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s\n`);
        process.exit(0);
      }, SHUTDOWN_DEADLINE_MS);
      resolve(signal);
    });
  });

  if (telegram && !stopRequested()) {
    try {
      await telegram.start({ signal: stopSignal, ...(config.telegram ? { timeoutMs: config.telegram.startupTimeoutMs } : {}) });
      process.stderr.write(`vigil: Telegram bot @${telegram.bot.botInfo.username} is running; Ctrl-C stops it.\n`);
    } catch (err) {
      if (!stopRequested()) fail(`Telegram start-up failed (${err instanceof Error ? err.message : String(err)}); check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT`);
    }
  }
  if (discord && !stopRequested()) {
    try {
      await discord.start({ signal: stopSignal });
      process.stderr.write(`vigil: Discord bot ${discord.username} is running; Ctrl-C stops it.\n`);
    } catch (err) {
      if (!stopRequested()) fail(`Discord start-up failed (${err instanceof Error ? err.message : String(err)}); check DISCORD_TOKEN and DISCORD_API_ROOT`);
    }
  }
  // The terminal chat alone ends at EOF/quit; with a chat bot the process runs until a signal.
  if (!stopRequested()) {
    if (chat && !telegram && !discord) await Promise.race([chat.run(), stopped]);
    else {
      if (chat) void chat.run();
      await stopped;
    }
  }
  const t0 = Date.now();
  // Each step on its own: one that fails must not keep the others (the lock, the paper book) from closing.
  const step = async (name: string, fn: () => unknown): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      logger.error({ err, step: name }, 'shutdown step failed');
    }
  };
  await step('telegram', () => telegram?.stop());
  await step('discord', () => discord?.stop());
  unwatch();
  await step('push', () => push.close());
  await step('scheduler', () => scheduler.stop());
  await step('notifications', () => services.notifications.close());
  await step('venue', () => venues.stop());
  await step('storage', () => repos.close());
  lock.release();
  const signal = stopRequested();
  logger.info({ signal, ms: Date.now() - t0 }, 'vigil stopped');
  if (signal) process.stderr.write(`vigil: stopped (${signal})\n`);
  logger.flush();
}

let config: Config;
try {
  config = loadConfig();
  for (const warning of config.warnings) process.stderr.write(`${warning}\n`);
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, err.exitCode);
  throw err;
}
try {
  await run(config);
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, err.exitCode);
  if (err instanceof UserError || err instanceof StorageError) fail(err.message);
  fail(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
}
// Explicitly: SDK timers and sockets closed under them must not keep a stopped process alive.
process.exit(0);
