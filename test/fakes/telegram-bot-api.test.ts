/**
 * The fake Telegram Bot API, driven by the real grammY client (and the runner / auto-retry plugins Vigil uses):
 * what grammY sees must be what Telegram would answer.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKEN,
  FakeTelegramBotApi,
  parseTelegramHtml,
  parseTelegramMarkdownV2,
  type SentMessage,
} from './telegram-bot-api.ts';

const USER = 424242;
const GROUP = -1001234567890;

let fake: FakeTelegramBotApi;
let bot: Bot;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  fake = new FakeTelegramBotApi({ username: 'VigilTestBot' });
  await fake.start();
  bot = new Bot(DEFAULT_TOKEN, { client: { apiRoot: fake.url } });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await fake.stop();
});

/** Starts long polling with bot.start(); stopped after the test. */
function startPolling(b: Bot = bot): Promise<void> {
  const started = new Promise<void>((resolve) => {
    const running = b.start({ onStart: () => resolve() });
    cleanups.push(async () => {
      if (b.isRunning()) await b.stop();
      await running;
    });
  });
  return started;
}

/** Rejects with what the promise threw (or fails if it resolved). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

async function grammyError(p: Promise<unknown>): Promise<GrammyError> {
  const e = await failure(p);
  expect(e).toBeInstanceOf(GrammyError);
  return e as GrammyError;
}

/** A PNG signature + IHDR chunk + some payload: enough for anything that sniffs a PNG's size. */
function png(width: number, height: number, payload = 200): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.writeUInt8(8, 16);
  ihdr.writeUInt8(6, 17);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, Buffer.alloc(payload, 7)]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('HTTP surface', () => {
  it('getMe: the bot user is the numeric part of the token', async () => {
    const me = await bot.api.getMe();
    expect(me).toMatchObject({ id: Number(DEFAULT_TOKEN.split(':')[0]), is_bot: true, username: 'VigilTestBot' });
    expect(fake.calls('getMe')).toHaveLength(1);
  });

  it('unknown token → 401 Unauthorized, unknown method → 404 Not Found, with Telegram bodies', async () => {
    const other = new Bot('123:wrong', { client: { apiRoot: fake.url } });
    const e = await grammyError(other.api.getMe());
    expect(e.error_code).toBe(401);
    expect(e.description).toBe('Unauthorized');

    const res = await fetch(`${fake.url}/bot${DEFAULT_TOKEN}/sendTelepathy`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    const unauth = await fetch(`${fake.url}/bot1:nope/getMe`);
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('accepts GET with query parameters, urlencoded bodies, and case-insensitive method names', async () => {
    fake.addChat({ id: USER, firstName: 'Ann' });
    const get = await fetch(`${fake.url}/bot${DEFAULT_TOKEN}/sendmessage?chat_id=${USER}&text=${encodeURIComponent('via GET')}`);
    expect(get.status).toBe(200);
    const form = await fetch(`${fake.url}/bot${DEFAULT_TOKEN}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(USER), text: 'via form', disable_notification: 'true', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] }) }),
    });
    expect(((await form.json()) as { ok: boolean }).ok).toBe(true);
    const [a, b] = fake.sent(USER);
    expect(a?.text).toBe('via GET');
    expect(b).toMatchObject({ text: 'via form', disableNotification: true, replyMarkup: { inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] } });
    expect(fake.calls('sendMessage').map((c) => [c.httpMethod, c.encoding, c.params.chat_id])).toEqual([['GET', 'query', USER], ['POST', 'urlencoded', USER]]);
  });

  it('unmodelled real methods answer 501 so a test names what is missing', async () => {
    const e = await grammyError(bot.api.sendVideo(USER, 'x'));
    expect(e.error_code).toBe(501);
    expect(e.description).toMatch(/does not model sendVideo/);
  });
});

describe('long polling', () => {
  it('bot.start() delivers userSends to a handler, offsets advance and nothing is delivered twice', async () => {
    const seen: number[] = [];
    bot.command('start', async (ctx) => {
      seen.push(ctx.update.update_id);
      await ctx.reply(`hello ${ctx.from?.first_name ?? ''}`);
    });
    bot.on('message:text', async (ctx) => {
      seen.push(ctx.update.update_id);
      await ctx.reply(`echo ${ctx.message.text}`);
    });
    await startPolling();
    const u1 = fake.userSends('/start', { userId: USER, firstName: 'Ann' });
    expect(u1.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    const reply = await fake.waitForMessage((m) => m.chatId === USER);
    expect(reply.text).toBe('hello Ann');
    const u2 = fake.userSends('second', { userId: USER });
    const u3 = fake.userSends('third', { userId: USER });
    await fake.waitForMessage((m) => m.text === 'echo third');
    await bot.stop();
    expect(seen).toEqual([u1.update_id, u2.update_id, u3.update_id]);
    // Each poll confirms what the previous one returned.
    const offsets = fake.calls('getUpdates').map((c) => c.params.offset ?? 0);
    expect(offsets.at(-1)).toBe(u3.update_id + 1);
    expect(fake.pendingUpdates()).toEqual([]);
    // User and bot messages share the chat's message_id counter.
    expect(fake.userMessages(USER).map((m) => m.message_id)).toEqual([1, 3, 4]);
    expect(fake.sent(USER).map((m) => m.text)).toEqual(['hello Ann', 'echo second', 'echo third']);
    expect(reply.messageId).toBe(2);
  });

  it('@grammyjs/runner run(bot) receives messages and callback queries', async () => {
    const got: string[] = [];
    bot.on('message:text', async (ctx) => {
      got.push(ctx.message.text);
      await ctx.reply('menu', { reply_markup: { inline_keyboard: [[{ text: 'Approve', callback_data: 'approve:1' }]] } });
    });
    bot.on('callback_query:data', async (ctx) => {
      got.push(ctx.callbackQuery.data);
      await ctx.answerCallbackQuery({ text: 'Approved' });
    });
    const handle: RunnerHandle = run(bot, { runner: { silent: true } });
    cleanups.push(async () => {
      if (handle.isRunning()) await handle.stop();
    });
    fake.userSends('/menu', { userId: USER });
    const menu = await fake.waitForMessage((m) => m.text === 'menu');
    fake.userPresses(menu.messageId, 'approve:1', { userId: USER });
    await fake.waitFor((e) => e.kind === 'callbackAnswer');
    await handle.stop();
    expect(got).toEqual(['/menu', 'approve:1']);
    expect(fake.callbackAnswers()).toMatchObject([{ text: 'Approved', showAlert: false }]);
  });

  it('a long poll holds the request: no busy loop while idle', async () => {
    await startPolling();
    await sleep(2000);
    const polls = fake.calls('getUpdates');
    expect(polls.length).toBeLessThanOrEqual(3);
    expect(polls.at(-1)?.status).toBeUndefined(); // still held
    expect(polls.at(-1)?.params.timeout).toBe(30);
  });

  it('getUpdates: offset confirms (negative too), limit, timeout 0 answers at once, a held poll wakes on an update', async () => {
    const ids = [1, 2, 3, 4, 5].map((i) => fake.userSends(`m${i}`, { userId: USER }).update_id);
    expect((await bot.api.getUpdates({ limit: 2 })).map((u) => u.update_id)).toEqual(ids.slice(0, 2));
    expect((await bot.api.getUpdates({ offset: ids[2] })).map((u) => u.update_id)).toEqual(ids.slice(2));
    expect((await bot.api.getUpdates({ offset: -1 })).map((u) => u.update_id)).toEqual(ids.slice(4));
    expect(fake.pendingUpdates()).toHaveLength(1);
    expect(await bot.api.getUpdates({ offset: (ids[4] ?? 0) + 1, timeout: 0 })).toEqual([]);

    const t0 = Date.now();
    const held = bot.api.getUpdates({ offset: (ids[4] ?? 0) + 1, timeout: 10 });
    await sleep(150);
    const late = fake.userSends('late', { userId: USER });
    const got = await held;
    expect(got.map((u) => u.update_id)).toEqual([late.update_id]);
    expect(Date.now() - t0).toBeLessThan(2000);

    const t1 = Date.now();
    expect(await bot.api.getUpdates({ offset: late.update_id + 1, timeout: 1 })).toEqual([]);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(950);
  });

  it('allowed_updates filters updates created after it is set', async () => {
    await bot.api.getUpdates({ allowed_updates: ['callback_query'], timeout: 0 });
    fake.userSends('ignored', { userId: USER });
    expect(fake.pendingUpdates()).toEqual([]);
    expect(fake.filteredUpdates()).toHaveLength(1);
    await bot.api.getUpdates({ allowed_updates: [], timeout: 0 });
    fake.userSends('seen', { userId: USER });
    expect(fake.pendingUpdates()).toHaveLength(1);
  });

  it('a second concurrent getUpdates terminates the pending one with 409 Conflict', async () => {
    const first = bot.api.getUpdates({ timeout: 5 });
    await sleep(100);
    const second = bot.api.getUpdates({ timeout: 5 });
    const e = await grammyError(first);
    expect(e.error_code).toBe(409);
    expect(e.description).toBe('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    const u = fake.userSends('x', { userId: USER });
    expect((await second).map((x) => x.update_id)).toEqual([u.update_id]);
  });

  it('stop() ends pending long polls promptly', async () => {
    const pending = bot.api.getUpdates({ timeout: 30 });
    await sleep(100);
    const t0 = Date.now();
    await fake.stop();
    expect(await failure(pending)).toBeInstanceOf(HttpError);
    expect(Date.now() - t0).toBeLessThan(1000);
    await fake.start(); // afterEach stops it again
  });

  it('webhooks: https only, getUpdates conflicts while one is set, deleteWebhook clears it', async () => {
    const e = await grammyError(bot.api.setWebhook('http://example.com/hook'));
    expect(e.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    expect(await bot.api.setWebhook('https://example.com/hook')).toBe(true);
    expect((await bot.api.getWebhookInfo()).url).toBe('https://example.com/hook');
    const c = await grammyError(bot.api.getUpdates());
    expect(c.error_code).toBe(409);
    expect(c.description).toMatch(/can't use getUpdates method while webhook is active/);
    const raw: unknown = await (await fetch(`${fake.url}/bot${DEFAULT_TOKEN}/deleteWebhook`)).json();
    expect(raw).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
    expect(await bot.api.getUpdates()).toEqual([]);
  });

  it('privacy mode: in groups the bot sees commands and replies to it, not chatter', () => {
    fake.userSends('gm everyone', { userId: USER, chatId: GROUP, chatTitle: 'Desk' });
    fake.userSends('/risk@OtherBot', { userId: USER, chatId: GROUP });
    const cmd = fake.userSends('/risk@VigilTestBot 1d', { userId: USER, chatId: GROUP });
    expect(cmd.message?.chat).toEqual({ id: GROUP, type: 'supergroup', title: 'Desk' });
    expect(cmd.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 18 }]);
    expect(fake.pendingUpdates().map((u) => u.message?.text)).toEqual(['/risk@VigilTestBot 1d']);
  });
});

describe('sendMessage and HTML', () => {
  beforeEach(() => {
    fake.addChat({ id: USER, firstName: 'Ann' });
  });

  const html = (text: string): Promise<unknown> => bot.api.sendMessage(USER, text, { parse_mode: 'HTML' });

  it.each([
    ['<b>x', `Can't find end tag corresponding to start tag "b"`],
    ['1M&BONK', 'Unescaped "&" at byte offset 2'],
    ['a < b', 'Unsupported start tag "" at byte offset 2'],
    ['<br>', 'Unsupported start tag "br" at byte offset 0'],
    ['<b>x</i>', 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'],
    ['x</b>', 'Unexpected end tag at byte offset 1'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['it&apos;s', 'Unescaped "&" at byte offset 2'],
    ['&lt no semicolon', 'HTML entity "&lt" at byte offset 0 must end with ";"'],
  ])('rejects %j like Telegram', async (text, message) => {
    const e = await grammyError(html(text));
    expect(e.error_code).toBe(400);
    expect(e.description).toContain(`Bad Request: can't parse entities: ${message}`);
    expect(fake.sent()).toEqual([]);
  });

  it('accepts escaped text and stores raw + visible text and UTF-16 entities', async () => {
    const m = await bot.api.sendMessage(USER, '&lt;b&gt; 1M&amp;BONK <b>💰 PnL</b> <a href="https://x.io/?a=1&amp;b=2">link</a> &#39;q&quot;', { parse_mode: 'HTML' });
    expect(m.text).toBe(`<b> 1M&BONK 💰 PnL link 'q"`);
    expect(m.entities).toEqual([
      { type: 'bold', offset: 12, length: 6 }, // 💰 is two UTF-16 units
      { type: 'text_link', offset: 19, length: 4, url: 'https://x.io/?a=1&b=2' },
    ]);
    const s = fake.sent(USER)[0];
    expect(s?.rawText).toContain('<b>💰 PnL</b>');
    expect(s?.text).toBe(m.text);
    expect(s?.parseMode).toBe('HTML');
  });

  it('pre/code with a language, spoilers, blockquotes; Telegram trims outer whitespace', async () => {
    const f = await bot.api.sendMessage(USER, '\n <pre><code class="language-ts">let x</code></pre> <tg-spoiler>s</tg-spoiler><blockquote expandable>q</blockquote>\n', { parse_mode: 'HTML' });
    expect(f.text).toBe('let x sq');
    expect(f.entities).toEqual([
      { type: 'pre', offset: 0, length: 5, language: 'ts' },
      { type: 'spoiler', offset: 6, length: 1 },
      { type: 'expandable_blockquote', offset: 7, length: 1 },
    ]);
    expect(parseTelegramHtml('1M&BONK', false).text).toBe('1M&BONK'); // Telegram's own leniency, when asked for
  });

  it('counts the 4096 limit on the visible text', async () => {
    const body = 'x'.repeat(4096 - 3);
    await bot.api.sendMessage(USER, `<b>${body}</b>&lt;&gt;&amp;`, { parse_mode: 'HTML' }); // raw is longer, visible is 4096
    const e = await grammyError(bot.api.sendMessage(USER, 'y'.repeat(4097)));
    expect(e.description).toBe('Bad Request: message is too long');
    expect(fake.sent(USER)[0]?.text).toHaveLength(4096);
    const empty = await grammyError(bot.api.sendMessage(USER, '<b></b>  ', { parse_mode: 'HTML' }));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('chat not found, blocked users, replies, notifications, threads', async () => {
    expect((await grammyError(bot.api.sendMessage(999, 'hi'))).description).toBe('Bad Request: chat not found');
    const u = fake.userSends('question', { userId: USER });
    const m = await bot.api.sendMessage(USER, 'answer', { reply_parameters: { message_id: u.message?.message_id ?? 0 }, disable_notification: true, message_thread_id: 7 });
    expect(m.reply_to_message?.text).toBe('question');
    expect(fake.sent(USER)[0]).toMatchObject({ replyToMessageId: u.message?.message_id, disableNotification: true, messageThreadId: 7 });
    expect((await grammyError(bot.api.sendMessage(USER, 'x', { reply_parameters: { message_id: 999 } }))).description).toBe('Bad Request: message to be replied not found');
    await bot.api.sendMessage(USER, 'x', { reply_parameters: { message_id: 999, allow_sending_without_reply: true } });
    fake.userBlocksBot(USER);
    const blocked = await grammyError(bot.api.sendMessage(USER, 'x'));
    expect([blocked.error_code, blocked.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);
  });

  it('inline keyboards: callback_data is 1..64 bytes, buttons need an action and a text', async () => {
    const ok = '€'.repeat(21) + 'a'; // 64 bytes
    await bot.api.sendMessage(USER, 'ok', { reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: ok }]] } });
    const long = await grammyError(bot.api.sendMessage(USER, 'x', { reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: '€'.repeat(22) }]] } }));
    expect(long.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const plain = await grammyError(bot.api.raw.sendMessage({ chat_id: USER, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'a' } as never]] } }));
    expect(plain.description).toBe("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    const empty = await grammyError(bot.api.sendMessage(USER, 'x', { reply_markup: { inline_keyboard: [[{ text: '', callback_data: 'a' }]] } }));
    expect(empty.description).toBe('Bad Request: BUTTON_TEXT_INVALID');
    expect(fake.sent(USER)).toHaveLength(1);
  });

  it('MarkdownV2 needs reserved characters escaped', async () => {
    const e = await grammyError(bot.api.sendMessage(USER, 'VaR 1.5%', { parse_mode: 'MarkdownV2' }));
    expect(e.description).toBe("Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    expect(parseTelegramMarkdownV2('*VaR* 1\\.5% __u__ [l](https://x.io)')).toEqual({
      text: 'VaR 1.5% u l',
      entities: [{ type: 'bold', offset: 0, length: 3 }, { type: 'underline', offset: 9, length: 1 }, { type: 'text_link', offset: 11, length: 1, url: 'https://x.io' }],
    });
    expect(() => parseTelegramMarkdownV2('*open')).toThrow("Can't find end of Bold entity at byte offset 0");
  });

  it('sendChatAction validates the action', async () => {
    expect(await bot.api.sendChatAction(USER, 'typing')).toBe(true);
    const e = await grammyError(bot.api.sendChatAction(USER, 'dancing' as never));
    expect(e.description).toBe('Bad Request: wrong parameter action in request');
  });
});

describe('editing and deleting', () => {
  const kb = { inline_keyboard: [[{ text: 'Approve', callback_data: 'approve:1' }, { text: 'Reject', callback_data: 'reject:1' }]] };

  beforeEach(() => {
    fake.addChat({ id: USER });
  });

  it('editMessageText without reply_markup removes the keyboard, and keeps the edit history', async () => {
    const m = await bot.api.sendMessage(USER, 'Hedge SOL?', { reply_markup: kb });
    expect(m.reply_markup).toEqual(kb);
    const edited = await bot.api.editMessageText(USER, m.message_id, '<b>Approved</b>', { parse_mode: 'HTML' });
    expect(edited).toMatchObject({ message_id: m.message_id, text: 'Approved', entities: [{ type: 'bold', offset: 0, length: 8 }] });
    expect(edited).not.toHaveProperty('reply_markup');
    expect(typeof (edited as { edit_date?: number }).edit_date).toBe('number');
    const s = fake.message(USER, m.message_id);
    expect(s?.replyMarkup).toBeUndefined();
    expect(s?.versions.map((v) => [v.text, v.replyMarkup?.inline_keyboard.length ?? 0])).toEqual([['Hedge SOL?', 1], ['Approved', 0]]);
  });

  it('identical content and markup → 400 message is not modified (even written differently)', async () => {
    const m = await bot.api.sendMessage(USER, '<b>x</b>', { parse_mode: 'HTML', reply_markup: kb });
    const e = await grammyError(bot.api.editMessageText(USER, m.message_id, '<strong>x</strong>', { parse_mode: 'HTML', reply_markup: kb }));
    expect(e.description).toBe('Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    // same text but the keyboard dropped is a modification
    await bot.api.editMessageText(USER, m.message_id, '<b>x</b>', { parse_mode: 'HTML' });
    const again = await grammyError(bot.api.editMessageReplyMarkup(USER, m.message_id));
    expect(again.description).toMatch(/^Bad Request: message is not modified/);
  });

  it('editMessageReplyMarkup, deleteMessage, and editing what is gone', async () => {
    const m = await bot.api.sendMessage(USER, 'menu');
    const withKb = await bot.api.editMessageReplyMarkup(USER, m.message_id, { reply_markup: kb });
    expect(withKb).toMatchObject({ reply_markup: kb });
    expect((await grammyError(bot.api.editMessageText(USER, 999, 'x'))).description).toBe('Bad Request: message to edit not found');
    expect(await bot.api.deleteMessage(USER, m.message_id)).toBe(true);
    expect(fake.message(USER, m.message_id)?.deleted).toBe(true);
    expect((await grammyError(bot.api.deleteMessage(USER, m.message_id))).description).toBe('Bad Request: message to delete not found');
    expect((await grammyError(bot.api.editMessageText(USER, m.message_id, 'y'))).description).toBe('Bad Request: message to edit not found');
  });
});

describe('callback queries', () => {
  it('answerCallbackQuery once; twice or after 15 s → query is too old', async () => {
    fake.addChat({ id: USER });
    const m = await bot.api.sendMessage(USER, 'Hedge?', { reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] } });
    const u = fake.userPresses(m.message_id, 'yes', { userId: USER });
    const q = u.callback_query;
    expect(q?.message?.reply_markup?.inline_keyboard[0]?.[0]?.callback_data).toBe('yes');
    expect(q?.data).toBe('yes');
    expect(await bot.api.answerCallbackQuery(q?.id ?? '', { text: 'Done', show_alert: true })).toBe(true);
    expect(fake.callbackAnswers()).toMatchObject([{ callbackQueryId: q?.id, text: 'Done', showAlert: true }]);
    const twice = await grammyError(bot.api.answerCallbackQuery(q?.id ?? ''));
    expect(twice.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');

    const late = fake.userPresses(m.message_id, 'yes', { userId: USER }).callback_query?.id ?? '';
    fake.advanceTime(15_001);
    expect((await grammyError(bot.api.answerCallbackQuery(late))).error_code).toBe(400);
  });

  it('pressing a button the message does not have is a test error', async () => {
    fake.addChat({ id: USER });
    const m = await bot.api.sendMessage(USER, 'no buttons');
    expect(() => fake.userPresses(m.message_id, 'yes', { userId: USER })).toThrow(/has no button with callback_data "yes"/);
  });
});

describe('files', () => {
  beforeEach(() => {
    fake.addChat({ id: USER });
  });

  it('sendPhoto with an InputFile arrives as multipart: the PNG bytes are recorded', async () => {
    const bytes = png(800, 400);
    const m = await bot.api.sendPhoto(USER, new InputFile(bytes, 'equity.png'), { caption: 'Equity <b>30d</b>', parse_mode: 'HTML' });
    expect(m.caption).toBe('Equity 30d');
    const sizes = m.photo ?? [];
    expect(sizes.at(-1)).toMatchObject({ width: 800, height: 400, file_size: bytes.length });
    expect(sizes.map((s) => s.width)).toEqual([90, 320, 800]);
    const s = fake.sent(USER)[0];
    expect(s?.kind).toBe('photo');
    expect(s?.photo?.size).toBe(bytes.length);
    expect(s?.photo?.upload?.filename).toBe('equity.png');
    expect(s?.photo?.upload?.head.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(s?.photo?.upload?.bytes.equals(bytes)).toBe(true);
    expect(fake.calls('sendPhoto')[0]?.encoding).toBe('multipart');

    // the file_id can be sent again; a non-image upload cannot
    const again = await bot.api.sendPhoto(USER, sizes.at(-1)?.file_id ?? '');
    expect(again.photo?.at(-1)?.file_id).toBe(sizes.at(-1)?.file_id);
    expect((await grammyError(bot.api.sendPhoto(USER, new InputFile(Buffer.from('not an image'))))).description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    expect((await grammyError(bot.api.sendPhoto(USER, 'no-such-file-id'))).description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
  });

  it('sendDocument keeps the name (even awkward ones) and infers the MIME type', async () => {
    const csv = Buffer.from('date,close\n2024-01-01,100\n');
    const m = await bot.api.sendDocument(USER, new InputFile(csv, 'book "v2" 100%.csv'), { caption: 'export' });
    expect(m.document).toMatchObject({ file_name: 'book "v2" 100%.csv', mime_type: 'text/csv', file_size: csv.length });
    expect(fake.sent(USER)[0]?.document?.upload?.bytes.toString()).toBe(csv.toString());
  });
});

describe('bot commands', () => {
  it('setMyCommands per scope and language; invalid commands rejected like Telegram', async () => {
    fake.addChat({ id: GROUP, title: 'Desk' });
    await bot.api.setMyCommands([{ command: 'risk', description: 'VaR and ES' }]);
    await bot.api.setMyCommands([{ command: '/limits', description: 'Risk limits' }], { scope: { type: 'chat', chat_id: GROUP }, language_code: 'en' });
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'risk', description: 'VaR and ES' }]);
    expect(await bot.api.getMyCommands({ scope: { type: 'chat', chat_id: GROUP } })).toEqual([]);
    expect(fake.commands({ type: 'chat', chat_id: GROUP }, 'en')).toEqual([{ command: 'limits', description: 'Risk limits' }]);

    const cases: [{ command: string; description: string }, string][] = [
      [{ command: 'Risk', description: 'x' }, 'Bad Request: BOT_COMMAND_INVALID'],
      [{ command: 'var-es', description: 'x' }, 'Bad Request: BOT_COMMAND_INVALID'],
      [{ command: 'a'.repeat(33), description: 'x' }, 'Bad Request: command length must not exceed 32'],
      [{ command: 'ok', description: ' ' }, 'Bad Request: command description must be non-empty'],
      [{ command: 'ok', description: 'd'.repeat(257) }, 'Bad Request: command description length must not exceed 256'],
    ];
    for (const [cmd, description] of cases) expect((await grammyError(bot.api.setMyCommands([cmd]))).description).toBe(description);
    expect((await grammyError(bot.api.setMyCommands([], { scope: { type: 'chat', chat_id: 5 } }))).description).toBe('Bad Request: chat not found');

    expect(await bot.api.deleteMyCommands()).toBe(true);
    expect(await bot.api.getMyCommands()).toEqual([]);
  });
});

describe('faults', () => {
  beforeEach(() => {
    fake.addChat({ id: USER });
  });

  it('429 with retry_after surfaces as a GrammyError with parameters.retry_after', async () => {
    fake.failNext('sendMessage', { status: 429, retryAfter: 2 });
    const e = await grammyError(bot.api.sendMessage(USER, 'x'));
    expect([e.error_code, e.description, e.parameters.retry_after]).toEqual([429, 'Too Many Requests: retry after 2', 2]);
    expect(fake.sent()).toEqual([]);
    expect(fake.calls('sendMessage')[0]?.response).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } });
  });

  it('with auto-retry the 429 is waited out and the message delivered exactly once', async () => {
    bot.api.config.use(autoRetry());
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const t0 = Date.now();
    await bot.api.sendMessage(USER, 'alert');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(fake.sent(USER).map((m) => m.text)).toEqual(['alert']);
    expect(fake.calls('sendMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('5xx and custom 400s, for the next N calls', async () => {
    fake.failNext('sendMessage', { status: 500 }, { count: 2 });
    fake.failNext('sendMessage', { status: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: GROUP } });
    expect((await grammyError(bot.api.sendMessage(USER, 'a'))).description).toBe('Internal Server Error');
    expect((await grammyError(bot.api.sendMessage(USER, 'b'))).error_code).toBe(500);
    const mig = await grammyError(bot.api.sendMessage(USER, 'c'));
    expect(mig.parameters.migrate_to_chat_id).toBe(GROUP);
    await bot.api.sendMessage(USER, 'd');
    expect(fake.sent().map((m) => m.text)).toEqual(['d']);
  });

  it('a dropped connection is an HttpError; with afterEffect the message was still sent', async () => {
    fake.failNext('sendMessage', { drop: true });
    expect(await failure(bot.api.sendMessage(USER, 'lost'))).toBeInstanceOf(HttpError);
    expect(fake.sent()).toEqual([]);
    fake.failNext('sendMessage', { drop: true, afterEffect: true });
    expect(await failure(bot.api.sendMessage(USER, 'ambiguous'))).toBeInstanceOf(HttpError);
    expect(fake.sent().map((m) => m.text)).toEqual(['ambiguous']);
    expect(fake.calls('sendMessage').map((c) => [c.status, c.fault])).toEqual([[0, 'drop'], [0, 'drop']]);
  });

  it('an outage resets every connection until cleared, long polls included', async () => {
    await bot.api.getMe();
    const poll = bot.api.getUpdates({ timeout: 20 });
    await sleep(100);
    fake.setOutage(true);
    expect(await failure(poll)).toBeInstanceOf(HttpError);
    const e = await failure(bot.api.sendMessage(USER, 'x'));
    expect(e).toBeInstanceOf(HttpError);
    expect(String((e as HttpError).error)).toMatch(/ECONNRESET|socket hang up|reset/i);
    fake.setOutage(false);
    await bot.api.sendMessage(USER, 'back');
    expect(fake.sent().map((m) => m.text)).toEqual(['back']);
  });
});

describe('waitFor', () => {
  it('resolves on an event, sees events already recorded, and times out listing what arrived', async () => {
    fake.addChat({ id: USER });
    const pending = fake.waitForMessage((m: SentMessage) => m.text === 'later', 2000);
    await bot.api.sendMessage(USER, 'now');
    await bot.api.sendMessage(USER, 'later');
    expect((await pending).text).toBe('later');
    expect((await fake.waitForCall('sendMessage', (c) => c.params.text === 'now')).status).toBe(200);

    const since = fake.mark();
    const e = await failure(fake.waitForMessage((m) => m.text === 'now', 100, { since }));
    expect(String(e)).toMatch(/nothing matched within 100 ms/);
    expect(String(e)).toMatch(/sendMessage\(chat_id=424242 text="now"\) → 200/);
    expect(String(e)).toMatch(/chat 424242 #2: "later"/);
  });
});

describe('more Telegram behaviours', () => {
  it('a reply to the bot in a group reaches it under privacy mode; getChat describes known chats', async () => {
    fake.userSends('/health', { userId: USER, chatId: GROUP, chatTitle: 'Desk' });
    const m = await bot.api.sendMessage(GROUP, 'Health 1.8');
    fake.userSends('why?', { userId: USER, chatId: GROUP, replyToMessageId: m.message_id });
    expect(fake.pendingUpdates().map((u) => u.message?.text)).toEqual(['/health', 'why?']);
    expect(fake.pendingUpdates()[1]?.message?.reply_to_message?.message_id).toBe(m.message_id);
    expect(await bot.api.getChat(GROUP)).toMatchObject({ id: GROUP, type: 'supergroup', title: 'Desk' });
    expect((await grammyError(bot.api.getChat(-42))).description).toBe('Bad Request: chat not found');
  });

  it('captions are edited with editMessageCaption; photos by URL; deleteMessages; pushUpdate', async () => {
    fake.addChat({ id: USER });
    const p = await bot.api.sendPhoto(USER, 'https://example.com/chart.png', { caption: 'old' });
    expect(p.photo?.length).toBeGreaterThan(0);
    expect(fake.sent(USER)[0]?.photo).toMatchObject({ source: 'url', url: 'https://example.com/chart.png', size: 0 });
    expect((await grammyError(bot.api.editMessageText(USER, p.message_id, 'x'))).description).toBe('Bad Request: there is no text in the message to edit');
    const c = await bot.api.editMessageCaption(USER, p.message_id, { caption: '<i>new</i>', parse_mode: 'HTML' });
    expect(c).toMatchObject({ caption: 'new', caption_entities: [{ type: 'italic', offset: 0, length: 3 }] });
    const t = await bot.api.sendMessage(USER, 't');
    expect(await bot.api.deleteMessages(USER, [p.message_id, t.message_id])).toBe(true);
    expect(fake.sent(USER).every((m) => m.deleted)).toBe(true);

    const u = fake.pushUpdate({ my_chat_member: { chat: { id: USER, type: 'private' } } });
    expect((await bot.api.getUpdates()).map((x) => x.update_id)).toEqual([u.update_id]);
  });
});
