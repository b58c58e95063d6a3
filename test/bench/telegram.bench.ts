/**
 * `npm run bench`: Telegram command round trip against the local fake Bot API — a user's update enters long polling,
 * the real transport dispatches it, and the reply arrives at the fake. Medians are reported in issue notes.
 */
import { test } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { buildApp } from '../../src/app/build.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { TelegramTransport } from '../../src/transports/telegram/bot.ts';
import { PaperVenue } from '../../src/venues/paper/venue.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../fakes/telegram-bot-api.ts';

test('Telegram round trip: update in → reply out', async ({ bench }) => {
  const USER = 424_242;
  const fake = new FakeTelegramBotApi({ chats: [{ id: USER, type: 'private', firstName: 'Bench' }] });
  const { url } = await fake.start();
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 9));
  const venue = new PaperVenue({ clock, seed: 42 });
  const logger = silentLogger();
  const { dispatcher } = buildApp({
    commands: COMMANDS, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger,
    runtime: { version: 'bench', venueMode: 'paper', executionMode: 'dry-run', transport: 'telegram', startedAt: clock.now(), timeZone: 'UTC', storage: 'memory' },
  });
  const transport = new TelegramTransport({
    token: DEFAULT_TOKEN, apiRoot: url, dispatcher, commands: COMMANDS, logger, allowed: [{ userId: String(USER), role: 'admin' }],
    rateLimit: { limit: 1_000_000, windowMs: 1000 },
  });
  await transport.start();
  const roundTrip = async (text: string): Promise<void> => {
    const since = fake.mark();
    fake.userSends(text, { userId: USER });
    await fake.waitForMessage((m) => m.chatId === USER, 10_000, { since });
  };
  try {
    const medians: string[] = [];
    for (const cmd of ['/portfolio', '/risk', '/health']) {
      const r = await bench(cmd, () => roundTrip(cmd)).run();
      medians.push(`${cmd} ${r.latency.p50?.toFixed(2) ?? '?'} ms`);
    }
    process.stdout.write(`Telegram round trip medians: ${medians.join(' · ')}\n`);
  } finally {
    await transport.stop();
    await fake.stop();
  }
});
