/**
 * Composition root: config → logger → storage → venue → services → commands → transport. The only module that wires
 * concrete adapters. `npm start` with no configuration runs the paper venue in the terminal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../commands/index.ts';
import { buildApp } from './app/build.ts';
import { loadConfig, type Config } from './config.ts';
import { ConfigError, UserError } from './shared/errors.ts';
import { ScaledClock, systemClock } from './shared/clock.ts';
import { resolveSchedules } from './monitor/schedules.ts';
import { PushTrigger, Scheduler } from './monitor/scheduler.ts';
import { createLogger } from './shared/logger.ts';
import { openLowdbRepositories } from './storage/lowdb/index.ts';
import { ConsoleTransport } from './transports/console/transport.ts';
import { TelegramTransport } from './transports/telegram/bot.ts';
import { loadPortfolioFile } from './venues/paper/portfolio-file.ts';
import { PaperExecutor } from './venues/paper/executor.ts';
import { PaperVenue } from './venues/paper/venue.ts';
import { CachedPriceHistory } from './prices/cached.ts';
import { CsvPriceHistory } from './prices/csv.ts';
import { HttpPriceHistory } from './prices/http.ts';
import type { PriceHistory } from './ports/index.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

function fail(message: string): never {
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(1);
}

async function run(config: Config): Promise<void> {
  if (config.venue !== 'paper') fail('SOLANA_RPC_URL is set, but this build has no live venues yet; unset it to use the paper venue');

  // The terminal chat owns stdout, so logs go to a file then; a Telegram-only process logs to stderr.
  const logger = createLogger({ level: config.logLevel, destination: config.logFile ?? (config.consoleEnabled ? join(config.dataDir, 'vigil.log') : undefined) });
  const storageFile = join(config.dataDir, 'vigil.json');
  const repos = await openLowdbRepositories(storageFile);
  const clock = new ScaledClock(config.paper.demoSpeed);
  const schedules = resolveSchedules(config.schedules);
  const portfolio = config.paper.portfolioFile ? loadPortfolioFile(config.paper.portfolioFile) : undefined;
  const venue = new PaperVenue({ clock, seed: config.paper.seed, ...(portfolio ? { portfolio } : {}) });
  venue.start(config.paper.tickMs);

  let history: PriceHistory = venue.history;
  if (config.prices.source === 'csv' && config.prices.csvDir) history = new CsvPriceHistory(config.prices.csvDir);
  if (config.prices.source === 'binance') history = new CachedPriceHistory(new HttpPriceHistory({ baseUrl: config.prices.apiUrl }), repos.candles, { clock });

  const { dispatcher, services } = buildApp({
    commands: COMMANDS, sources: [venue], history, repos, clock, logger, risk: { lookbackDays: config.risk.lookbackDays },
    executors: [new PaperExecutor(venue)], approvals: config.approvals, rebalanceMinTradeUsd: config.rebalance.minTradeUsd,
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
    })
    : undefined;
  const chat = config.consoleEnabled
    ? new ConsoleTransport({
      input: process.stdin, output: process.stdout, dispatcher, imageDir: join(config.dataDir, 'charts'),
      actor: { platform: 'console', userId: 'local', displayName: 'operator', role: config.console.role },
    })
    : undefined;
  if (telegram) services.notifications.addNotifier(telegram);
  if (chat) services.notifications.addNotifier(chat);
  logger.info({ seed: config.paper.seed, speed: config.paper.demoSpeed, history: history.name, telegram: Boolean(telegram), console: Boolean(chat) }, 'vigil started');
  // The job table (UTC; the daily report in the configured time zone). Jobs log their own failures and run again.
  const scheduler = new Scheduler({ logger, clock: systemClock, timezone: 'UTC' });
  scheduler.add({ name: 'refresh', cron: schedules.refresh, run: async () => { await services.portfolio.refresh(); } });
  scheduler.add({
    name: 'snapshot', cron: schedules.snapshot,
    run: async () => {
      await services.performance.record();
      await repos.snapshots.compact();
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
  const unwatch = push.watch(venue);
  await services.alerts.retryUndelivered();
  // Before anything else can confirm: settle what a previous run left executing (asks the venue; never re-sends).
  const settled = await services.actions.reconcile();
  if (settled.length > 0) logger.warn({ plans: settled.map((r) => ({ id: r.plan.id, state: r.approval.state })) }, 'reconciled plans left executing');
  void scheduler.runNow('risk');

  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => { stopRequested = resolve; });
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    chat?.close();
    stopRequested();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  if (telegram) {
    try {
      await telegram.start();
    } catch (err) {
      fail(`Telegram start-up failed (${err instanceof Error ? err.message : String(err)}); check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT`);
    }
    process.stderr.write(`vigil: Telegram bot @${telegram.bot.botInfo.username} is running; Ctrl-C stops it.\n`);
  }
  // The terminal chat alone ends at EOF/quit; with a Telegram bot the process runs until a signal.
  if (chat && !telegram) await chat.run();
  else {
    if (chat) void chat.run();
    await stopped;
  }
  await telegram?.stop();
  unwatch();
  await push.close();
  await scheduler.stop();
  await services.notifications.idle();
  venue.stop();
  await repos.close();
  logger.info('vigil stopped');
  logger.flush();
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}
try {
  await run(config);
} catch (err) {
  if (err instanceof UserError || err instanceof ConfigError) fail(err.message);
  fail(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
}
