/**
 * Alerts end to end: the FTX week replayed hour by hour (real SOL closes 2022-11-06 → 2022-11-11, read in place and
 * scaled to start at $100) on a leveraged SOL long, through the real AlertService and Telegram transport to the fake
 * Bot API. Book: 6,740 USDC + SOL-PERP long 100 @ $100 (maintenance 3%): health = 100 × (1 − 3P / (100P − 3,260)).
 * Computed over the path (python, same formula): health stays above 70 except the hour closing 2022-11-09T22:00Z, when
 * SOL fell to 33.85 (scaled) and health to 18.6 (critical; no warning hour before it), and the next hour back at 81.
 * (Funding paid over the 94 hours and USDC's simulated wobble take a few more points off, so the test checks the tier
 * band, 10–24, not the exact figure.) The health rule must send exactly: one CRITICAL, then one recovery, in order.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { buildApp, type App } from '../../../src/app/build.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { TelegramTransport } from '../../../src/transports/telegram/bot.ts';
import { PaperExecutor } from '../../../src/venues/paper/executor.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { ROUND_PRICES, T0 } from '../../helpers/app.ts';
import { itShared, sharedPath } from '../../helpers/shared-dir.ts';

const TRADER = 222_222;
let fake: FakeTelegramBotApi;
let transport: TelegramTransport<unknown>;
let app: App;
let venue: PaperVenue;
let clock: ManualClock;

function ftxWeek(): number[] {
  const rows = readFileSync(sharedPath('data', 'prices', 'SOL-USD.hourly.csv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(',') as [string, string]).filter(([t]) => t >= '2022-11-06T00' && t <= '2022-11-11T00');
  const base = Number(rows[0]![1]);
  return rows.map(([, c]) => (100 * Number(c)) / base);
}

beforeEach(async () => {
  fake = new FakeTelegramBotApi({ chats: [{ id: TRADER, type: 'private', firstName: 'Tess' }] });
  const { url } = await fake.start();
  clock = new ManualClock(T0);
  venue = new PaperVenue({
    clock, seed: 1, startPrices: ROUND_PRICES, historyDays: 40, historyHours: 48,
    portfolio: { spot: [{ asset: 'USDC', amount: '6740' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }], lp: [] },
  });
  const logger = silentLogger();
  app = buildApp({
    commands: COMMANDS, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger, notificationSpacingMs: 0,
    refreshIntervalMs: 3_600_000, executors: [new PaperExecutor(venue)],
    runtime: { version: '0.1.0', venueMode: 'paper', executionMode: 'dry-run', transport: 'telegram', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
  });
  transport = new TelegramTransport({ token: DEFAULT_TOKEN, apiRoot: url, dispatcher: app.dispatcher, commands: COMMANDS, logger, allowed: [{ userId: String(TRADER), role: 'trader' }] });
  app.services.notifications.addNotifier(transport);
  await transport.start();
});

afterEach(async () => {
  await transport.stop();
  await fake.stop();
});

describe('alerts on Telegram', () => {
  itShared('replays the FTX week: one CRITICAL health alert then one recovery, with working buttons', async () => {
    let since = fake.mark();
    fake.userSends('/subscribe', { userId: TRADER });
    await fake.waitForMessage((m) => m.text.includes('now receives alerts'), 8000, { since });
    const path = ftxWeek();
    const crash = path.indexOf(Math.min(...path));
    const step = async (p: number): Promise<void> => {
      clock.advance(3_600_000);
      venue.setPrices({ SOL: p });
      await app.services.alerts.evaluate({ fullRisk: false });
      await app.services.notifications.idle();
    };
    for (const p of path.slice(0, crash + 1)) await step(p);
    // The critical alert has arrived with its buttons; the trader presses them while it is live.
    const critical = fake.sent(TRADER).find((m) => m.text.startsWith('🚨 Alert · CRITICAL: Health'))!;
    expect(critical.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Protect', 'Acknowledge', 'Snooze 1h', 'Mute rule']);
    const ack = critical.replyMarkup!.inline_keyboard.flat().find((b) => b.text === 'Acknowledge')!;
    since = fake.mark();
    fake.userPresses(critical.messageId, ack.callback_data!, { userId: TRADER });
    const answer = await fake.waitFor((e) => e.kind === 'callbackAnswer', 8000, { since });
    expect(answer.kind === 'callbackAnswer' && answer.answer.text).toMatch(/^Acknowledged by .+: no more repeats\.$/);
    const act = critical.replyMarkup!.inline_keyboard.flat().find((b) => b.text === 'Protect')!;
    since = fake.mark();
    fake.userPresses(critical.messageId, act.callback_data!, { userId: TRADER });
    const card = await fake.waitForMessage((m) => m.text.startsWith('Protect: health to 55'), 8000, { since });
    expect(card.text).toContain('DRY RUN');
    expect(card.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Confirm', 'Cancel']);
    for (const p of path.slice(crash + 1)) await step(p);

    const health = fake.sent(TRADER).filter((m) => /^\S+ (Alert|Worse|Still|Recovered)/.test(m.text) && /Health/.test(m.text.split('\n')[0] ?? ''));
    expect(health.map((m) => m.text.split('\n')[0])).toEqual([
      expect.stringMatching(/^🚨 Alert · CRITICAL: Health critical: (1\d|2[0-4]) /),
      expect.stringMatching(/^✅ Recovered: Health [5-9]\d /),
    ]);
  });
});
