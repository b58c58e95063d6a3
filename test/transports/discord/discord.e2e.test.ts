/**
 * The real Discord transport (discord.js v14 logged in over the gateway) and the real app against the local Discord
 * fake: numbers, roles on commands / autocomplete / buttons, strangers, deferral, editing in place, charts as
 * attachments, Confirm exactly once (double presses, and across Telegram and Discord for a linked person), alerts with
 * buttons in a channel, a 429, a lost response and an outage that does not delay Telegram.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { buildApp, type App } from '../../../src/app/build.ts';
import type { AppServices } from '../../../src/app/services.ts';
import { defineCommand, reply, UserError, type AnyCommand } from '../../../src/core/index.ts';
import { plainText } from '../../../src/core/reply.ts';
import type { ChatRef, ExecutionMode, IdentityLink } from '../../../src/domain/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { DiscordTransport } from '../../../src/transports/discord/bot.ts';
import { TelegramTransport } from '../../../src/transports/telegram/bot.ts';
import { PaperExecutor } from '../../../src/venues/paper/executor.ts';
import type { StartingPortfolio } from '../../../src/venues/paper/portfolio-file.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';
import { DISCORD_TOKEN, FakeDiscord, type FakeGuild, type StoredMessage } from '../../fakes/discord.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { ROUND_PRICES, T0 } from '../../helpers/app.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { dataOf } from '../../helpers/telegram-cards.ts';
import { until } from '../../helpers/until.ts';

const TRADER = '400000000000000001';
const VIEWER = '400000000000000002';
const MAPPED = '400000000000000003';
const OTHER_TRADER = '400000000000000004';
const STRANGER = '400000000000000009';
const ADMIN = '400000000000000005';
const TRADER_ROLE = '500000000000000001';
const TG_TRADER = 222_222;
const GUILD: FakeGuild = {
  id: '222222222222222222', name: 'Desk',
  channels: [{ id: '333333333333333333', name: 'alerts' }, { id: '333333333333333334', name: 'general' }],
  roles: [{ id: '222222222222222222', name: '@everyone' }, { id: TRADER_ROLE, name: 'Traders' }],
};
const ALERTS = GUILD.channels[0]!.id;

const BOOK: StartingPortfolio = {
  spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'SOL', amount: '10', entryPrice: 90 }],
  perps: [{ market: 'BTC-PERP', size: '0.2', entryPrice: 50_000 }, { market: 'ETH-PERP', size: '-1', entryPrice: 2100 }],
  lp: [],
};
/** Leveraged: health 43 at SOL $95, critical below (see test/app/alert-service.test.ts). */
const LEVERED: StartingPortfolio = { spot: [{ asset: 'USDC', amount: '1000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }], lp: [] };

// Test-only commands: one slower than the deferral threshold, one slow and failing.
const cmd = defineCommand<AppServices>();
const slow = cmd({ name: 'slow_test', description: 'Answers after 700 ms', role: 'viewer', args: {}, run: async () => { await new Promise((r) => setTimeout(r, 700)); return reply.of(reply.title('Slow'), reply.text('done')); } });
const slowRefresh = cmd({
  name: 'slow_refresh', description: 'Slow answer with a Refresh button', role: 'viewer', args: {},
  run: async ({ buttons, via }) => {
    if (via === 'button') await new Promise((r) => setTimeout(r, 700));
    return reply.of(reply.title('Slow refresh'), reply.text(via), reply.buttons([await buttons.command('↻ Refresh', 'slow_refresh')]));
  },
});
const long = cmd({
  name: 'long_test', description: 'A reply longer than one Discord message', role: 'viewer', args: {},
  run: () => Promise.resolve(reply.of(reply.title('Long'), ...Array.from({ length: 40 }, (_, i) => reply.text(`[${i}] ${'x'.repeat(300)}`)))),
});
const slowFail = cmd({ name: 'slow_fail', description: 'Fails after 700 ms', role: 'viewer', args: {}, run: async () => { await new Promise((r) => setTimeout(r, 700)); throw new UserError('bad_argument', 'Nope: that went wrong.'); } });
const commands = [...COMMANDS, slow, slowFail, slowRefresh, long] as AnyCommand<AppServices>[];

interface Env {
  fake: FakeDiscord;
  app: App;
  venue: PaperVenue;
  executor: PaperExecutor;
  discord: DiscordTransport<AppServices>;
  records: Record<string, unknown>[];
  tg?: { fake: FakeTelegramBotApi; transport: TelegramTransport<AppServices> };
}

let env: Env | undefined;

async function setup(o: { portfolio?: StartingPortfolio; mode?: ExecutionMode; telegram?: boolean; links?: IdentityLink[] } = {}): Promise<Env> {
  const fake = new FakeDiscord({ guilds: [GUILD] });
  await fake.start();
  const clock = new ManualClock(T0);
  const venue = new PaperVenue({ clock, seed: 1, portfolio: o.portfolio ?? BOOK, startPrices: ROUND_PRICES, historyDays: 40, historyHours: 48 });
  const executor = new PaperExecutor(venue);
  const { logger, records } = captureLogger();
  const app = buildApp({
    commands, sources: [venue], history: venue.history, repos: memoryRepositories(), clock, logger, executors: [executor],
    notificationSpacingMs: 0, notificationBackoffMs: 100,
    runtime: { version: '0.1.0', venueMode: 'paper', executionMode: o.mode ?? 'paper', transport: 'discord', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
  });
  const discord = new DiscordTransport({
    token: DISCORD_TOKEN, apiRoot: fake.apiUrl, dispatcher: app.dispatcher, logger, deferAfterMs: 300, restRetries: 1,
    access: {
      allowed: [{ userId: TRADER, role: 'trader' }, { userId: OTHER_TRADER, role: 'trader' }, { userId: VIEWER, role: 'viewer' }, { userId: ADMIN, role: 'admin' }],
      roleMap: [{ roleId: TRADER_ROLE, role: 'trader' }],
    },
    links: o.links ?? [],
  });
  app.services.notifications.addNotifier(discord);
  await discord.start({ timeoutMs: 10_000 });
  env = { fake, app, venue, executor, discord, records };
  if (o.telegram) {
    const tgFake = new FakeTelegramBotApi({ chats: [{ id: TG_TRADER, type: 'private', firstName: 'Alice' }] });
    const { url } = await tgFake.start();
    const transport = new TelegramTransport({
      token: DEFAULT_TOKEN, apiRoot: url, dispatcher: app.dispatcher, commands, logger, allowed: [{ userId: String(TG_TRADER), role: 'trader' }], links: o.links ?? [],
    });
    app.services.notifications.addNotifier(transport);
    await transport.start();
    env.tg = { fake: tgFake, transport };
  }
  return env;
}

afterEach(async () => {
  await env?.tg?.transport.stop();
  await env?.tg?.fake.stop();
  await env?.discord.stop();
  await env?.app.services.notifications.close();
  await env?.fake.stop();
  env = undefined;
});

interface Embed { title?: string; description?: string; image?: { url?: string } }
interface Shown { readonly ephemeral: boolean; readonly text: string; readonly buttons: { label: string; custom_id: string }[]; readonly files: readonly string[]; readonly embeds: Embed[] }

function shown(d: { content?: string; embeds?: unknown[]; components?: unknown[]; flags?: number }, files: readonly string[]): Shown {
  const embeds = (d.embeds ?? []) as Embed[];
  const text = [d.content ?? '', ...embeds.flatMap((e) => [e.title ?? '', e.description ?? ''])].filter(Boolean).join('\n');
  const buttons = ((d.components ?? []) as { components: { label: string; custom_id: string }[] }[]).flatMap((r) => r.components);
  return { ephemeral: ((d.flags ?? 0) & 64) !== 0, text, buttons, files, embeds };
}

function fromMessage(m: StoredMessage): Shown {
  return shown({ content: m.content, embeds: m.embeds, components: m.components, flags: m.flags }, m.attachments.map((a) => a.name));
}

/** The answer a person sees for interaction `token`: the callback's message, the edited deferral, or a follow-up. */
async function answerOf(fake: FakeDiscord, token: string, ms = 8_000): Promise<Shown & { type: number }> {
  const until = Date.now() + ms;
  for (;;) {
    const cb = fake.callbackFor(token);
    if (cb && (cb.type === 4 || cb.type === 7)) return { ...shown(cb.data as Parameters<typeof shown>[0], cb.files.map((f) => f.name)), type: cb.type };
    if (cb && (cb.type === 5 || cb.type === 6)) {
      const follow = [...fake.messages.values()].find((m) => m.interactionToken === token && m.via === 'followup');
      if (follow) return { ...fromMessage(follow), type: cb.type };
      const original = fake.original(token);
      if (cb.type === 5 && original && original.edits > 0) return { ...fromMessage(original), type: 5 };
      if (cb.type === 6 && original && original.edits > 0) return { ...fromMessage(original), type: 6 };
    }
    if (Date.now() > until) throw new Error(`no answer to ${token}: ${JSON.stringify(cb)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function run(e: Env, name: string, userId: string, options: unknown[] = [], roles: string[] = []): Promise<Shown & { type: number; token: string }> {
  const { token } = e.fake.chatInput({ name, userId, options, roles });
  return { ...(await answerOf(e.fake, token)), token };
}

async function press(e: Env, customId: string, userId: string, messageId: string): Promise<Shown & { type: number }> {
  const { token } = e.fake.button({ customId, userId, messageId });
  return answerOf(e.fake, token);
}

function buttonId(s: Shown, label: string): string {
  const b = s.buttons.find((x) => x.label === label);
  if (!b) throw new Error(`no button ${label} in ${s.buttons.map((x) => x.label).join(', ')}`);
  return b.custom_id;
}

describe('Discord transport against the fake', () => {
  it('/portfolio shows the same numbers the app computes, publicly, with its buttons; Refresh edits the same message', async () => {
    const e = await setup();
    const direct = plainText(await e.app.dispatcher.handleCommand({ actor: { platform: 'console', userId: 'x', displayName: 'x', role: 'viewer' }, chat: { platform: 'console', chatId: 'x' }, name: 'portfolio' }));
    const total = /Total value: (\$[\d,]+\.\d\d)/.exec(direct)?.[1];
    expect(total).toBeDefined();
    const a = await run(e, 'portfolio', VIEWER);
    expect(a.type).toBe(4);
    expect(a.ephemeral).toBe(false);
    expect(a.text).toContain(`Total value: **${total}**`);
    expect(a.buttons.map((b) => b.label)).toEqual(['↻ Refresh', 'Positions']);
    const original = e.fake.original(a.token)!;
    const r = await press(e, buttonId(a, '↻ Refresh'), VIEWER, original.id);
    expect(r.type).toBe(7);
    expect(r.text).toContain(`Total value: **${total}**`);
    expect(e.fake.original(a.token)?.edits).toBe(1);
    expect(e.fake.channelMessages(original.channelId).filter((m) => (m.flags & 64) === 0)).toHaveLength(1);
  }, 30_000);

  it('roles: a viewer is told /hedge needs a trader (ephemeral); a member with the mapped server role is a trader; autocomplete follows the role', async () => {
    const e = await setup();
    const v = await run(e, 'hedge', VIEWER, [{ name: 'market', type: 3, value: 'BTC' }]);
    expect(v.ephemeral).toBe(true);
    expect(v.text).toContain('/hedge needs the trader role; you are a viewer.');
    const m = await run(e, 'pending', MAPPED, [], [TRADER_ROLE]);
    expect([m.ephemeral, m.text.split('\n')[0]]).toEqual([false, 'Pending plans']);
    const complete = async (userId: string, value: string, roles: string[] = []): Promise<{ name: string; value: string }[]> => {
      const { token } = e.fake.autocomplete({ name: 'hedge', userId, roles, options: [{ name: 'market', type: 3, value, focused: true }] });
      const cb = await until('the fake to record it', () => e.fake.callbackFor(token));
      expect(cb.type).toBe(8);
      return (cb.data as { choices: { name: string; value: string }[] }).choices;
    };
    expect(await complete(VIEWER, 'B')).toEqual([]);
    expect(await complete(STRANGER, 'B')).toEqual([]);
    const btc = await complete(MAPPED, 'btc', [TRADER_ROLE]);
    expect(btc.map((c) => c.value)).toEqual(['BTC', 'BTC-PERP']);
    expect(btc[1]?.name).toBe('BTC-PERP · paper perp');
    const all = await complete(TRADER, '');
    expect(all[0]).toEqual({ name: 'all · every exposure', value: 'all' });
    expect(all.length).toBeLessThanOrEqual(25);
  }, 30_000);

  it('a stranger gets one ephemeral refusal with nothing in it; their button presses change nothing; logged once', async () => {
    const e = await setup();
    const mine = await run(e, 'portfolio', VIEWER);
    const a = await run(e, 'portfolio', STRANGER);
    expect(a.ephemeral).toBe(true);
    expect(a.text).toBe(`Sorry, this is a private bot. Ask its owner to add your user id (${STRANGER}) to the allow-list.`);
    const b = await run(e, 'risk', STRANGER);
    expect([b.ephemeral, b.text]).toEqual([true, a.text]);
    const p = await press(e, buttonId(mine, '↻ Refresh'), STRANGER, e.fake.original(mine.token)!.id);
    expect([p.type, p.ephemeral, p.text]).toEqual([4, true, a.text]);
    expect(e.fake.original(mine.token)?.edits).toBe(0);
    expect(e.records.filter((r) => r.msg === 'refused a Discord user not on the allow-list')).toHaveLength(1);
  }, 30_000);

  it('a slow answer is deferred, then edited in; a slow error replaces the deferral with an ephemeral follow-up', async () => {
    const e = await setup();
    const a = await run(e, 'slow_test', VIEWER);
    expect(a.type).toBe(5);
    expect(a.text).toBe('Slow\ndone');
    expect(e.fake.original(a.token)?.flags ?? 0).toBe(0); // loading flag cleared by the edit
    const f = await run(e, 'slow_fail', VIEWER);
    expect([f.type, f.ephemeral]).toEqual([5, true]);
    expect(f.text).toContain('Nope: that went wrong.');
    expect(e.fake.original(f.token)).toBeUndefined(); // the public "thinking…" message was deleted
  }, 30_000);

  it('every command without required options answers on Discord, and Discord refuses none of the messages', async () => {
    const e = await setup();
    const names = COMMANDS.filter((c) => Object.values(c.args).every((a) => !a.required)).map((c) => c.name);
    expect(names.length).toBeGreaterThan(25);
    for (const name of names) {
      const a = await run(e, name, ADMIN);
      expect(a.text.length, name).toBeGreaterThan(0);
      // None of them is an error with the paper book and default options.
      expect(a.ephemeral, `${name}: ${a.text.slice(0, 200)}`).toBe(false);
    }
    const refused = e.fake.calls().filter((c) => c.status >= 400);
    expect(refused.map((c) => `${c.method} ${c.path} ${c.status} ${JSON.stringify(c.body).slice(0, 200)}`)).toEqual([]);
  }, 120_000);

  it('a long answer is split into follow-ups in order; a DM works like a channel', async () => {
    const e = await setup();
    const a = await run(e, 'long_test', VIEWER);
    const follow = [...e.fake.messages.values()].filter((m) => m.interactionToken === a.token && m.via === 'followup');
    expect(follow.length).toBeGreaterThanOrEqual(2);
    const all = [a.text, ...follow.map((m) => fromMessage(m).text)].join('\n');
    const order = [...all.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const { token } = e.fake.chatInput({ name: 'portfolio', userId: VIEWER, dm: true });
    const dm = await answerOf(e.fake, token);
    expect(dm.text).toContain('Total value: **$');
  }, 30_000);

  it('a slow Refresh is acknowledged at once (deferred update), then edits the same message', async () => {
    const e = await setup();
    const a = await run(e, 'slow_refresh', VIEWER);
    expect(a.text).toBe('Slow refresh\ntext');
    const r = await press(e, buttonId(a, '↻ Refresh'), VIEWER, e.fake.original(a.token)!.id);
    expect(r.type).toBe(6);
    expect(r.text).toBe('Slow refresh\nbutton');
    expect(e.fake.original(a.token)?.edits).toBe(1);
  }, 30_000);

  it('autocomplete offers the asker’s own pending plans to /cancel', async () => {
    const e = await setup();
    const card = await run(e, 'hedge', TRADER, [{ name: 'market', type: 3, value: 'BTC' }]);
    const id = /Plan ([a-z0-9]+) · /.exec(card.text)?.[1];
    expect(id).toBeDefined();
    const ask = async (userId: string): Promise<string[]> => {
      const { token } = e.fake.autocomplete({ name: 'cancel', userId, options: [{ name: 'id', type: 3, value: '', focused: true }] });
      const cb = await until('the fake to record it', () => e.fake.callbackFor(token));
      return (cb.data as { choices: { value: string }[] }).choices.map((c) => c.value);
    };
    expect(await ask(TRADER)).toEqual([id]);
    expect(await ask(OTHER_TRADER)).toEqual([]);
    expect(await ask(ADMIN)).toEqual([id]);
  }, 30_000);

  it('/chart allocation: the chart is an attachment shown in its embed', async () => {
    const e = await setup();
    const a = await run(e, 'chart', VIEWER, [{ name: 'kind', type: 3, value: 'allocation' }]);
    expect(a.files).toEqual(['allocation.png']);
    const stored = e.fake.original(a.token)!;
    expect(stored.attachments[0]).toMatchObject({ name: 'allocation.png', contentType: 'image/png' });
    expect(stored.attachments[0]!.width).toBeGreaterThan(100);
    expect(JSON.stringify(stored.embeds)).toContain('allocation.png');
  }, 30_000);

  it('a double Confirm executes once: one press edits the card to Executed, the other is told it already ran', async () => {
    const e = await setup();
    const card = await run(e, 'hedge', TRADER, [{ name: 'market', type: 3, value: 'BTC' }]);
    expect(card.text.split('\n')[0]).toMatch(/^Hedge BTC to Δ \$0\.00 · paper$/);
    expect(card.buttons.map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
    const msg = e.fake.original(card.token)!.id;
    const ok = buttonId(card, 'Confirm');
    const [p1, p2] = await Promise.all([press(e, ok, TRADER, msg), press(e, ok, TRADER, msg)]);
    const edited = [p1, p2].filter((p) => p.type === 7 || p.type === 6);
    const told = [p1, p2].filter((p) => p.type === 4);
    expect(edited).toHaveLength(1);
    expect(edited[0]!.text.split('\n')[0]).toMatch(/^✅ Executed/);
    expect(told).toHaveLength(1);
    expect(told[0]!.ephemeral).toBe(true);
    expect(told[0]!.text).toMatch(/^Already (executed|confirmed)/);
    expect(e.venue.ledger.perps.get('BTC-PERP')?.base ?? 0n).toBe(0n);
    // Another trader cannot confirm someone else's plan (APPROVAL_CONFIRMER=requester).
    const again = await run(e, 'hedge', TRADER, [{ name: 'market', type: 3, value: 'ETH' }]);
    const other = await press(e, buttonId(again, 'Confirm'), OTHER_TRADER, e.fake.original(again.token)!.id);
    expect([other.ephemeral, other.text]).toEqual([true, expect.stringMatching(/^Only .+, who asked for this plan, can confirm it\.$/)]);
  }, 30_000);

  it('a card asked for on Telegram is confirmed on Discord by the same (linked) person, once; Telegram then finds it done', async () => {
    const e = await setup({ telegram: true, links: [{ telegram: String(TG_TRADER), discord: TRADER }] });
    const tg = e.tg!;
    const since = tg.fake.mark();
    tg.fake.userSends('/hedge BTC', { userId: TG_TRADER, firstName: 'Alice' });
    const card = await tg.fake.waitForMessage((m) => m.chatId === TG_TRADER, 8_000, { since });
    const ok = dataOf(card, 'Confirm');
    // An unlinked trader on Discord may not confirm it; the linked one may.
    const refused = await press(e, ok, OTHER_TRADER, '600000000000000001');
    expect(refused.text).toMatch(/^Only Alice, who asked for this plan, can confirm it\.$/);
    const done = await press(e, ok, TRADER, '600000000000000001');
    expect(done.text.split('\n')[0]).toMatch(/^✅ Executed/);
    expect(e.venue.ledger.perps.get('BTC-PERP')?.base ?? 0n).toBe(0n);
    const q = tg.fake.userPresses(card.messageId, ok, { userId: TG_TRADER, chatId: TG_TRADER, firstName: 'Alice' }).callback_query!.id;
    const ans = await tg.fake.waitFor((x) => x.kind === 'callbackAnswer' && x.answer.callbackQueryId === q, 8_000);
    expect(ans.kind === 'callbackAnswer' ? ans.answer.text : '').toMatch(/^Already (executed|confirmed)/);
    expect(e.executor.fillHistory).toHaveLength(1);
  }, 30_000);

  it('an alert reaches a subscribed channel with its buttons; a 429 is waited out and the alert is posted once', async () => {
    const e = await setup({ portfolio: LEVERED });
    const chat: ChatRef = { platform: 'discord', chatId: ALERTS };
    await e.app.services.notifications.subscribe(chat);
    e.fake.failNext(/^POST \/channels\/\d+\/messages$/, 429, 0.3);
    e.venue.setPrices({ SOL: 93.5 });
    await e.app.services.alerts.evaluate({ fullRisk: false });
    await e.app.services.notifications.idle();
    const posted = e.fake.channelMessages(ALERTS);
    // Health, liquidation distance, leverage and concentration each alert once; the first waited out the 429.
    const titles = posted.map((x) => fromMessage(x).text.split('\n')[0]);
    expect(titles[0]).toMatch(/^🚨 Alert · CRITICAL: Health critical: \d+ on Paper/);
    expect(new Set(titles).size).toBe(titles.length);
    const m = fromMessage(posted[0]!);
    expect(m.buttons.length).toBeGreaterThan(0);
    expect(e.fake.calls(/^\/channels\/\d+\/messages$/).map((c) => c.status)).toEqual([429, ...posted.map(() => 200)]);
    // Its buttons work from the channel: the first one is answered, not an error.
    const p = await press(e, m.buttons[0]!.custom_id, TRADER, posted[0]!.id);
    expect(p.text).not.toMatch(/no longer valid|went wrong/);
  }, 30_000);

  it('Discord down: Telegram gets the alert at once; Discord gets it once it is back, once — also when a response was lost', async () => {
    const e = await setup({ portfolio: LEVERED, telegram: true });
    await e.app.services.notifications.subscribe({ platform: 'discord', chatId: ALERTS });
    await e.app.services.notifications.subscribe({ platform: 'telegram', chatId: String(TG_TRADER) });
    e.fake.down(true);
    const t0 = Date.now();
    const sent = e.app.services.notifications.publish({ reply: reply.of(reply.title('🚨 Alert · CRITICAL: test'), reply.text('Health 20')), level: 'critical' });
    await sent;
    const tgMsg = await e.tg!.fake.waitForMessage((m) => m.chatId === TG_TRADER, 5_000);
    expect(tgMsg.text).toContain('Health 20');
    expect(Date.now() - t0).toBeLessThan(2_000);
    await new Promise((r) => setTimeout(r, 800));
    expect(e.fake.channelMessages(ALERTS)).toHaveLength(0);
    e.fake.up();
    await e.app.services.notifications.idle();
    expect(e.fake.channelMessages(ALERTS).map((m) => fromMessage(m).text)).toEqual(['🚨 Alert · CRITICAL: test\nHealth 20']);

    // Discord creates the message but the answer never arrives: the retry carries the same nonce, so no second post.
    e.fake.loseResponseNext(/^POST \/channels\/\d+\/messages$/);
    await e.app.services.notifications.publish({ reply: reply.of(reply.text('second')), level: 'critical' });
    await e.app.services.notifications.idle();
    expect(e.fake.channelMessages(ALERTS).map((m) => fromMessage(m).text)).toEqual(['🚨 Alert · CRITICAL: test\nHealth 20', 'second']);
    expect(e.fake.calls(/^\/channels\/\d+\/messages$/).filter((c) => c.method === 'POST' && c.status !== 503).length).toBeGreaterThanOrEqual(3);
  }, 40_000);
});
