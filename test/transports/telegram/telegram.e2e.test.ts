/**
 * The real Telegram transport (grammY, runner, auto-retry, rate limiter) and the real app against the local fake Bot
 * API: commands, buttons, access control, escaping, splitting, paging, photos, 429s and an outage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { buildApp } from '../../../src/app/build.ts';
import type { AppServices } from '../../../src/app/services.ts';
import { arg, defineCommand, reply, type AnyCommand } from '../../../src/core/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { TelegramTransport } from '../../../src/transports/telegram/bot.ts';
import type { StartingPortfolio } from '../../../src/venues/paper/portfolio-file.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { ROUND_PRICES, T0 } from '../../helpers/app.ts';
import { captureLogger } from '../../helpers/logger.ts';

const VIEWER = 111_111;
const TRADER = 222_222;
const ADMIN = 333_333;
const STRANGER = 999_999;

const BOOK: StartingPortfolio = {
  spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'SOL', amount: '10', entryPrice: 90 }],
  perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 120 }, { market: 'ETH-PERP', size: '-1', entryPrice: 2100 }],
  lp: [],
};

// Test-only commands: a trader-only one (menus and /help per role) and one with a very long answer (splitting).
const cmd = defineCommand<AppServices>();
const tradeOnly = cmd({ name: 'hedge_test', description: 'Trader-only test command', role: 'trader', args: {}, run: () => Promise.resolve(reply.of(reply.text('ok'))) });
const longReply = cmd({
  name: 'long_test', description: 'A reply longer than one Telegram message', role: 'viewer', args: { n: arg.number({ integer: true, min: 1, max: 100, default: 30 }) },
  run: ({ args }) => Promise.resolve(reply.of(...Array.from({ length: args.n }, (_, i) => reply.text(`[${i}] ${'x'.repeat(300)}`)))),
});
const commands = [...COMMANDS, tradeOnly, longReply] as AnyCommand<AppServices>[];

let fake: FakeTelegramBotApi;
let transport: TelegramTransport<AppServices>;
let records: Record<string, unknown>[];
let clock: ManualClock;

async function setup(portfolio: StartingPortfolio = BOOK): Promise<void> {
  fake = new FakeTelegramBotApi({ chats: [VIEWER, TRADER, ADMIN, STRANGER].map((id) => ({ id, type: 'private' as const, firstName: `U${id}` })) });
  const { url } = await fake.start();
  clock = new ManualClock(T0);
  const venue = new PaperVenue({ clock, seed: 1, portfolio, startPrices: ROUND_PRICES, historyDays: 60, historyHours: 48 });
  const log = captureLogger();
  records = log.records;
  const { dispatcher } = buildApp({
    commands, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger: log.logger,
    runtime: { version: '0.1.0', venueMode: 'paper', executionMode: 'dry-run', transport: 'telegram', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
  });
  transport = new TelegramTransport({
    token: DEFAULT_TOKEN, apiRoot: url, dispatcher, commands, logger: log.logger,
    allowed: [{ userId: String(VIEWER), role: 'viewer' }, { userId: String(TRADER), role: 'trader' }, { userId: String(ADMIN), role: 'admin' }],
  });
  await transport.start();
}

beforeEach(async () => { await setup(); });
afterEach(async () => {
  await transport.stop();
  await fake.stop();
});

/** Sends `text` as `userId` and waits for the next bot message in that chat. */
async function ask(text: string, userId = VIEWER) {
  const since = fake.mark();
  fake.userSends(text, { userId });
  return fake.waitForMessage((m) => m.chatId === userId, 8000, { since });
}

describe('Telegram transport against the fake Bot API', () => {
  it('starts with getMe and per-role command menus', () => {
    const viewerMenu = fake.commands().map((c) => c.command);
    expect(viewerMenu).toContain('portfolio');
    expect(viewerMenu).not.toContain('hedge_test');
    const traderMenu = fake.commands({ type: 'chat', chat_id: TRADER }).map((c) => c.command);
    expect(traderMenu).toContain('hedge_test');
    expect(fake.calls('getMe').length).toBeGreaterThan(0);
  });

  it('/portfolio answers with the right numbers, in HTML', async () => {
    const m = await ask('/portfolio');
    expect(m.parseMode).toBe('HTML');
    expect(m.text).toContain('Total value: $9,100.00');
    expect(m.text).toContain('Unrealised PnL: -$1,800.00');
    expect(m.text).toContain('Health: 96/100');
    expect(m.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['↻ Refresh', 'Positions']);
  });

  it('/help lists exactly what the role allows', async () => {
    const viewer = await ask('/help', VIEWER);
    expect(viewer.text).not.toContain('/hedge_test');
    expect(viewer.text).toContain('/portfolio — ');
    const trader = await ask('/help', TRADER);
    expect(trader.text).toContain('/hedge_test — Trader-only test command');
    expect((await ask('/hedge_test', VIEWER)).text).toContain('/hedge_test needs the trader role; you are a viewer.');
  });

  it('refuses strangers once, leaks nothing, and refuses their button presses', async () => {
    const first = await ask('/portfolio', STRANGER);
    expect(first.text).toContain('private bot');
    expect(first.text).not.toContain('$');
    fake.userSends('/positions', { userId: STRANGER });
    fake.userSends('/health', { userId: STRANGER });
    await ask('/status', VIEWER); // the bot has handled the stranger's updates by now (one chat at a time, in order)
    expect(fake.sent(STRANGER)).toHaveLength(1);
    // A stranger pressing a real button (e.g. forwarded) gets a refusal toast; the message is not edited.
    const m = await ask('/portfolio', VIEWER);
    const data = m.replyMarkup!.inline_keyboard[0]![0]!.callback_data!;
    const since = fake.mark();
    fake.userPresses(m.messageId, data, { userId: STRANGER, chatId: VIEWER });
    const answer = await fake.waitFor((e) => e.kind === 'callbackAnswer', 5000, { since });
    expect(answer.kind === 'callbackAnswer' && answer.answer.text).toContain('private bot');
    expect(fake.message(VIEWER, m.messageId)?.versions).toHaveLength(1);
  });

  it('escapes what users type when it comes back in a reply', async () => {
    expect((await ask('/prices 1M&BONK')).text).toContain('asset: expected an asset symbol such as SOL, got "1M&BONK"');
    expect((await ask('/help <b>')).text).toContain('got "<b>"');
    expect(records.filter((r) => r.msg === 'telegram send failed')).toEqual([]);
  });

  it('splits a long answer into several messages at block boundaries', async () => {
    const since = fake.mark();
    fake.userSends('/long_test 30', { userId: VIEWER });
    await fake.waitFor((e) => e.kind === 'message' && e.message.text.includes('[29]'), 8000, { since });
    const msgs = fake.sent(VIEWER).filter((m) => m.text.includes('xxxx'));
    expect(msgs.length).toBeGreaterThanOrEqual(3);
    for (const m of msgs) expect(m.text.length).toBeLessThanOrEqual(4096);
    for (let i = 0; i < 30; i++) expect(msgs.filter((m) => m.text.includes(`[${i}] x`))).toHaveLength(1);
  });

  it('pages with ◀ ▶ and refreshes by editing the same message; "not modified" is not an error', async () => {
    await transport.stop();
    await fake.stop();
    await setup({ spot: ['USDC', 'SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'JTO', 'PYTH'].map((asset) => ({ asset: asset as 'SOL', amount: '1' })), perps: [], lp: [] });
    const m = await ask('/positions');
    expect(m.text).toContain('page 1/2');
    const next = m.replyMarkup!.inline_keyboard.flat().find((b) => b.text === '▶')!;
    let since = fake.mark();
    fake.userPresses(m.messageId, next.callback_data!, { userId: VIEWER });
    await fake.waitFor((e) => e.kind === 'message' && e.change === 'edited' && e.message.messageId === m.messageId, 8000, { since });
    const edited = fake.message(VIEWER, m.messageId)!;
    expect(edited.text).toContain('page 2/2');
    expect(edited.replyMarkup!.inline_keyboard.flat().map((b) => b.text)).toEqual(['◀', '↻ Refresh']);
    // When Telegram answers "message is not modified", the press is still answered and nothing is logged as failed.
    const refresh = edited.replyMarkup!.inline_keyboard.flat().find((b) => b.text === '↻ Refresh')!;
    fake.failNext('editMessageText', { status: 400, description: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message' });
    since = fake.mark();
    fake.userPresses(m.messageId, refresh.callback_data!, { userId: VIEWER });
    await fake.waitFor((e) => e.kind === 'callbackAnswer', 5000, { since });
    await fake.waitForCall('editMessageText', (c) => c.status === 400, 5000, { since });
    expect(records.filter((r) => r.msg === 'telegram edit failed')).toEqual([]);
    // After time passes, Refresh shows the new update time in place (on the same message).
    clock.advance(3_600_000);
    const again = fake.message(VIEWER, m.messageId)!.replyMarkup!.inline_keyboard.flat().find((b) => b.text === '↻ Refresh')!;
    since = fake.mark();
    fake.userPresses(m.messageId, again.callback_data!, { userId: VIEWER });
    await fake.waitFor((e) => e.kind === 'message' && e.change === 'edited' && e.message.text.includes('10:00 UTC'), 8000, { since });
  });

  it('answers expired or unknown buttons with a toast and changes nothing', async () => {
    const m = await ask('/portfolio');
    const since = fake.mark();
    fake.userPresses(m.messageId, 'a:zzzzzzzzzz:r', { userId: VIEWER, anyData: true });
    const answer = await fake.waitFor((e) => e.kind === 'callbackAnswer', 5000, { since });
    expect(answer.kind === 'callbackAnswer' && answer.answer.text).toBe('This button is no longer valid. Run the command again.');
    expect(fake.message(VIEWER, m.messageId)?.versions).toHaveLength(1);
  });

  it('sends /chart as a photo', async () => {
    const m = await ask('/chart allocation');
    expect(m.kind).toBe('photo');
    expect([...(m.photo?.upload?.head ?? Buffer.alloc(0)).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(m.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Equity', 'Drawdown', 'Correlation']);
  });

  it('retries a 429 and delivers exactly once', async () => {
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const m = await ask('/status');
    expect(m.text).toContain('Vigil 0.1.0');
    const sends = fake.calls('sendMessage').filter((c) => c.params.chat_id === VIEWER);
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.sent(VIEWER).filter((x) => x.text.includes('Vigil 0.1.0'))).toHaveLength(1);
  });

  it('survives a Telegram outage and resumes polling', async () => {
    fake.setOutage(true);
    await new Promise((r) => setTimeout(r, 1500));
    fake.setOutage(false);
    const m = await ask('/status');
    expect(m.text).toContain('Vigil 0.1.0');
  });

  it('checks each person in a group, not the group', async () => {
    const GROUP = -100_777;
    fake.addChat({ id: GROUP, type: 'supergroup', title: 'Desk' });
    let since = fake.mark();
    fake.userSends('/health', { userId: TRADER, chatId: GROUP, chatType: 'supergroup' });
    const ok = await fake.waitForMessage((m) => m.chatId === GROUP, 8000, { since });
    expect(ok.text).toContain('Health 96/100');
    expect(ok.replyToMessageId).toBeDefined();
    since = fake.mark();
    fake.userSends('/health', { userId: STRANGER, chatId: GROUP, chatType: 'supergroup' });
    const refused = await fake.waitForMessage((m) => m.chatId === GROUP, 8000, { since });
    expect(refused.text).toContain('private bot');
    expect(refused.text).not.toContain('Health');
    // Plain chatter in a group is not answered.
    fake.userSends('hello all', { userId: TRADER, chatId: GROUP, chatType: 'supergroup' });
    await ask('/status', VIEWER);
    expect(fake.sent(GROUP)).toHaveLength(2);
  });

  it('notifies quietly when asked (disable_notification) and reports failures without crashing', async () => {
    const r = await transport.send({ platform: 'telegram', chatId: String(ADMIN) }, reply.of(reply.text('Low-severity note')), { silent: true });
    expect(r.ok).toBe(true);
    const note = fake.sent(ADMIN).find((m) => m.text === 'Low-severity note')!;
    expect(note.disableNotification).toBe(true);
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    expect(await transport.send({ platform: 'telegram', chatId: String(ADMIN) }, reply.of(reply.text('x')))).toMatchObject({ ok: false, retryable: false });
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    const since = fake.mark();
    fake.userSends('/status', { userId: VIEWER });
    await fake.waitForCall('sendMessage', (c) => c.status === 403, 8000, { since });
    await vi.waitFor(() => expect(records.some((x) => x.msg === 'telegram send failed' && x.code === 403)).toBe(true));
    expect((await ask('/status')).text).toContain('Vigil 0.1.0'); // still serving
  });

  it('rate-limits a user who floods, with one "slow down" answer', async () => {
    for (let i = 0; i < 12; i++) fake.userSends('/status', { userId: ADMIN });
    await fake.waitForMessage((m) => m.chatId === ADMIN && m.text.startsWith('Slow down'), 8000);
    await ask('/status', VIEWER);
    const mine = fake.sent(ADMIN);
    expect(mine.filter((m) => m.text.startsWith('Slow down'))).toHaveLength(1);
    expect(mine.filter((m) => m.text.includes('Vigil 0.1.0'))).toHaveLength(8);
  });
});
