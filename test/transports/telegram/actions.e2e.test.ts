/**
 * Confirm-gated trading end to end: /hedge through the real Telegram transport (grammY against the local fake Bot
 * API), the real ActionService and ApprovalGate, and the paper venue's executor. Book: 10,000 USDC + BTC-PERP long
 * 0.2 @ $50,000, so BTC delta is +$10,000 and `/hedge BTC` plans one leg: SELL (RO) 0.2 BTC-PERP.
 * Each case counts what the venue received (`executor.submissions`) and checks the stored approval state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { buildApp, type App, type ApprovalSettings } from '../../../src/app/build.ts';
import type { ActionPlan, ExecutionMode } from '../../../src/domain/index.ts';
import type { ApprovalRecord, ExecutionResult } from '../../../src/ports/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { TelegramTransport } from '../../../src/transports/telegram/bot.ts';
import { PaperExecutor } from '../../../src/venues/paper/executor.ts';
import type { StartingPortfolio } from '../../../src/venues/paper/portfolio-file.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi, type CallbackAnswer, type SentMessage } from '../../fakes/telegram-bot-api.ts';
import { ROUND_PRICES, T0 } from '../../helpers/app.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { buttonLabels, dataOf } from '../../helpers/telegram-cards.ts';

const A = 222_222; // trader who asks
const B = 333_333; // another trader
const VIEWER = 111_111;
const ADMIN = 444_444;
const GROUP = -100_555;
const TTL_MS = 60_000;
const NAMES: Readonly<Record<number, string>> = { [A]: 'Alice', [B]: 'Bob', [VIEWER]: 'Vera', [ADMIN]: 'Ada' };
/** What a trader who did not ask for a plan is told when they try to cancel it. */
const NOT_YOURS = 'Only the trader who asked for this plan (Alice) or an admin can cancel it.';

const BOOK: StartingPortfolio = {
  spot: [{ asset: 'USDC', amount: '10000' }],
  perps: [{ market: 'BTC-PERP', size: '0.2', entryPrice: 50_000 }],
  lp: [],
};

/** The paper executor, optionally held inside `execute` (after the compare-and-set, before the venue call). */
class HeldExecutor extends PaperExecutor {
  hold: { until: Promise<void>; entered: () => void } | null = null;

  override async execute(plan: ActionPlan, hooks: Parameters<PaperExecutor['execute']>[1]): Promise<ExecutionResult> {
    if (this.hold) {
      this.hold.entered();
      await this.hold.until;
    }
    return super.execute(plan, hooks);
  }
}

let fake: FakeTelegramBotApi | undefined;
let transport: TelegramTransport<unknown> | undefined;

interface Env {
  fake: FakeTelegramBotApi;
  app: App;
  venue: PaperVenue;
  executor: HeldExecutor;
  clock: ManualClock;
  repos: ReturnType<typeof memoryRepositories>;
  records: Record<string, unknown>[];
}

async function setup(opts: { mode?: ExecutionMode; approvals?: Partial<ApprovalSettings> } = {}): Promise<Env> {
  const f = new FakeTelegramBotApi({
    chats: [
      { id: A, type: 'private', firstName: 'Alice' }, { id: B, type: 'private', firstName: 'Bob' }, { id: VIEWER, type: 'private', firstName: 'Vera' },
      { id: ADMIN, type: 'private', firstName: 'Ada' }, { id: GROUP, type: 'supergroup', title: 'Desk' },
    ],
  });
  fake = f;
  const { url } = await f.start();
  const clock = new ManualClock(T0);
  const venue = new PaperVenue({ clock, seed: 1, portfolio: BOOK, startPrices: ROUND_PRICES, historyDays: 40, historyHours: 48 });
  const executor = new HeldExecutor(venue);
  const repos = memoryRepositories();
  const { logger, records } = captureLogger();
  const app = buildApp({
    commands: COMMANDS, sources: [venue], history: venue.history, repos, clock, logger, notificationSpacingMs: 0, executors: [executor],
    approvals: { ttlMs: TTL_MS, priceToleranceBps: 50, ...opts.approvals },
    runtime: { version: '0.1.0', venueMode: 'paper', executionMode: opts.mode ?? 'paper', transport: 'telegram', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
  });
  transport = new TelegramTransport({
    token: DEFAULT_TOKEN, apiRoot: url, dispatcher: app.dispatcher, commands: COMMANDS, logger,
    allowed: [{ userId: String(A), role: 'trader' }, { userId: String(B), role: 'trader' }, { userId: String(VIEWER), role: 'viewer' }, { userId: String(ADMIN), role: 'admin' }],
  });
  await transport.start();
  return { fake: f, app, venue, executor, clock, repos, records };
}

afterEach(async () => {
  await transport?.stop();
  await fake?.stop();
  transport = undefined;
  fake = undefined;
});

/** Sends `text` as `userId` (in `chatId`, default the private chat) and waits for the bot's next message there. */
async function ask(env: Env, text: string, userId = A, chatId = userId): Promise<SentMessage> {
  const since = env.fake.mark();
  env.fake.userSends(text, { userId, chatId, firstName: NAMES[userId] ?? 'Someone' });
  return env.fake.waitForMessage((m) => m.chatId === chatId && m.versions.length === 1, 8000, { since });
}



/** Presses without waiting; returns the callback query id (to find its answer). */
function tap(env: Env, m: SentMessage, data: string, userId: number): string {
  const u = env.fake.userPresses(m.messageId, data, { userId, chatId: m.chatId, firstName: NAMES[userId] ?? 'Someone' });
  return u.callback_query!.id;
}

async function answerTo(env: Env, queryId: string): Promise<CallbackAnswer> {
  const e = await env.fake.waitFor((x) => x.kind === 'callbackAnswer' && x.answer.callbackQueryId === queryId, 8000);
  if (e.kind !== 'callbackAnswer') throw new Error('unreachable');
  return e.answer;
}

/** Waits until message `m` has at least `versions` versions (sent + edits) and returns it. */
async function edited(env: Env, m: SentMessage, versions: number): Promise<SentMessage> {
  return env.fake.waitForMessage((x) => x.chatId === m.chatId && x.messageId === m.messageId && x.versions.length >= versions, 8000);
}

/** /hedge BTC as A: the confirm card. */
async function hedgeCard(env: Env, userId = A, chatId = userId): Promise<SentMessage> {
  const card = await ask(env, '/hedge BTC', userId, chatId);
  expect(card.text.split('\n')[0]).toMatch(/^Hedge BTC to Δ \$0\.00 · (paper|dry run)$/);
  expect(card.text).toMatch(/SELL \(RO\)\s+0\.2 BTC-PERP/);
  expect(buttonLabels(card)).toEqual(['Confirm', 'Cancel']);
  return card;
}

function planIdOf(card: SentMessage): string {
  const id = /Plan ([a-z0-9]+) · /.exec(card.text)?.[1];
  if (!id) throw new Error(`no plan id in ${card.text}`);
  return id;
}

async function stateOf(env: Env, planId: string): Promise<ApprovalRecord['approval']['state'] | undefined> {
  return (await env.repos.approvals.get(planId))?.approval.state;
}

const btcBase = (venue: PaperVenue): bigint => venue.ledger.perps.get('BTC-PERP')?.base ?? 0n;

describe('confirm-gated trading on Telegram', () => {
  it('paper: a double Confirm executes exactly once and the card becomes "✅ Executed"', async () => {
    const env = await setup();
    expect(btcBase(env.venue)).toBeGreaterThan(0n);
    const card = await hedgeCard(env);
    expect(card.text).toContain('PAPER: Confirm fills on the paper ledger.');
    const id = planIdOf(card);
    expect(await stateOf(env, id)).toBe('pending');
    const ok = dataOf(card, 'Confirm');
    const q1 = tap(env, card, ok, A);
    const q2 = tap(env, card, ok, A);
    const [a1, a2] = await Promise.all([answerTo(env, q1), answerTo(env, q2)]);
    expect(a1.text).toBe('Executed.');
    expect(a2.text).toMatch(/^Already (executed|confirmed)/);
    const done = await edited(env, card, 2);
    expect(done.text.split('\n')[0]).toBe('✅ Executed · Hedge BTC to Δ $0.00');
    expect(done.text).toMatch(/SELL\s+0\.2 BTC-PERP/);
    expect(done.text).toMatch(/^paper[1-9A-HJ-NP-Za-km-z]…[1-9A-HJ-NP-Za-km-z]{8}$/m); // the signature, shortened for a phone
    expect(done.text).toContain(`Plan ${id} · paper · executed by Alice`);
    expect(done.replyMarkup).toBeUndefined();
    expect(env.executor.submissions).toHaveLength(1);
    expect(env.executor.submissions[0]).toMatchObject({ planId: id, ok: true });
    expect(await stateOf(env, id)).toBe('executed');
    expect(await env.app.services.actions.pending()).toEqual([]);
    expect(btcBase(env.venue)).toBe(0n);
    expect(env.records.filter((r) => r.msg === 'telegram edit failed' || r.msg === 'telegram update failed')).toEqual([]);
  });

  it('paper: only the requester may confirm; a viewer is refused by role; nothing is sent', async () => {
    const env = await setup();
    const card = await hedgeCard(env, A, GROUP);
    const id = planIdOf(card);
    const ok = dataOf(card, 'Confirm');
    const byB = await answerTo(env, tap(env, card, ok, B));
    expect(byB.text).toBe('Only Alice, who asked for this plan, can confirm it.');
    const byViewer = await answerTo(env, tap(env, card, ok, VIEWER));
    expect(byViewer.text).toBe('This button needs the trader role; you are a viewer.');
    const cancelByViewer = await answerTo(env, tap(env, card, dataOf(card, 'Cancel'), VIEWER));
    expect(cancelByViewer.text).toBe('This button needs the trader role; you are a viewer.');
    expect(env.fake.message(GROUP, card.messageId)?.versions).toHaveLength(1); // not edited
    expect(env.executor.submissions).toHaveLength(0);
    expect(await stateOf(env, id)).toBe('pending');
    expect((await env.app.services.actions.pending()).map((r) => r.plan.id)).toEqual([id]);
    expect(btcBase(env.venue)).toBeGreaterThan(0n);
  });

  it('paper: Confirm after the card expired edits it to "⌛ Expired" and sends nothing', async () => {
    const env = await setup();
    const card = await hedgeCard(env);
    const id = planIdOf(card);
    env.clock.advance(TTL_MS + 1_000);
    const a = await answerTo(env, tap(env, card, dataOf(card, 'Confirm'), A));
    expect(a.text).toBe('This plan expired; nothing was sent. Run /hedge again.');
    const done = await edited(env, card, 2);
    expect(done.text.split('\n')[0]).toBe('⌛ Expired · Hedge BTC to Δ $0.00');
    expect(done.text).toContain('Nothing was sent.');
    expect(done.replyMarkup).toBeUndefined();
    expect(env.executor.submissions).toHaveLength(0);
    expect(await stateOf(env, id)).toBe('expired');
    expect(await env.app.services.actions.pending()).toEqual([]);
    expect(btcBase(env.venue)).toBeGreaterThan(0n);
  });

  it('paper: prices moved past the tolerance → the card is re-planned in place; the new Confirm executes once', async () => {
    const env = await setup();
    const card = await hedgeCard(env);
    const oldId = planIdOf(card);
    env.venue.setPrices({ BTC: 50_500 }); // +100 bps, tolerance 50
    const a = await answerTo(env, tap(env, card, dataOf(card, 'Confirm'), A));
    expect(a.text).toBe('Prices moved: plan refreshed, nothing sent. Confirm again.');
    const fresh = await edited(env, card, 2);
    expect(fresh.text.split('\n')[0]).toBe('Hedge BTC to Δ $0.00 · paper');
    expect(fresh.text).toContain('Prices moved 100 bps on BTC-PERP since the last card: this is the plan at current prices. Check it and confirm again.');
    expect(fresh.text).toMatch(/SELL \(RO\)\s+0\.2 BTC-PERP/);
    expect(buttonLabels(fresh)).toEqual(['Confirm', 'Cancel']);
    const newId = planIdOf(fresh);
    expect(newId).not.toBe(oldId);
    expect(env.executor.submissions).toHaveLength(0);
    expect(await env.repos.approvals.get(oldId)).toMatchObject({ approval: { state: 'cancelled', decidedBy: 'system', error: 'Re-priced: BTC-PERP moved 100 bps (tolerance 50 bps)' } });
    expect((await env.app.services.actions.pending()).map((r) => r.plan.id)).toEqual([newId]);
    // The refreshed card's Confirm executes, once, at the new price.
    const done = await answerTo(env, tap(env, fresh, dataOf(fresh, 'Confirm'), A));
    expect(done.text).toBe('Executed.');
    const final = await edited(env, card, 3);
    expect(final.text.split('\n')[0]).toBe('✅ Executed · Hedge BTC to Δ $0.00');
    expect(final.text).toMatch(/SELL 0\.2 BTC-PERP\n\s+Avg price\s+\$50,4\d\d\.\d\d/);
    expect(env.executor.submissions).toHaveLength(1);
    expect(env.executor.submissions[0]).toMatchObject({ planId: newId, ok: true });
    expect(await stateOf(env, newId)).toBe('executed');
    expect(await env.app.services.actions.pending()).toEqual([]);
    expect(btcBase(env.venue)).toBe(0n);
  });

  // The second tap of a double tap finds the old plan cancelled as re-priced: it must not edit its "✖ Cancelled" card
  // over the refreshed one (that once left the new pending plan without a Confirm button).
  it('paper: a double tap when prices moved keeps the refreshed card and its Confirm', async () => {
    const env = await setup();
    const card = await hedgeCard(env);
    const oldId = planIdOf(card);
    env.venue.setPrices({ BTC: 50_500 });
    const ok = dataOf(card, 'Confirm');
    const q1 = tap(env, card, ok, A);
    const q2 = tap(env, card, ok, A);
    const [a1, a2] = await Promise.all([answerTo(env, q1), answerTo(env, q2)]);
    expect(a1.text).toBe('Prices moved: plan refreshed, nothing sent. Confirm again.');
    expect(a2.text).toBe('Prices moved: this card was refreshed. Use its new Confirm; nothing was sent.');
    await edited(env, card, 2);
    await new Promise((r) => setTimeout(r, 200)); // let a second edit, if any, land
    expect(env.executor.submissions).toHaveLength(0);
    expect(await stateOf(env, oldId)).toBe('cancelled');
    const pending = await env.app.services.actions.pending();
    expect(pending).toHaveLength(1);
    const current = env.fake.message(A, card.messageId)!;
    expect(current.text).toContain(`Plan ${pending[0]!.plan.id} · asked by Alice`);
    expect(buttonLabels(current)).toEqual(['Confirm', 'Cancel']);
  });

  it('dry-run: Confirm simulates only; the venue gets nothing and the ledger is unchanged', async () => {
    const env = await setup({ mode: 'dry-run' });
    const before = btcBase(env.venue);
    const usdc = env.venue.ledger.spot.get('USDC')?.balance;
    const card = await hedgeCard(env);
    expect(card.text).toContain('DRY RUN: Confirm re-checks and simulates; nothing is sent.');
    const id = planIdOf(card);
    const a = await answerTo(env, tap(env, card, dataOf(card, 'Confirm'), A));
    expect(a.text).toBe('Dry run: simulated, nothing sent.');
    const done = await edited(env, card, 2);
    expect(done.text.split('\n')[0]).toBe('🧪 Dry run: simulated, nothing sent · Hedge BTC to Δ $0.00');
    expect(done.text).toMatch(/SELL\s+0\.2 BTC-PERP/); // the simulated fill
    expect(done.text).not.toMatch(/paper[1-9A-HJ-NP-Za-km-z]…/); // no signature
    expect(env.executor.submissions).toHaveLength(0);
    const rec = await env.repos.approvals.get(id);
    expect(rec?.approval).toMatchObject({ state: 'executed', dryRun: true, signatures: [] });
    expect(btcBase(env.venue)).toBe(before);
    expect(env.venue.ledger.spot.get('USDC')?.balance).toBe(usdc);
  });

  it('Cancel closes the plan; a later Confirm on the same card is told so; /pending and /cancel ID work', async () => {
    const env = await setup();
    const card = await hedgeCard(env);
    const id = planIdOf(card);
    const ok = dataOf(card, 'Confirm');
    const c = await answerTo(env, tap(env, card, dataOf(card, 'Cancel'), A));
    expect(c.text).toBe('Cancelled: nothing was sent.');
    const done = await edited(env, card, 2);
    expect(done.text.split('\n')[0]).toBe('✖ Cancelled · Hedge BTC to Δ $0.00');
    expect(done.replyMarkup).toBeUndefined();
    const late = await answerTo(env, env.fake.userPresses(card.messageId, ok, { userId: A, anyData: true }).callback_query!.id);
    expect(late.text).toBe('This plan is already cancelled. Nothing was sent by this tap.');
    expect(await stateOf(env, id)).toBe('cancelled');

    // A second plan: listed by /pending, cancelled by /cancel ID from its requester (B, another trader, may not).
    const second = await hedgeCard(env);
    const id2 = planIdOf(second);
    const list = await ask(env, '/pending', B);
    expect(list.text).toContain('Pending plans: 1');
    expect(list.text).toContain(id2);
    expect(list.text).not.toContain(id);
    expect(list.text).toContain('Only the trader who asked for a plan, or an admin, can cancel it.');
    const refused = await ask(env, `/cancel ${id2}`, B);
    expect(refused.text).toContain(NOT_YOURS);
    expect(await stateOf(env, id2)).toBe('pending');
    const cancelled = await ask(env, `/cancel ${id2}`, A);
    expect(cancelled.text).toBe(`Cancelled plan ${id2} (Hedge BTC to Δ $0.00). Nothing was sent.`);
    expect((await ask(env, `/cancel ${id2}`, A)).text).toContain(`Plan ${id2} is already cancelled; nothing to cancel.`);
    expect((await ask(env, '/pending', A)).text).toContain('None.');
    expect((await ask(env, '/pending', VIEWER)).text).toContain('/pending needs the trader role; you are a viewer.');
    const audit = await ask(env, '/audit 10', A);
    expect(audit.text).toContain('plan.pending');
    expect(audit.text).toContain('plan.cancelled');
    // Confirm on the second card after /cancel: nothing sent.
    const late2 = await answerTo(env, tap(env, second, dataOf(second, 'Confirm'), A));
    expect(late2.text).toBe('This plan is already cancelled. Nothing was sent by this tap.');
    expect(env.executor.submissions).toHaveLength(0);
    expect(await stateOf(env, id2)).toBe('cancelled');
    expect(await env.app.services.actions.pending()).toEqual([]);
    expect(btcBase(env.venue)).toBeGreaterThan(0n);
  });

  it('in a group, only the requester or an admin cancels: another trader\'s Cancel and /cancel are refused and change nothing', async () => {
    const env = await setup();
    const card = await hedgeCard(env, A, GROUP);
    const id = planIdOf(card);
    const no = dataOf(card, 'Cancel');
    const byB = await answerTo(env, tap(env, card, no, B));
    expect(byB.text).toBe(NOT_YOURS);
    const byCommand = await ask(env, `/cancel ${id}`, B);
    expect(byCommand.text).toContain(NOT_YOURS);
    expect(byCommand.text).toContain('Ask Alice or an admin');
    await new Promise((r) => setTimeout(r, 200)); // let an edit, if any, land
    expect(env.fake.message(GROUP, card.messageId)?.versions).toHaveLength(1); // the card is untouched, Confirm still there
    expect(await stateOf(env, id)).toBe('pending');
    expect((await env.repos.audit.list(50)).filter((e) => e.action === 'plan.cancelled')).toEqual([]);
    expect(buttonLabels(env.fake.message(GROUP, card.messageId)!)).toEqual(['Confirm', 'Cancel']);

    // An admin's Cancel on someone else's card is honoured.
    expect((await answerTo(env, tap(env, card, no, ADMIN))).text).toBe('Cancelled: nothing was sent.');
    const done = await edited(env, card, 2);
    expect(done.text.split('\n')[0]).toBe('✖ Cancelled · Hedge BTC to Δ $0.00');
    expect(done.text).toContain(`Plan ${id} · paper · cancelled by Ada`);
    expect(await env.repos.approvals.get(id)).toMatchObject({ approval: { state: 'cancelled', decidedBy: `telegram:${ADMIN}` } });
    expect(env.executor.submissions).toHaveLength(0);
    expect(btcBase(env.venue)).toBeGreaterThan(0n);
  });

  it('a Confirm arriving on another path while the first is executing is told so; nothing is sent twice', async () => {
    const env = await setup();
    const card = await hedgeCard(env, A, GROUP);
    const id = planIdOf(card);
    const ok = dataOf(card, 'Confirm');
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => { entered = r; });
    env.executor.hold = { until: new Promise<void>((r) => { release = r; }), entered };
    const first = tap(env, card, ok, A); // Telegram, in the group
    await inside; // A's first Confirm is past the compare-and-set, held inside the venue call
    expect(await stateOf(env, id)).toBe('executing');
    const queued = tap(env, card, ok, A); // same chat: the transport queues it behind the first
    // The same button pressed by A from another chat (another device, another platform path) while executing.
    const actorA = { platform: 'telegram' as const, userId: String(A), displayName: 'Alice', role: 'trader' as const };
    const other = await env.app.dispatcher.handlePress({ actor: actorA, chat: { platform: 'telegram', chatId: String(A) }, data: ok });
    expect(other.toast).toBe('Already confirmed: it is being executed. Nothing more is sent.');
    expect(env.executor.submissions).toHaveLength(0);
    release();
    const [a1, a2] = await Promise.all([answerTo(env, first), answerTo(env, queued)]);
    expect(a1.text).toBe('Executed.');
    expect(a2.text).toBe('Already executed. Nothing more is sent.');
    expect((await edited(env, card, 2)).text.split('\n')[0]).toBe('✅ Executed · Hedge BTC to Δ $0.00');
    expect(env.executor.submissions).toHaveLength(1);
    expect(await stateOf(env, id)).toBe('executed');
    expect(btcBase(env.venue)).toBe(0n);
  });

  it('a burst of Confirms with no ordering at all (Telegram + two direct presses) executes once', async () => {
    const env = await setup();
    const card = await hedgeCard(env);
    const id = planIdOf(card);
    const ok = dataOf(card, 'Confirm');
    const actorA = { platform: 'telegram' as const, userId: String(A), displayName: 'Alice', role: 'trader' as const };
    const q = tap(env, card, ok, A);
    const direct = [1, 2].map(() => env.app.dispatcher.handlePress({ actor: actorA, chat: { platform: 'telegram', chatId: String(GROUP) }, data: ok }));
    const [viaTelegram, ...others] = await Promise.all([answerTo(env, q), ...direct]);
    const toasts = [viaTelegram.text, ...others.map((r) => r.toast)];
    expect(toasts.filter((t) => t === 'Executed.')).toHaveLength(1);
    expect(toasts.filter((t) => t?.startsWith('Already '))).toHaveLength(2);
    expect(env.executor.submissions).toHaveLength(1);
    expect(await stateOf(env, id)).toBe('executed');
    const audit = await env.repos.audit.list(50);
    expect(audit.filter((e) => e.action === 'plan.executing' && e.detail.planId === id)).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'plan.signed')).toHaveLength(1);
    expect(btcBase(env.venue)).toBe(0n);
  });
});
