/**
 * The real program with a bot token: `node src/main.ts` talks to the fake Bot API, answers a command, and stops cleanly
 * on SIGTERM. Plus webhook mode: updates must carry the secret token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { buildApp } from '../../../src/app/build.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { TelegramTransport } from '../../../src/transports/telegram/bot.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { startVigil, stop } from '../../helpers/vigil-process.ts';

const USER = 123_456;
let fake: FakeTelegramBotApi;
let dir: string;

beforeEach(async () => {
  fake = new FakeTelegramBotApi({ chats: [{ id: USER, type: 'private', firstName: 'Ada' }] });
  await fake.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-tg-'));
});
afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('npm start with a Telegram token', () => {
  it('answers on Telegram (console off), then stops cleanly on SIGTERM', async () => {
    const child = startVigil(dir, { TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${USER}:admin`, TELEGRAM_API_ROOT: fake.url, LOG_LEVEL: 'warn' });
    await fake.waitForCall('deleteWebhook', () => true, 15_000); // start-up done; long polling follows
    fake.userSends('/portfolio', { userId: USER });
    const m = await fake.waitForMessage((x) => x.chatId === USER, 15_000);
    expect(m.text).toMatch(/Total value: \$[\d,]+\.\d\d/);
    expect(fake.commands().map((c) => c.command)).toContain('risk');
    const ended = await stop(child, 10_000);
    expect(ended).toMatchObject({ how: 'exited', code: 0 });
    expect(ended.stdout).toBe(''); // the terminal chat is off when a token is set
    expect(ended.stderr).toContain('Telegram bot @VigilTestBot is running');
    expect(ended.stderr).not.toContain(DEFAULT_TOKEN.split(':')[1]!);
  });
});

describe('webhook mode', () => {
  it('accepts updates only with the secret token', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 9));
    const venue = new PaperVenue({ clock, seed: 1, historyDays: 40, historyHours: 48 });
    const logger = silentLogger();
    const { dispatcher } = buildApp({
      commands: COMMANDS, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger,
      runtime: { version: '0.1.0', venueMode: 'paper', executionMode: 'dry-run', transport: 'telegram', startedAt: clock.now(), timeZone: 'UTC', storage: 'memory' },
    });
    const t = new TelegramTransport({
      token: DEFAULT_TOKEN, apiRoot: fake.url, dispatcher, commands: COMMANDS, logger, allowed: [{ userId: String(USER), role: 'viewer' }],
      webhook: { url: 'https://vigil.example/telegram', secret: 'hook_secret_1', port: 0 },
    });
    await t.start();
    try {
      expect(fake.webhookInfo()?.url).toBe('https://vigil.example/telegram');
      const update = { update_id: 9001, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: USER, type: 'private', first_name: 'Ada' }, from: { id: USER, is_bot: false, first_name: 'Ada' }, text: '/status', entities: [{ type: 'bot_command', offset: 0, length: 7 }] } };
      const post = (secret?: string): Promise<Response> => fetch(`http://127.0.0.1:${t.webhookPort}/`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) }, body: JSON.stringify(update),
      });
      expect((await post('wrong')).status).toBe(401);
      expect((await post()).status).toBe(401);
      expect(fake.sent(USER)).toHaveLength(0);
      expect((await post('hook_secret_1')).status).toBe(200);
      const m = await fake.waitForMessage((x) => x.chatId === USER, 8000);
      expect(m.text).toContain('Vigil 0.1.0');
    } finally {
      await t.stop();
    }
  });
});
