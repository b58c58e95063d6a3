/**
 * The real program stops like a service: SIGTERM or SIGINT at any moment (loading, answering, running a job, a
 * Telegram start-up that cannot complete) ends it within 10 s with its shutdown line and exit 0; a start-up that
 * cannot reach Telegram gives up after TELEGRAM_STARTUP_TIMEOUT with the last error; menus are cosmetic; an outage
 * is logged once when it starts and once when it ends.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../fakes/telegram-bot-api.ts';
import { startVigil, stop, whenAnswering, type VigilChild } from '../helpers/vigil-process.ts';

const USER = 123_456;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-life-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** SIGTERM (or `signal`) now; resolves with how it ended and how long it took (ms). */
async function signalAndWait(v: VigilChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ ms: number; ended: Awaited<VigilChild['exited']> }> {
  const t0 = Date.now();
  v.child.kill(signal);
  // Only past 10 s does stop() step in (SIGTERM, then SIGKILL): an exit before that is the program's own.
  await Promise.race([v.exited, sleep(10_000)]);
  const ended = await stop(v, 1_000);
  return { ms: Date.now() - t0, ended };
}

function telegramEnv(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  return { TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${USER}:admin`, TELEGRAM_API_ROOT: apiRoot, ...extra };
}

describe('the terminal demo stops on a signal', () => {
  it.each([1_000, 5_000])('SIGTERM %i ms after start: exit 0 within 10 s, with the shutdown line and log entry', async (after) => {
    const v = startVigil(dir);
    await sleep(after);
    const { ms, ended } = await signalAndWait(v);
    expect(ended).toMatchObject({ how: 'exited', code: 0, signal: null });
    expect(ms).toBeLessThan(10_000);
    expect(ended.stderr).toContain('vigil: stopped (SIGTERM)');
    expect(await readFile(join(dir, 'data', 'vigil.log'), 'utf8')).toMatch(/"signal":"SIGTERM".*"msg":"vigil stopped"/);
  }, 30_000);

  it('SIGINT as soon as JavaScript runs (250 ms after spawn, while modules still load): exit 0, not killed by the signal', async () => {
    const v = startVigil(dir);
    await sleep(250);
    const { ended } = await signalAndWait(v, 'SIGINT');
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(0);
  }, 30_000);

  it('SIGTERM while a command and a job run (risk every second): exit 0 within 10 s', async () => {
    const v = startVigil(dir, { MONITOR_RISK_CRON: '* * * * * *', MONITOR_REFRESH_CRON: '* * * * * *' });
    await whenAnswering(v);
    v.child.stdin.write('/risk\n/stress\n/report\n');
    await sleep(1_500);
    const { ms, ended } = await signalAndWait(v);
    expect(ended).toMatchObject({ how: 'exited', code: 0 });
    expect(ms).toBeLessThan(10_000);
    expect(ended.stderr).toContain('vigil: stopped (SIGTERM)');
  }, 30_000);

  it('a second signal while stopping exits at once', async () => {
    const v = startVigil(dir);
    await whenAnswering(v);
    v.child.kill('SIGTERM');
    v.child.kill('SIGTERM');
    const ended = await stop(v, 10_000);
    expect(ended.how).not.toBe('killed');
    expect([0, 130]).toContain(ended.code);
  }, 30_000);
});

describe('a Telegram start-up that cannot complete', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
  });

  /** An HTTP server that answers every request 404 with an HTML page (not a Bot API server). */
  async function notABotApi(): Promise<string> {
    server = createServer((_req, res) => { res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'); });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it.each([
    ['an unreachable API root', (): Promise<Record<string, string>> => Promise.resolve(telegramEnv('http://127.0.0.1:9'))],
    ['a server answering 404', async (): Promise<Record<string, string>> => telegramEnv(await notABotApi())],
    ['webhook mode against an unreachable API root', (): Promise<Record<string, string>> => Promise.resolve(telegramEnv('http://127.0.0.1:9', {
      TELEGRAM_WEBHOOK_URL: 'https://vigil.example/telegram', TELEGRAM_WEBHOOK_SECRET: 'hook_secret_1', TELEGRAM_WEBHOOK_PORT: String(20_000 + (process.pid % 20_000)),
    }))],
  ])('%s: SIGTERM mid-start-up exits 0 within 10 s, each retry logged with its reason and without the token', async (_name, env) => {
    const v = startVigil(dir, await env());
    await v.waitFor(/Telegram start-up: request failed; retrying/, { stream: 'stderr', ms: 15_000 });
    const { ms, ended } = await signalAndWait(v);
    expect(ended).toMatchObject({ how: 'exited', code: 0 });
    expect(ms).toBeLessThan(10_000);
    expect(ended.stderr).toContain('vigil: stopped (SIGTERM)');
    expect(ended.stderr).toMatch(/"reason":"[^"]+"/);
    expect(ended.stderr).not.toContain(DEFAULT_TOKEN.split(':')[1]!);
  }, 40_000);

  it('gives up after TELEGRAM_STARTUP_TIMEOUT with one line giving the last error', async () => {
    const v = startVigil(dir, telegramEnv('http://127.0.0.1:9', { TELEGRAM_STARTUP_TIMEOUT: '2' }));
    const t0 = Date.now();
    const ended = await v.exited;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(ended.code).toBe(1);
    const lines = ended.stderr.split('\n').filter((l) => l.startsWith('vigil:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^vigil: Telegram start-up failed \(Telegram did not answer within 2 s \(last error: .*ECONNREFUSED.*\)\); check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT$/);
    expect(ended.stderr).not.toContain(DEFAULT_TOKEN.split(':')[1]!);
  }, 30_000);
});

describe('Telegram while running', () => {
  let fake: FakeTelegramBotApi;
  beforeEach(async () => {
    fake = new FakeTelegramBotApi({ chats: [{ id: USER, type: 'private', firstName: 'Ada' }] });
    await fake.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('a refused command menu is a warning: the bot still starts and answers', async () => {
    fake.failNext('setMyCommands', { status: 400, description: 'Bad Request: BOT_COMMAND_INVALID', count: 5 });
    const v = startVigil(dir, telegramEnv(fake.url));
    await fake.waitForCall('deleteWebhook', () => true, 15_000);
    fake.userSends('/status', { userId: USER });
    const m = await fake.waitForMessage((x) => x.chatId === USER, 15_000);
    expect(m.text).toContain('Vigil 0.1.0');
    const { ended } = await signalAndWait(v);
    expect(ended.code).toBe(0);
    expect(ended.stderr).toContain('could not set the Telegram command menu; commands still work');
  }, 40_000);

  it('an outage is logged once when it starts and once when it ends, and polling resumes', async () => {
    const v = startVigil(dir, telegramEnv(fake.url));
    await fake.waitForCall('deleteWebhook', () => true, 15_000);
    fake.setOutage(true);
    await v.waitFor(/Telegram is unreachable; retrying until it is back/, { stream: 'stderr', ms: 15_000 });
    await sleep(4_000);
    fake.setOutage(false);
    // A long poll answers when an update arrives (or after its 30 s timeout): the update also proves polling resumed.
    fake.userSends('/status', { userId: USER });
    await fake.waitForMessage((x) => x.chatId === USER, 30_000);
    await v.waitFor(/Telegram is reachable again/, { stream: 'stderr', ms: 5_000 });
    const { ended } = await signalAndWait(v);
    expect(ended.code).toBe(0);
    expect(ended.stderr.match(/Telegram is unreachable/g)).toHaveLength(1);
    expect(ended.stderr.match(/Telegram is reachable again/g)).toHaveLength(1);
  }, 60_000);
});
