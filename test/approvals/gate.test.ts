/**
 * The confirm gate on the paper venue: every way a Confirm can go wrong ends with zero or one execution and a truthful
 * state. Book: 10,000 USDC and BTC-PERP long 0.2 @ $50,000 (prices ROUND_PRICES: BTC $50,000). The plan sells 0.1
 * BTC-PERP reduce-only: notional 0.1 × 50,000 = $5,000.00.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { legFor } from '../../src/app/actions/book.ts';
import { ApprovalGate, type GateOptions, type PlanDraft } from '../../src/approvals/gate.ts';
import type { ActionPlan, MarketInfo } from '../../src/domain/index.ts';
import type { ExecutionResult, Repositories, TradeExecutor } from '../../src/ports/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { PaperExecutor } from '../../src/venues/paper/executor.ts';
import { PaperVenue } from '../../src/venues/paper/venue.ts';
import { ROUND_PRICES, T0 } from '../helpers/app.ts';

const TESS = 'telegram:1';
const OTHER = 'telegram:2';

function world(opts: { repos?: Repositories; mode?: GateOptions['mode']; gate?: Partial<GateOptions>; executor?: (inner: PaperExecutor) => TradeExecutor } = {}) {
  const clock = new ManualClock(T0);
  const venue = new PaperVenue({
    clock, seed: 3, startPrices: ROUND_PRICES, historyDays: 5, historyHours: 24,
    portfolio: { spot: [{ asset: 'USDC', amount: '10000' }], perps: [{ market: 'BTC-PERP', size: '0.2', entryPrice: 50_000 }], lp: [] },
  });
  const paper = new PaperExecutor(venue);
  const executor = opts.executor ? opts.executor(paper) : paper;
  const repos = opts.repos ?? memoryRepositories();
  const make = (ex: TradeExecutor = executor) => new ApprovalGate({
    repo: repos.approvals, audit: repos.audit, clock, logger: silentLogger(), executors: [ex], mode: opts.mode ?? 'paper',
    ttlMs: 60_000, priceToleranceBps: 50, confirmer: 'requester', maxNotionalPerActionUsd: 25_000_000_000n, maxNotionalPerDayUsd: 100_000_000_000n,
    ...opts.gate,
  });
  const btcPerp = paper.markets().find((m) => m.market === 'BTC-PERP') as MarketInfo;
  const draft = (units = -0.1, reduceOnly = true): PlanDraft => {
    const leg = legFor(btcPerp, units, venue.prices().BTC, { reduceOnly })!;
    return {
      kind: 'hedge', title: 'test plan', request: { kind: 'hedge', args: {} }, legs: [leg], before: {}, after: {}, notes: [],
      estimatedFeesUsd: leg.estFeeUsd, estimatedSlippageUsd: leg.estSlippageUsd, notionalUsd: leg.notionalUsd,
    };
  };
  const who = { key: TESS, name: 'Tess', chat: { platform: 'telegram' as const, chatId: '1' } };
  const propose = async (d = draft()): Promise<ActionPlan> => {
    const r = await make().propose(d, who);
    if (!r.ok) throw new Error(r.reason);
    return r.plan;
  };
  const prices = () => Promise.resolve({ 'BTC-PERP': venue.prices().BTC });
  const btc = () => venue.ledger.perps.get('BTC-PERP')?.base ?? 0n;
  return { clock, venue, paper, repos, make, draft, propose, prices, btc, who };
}

describe('ApprovalGate', () => {
  it('proposes: simulates, stores pending, audits; a failing simulation stores nothing and says why', async () => {
    const w = world();
    const plan = await w.propose();
    expect(plan.notionalUsd).toBe(5_000_000_000n);
    expect(plan.expiresAt - plan.createdAt).toBe(60_000);
    expect((await w.repos.approvals.get(plan.id))?.approval.state).toBe('pending');
    // Buying 0.1 BTC-PERP reduce-only would grow the long: the program error is decoded.
    const bad = await w.make().propose(w.draft(0.1, true), w.who);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toBe('InvalidOrderNotRiskReducing: reduce-only order would increase or flip the position');
    expect(await w.repos.approvals.get(bad.plan.id)).toBeUndefined();
    expect((await w.repos.audit.list()).map((e) => e.action)).toEqual(['plan.pending', 'plan.refused']);
    expect(w.paper.submissions).toHaveLength(0);
  });

  it('refuses a plan over the per-action cap, naming the cap', async () => {
    const w = world({ gate: { maxNotionalPerActionUsd: 4_999_000_000n } });
    const r = await w.make().propose(w.draft(), w.who);
    expect(!r.ok && r.reason).toBe('plan notional $5,000.00 is over the per-action cap MAX_NOTIONAL_PER_ACTION_USD = $4,999.00');
  });

  it('a double tap executes once; the second tap is told it already ran', async () => {
    const w = world();
    const plan = await w.propose();
    const first = await w.make().confirm(plan.id, TESS, w.prices);
    const second = await w.make().confirm(plan.id, TESS, w.prices);
    expect(first.kind).toBe('done');
    expect(first.kind === 'done' && first.record.approval.state).toBe('executed');
    expect(first.kind === 'done' && first.record.approval.signatures).toHaveLength(1);
    expect(second.kind).toBe('already');
    expect(w.paper.submissions).toHaveLength(1);
    expect(w.btc()).toBe(100_000_000n); // 0.2 − 0.1 BTC in 1e9 base units
  });

  it('two concurrent confirms (memory and a real lowdb file) execute exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-gate-'));
    try {
      for (const repos of [memoryRepositories(), await openLowdbRepositories(join(dir, 'vigil.json'))]) {
        const w = world({ repos });
        const plan = await w.propose();
        const outcomes = await Promise.all([w.make().confirm(plan.id, TESS, w.prices), w.make().confirm(plan.id, TESS, w.prices), w.make().confirm(plan.id, TESS, w.prices)]);
        expect(outcomes.filter((o) => o.kind === 'done')).toHaveLength(1);
        expect(outcomes.filter((o) => o.kind === 'already')).toHaveLength(2);
        expect(w.paper.submissions).toHaveLength(1);
        expect((await repos.approvals.get(plan.id))?.approval.state).toBe('executed');
        await repos.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('only the requester confirms by default; any trader when configured', async () => {
    const w = world();
    const plan = await w.propose();
    const r = await w.make().confirm(plan.id, OTHER, w.prices);
    expect(r).toEqual({ kind: 'not_allowed', message: 'Only Tess, who asked for this plan, can confirm it.' });
    expect((await w.repos.approvals.get(plan.id))?.approval.state).toBe('pending');
    const anyone = world({ gate: { confirmer: 'any-trader' } });
    const p2 = await anyone.propose();
    expect((await anyone.make().confirm(p2.id, OTHER, anyone.prices)).kind).toBe('done');
    expect(w.paper.submissions).toHaveLength(0);
    expect(anyone.paper.submissions).toHaveLength(1);
  });

  it('only the requester or an admin cancels; a refused cancel changes nothing, even with any-trader confirm', async () => {
    const w = world({ gate: { confirmer: 'any-trader' } });
    const plan = await w.propose();
    const gate = w.make();
    const auditBefore = await w.repos.audit.list();
    const refused = await gate.cancel(plan.id, { key: OTHER, role: 'trader' });
    expect(refused.kind === 'not_allowed' && refused.message).toBe('Only the trader who asked for this plan (Tess) or an admin can cancel it.');
    expect((await w.repos.approvals.get(plan.id))?.approval).toMatchObject({ state: 'pending' });
    expect((await w.repos.approvals.get(plan.id))?.approval.decidedBy).toBeUndefined();
    expect(await w.repos.audit.list()).toEqual(auditBefore);
    // A viewer or someone off the allow-list is refused the same way (the button's role check comes first in the app).
    expect((await gate.cancel(plan.id, { key: OTHER, role: 'viewer' })).kind).toBe('not_allowed');
    expect((await gate.cancel(plan.id, { key: OTHER, role: null })).kind).toBe('not_allowed');
    expect(gate.mayCancel(plan, { key: OTHER, role: 'trader' })).toBe(false);
    expect(gate.mayCancel(plan, { key: TESS, role: 'trader' })).toBe(true);
    expect(gate.mayCancel(plan, { key: OTHER, role: 'admin' })).toBe(true);

    const mine = await gate.cancel(plan.id, { key: TESS, role: 'trader' });
    expect(mine.kind === 'cancelled' && mine.record.approval).toMatchObject({ state: 'cancelled', decidedBy: TESS, error: 'cancelled before Confirm' });
    expect((await gate.cancel(plan.id, { key: TESS, role: 'trader' })).kind).toBe('already');
    expect((await gate.cancel('nosuchid', { key: TESS, role: 'trader' })).kind).toBe('not_found');

    const p2 = await w.propose();
    const byAdmin = await gate.cancel(p2.id, { key: OTHER, role: 'admin' });
    expect(byAdmin.kind === 'cancelled' && byAdmin.record.approval).toMatchObject({ state: 'cancelled', decidedBy: OTHER });
    const cancels = (await w.repos.audit.list()).filter((e) => e.action === 'plan.cancelled');
    expect(cancels.map((e) => [e.actor, e.detail.planId])).toEqual([[TESS, plan.id], [OTHER, p2.id]]);
    expect(w.paper.submissions).toHaveLength(0);
  });

  it('a confirm after expiry sends nothing and marks the plan expired', async () => {
    const w = world();
    const plan = await w.propose();
    w.clock.advance(60_000);
    const r = await w.make().confirm(plan.id, TESS, w.prices);
    expect(r.kind).toBe('expired');
    expect((await w.repos.approvals.get(plan.id))?.approval).toMatchObject({ state: 'expired', error: 'expired before Confirm' });
    expect(w.paper.submissions).toHaveLength(0);
  });

  it('a confirm after the price moved past the tolerance cancels as re-priced and sends nothing', async () => {
    const w = world();
    const plan = await w.propose();
    w.venue.setPrices({ BTC: 50_300 }); // +60 bps, tolerance 50
    const r = await w.make().confirm(plan.id, TESS, w.prices);
    expect(r.kind).toBe('repriced');
    expect(r.kind === 'repriced' && Math.round(r.movedBps)).toBe(60);
    expect((await w.repos.approvals.get(plan.id))?.approval.state).toBe('cancelled');
    expect(w.paper.submissions).toHaveLength(0);
    // Inside the tolerance it goes through.
    const again = await w.propose(w.draft());
    w.venue.setPrices({ BTC: 50_500 }); // +40 bps from 50,300
    expect((await w.make().confirm(again.id, TESS, w.prices)).kind).toBe('done');
    expect(w.paper.submissions).toHaveLength(1);
  });

  it('refuses a stored plan whose legs no longer match the hash of what was shown', async () => {
    const w = world();
    const plan = await w.propose();
    // Someone edits the state file: same plan id, twice the size.
    const stored = (await w.repos.approvals.get(plan.id))!;
    const bigger = { ...stored.plan, id: 'edited01', legs: stored.plan.legs.map((l) => ({ ...l, size: { ...l.size, raw: l.size.raw * 2n } })) };
    await w.repos.approvals.create({ plan: bigger, approval: { ...stored.approval, planId: 'edited01' } });
    const r = await w.make().confirm('edited01', TESS, w.prices);
    expect(r.kind).toBe('tampered');
    expect((await w.repos.approvals.get('edited01'))?.approval).toMatchObject({ state: 'cancelled', error: 'The stored plan no longer matches the card it was shown as' });
    expect(w.paper.submissions).toHaveLength(0);
    expect((await w.make().confirm(plan.id, TESS, w.prices)).kind).toBe('done');
  });

  it('the daily cap counts what was sent in the last 24 hours', async () => {
    const w = world({ gate: { maxNotionalPerDayUsd: 9_000_000_000n } });
    const a = await w.propose();
    expect((await w.make().confirm(a.id, TESS, w.prices)).kind).toBe('done');
    const b = await w.propose();
    const r = await w.make().confirm(b.id, TESS, w.prices);
    expect(r.kind).toBe('over_cap');
    expect(r.kind === 'over_cap' && r.message).toContain('MAX_NOTIONAL_PER_DAY_USD = $9,000.00');
    expect(w.paper.submissions).toHaveLength(1);
    w.clock.advance(24 * 3_600_000 + 1);
    const c = await w.propose();
    expect((await w.make().confirm(c.id, TESS, w.prices)).kind).toBe('done');
  });

  it('dry-run: Confirm simulates, records simulated fills, and the venue receives nothing', async () => {
    const w = world({ mode: 'dry-run' });
    const plan = await w.propose();
    expect(plan.mode).toBe('dry-run');
    const r = await w.make().confirm(plan.id, TESS, w.prices);
    expect(r.kind === 'done' && r.record.approval).toMatchObject({ state: 'executed', dryRun: true, signatures: [] });
    expect(r.kind === 'done' && r.record.approval.fills).toHaveLength(1);
    expect(w.paper.submissions).toHaveLength(0);
    expect(w.btc()).toBe(200_000_000n);
    // Dry runs do not use up the daily cap.
    expect(await w.make().notionalLast24h(w.clock.now())).toBe(0n);
  });

  describe('a crash between executing and the outcome; the restart reconciles and never re-sends', () => {
    /** An executor that dies (never returns) at a chosen point, like a killed process. */
    const dying = (point: 'after-signing' | 'after-landing') => (inner: PaperExecutor): TradeExecutor => ({
      venue: inner.venue,
      markets: () => inner.markets(),
      simulate: (p) => inner.simulate(p),
      signatureStatus: (s) => inner.signatureStatus(s),
      execute: async (plan, hooks) => {
        if (point === 'after-signing') {
          await hooks.beforeBroadcast(['paperLostSignature']);
          return new Promise<ExecutionResult>(() => undefined);
        }
        await inner.execute(plan, hooks);
        return new Promise<ExecutionResult>(() => undefined);
      },
    });

    it('signed but never sent → failed, nothing landed', async () => {
      const w = world({ executor: dying('after-signing') });
      const plan = await w.propose();
      void w.make().confirm(plan.id, TESS, w.prices);
      await expect.poll(async () => (await w.repos.approvals.get(plan.id))?.approval.signatures.length).toBe(1);
      expect((await w.repos.approvals.get(plan.id))?.approval.state).toBe('executing');
      // The restarted process: a fresh gate on the same storage, with a healthy executor.
      const settled = await w.make(w.paper).reconcile();
      expect(settled.map((r) => r.approval.state)).toEqual(['failed']);
      expect(settled[0]?.approval.error).toBe('sent, but did not land (reconciled at start-up)');
      expect(w.paper.submissions).toHaveLength(0);
      expect(w.btc()).toBe(200_000_000n);
      // A tap after the restart is told the truth.
      expect((await w.make(w.paper).confirm(plan.id, TESS, w.prices)).kind).toBe('already');
    });

    it('landed but the outcome was never recorded → executed, once', async () => {
      const w = world({ executor: dying('after-landing') });
      const plan = await w.propose();
      void w.make().confirm(plan.id, TESS, w.prices);
      await expect.poll(() => w.paper.submissions.length).toBe(1);
      expect((await w.repos.approvals.get(plan.id))?.approval.state).toBe('executing');
      const settled = await w.make(w.paper).reconcile();
      expect(settled.map((r) => r.approval.state)).toEqual(['executed']);
      expect(w.paper.submissions).toHaveLength(1);
      expect(w.btc()).toBe(100_000_000n);
      expect(await w.make(w.paper).reconcile()).toEqual([]);
    });

    it('interrupted before any signature → failed, nothing sent', async () => {
      const w = world();
      const plan = await w.propose();
      const rec = (await w.repos.approvals.get(plan.id))!;
      await w.repos.approvals.transition(plan.id, 'pending', { ...rec.approval, state: 'executing', decidedBy: TESS });
      const settled = await w.make().reconcile();
      expect(settled[0]?.approval).toMatchObject({ state: 'failed', error: 'interrupted before anything was sent (reconciled at start-up)' });
      expect(w.paper.submissions).toHaveLength(0);
    });
  });

  it('property: any interleaving of confirms, foreign confirms, cancels, expiry and price moves executes at most once', async () => {
    type Op = { kind: 'confirm' | 'foreign' | 'cancel' | 'expire' | 'move'; wait: number };
    const op = fc.record({ kind: fc.constantFrom<Op['kind']>('confirm', 'confirm', 'foreign', 'cancel', 'expire', 'move'), wait: fc.integer({ min: 0, max: 3 }) });
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
      const w = world();
      const plan = await w.propose();
      const gate = w.make();
      await Promise.all(ops.map(async (o) => {
        for (let i = 0; i < o.wait; i++) await Promise.resolve();
        if (o.kind === 'confirm') await gate.confirm(plan.id, TESS, w.prices);
        else if (o.kind === 'foreign') await gate.confirm(plan.id, OTHER, w.prices);
        else if (o.kind === 'cancel') await gate.cancel(plan.id, { key: TESS, role: 'trader' });
        else if (o.kind === 'expire') w.clock.advance(30_000);
        else w.venue.setPrices({ BTC: w.venue.prices().BTC * 1.003 });
      }));
      const state = (await w.repos.approvals.get(plan.id))?.approval.state;
      expect(w.paper.submissions.length).toBeLessThanOrEqual(1);
      expect(w.paper.submissions.length === 1).toBe(state === 'executed');
      expect(w.btc()).toBe(state === 'executed' ? 100_000_000n : 200_000_000n);
    }), { numRuns: 60 });
  });
});
