/**
 * `npm run bench`: Drift over the local fake RPC serving Drift's mainnet fixture `swift_failure` (1 User, State,
 * 2 perp + 4 spot markets, 6 oracles). Reports subscription start-up time and RPC calls (polling and websocket), the
 * HTTP cost of a polling refresh and of oracle pushes, alert latency from an oracle pushed on the fake WebSocket to
 * the CRITICAL health alert at the fake Telegram Bot API (as src/root.ts wires it: DriftVenue → PushTrigger →
 * alerts.evaluate → TelegramTransport), and the RSS with the SDK loaded. Nothing asserts a speed.
 *
 * Crossing: BTC (perp and wBTC oracles) ×1.03 of the fixture price (health ≈ 54, no alert) → ×0.98 (health ≈ 19,
 * CRITICAL); the app clock is moved past the critical cooldown before each crossing. Needs ../shared (skips without).
 */
import { performance } from 'node:perf_hooks';
import { BN } from '@coral-xyz/anchor';
import { test } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { DEFAULT_THRESHOLDS } from '../../src/app/alerts/index.ts';
import { buildApp } from '../../src/app/build.ts';
import { PushTrigger } from '../../src/monitor/scheduler.ts';
import { CsvPriceHistory } from '../../src/prices/csv.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { TelegramTransport } from '../../src/transports/telegram/bot.ts';
import { DriftVenue } from '../../src/venues/drift/venue.ts';
import { decodeDriftAccount, encodeDriftAccount } from '../fakes/drift-accounts.ts';
import { FakeSolanaRpc } from '../fakes/solana-rpc.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi, type SentMessage } from '../fakes/telegram-bot-api.ts';
import { HAVE_SHARED, sharedPath } from '../helpers/shared-dir.ts';
import { loadFixtureSet, serveFixtureSet, type FixtureSet } from '../venues/drift/fixtures.ts';

const USER = 717_171;
const CROSSINGS = 200;
const WARMUP = 3;
const T0 = Date.UTC(2026, 11, 7);

function percentile(xs: readonly number[], q: number): number {
  const a = [...xs].sort((x, y) => x - y);
  const h = (a.length - 1) * q;
  const lo = Math.floor(h);
  return (a[lo] ?? NaN) + (h - lo) * ((a[Math.min(lo + 1, a.length - 1)] ?? NaN) - (a[lo] ?? NaN));
}

function oracleBytes(set: FixtureSet, name: string, factor: number): { key: string; data: Buffer; owner: string } {
  const a = set.accounts.find((x) => x.name === name)!;
  const o = decodeDriftAccount<{ price: BN }>('PythLazerOracle', Buffer.from(a.dataBase64, 'base64'));
  const price = o.price.mul(new BN(Math.round(factor * 1e6))).div(new BN(1e6));
  return { key: a.pubkey, data: encodeDriftAccount('PythLazerOracle', { ...o, price }, a.size), owner: a.owner };
}

test.skipIf(!HAVE_SHARED)('drift: subscription start-up, RPC calls, RSS', { timeout: 120_000 }, async () => {
  const set = loadFixtureSet('swift_failure');
  const lines: string[] = [];
  for (const subscription of ['polling', 'websocket'] as const) {
    const times: number[] = [];
    let calls = '';
    for (let i = 0; i < 5; i++) {
      const rpc = new FakeSolanaRpc();
      await rpc.start();
      const { authority } = await serveFixtureSet(rpc, set);
      const t0 = performance.now();
      const venue = await DriftVenue.connect({ rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription, clock: new ManualClock(T0), logger: silentLogger() });
      times.push(performance.now() - t0);
      if (i === 4) {
        const http0 = rpc.httpRequests();
        await venue.snapshot();
        const refresh = rpc.httpRequests() - http0;
        let pushes = '';
        if (subscription === 'websocket') {
          await rpc.waitForSubscriptions(15, 10_000);
          const h = rpc.httpRequests();
          for (let k = 0; k < 20; k++) {
            const b = oracleBytes(set, 'BTC-PERP oracle', 1 + k / 1000);
            rpc.setAccount(b.key, { data: b.data, owner: b.owner });
          }
          await new Promise((r) => setTimeout(r, 300));
          await venue.snapshot();
          pushes = `, ${rpc.httpRequests() - h} HTTP calls for 20 oracle pushes + a snapshot`;
        }
        const byMethod = new Map<string, number>();
        for (const c of rpc.calls()) byMethod.set(`${c.method}${c.transport === 'ws' ? ' (ws)' : ''}`, (byMethod.get(`${c.method}${c.transport === 'ws' ? ' (ws)' : ''}`) ?? 0) + 1);
        calls = `start-up+refresh calls: ${[...byMethod].map(([m, n]) => `${m}×${n}`).join(', ')}; a refresh: ${refresh} HTTP requests${pushes}`;
      }
      await venue.close(2_000);
      await rpc.stop();
    }
    lines.push(`Drift ${subscription}: subscribe median ${percentile(times, 0.5).toFixed(0)} ms (5 runs); ${calls}`);
  }
  lines.push(`RSS with the Drift SDK loaded and subscribed: ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
  process.stdout.write(`${lines.join('\n')}\n`);
});

test.skipIf(!HAVE_SHARED)('drift: alert latency, oracle push on the WebSocket → CRITICAL alert at the fake Bot API', { timeout: 300_000 }, async () => {
  const set = loadFixtureSet('swift_failure');
  const rpc = new FakeSolanaRpc();
  await rpc.start();
  const { authority } = await serveFixtureSet(rpc, set);
  const clock = new ManualClock(T0);
  const logger = silentLogger();
  const venue = await DriftVenue.connect({ rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription: 'websocket', clock, logger, staleAfterMs: 1e12 });
  await rpc.waitForSubscriptions(15, 10_000);
  const fake = new FakeTelegramBotApi({ chats: [{ id: USER, type: 'private', firstName: 'Bench' }] });
  const { url } = await fake.start();
  const app = buildApp({
    commands: COMMANDS, sources: [venue], history: new CsvPriceHistory(sharedPath('data', 'prices')), repos: memoryRepositories(), clock, logger, notificationSpacingMs: 0,
    runtime: { version: 'bench', venueMode: 'live', executionMode: 'dry-run', transport: 'telegram', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
  });
  const transport = new TelegramTransport<unknown>({ token: DEFAULT_TOKEN, apiRoot: url, dispatcher: app.dispatcher, commands: COMMANDS, logger, allowed: [{ userId: String(USER), role: 'admin' }] });
  app.services.notifications.addNotifier(transport);
  await app.services.notifications.subscribe({ platform: 'telegram', chatId: String(USER) });
  await transport.start();
  const push = new PushTrigger({ name: 'health', logger, minIntervalMs: 100, evaluate: async () => { await app.services.alerts.evaluate({ fullRisk: false }); } });
  const unwatch = push.watch(venue);
  const setBtc = (factor: number): void => {
    for (const name of ['BTC-PERP oracle', 'wBTC oracle']) {
      const b = oracleBytes(set, name, factor);
      rpc.setAccount(b.key, { data: b.data, owner: b.owner });
    }
  };
  const isCritical = (m: SentMessage): boolean => /CRITICAL: Health /.test(m.text.split('\n')[0] ?? '');
  const latencies: number[] = [];
  for (let i = 0; i < CROSSINGS + WARMUP; i++) {
    setBtc(1.03);
    await new Promise((r) => setTimeout(r, 150));
    await push.idle();
    await app.services.notifications.idle();
    clock.advance(DEFAULT_THRESHOLDS.cooldownMs.critical + 1_000);
    const since = fake.mark();
    let arrived = NaN;
    const t0 = performance.now();
    setBtc(0.98);
    await fake.waitForMessage((m) => { if (!isCritical(m)) return false; arrived = performance.now(); return true; }, 5_000, { since });
    if (i >= WARMUP) latencies.push(arrived - t0);
  }
  unwatch();
  await push.close();
  await app.services.notifications.idle();
  await transport.stop();
  await fake.stop();
  await venue.close(2_000);
  await rpc.stop();
  process.stdout.write(`Drift alert latency (oracle push → CRITICAL at the Bot API): median ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms over ${latencies.length} crossings (goal p99 < 250 ms)\n`);
});
