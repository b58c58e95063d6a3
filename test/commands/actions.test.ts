/**
 * /hedge, /rebalance, /protect, /limits check, /pending, /cancel and /audit against the paper venue, on books whose
 * figures are worked out by hand. Prices: SOL $100, ETH $2,000, BTC $50,000, USDC $1 (ROUND_PRICES).
 *
 * HEDGE book: 10,000 USDC; SOL-PERP long 100 @ $100 (IM 5%, MM 3%, taker fee 3.5 bps, impact 5 bps per $1M).
 *   delta = 100 × $100 = +$10,000.00 → to Δ 0: SELL 100 SOL-PERP, reduce-only (it closes the long).
 *   notional $10,000.00; fee 10,000 × 3.5/1e4 = $3.50; impact 5 × 10,000/1e6 = 0.05 bps → slippage $0.05;
 *   limit 100 × (1 − (0.05 + 100)/1e4) = $98.9995 → "$99.00".
 *   health 100 × (1 − 300/10,000) = 97 → 100 (no requirement left).
 *   50%: keep $5,000 → SELL 50; $2,000: SELL 80; −$1,000: SELL 110 (flips: not reduce-only); $9,990: a $10 gap is
 *   inside the ±$50.00 band → nothing to trade.
 *
 * PROTECT book: 1,000 USDC; SOL-PERP long 100 @ $100; SOL at $95.
 *   collateral 1,000 + 100 × (95 − 100) = 500; requirement 3% × 9,500 = 285 → health 100 × (1 − 285/500) = 43.
 *   Target 55 (warning 50 + margin 5). Selling x: requirement 2.85 (100 − x), collateral 500 − fee 0.03325x (impact
 *   ~0). Health rounds, so 54.5 is enough: 2.85 (100 − x) ≤ 0.455 (500 − 0.03325x) → x ≥ 20.284 → 20.29 (step 0.01).
 *
 * TRIM book: 10,000 USDC; SOL-PERP long 100 @ $100: SOL-PERP is 100% of equity, cap 30% → cut to 0.99 × $3,000 =
 *   $2,970: SELL 70.30 SOL-PERP reduce-only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alignedDaily } from '../../src/app/history.ts';
import { buttonsOf, plainText } from '../../src/core/reply.ts';
import { betaStats } from '../../src/risk/beta.ts';
import type { SimulationResult } from '../../src/ports/index.ts';
import { PaperExecutor } from '../../src/venues/paper/executor.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { CHAT, ROUND_PRICES, testApp } from '../helpers/app.ts';

const HEDGE: StartingPortfolio = { spot: [{ asset: 'USDC', amount: '10000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }], lp: [] };
const PROTECT: StartingPortfolio = { spot: [{ asset: 'USDC', amount: '1000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }], lp: [] };

const dir = mkdtempSync(join(tmpdir(), 'vigil-actions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('/hedge', () => {
  it('a hedge over the per-action cap is scaled down to fit, with a note, not refused', async () => {
    // HEDGE book: the full hedge is SELL 100 SOL-PERP = $10,000. Cap $2,500 → factor 0.25 → SELL 25 (step 0.01).
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, approvals: { maxNotionalPerActionUsd: 2_500, maxNotionalPerDayUsd: 10_000 } });
    const card = t.text(await t.send('/hedge SOL', 'trader'));
    expect(card).toContain('SELL (RO) | 25 SOL-PERP | ≥ $99.00 | $2.50k');
    expect(card).toContain('Scaled to 25% of the full hedge: the per-action cap MAX_NOTIONAL_PER_ACTION_USD is $2,500.00. Run /hedge again after it fills for the rest.');
    expect(card).not.toMatch(/Refused|over the per-action cap/);
    expect(buttonsOf(await t.send('/hedge SOL', 'trader')).map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
  });

  it('plans the hand-computed hedge: legs, costs, before → after, mode, expiry and buttons', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES });
    const r = await t.send('/hedge SOL', 'trader');
    const text = plainText(r);
    expect(text.split('\n')[0]).toBe('Hedge SOL to Δ $0.00 · dry run');
    expect(text).toContain('SELL (RO) | 100 SOL-PERP | ≥ $99.00 | $10.0k');
    expect(text).toContain('Notional: $10,000.00');
    expect(text).toContain('Est. fees: $3.50');
    expect(text).toContain('Est. slippage: $0.05');
    expect(text).toContain('Δ SOL | +$10,000.00 | $0.00');
    expect(text).toContain('Health | 97/100 | 100/100');
    // SOL was all of the risky book; closing the perp leaves none.
    expect(text).toContain('w SOL | 100.0% | 0.0%');
    expect(text).toContain('SOL +$10,000.00 → target $0.00, hedge ratio 100%');
    expect(text).toContain('DRY RUN: Confirm re-checks and simulates; nothing is sent.');
    expect(text).toMatch(/Plan [a-z0-9]{8} · asked by Tess · expires 09:01:00 UTC \(in 60 s\)/);
    expect(buttonsOf(r).map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
  });

  it.each([
    ['/hedge SOL 50%', 'SELL (RO) | 50 SOL-PERP'],
    ['/hedge sol-perp $2,000', 'SELL (RO) | 80 SOL-PERP'],
    ['/hedge SOL -1000', 'SELL | 110 SOL-PERP'],
  ])('%s → %s', async (cmd, leg) => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES });
    expect(plainText(await t.send(cmd, 'trader'))).toContain(leg);
  });

  it('leaves a gap inside the tolerance band alone', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES });
    const r = await t.send('/hedge SOL 9990', 'trader');
    expect(plainText(r)).toContain('Nothing to trade');
    expect(plainText(r)).toContain('SOL-PERP: already within ±$50.00 of the target.');
    expect(buttonsOf(r)).toEqual([]);
  });

  it('validates its arguments and the role, and changes nothing', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES });
    expect(plainText(await t.send('/hedge SOL', 'viewer'))).toContain('/hedge needs the trader role; you are a viewer.');
    expect(plainText(await t.send('/hedge SOL abc', 'trader'))).toContain('TARGET_DELTA: expected a USD amount (0, -2000, $5,000) or a share of today\'s delta (50%), got "abc".');
    expect(plainText(await t.send('/hedge SOL 150%', 'trader'))).toContain('TARGET_DELTA 150%: a share of today\'s delta must be from 0% to 100%.');
    expect(plainText(await t.send('/hedge DOGE', 'trader'))).toContain('The book has no DOGE exposure to hedge.');
    expect(plainText(await t.send('/hedge S$L', 'trader'))).toContain('MARKET: expected an asset or perp such as SOL or SOL-PERP (or all), got "S$L".');
    expect(await t.app.services.actions.pending()).toEqual([]);
    expect(t.executor.submissions).toEqual([]);
  });

  it('paper mode: Confirm fills on the ledger once; the card becomes the resolved card; /audit tells the story', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, mode: 'paper' });
    const card = await t.send('/hedge SOL', 'trader');
    expect(plainText(card)).toContain('PAPER: Confirm fills on the paper ledger.');
    const res = await t.press(card, 'Confirm', 'trader');
    expect(res.edit).toBe(true);
    expect(res.toast).toBe('Executed.');
    const done = plainText(res.reply!);
    expect(done.split('\n')[0]).toBe('✅ Executed · Hedge SOL to Δ $0.00');
    // Fill at 100 × (1 − 0.05 bps) = $99.9995 → "$100.00"; fee 9,999.95 × 3.5 bps = $3.50.
    expect(done).toContain('SELL | 100 SOL-PERP | $100.00 | $3.50');
    expect(done).toMatch(/^paper[1-9A-HJ-NP-Za-km-z]…[1-9A-HJ-NP-Za-km-z]{8}$/m);
    expect(t.executor.submissions).toHaveLength(1);
    expect(t.venue.ledger.perps.get('SOL-PERP')?.base).toBe(0n);
    const again = await t.press(card, 'Confirm', 'trader');
    expect(again.toast).toBe('Already executed. Nothing more is sent.');
    expect(t.executor.submissions).toHaveLength(1);
    // The fill closed the long: realised 100 × (99.9995 − 100) = −$0.05, fee 9,999.95 × 3.5 bps = $3.499982 → one
    // closed trade of −$3.549982 for /performance's trade statistics.
    expect(await t.app.services.performance.closedTrades(0)).toEqual([-3.549982]);
    const audit = plainText(await t.send('/audit 5', 'trader'));
    expect(audit).toContain('plan.pending');
    expect(audit).toContain('plan.executing');
    expect(audit).toContain('plan.signed');
    expect(audit).toContain('plan.executed');
  });

  it('dry-run mode: Confirm simulates; the venue receives nothing and the book is unchanged', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES });
    const res = await t.press(await t.send('/hedge SOL', 'trader'), 'Confirm', 'trader');
    expect(res.toast).toBe('Dry run: simulated, nothing sent.');
    expect(plainText(res.reply!).split('\n')[0]).toBe('🧪 Dry run: simulated, nothing sent · Hedge SOL to Δ $0.00');
    expect(plainText(res.reply!)).toContain('SELL | 100 SOL-PERP | $100.00 | $3.50');
    expect(t.executor.submissions).toHaveLength(0);
    expect(t.venue.ledger.perps.get('SOL-PERP')?.base).toBe(100_000_000_000n);
    expect(await t.app.services.performance.closedTrades(0)).toEqual([]);
  });
});

describe('/pending, /cancel, Cancel', () => {
  it('lists, cancels by id and by button, and says the truth afterwards', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, mode: 'paper' });
    const a = await t.send('/hedge SOL', 'trader');
    const b = await t.send('/hedge SOL 50%', 'trader');
    const pending = plainText(await t.send('/pending', 'trader'));
    expect(pending).toContain('Pending plans: 2');
    const id = /Plan ([a-z0-9]{8})/.exec(plainText(a))?.[1] ?? '';
    expect(pending).toContain(id);
    expect(plainText(await t.send(`/cancel ${id}`, 'trader'))).toBe(`Cancelled plan ${id} (Hedge SOL to Δ $0.00). Nothing was sent.`);
    expect(plainText(await t.send(`/cancel ${id}`, 'trader'))).toContain(`Plan ${id} is already cancelled; nothing to cancel.`);
    expect(plainText(await t.send('/cancel zzzzzzzz', 'trader'))).toContain('No plan "zzzzzzzz".');
    expect(plainText(await t.send('/cancel x!', 'trader'))).toContain('id: expected a plan id from /pending');
    const late = await t.press(a, 'Confirm', 'trader');
    expect(late.toast).toBe('This plan is already cancelled. Nothing was sent by this tap.');
    const cancel = await t.press(b, 'Cancel', 'trader');
    expect(plainText(cancel.reply!).split('\n')[0]).toBe('✖ Cancelled · Hedge SOL to 50% of delta');
    expect(plainText(await t.send('/pending', 'trader'))).toContain('None.');
    expect(t.executor.submissions).toHaveLength(0);
  });
});

describe('who may cancel', () => {
  const REFUSED = 'Only the trader who asked for this plan (Tess) or an admin can cancel it.';

  it('/cancel ID: another trader is refused and nothing changes; the requester and an admin may', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, mode: 'paper' });
    const as = async (text: string, role: 'trader' | 'admin', userId: string): Promise<string> =>
      plainText((await t.app.dispatcher.handleText({ actor: t.actor(role, userId), chat: CHAT, text }))!);
    const card = await t.send('/hedge SOL', 'trader');
    const id = /Plan ([a-z0-9]{8})/.exec(plainText(card))?.[1] ?? '';
    const audit = await t.repos.audit.list();

    const refused = await as(`/cancel ${id}`, 'trader', 'u2');
    expect(refused).toContain(REFUSED);
    expect(refused).toContain('Ask Tess or an admin; unconfirmed, it expires at 09:01:00 UTC.');
    expect((await t.repos.approvals.get(id))?.approval.state).toBe('pending');
    expect(await t.repos.audit.list()).toEqual(audit);
    // /pending tells the other trader they cannot cancel it, and who asked.
    const theirs = await as('/pending', 'trader', 'u2');
    expect(theirs).toContain('Tess');
    expect(theirs).toContain('Only the trader who asked for a plan, or an admin, can cancel it.');
    expect(theirs).not.toContain('/cancel ID');
    expect(plainText(await t.send('/pending', 'trader'))).toContain('/cancel ID cancels a pending plan.');
    expect(await as('/pending', 'admin', 'boss')).toContain('/cancel ID cancels a pending plan.');
    // An admin may cancel anyone's plan.
    expect(await as(`/cancel ${id}`, 'admin', 'boss')).toBe(`Cancelled plan ${id} (Hedge SOL to Δ $0.00). Nothing was sent.`);
    expect((await t.repos.approvals.get(id))?.approval).toMatchObject({ state: 'cancelled', decidedBy: 'console:boss' });

    const own = await t.send('/hedge SOL 50%', 'trader');
    const id2 = /Plan ([a-z0-9]{8})/.exec(plainText(own))?.[1] ?? '';
    expect(plainText(await t.send(`/cancel ${id2}`, 'trader'))).toBe(`Cancelled plan ${id2} (Hedge SOL to 50% of delta). Nothing was sent.`);
    expect(t.executor.submissions).toHaveLength(0);
  });

  it('the Cancel button: another trader gets a toast saying who may, the card is left alone; an admin cancels', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, mode: 'paper' });
    const card = await t.send('/hedge SOL', 'trader');
    const id = /Plan ([a-z0-9]{8})/.exec(plainText(card))?.[1] ?? '';
    const byOther = await t.press(card, 'Cancel', 'trader', 'u2');
    expect(byOther).toEqual({ reply: null, edit: false, toast: REFUSED });
    expect((await t.repos.approvals.get(id))?.approval.state).toBe('pending');
    expect((await t.repos.audit.list()).map((e) => e.action)).toEqual(['plan.pending']);
    const byAdmin = await t.press(card, 'Cancel', 'admin', 'boss');
    expect(byAdmin.toast).toBe('Cancelled: nothing was sent.');
    expect(plainText(byAdmin.reply!)).toContain('cancelled by User boss');
    // A foreign tap on a plan that is no longer pending just shows the truth.
    expect((await t.press(card, 'Cancel', 'trader', 'u2')).toast).toBe('This plan is already cancelled.');
    expect(t.executor.submissions).toHaveLength(0);
  });
});

describe('/protect', () => {
  it('cuts the perp just enough to bring health back to the warning level + margin', async () => {
    const t = testApp({ portfolio: PROTECT, prices: { ...ROUND_PRICES, SOL: 95 } });
    const text = plainText(await t.send('/protect', 'trader'));
    expect(text.split('\n')[0]).toBe('Protect: health to 55 · dry run');
    expect(text).toContain('SELL (RO) | 20.29 SOL-PERP');
    expect(text).toContain('Health | 43/100 | 55/100');
    expect(plainText(await t.send('/protect 40', 'trader'))).toContain('Health 43 is already at or above 40.');
    expect(plainText(await t.send('/protect 101', 'trader'))).toContain('target: expected a whole number from 1 to 100, got "101"');
  });
});

describe('/limits check', () => {
  it('proposes one plan of trims back inside the limits', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES });
    const text = plainText(await t.send('/limits check', 'trader'));
    // The title first, then the breaches, then the card.
    expect(text.split('\n')[0]).toBe('Risk limits: 2 breaches');
    // One position, gross $10,000 = equity: concentration 10,000 / max(10,000, 10,000) = 100%.
    expect(text).toContain('SOL-PERP concentration 100.0% is above 30.0%');
    expect(text).toContain('Trim to risk limits · dry run');
    expect(text).toContain('SELL (RO) | 70.3 SOL-PERP');
    expect(text).toContain('SOL-PERP: cut to $2,970.00 (concentration limit).');
    // A viewer sees the breaches, not a plan.
    const viewer = plainText(await t.send('/limits check', 'viewer'));
    expect(viewer).toContain('SOL-PERP concentration 100.0% is above 30.0%');
    expect(viewer).toContain('A trader can plan the trims with /limits check.');
    expect(viewer).toContain('Max drawdown: not enough recorded history yet');
    expect(viewer).not.toContain('Trim to risk limits');
  });
});

describe('/rebalance', () => {
  it('rejects invalid oracle weights with the reason, and plans nothing', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ SOL: 0.5, ETH: 0.4 }));
    writeFileSync(join(dir, 'neg.json'), JSON.stringify({ SOL: 1.2, ETH: -0.2 }));
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, oracleBaseDir: dir });
    expect(plainText(await t.send('/rebalance static:bad.json', 'trader'))).toContain('static:bad.json: the weights sum to 0.9, not 1 (within 0.000001).');
    expect(plainText(await t.send('/rebalance static:neg.json', 'trader'))).toMatch(/ETH.*negative|negative.*ETH/);
    expect(plainText(await t.send('/rebalance target', 'trader'))).toContain('No target weights are set.');
    expect(await t.app.services.actions.pending()).toEqual([]);
  });

  it('trades only what drifted past the threshold: SOL-PERP 100 + spot ETH 4.5 to 50/50', async () => {
    // Exposure SOL $10,000, ETH 4.5 × 2,000 = $9,000: 52.6% / 47.4% — both within 5 points → nothing.
    // With ETH 3 ($6,000): 62.5% / 37.5% → to $8,000 each: sell $2,000 of SOL (no spot: the perp, 20 SOL-PERP
    // reduce-only), buy $2,000 of ETH = 1 ETH.
    const near = testApp({ portfolio: { ...HEDGE, spot: [...HEDGE.spot, { asset: 'ETH', amount: '4.5' }] }, prices: ROUND_PRICES, oracleBaseDir: dir });
    writeFileSync(join(dir, 'half.json'), JSON.stringify({ SOL: 0.5, ETH: 0.5 }));
    expect(plainText(await near.send('/rebalance static:half.json', 'trader'))).toContain('Nothing to trade');
    const far = testApp({ portfolio: { ...HEDGE, spot: [...HEDGE.spot, { asset: 'ETH', amount: '3' }] }, prices: ROUND_PRICES, oracleBaseDir: dir });
    const text = plainText(await far.send('/rebalance static:half.json', 'trader'));
    expect(text).toContain('SELL (RO) | 20 SOL-PERP');
    expect(text).toContain('BUY | 1 ETH');
    expect(text.indexOf('SELL (RO) | 20 SOL-PERP')).toBeLessThan(text.indexOf('BUY | 1 ETH'));
    expect(text).toContain('w SOL | 62.5% | 50.0%');
    expect(text).toContain('w ETH | 37.5% | 50.0%');
  });
});

describe('start-up reconciliation', () => {
  it('settles a plan a crash left executing and tells the chat it came from', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, mode: 'paper' });
    const got: { chat: string; text: string }[] = [];
    t.app.services.notifications.addNotifier({
      platform: 'console',
      send: (chat, message) => {
        got.push({ chat: chat.chatId, text: plainText(message) });
        return Promise.resolve({ ok: true, messageId: String(got.length) });
      },
    });
    const card = await t.send('/hedge SOL', 'trader');
    const id = /Plan ([a-z0-9]{8})/.exec(plainText(card))?.[1] ?? '';
    // What a crash leaves behind: executing, with a signature stored, that the venue never received.
    const rec = (await t.repos.approvals.get(id))!;
    expect(await t.repos.approvals.transition(id, 'pending', { ...rec.approval, state: 'executing', decidedBy: 'console:u1' })).toBe(true);
    expect(await t.repos.approvals.recordSignatures(id, ['paperNeverSent'])).toBe(true);
    const settled = await t.app.services.actions.reconcile();
    await t.app.services.notifications.idle();
    expect(settled.map((r) => r.approval.state)).toEqual(['failed']);
    expect(got).toHaveLength(1);
    expect(got[0]?.chat).toBe('test');
    expect(got[0]?.text.split('\n')[0]).toBe('❌ Failed · Hedge SOL to Δ $0.00');
    expect(got[0]?.text).toContain('sent, but did not land (reconciled at start-up).');
    expect(got[0]?.text).toContain('paperNeverSent');
    expect(t.executor.submissions).toHaveLength(0);
    expect((await t.press(card, 'Confirm', 'trader')).toast).toBe('This plan is already failed. Nothing was sent by this tap.');
    expect(t.executor.submissions).toHaveLength(0);
  });
});

describe('a failing simulation', () => {
  it('shows the decoded reason and no Confirm button, and stores nothing', async () => {
    const base = testApp({ portfolio: HEDGE, prices: ROUND_PRICES });
    class Refusing extends PaperExecutor {
      override simulate(): Promise<SimulationResult> {
        return Promise.resolve({ ok: false, authoritative: true, error: 'InsufficientCollateral: not enough free collateral for this order', fills: [] });
      }
    }
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, venue: base.venue, clock: base.clock, executor: new Refusing(base.venue) });
    const r = await t.send('/hedge SOL', 'trader');
    const text = plainText(r);
    expect(text).toContain('SELL (RO) | 100 SOL-PERP');
    expect(text).toContain('Simulation failed: InsufficientCollateral: not enough free collateral for this order. Nothing can be confirmed.');
    expect(buttonsOf(r)).toEqual([]);
    expect(await t.app.services.actions.pending()).toEqual([]);
    expect((await t.app.services.actions.audit(5)).map((e) => e.action)).toEqual(['plan.refused']);
  });
});

describe('/hedge … via=PROXY (cross-hedge)', () => {
  it('hedges BONK on SOL-PERP by the regression β of daily returns, and shows β and R²', async () => {
    // ROUND_PRICES puts BONK at $1: 1,000 BONK = +$1,000 of delta. β and R² come from the venue's own daily history over the risk window (the regression is
    // checked against numpy in test/risk/beta.test.ts); the SOL-PERP sell is β × $1,000 / $100, to the 0.01 step.
    const t = testApp({ portfolio: { spot: [{ asset: 'USDC', amount: '20000' }, { asset: 'BONK', amount: '1000' }], perps: [], lp: [] }, prices: ROUND_PRICES });
    const h = await alignedDaily(t.venue.history, ['BONK', 'SOL'], t.clock.now(), t.app.services.risk.settings.lookbackDays);
    const ret = (c: readonly number[]): number[] => c.slice(1).map((x, i) => x / (c[i] as number) - 1);
    const s = betaStats(ret(h.closes[0]!), ret(h.closes[1]!));
    const text = plainText(await t.send('/hedge BONK via=SOL', 'trader'));
    expect(text.split('\n')[0]).toBe('Hedge BONK via SOL to Δ $0.00 · dry run');
    const size = (Math.round(s.beta * 1000) / 100).toFixed(2).replace(/\.?0+$/, '');
    expect(text).toContain(`SELL | ${size} SOL-PERP`);
    expect(text).toContain(`BONK cross-hedged with SOL-PERP: β ${s.beta.toFixed(2)}, R² ${s.rSquared.toFixed(2)}`);
    // Its own perp is used without via.
    expect(plainText(await t.send('/hedge BONK', 'trader'))).toContain('1MBONK-PERP');
    expect(plainText(await t.send('/hedge BONK via=DOGE', 'trader'))).toContain('No perp for DOGE to hedge with.');
    expect(plainText(await t.send('/hedge via=SOL', 'trader'))).toContain('via needs a MARKET to hedge.');
    expect(plainText(await t.send('/hedge BONK via=BONK', 'trader'))).toContain('via BONK: choose another asset than the one hedged.');
  });
});

describe('Confirm while the venue cannot be read', () => {
  it('does not re-check against stale prices: nothing is sent and the plan stays pending', async () => {
    const t = testApp({ portfolio: HEDGE, prices: ROUND_PRICES, mode: 'paper' });
    const card = await t.send('/hedge SOL', 'trader');
    const real = t.venue.snapshot.bind(t.venue);
    t.venue.snapshot = () => Promise.reject(new Error('RPC timeout'));
    const res = await t.press(card, 'Confirm', 'trader');
    expect(res.toast).toBe('Cannot read fresh prices from Paper (seed 1) (RPC timeout); nothing was sent. Try Confirm again.');
    expect(res.reply).toBeNull();
    expect((await t.app.services.actions.pending()).map((r) => r.approval.state)).toEqual(['pending']);
    expect(t.executor.submissions).toHaveLength(0);
    t.venue.snapshot = real;
    expect((await t.press(card, 'Confirm', 'trader')).toast).toBe('Executed.');
    expect(t.executor.submissions).toHaveLength(1);
  });
});
