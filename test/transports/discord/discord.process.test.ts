/**
 * The real program with a Discord token: `node src/main.ts` logs into the fake over the gateway, answers a slash
 * command, posts to the channel named in DISCORD_ALERT_CHANNELS when subscribed, and stops cleanly on SIGTERM — alone,
 * and beside Telegram in one process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, DISCORD_TOKEN, FakeDiscord } from '../../fakes/discord.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { until } from '../../helpers/until.ts';
import { startVigil, stop } from '../../helpers/vigil-process.ts';

const USER = '400000000000000001';
const TG_USER = 123_456;
let fake: FakeDiscord;
let dir: string;

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-discord-'));
});
afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

const discordEnv = (): Record<string, string> => ({
  DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_ROOT: fake.apiUrl, DISCORD_ALLOWED_USERS: `${USER}:admin`, LOG_LEVEL: 'warn',
});

describe('npm start with a Discord token', () => {
  it('answers /portfolio on Discord (console off), then stops cleanly on SIGTERM', async () => {
    const child = startVigil(dir, discordEnv());
    await child.waitFor(/Discord bot Vigil is running/, { stream: 'stderr', ms: 30_000 });
    const { token } = fake.chatInput({ name: 'portfolio', userId: USER });
    const cb = await until('the fake to record it', () => fake.callbackFor(token), 20_000);
    const text = JSON.stringify(cb.data);
    expect(text).toMatch(/Total value: \*\*\$[\d,]+\.\d\d\*\*/);
    const ended = await stop(child, 10_000);
    expect(ended).toMatchObject({ how: 'exited', code: 0 });
    expect(ended.stdout).toBe('');
    expect(ended.stderr).toContain('vigil: stopped (SIGTERM)');
    expect(ended.stderr).not.toContain(DISCORD_TOKEN);
  }, 60_000);

  it('serves Telegram and Discord from one process; SIGTERM stops both', async () => {
    const tg = new FakeTelegramBotApi({ chats: [{ id: TG_USER, type: 'private', firstName: 'Ada' }] });
    await tg.start();
    try {
      const channel = fake.guilds[0]!.channels[0]!.id;
      const child = startVigil(dir, { ...discordEnv(), DISCORD_ALERT_CHANNELS: channel, TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${TG_USER}:admin`, TELEGRAM_API_ROOT: tg.url });
      await child.waitFor(/Discord bot Vigil is running/, { stream: 'stderr', ms: 30_000 });
      tg.userSends('/status', { userId: TG_USER });
      const m = await tg.waitForMessage((x) => x.chatId === TG_USER, 15_000);
      expect(m.text).toContain('telegram+discord');
      const { token } = fake.chatInput({ name: 'status', userId: USER });
      expect(JSON.stringify((await until('the fake to record it', () => fake.callbackFor(token), 20_000)).data)).toContain('telegram+discord');
      // The configured channel is subscribed: /subscribe there says so.
      const sub = fake.chatInput({ name: 'subscribe', userId: USER, channelId: channel });
      expect(JSON.stringify((await until('the fake to record it', () => fake.callbackFor(sub.token), 20_000)).data)).toMatch(/already/i);
      const ended = await stop(child, 10_000);
      expect(ended).toMatchObject({ how: 'exited', code: 0 });
      expect(ended.stderr).toContain('Telegram bot @VigilTestBot is running');
    } finally {
      await tg.stop();
    }
  }, 60_000);

  it('a bad token is one line at start-up, without the token, exit 1', async () => {
    const bad = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gfake0.another-token-that-is-wrong-0000000000';
    const ended = await startVigil(dir, { ...discordEnv(), DISCORD_TOKEN: bad }).exited;
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/^vigil: Discord start-up failed \(.*\); check DISCORD_TOKEN and DISCORD_API_ROOT$/m);
    expect(ended.stderr).not.toContain(bad);
  }, 60_000);
});
