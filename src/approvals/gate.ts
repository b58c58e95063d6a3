/**
 * The confirm gate: the only road from a plan to a trade.
 *
 * - `propose` finalises a plan (id, expiry, mode, hash), refuses one over the per-action cap, simulates it, and stores
 *   it as `pending` only if the simulation passed.
 * - `cancel` is the one place a plan is cancelled by a person (the /cancel command and the Cancel button both come
 *   here): only the trader who asked for it or an admin may, so one trader cannot void another's plan.
 * - `confirm` checks who, state, expiry, fresh prices (beyond the tolerance the plan is cancelled as re-priced and the
 *   caller plans again) and the daily cap, then moves `pending → executing` by compare-and-set — persisted before
 *   anything is signed, so a double tap, two chats or a restart can never send twice — and executes (dry-run:
 *   simulates only; nothing reaches the venue).
 * - Signatures are persisted (`beforeBroadcast`) before they leave the process; `reconcile` at start-up settles plans
 *   left `executing` by asking the venue about those signatures, never by sending again.
 * Every transition is appended to the audit log.
 */
import { createHash } from 'node:crypto';
import { roleAllows, type ActionPlan, type Approval, type ApprovalState, type ExecutionMode, type FillRecord, type Role } from '../domain/index.ts';
import type { ApprovalRecord, ApprovalRepo, AuditRepo, Clock, Json, LegFill, TradeExecutor } from '../ports/index.ts';
import { newId } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { fmtUsd } from '../shared/format.ts';

/** Who may confirm: only the person who asked (default), or any trader. */
export type Confirmer = 'requester' | 'any-trader';

export interface GateOptions {
  readonly repo: ApprovalRepo;
  readonly audit: AuditRepo;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly executors: readonly TradeExecutor[];
  readonly mode: ExecutionMode;
  /** How long a card can be confirmed, ms. */
  readonly ttlMs: number;
  /** Largest price move of any leg between card and Confirm, basis points. */
  readonly priceToleranceBps: number;
  readonly confirmer: Confirmer;
  /** Caps on leg notional, micro-USD: one plan, and everything sent in a rolling 24 hours. */
  readonly maxNotionalPerActionUsd: bigint;
  readonly maxNotionalPerDayUsd: bigint;
}

export const DEFAULT_GATE = {
  ttlMs: 60_000, priceToleranceBps: 50, confirmer: 'requester' as Confirmer,
  maxNotionalPerActionUsd: 100_000_000_000n, maxNotionalPerDayUsd: 500_000_000_000n,
} as const;

/** A plan as a planner makes it; the gate adds identity, expiry, mode and hash. */
export type PlanDraft = Omit<ActionPlan, 'id' | 'createdAt' | 'expiresAt' | 'planHash' | 'mode' | 'requestedBy' | 'requestedByName' | 'chat'>;

export interface Requester {
  /** "platform:userId". */
  readonly key: string;
  readonly name: string;
  readonly chat: ActionPlan['chat'];
}

export type ProposeResult =
  | { readonly ok: true; readonly plan: ActionPlan; readonly simulated: readonly LegFill[]; readonly authoritative: boolean }
  | { readonly ok: false; readonly plan: ActionPlan; readonly reason: string; readonly code: 'cap' | 'simulation' | 'empty' };

export type ConfirmOutcome =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'not_allowed'; readonly message: string }
  /** Not pending any more (someone confirmed, cancelled, or it expired before this tap). */
  | { readonly kind: 'already'; readonly record: ApprovalRecord }
  | { readonly kind: 'expired'; readonly record: ApprovalRecord }
  /** Prices moved beyond the tolerance: the plan was cancelled; plan again and ask again. */
  | { readonly kind: 'repriced'; readonly record: ApprovalRecord; readonly movedBps: number; readonly market: string }
  | { readonly kind: 'over_cap'; readonly record: ApprovalRecord; readonly message: string }
  /** The stored legs do not match the plan's hash (the state file was edited): cancelled, nothing sent. */
  | { readonly kind: 'tampered'; readonly record: ApprovalRecord }
  /** Executed, failed, or (outcome unknown) still executing until reconciled. */
  | { readonly kind: 'done'; readonly record: ApprovalRecord };

/** Who asks to cancel: their "platform:userId" and role (an admin may cancel anyone's plan). */
export interface Canceller {
  readonly key: string;
  readonly role: Role | null;
}

/** What became of a cancel request. */
export type CancelOutcome =
  | { readonly kind: 'not_found' }
  /** Neither the requester nor an admin: nothing changed. */
  | { readonly kind: 'not_allowed'; readonly record: ApprovalRecord; readonly message: string }
  /** Not pending any more (confirmed, cancelled or expired before this request). */
  | { readonly kind: 'already'; readonly record: ApprovalRecord }
  | { readonly kind: 'cancelled'; readonly record: ApprovalRecord };

/** Price of each leg's market now, USD per unit of size (as `PlanLeg.refPrice`). */
export type PriceCheck = (plan: ActionPlan) => Promise<Readonly<Record<string, number>>>;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Starts the error of a plan cancelled because prices moved (a newer plan replaced its card). */
export const REPRICED = 'Re-priced';

/** Stable hash of what Confirm applies to: legs with their sizes and bounds. */
export function planHash(legs: ActionPlan['legs']): string {
  const canonical = legs.map((l) => [
    l.venue, l.market, l.kind, l.side, l.size.raw.toString(), l.size.decimals, l.limitPrice, l.reduceOnly,
    // A liquidity leg's pool, position, range, amounts and swap bound are what it sends: all covered.
    ...(l.lp ? [l.lp] : []),
  ]);
  const text = JSON.stringify(canonical, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function fillRecord(f: LegFill): FillRecord {
  return {
    market: f.leg.market, side: f.leg.side, size: { raw: f.filledRaw, decimals: f.leg.size.decimals }, avgPrice: f.avgPrice, feeUsd: f.feeUsd,
    ...(f.realizedPnlUsd !== undefined ? { realizedPnlUsd: f.realizedPnlUsd } : {}),
    ...(f.leg.lp ? { step: f.leg.lp.step, asset: f.leg.asset } : {}),
  };
}

export class ApprovalGate {
  readonly opts: GateOptions;

  constructor(opts: GateOptions) {
    this.opts = opts;
  }

  get mode(): ExecutionMode {
    return this.opts.mode;
  }

  /** Finalises, caps, simulates and (if all passed) stores a plan as pending. */
  async propose(draft: PlanDraft, who: Requester): Promise<ProposeResult> {
    const now = this.opts.clock.now();
    const plan: ActionPlan = {
      ...draft, id: newId(8), createdAt: now, expiresAt: now + this.opts.ttlMs, planHash: planHash(draft.legs), mode: this.opts.mode,
      requestedBy: who.key, requestedByName: who.name, chat: who.chat,
    };
    if (plan.legs.length === 0) return { ok: false, plan, code: 'empty', reason: 'nothing to trade' };
    if (plan.notionalUsd > this.opts.maxNotionalPerActionUsd) {
      const reason = `plan notional ${fmtUsd(plan.notionalUsd)} is over the per-action cap MAX_NOTIONAL_PER_ACTION_USD = ${fmtUsd(this.opts.maxNotionalPerActionUsd)}`;
      await this.audit(who.key, 'plan.refused', plan, { reason });
      return { ok: false, plan, code: 'cap', reason };
    }
    const sim = await this.simulate(plan);
    if (!sim.ok) {
      await this.audit(who.key, 'plan.refused', plan, { reason: sim.error });
      return { ok: false, plan, code: 'simulation', reason: sim.error };
    }
    await this.opts.repo.create({ plan, approval: { planId: plan.id, state: 'pending', updatedAt: now, signatures: [], fills: [] } });
    await this.audit(who.key, 'plan.pending', plan, { notionalUsd: plan.notionalUsd.toString(), legs: plan.legs.length });
    return { ok: true, plan, simulated: sim.fills, authoritative: sim.authoritative };
  }

  /** Runs every leg's simulation on its venue. */
  async simulate(plan: ActionPlan): Promise<{ ok: true; fills: LegFill[]; authoritative: boolean } | { ok: false; error: string }> {
    const fills: LegFill[] = [];
    let authoritative = true;
    for (const [venue, executor] of this.byVenue(plan)) {
      if (!executor) return { ok: false, error: `no executor for venue ${venue}` };
      const r = await executor.simulate(plan);
      if (!r.ok) return { ok: false, error: r.error ?? 'simulation failed' };
      fills.push(...r.fills);
      authoritative &&= r.authoritative;
    }
    return { ok: true, fills, authoritative };
  }

  /**
   * A Confirm tap by `actor` ("platform:userId"; the caller has checked the trader role). Exactly one tap of many
   * can get past the compare-and-set.
   */
  async confirm(planId: string, actor: string, prices: PriceCheck): Promise<ConfirmOutcome> {
    const record = await this.opts.repo.get(planId);
    if (!record) return { kind: 'not_found' };
    const { plan, approval } = record;
    if (approval.state !== 'pending') return { kind: 'already', record };
    // Confirm applies to exactly what the card showed: a stored plan whose legs no longer match its hash is refused.
    if (planHash(plan.legs) !== plan.planHash) {
      const moved = await this.move(record, 'cancelled', { decidedBy: 'system', error: 'The stored plan no longer matches the card it was shown as' });
      return moved ? { kind: 'tampered', record: moved } : { kind: 'already', record: await this.reload(planId) };
    }
    if (this.opts.confirmer === 'requester' && actor !== plan.requestedBy) {
      return { kind: 'not_allowed', message: `Only ${plan.requestedByName}, who asked for this plan, can confirm it.` };
    }
    const now = this.opts.clock.now();
    if (now >= plan.expiresAt) {
      const moved = await this.move(record, 'expired', { decidedBy: 'system', error: 'expired before Confirm' });
      return moved ? { kind: 'expired', record: moved } : { kind: 'already', record: await this.reload(planId) };
    }
    const fresh = await prices(plan);
    const worst = this.worstMove(plan, fresh);
    if (worst.bps > this.opts.priceToleranceBps) {
      const moved = await this.move(record, 'cancelled', {
        decidedBy: 'system', error: `${REPRICED}: ${worst.market} moved ${worst.bps.toFixed(0)} bps (tolerance ${this.opts.priceToleranceBps} bps)`,
      });
      return moved ? { kind: 'repriced', record: moved, movedBps: worst.bps, market: worst.market } : { kind: 'already', record: await this.reload(planId) };
    }
    if (this.opts.mode !== 'dry-run') {
      const used = await this.notionalLast24h(now);
      if (used + plan.notionalUsd > this.opts.maxNotionalPerDayUsd) {
        const message = `${fmtUsd(used)} already sent in the last 24 hours; this plan's ${fmtUsd(plan.notionalUsd)} would pass the daily cap MAX_NOTIONAL_PER_DAY_USD = ${fmtUsd(this.opts.maxNotionalPerDayUsd)}`;
        const moved = await this.move(record, 'cancelled', { decidedBy: 'system', error: message });
        return moved ? { kind: 'over_cap', record: moved, message } : { kind: 'already', record: await this.reload(planId) };
      }
    }
    const executing = await this.move(record, 'executing', { decidedBy: actor });
    if (!executing) return { kind: 'already', record: await this.reload(planId) };
    return { kind: 'done', record: await this.run(executing, actor) };
  }

  /** Whether `by` may cancel `plan`: its requester or an admin. */
  mayCancel(plan: ActionPlan, by: Canceller): boolean {
    // APPROVAL_CONFIRMER does not widen this: letting any trader confirm is about getting a trade done, not about
    // letting one trader void another's plan.
    return by.key === plan.requestedBy || roleAllows(by.role ?? 'viewer', 'admin');
  }

  /**
   * Cancels a pending plan for its requester or an admin. Checked here, not in the callers, so the command and the
   * button cannot drift apart; a refusal changes nothing (no transition, no audit entry).
   */
  async cancel(planId: string, by: Canceller): Promise<CancelOutcome> {
    const record = await this.opts.repo.get(planId);
    if (!record) return { kind: 'not_found' };
    if (record.approval.state !== 'pending') return { kind: 'already', record };
    const { plan } = record;
    if (!this.mayCancel(plan, by)) {
      this.opts.logger.info({ planId, actor: by.key, requestedBy: plan.requestedBy }, 'cancel refused: not the requester or an admin');
      return { kind: 'not_allowed', record, message: `Only the trader who asked for this plan (${plan.requestedByName}) or an admin can cancel it.` };
    }
    const moved = await this.move(record, 'cancelled', { decidedBy: by.key, error: 'cancelled before Confirm' });
    return moved ? { kind: 'cancelled', record: moved } : { kind: 'already', record: await this.reload(planId) };
  }

  /** Marks pending plans past their expiry as expired; returns them. */
  async expireDue(): Promise<ApprovalRecord[]> {
    const now = this.opts.clock.now();
    const out: ApprovalRecord[] = [];
    for (const r of await this.opts.repo.list({ states: ['pending'] })) {
      if (now < r.plan.expiresAt) continue;
      const moved = await this.move(r, 'expired', { decidedBy: 'system', error: 'expired before Confirm' });
      if (moved) out.push(moved);
    }
    return out;
  }

  /**
   * Settles plans left `executing` (a crash between the compare-and-set and the outcome). Signatures were stored
   * before broadcast, so: none stored → nothing was sent; otherwise the venue says what landed. Nothing is re-sent;
   * a plan whose signatures the venue cannot yet place stays executing for the next run.
   */
  async reconcile(): Promise<ApprovalRecord[]> {
    const out: ApprovalRecord[] = [];
    for (const r of await this.opts.repo.list({ states: ['executing'] })) {
      const sigs = r.approval.signatures;
      let next: { state: 'executed' | 'failed'; error?: string } | null;
      if (sigs.length === 0) next = { state: 'failed', error: 'interrupted before anything was sent (reconciled at start-up)' };
      else {
        const status = await this.statusOf(r.plan, sigs, r.approval.validUntil);
        if (status.includes('unknown')) next = null;
        else if (status.every((s) => s === 'confirmed')) next = { state: 'executed' };
        else if (status.every((s) => s === 'failed')) next = { state: 'failed', error: 'sent, but did not land (reconciled at start-up)' };
        else next = { state: 'failed', error: `partly landed: ${status.filter((s) => s === 'confirmed').length} of ${status.length} transactions (reconciled at start-up)` };
      }
      if (!next) {
        this.opts.logger.warn({ planId: r.plan.id }, 'plan still executing: its transactions are not settled yet');
        continue;
      }
      const moved = await this.move(r, next.state, { decidedBy: 'system', ...(next.error ? { error: next.error } : {}), reconciled: true });
      if (moved) out.push(moved);
    }
    return out;
  }

  /** Notional of plans sent (not dry-run) in the 24 hours before `now`, micro-USD. */
  async notionalLast24h(now: number): Promise<bigint> {
    const rows = await this.opts.repo.list({ states: ['executing', 'executed', 'failed'], since: now - DAY_MS - this.opts.ttlMs });
    let sum = 0n;
    for (const r of rows) {
      if (r.approval.dryRun || r.approval.updatedAt < now - DAY_MS) continue;
      // A failed plan with no signature never reached a venue.
      if (r.approval.state === 'failed' && r.approval.signatures.length === 0) continue;
      sum += r.plan.notionalUsd;
    }
    return sum;
  }

  private async run(record: ApprovalRecord, actor: string): Promise<ApprovalRecord> {
    const { plan } = record;
    if (this.opts.mode === 'dry-run') {
      const sim = await this.simulate(plan).catch((err: unknown) => ({ ok: false as const, error: err instanceof Error ? err.message : String(err) }));
      const moved = sim.ok
        ? await this.move(record, 'executed', { decidedBy: actor, dryRun: true, fills: sim.fills.map(fillRecord) })
        : await this.move(record, 'failed', { decidedBy: actor, dryRun: true, error: `simulation failed: ${sim.error}` });
      return moved ?? this.reload(plan.id);
    }
    const fills: FillRecord[] = [];
    const signatures: string[] = [];
    let error: string | undefined;
    for (const [venue, executor] of this.byVenue(plan)) {
      if (!executor) {
        error = `no executor for venue ${venue}`;
        break;
      }
      try {
        const r = await executor.execute(plan, {
          beforeBroadcast: async (sigs, validUntil) => {
            if (!(await this.opts.repo.recordSignatures(plan.id, sigs, validUntil))) throw new Error('plan is no longer executing; not sending');
            signatures.push(...sigs);
            await this.audit(actor, 'plan.signed', plan, { signatures: [...sigs] });
          },
        });
        fills.push(...r.fills.map(fillRecord));
        if (!r.ok) {
          error = r.error ?? 'execution failed';
          break;
        }
      } catch (err) {
        // Thrown after broadcast, the outcome is unknown: leave the plan executing for reconciliation.
        this.opts.logger.error({ err, planId: plan.id }, 'executor threw');
        if (signatures.length > 0) return this.reload(plan.id);
        error = `not sent: ${err instanceof Error ? err.message : String(err)}`;
        break;
      }
    }
    const current = await this.reload(plan.id);
    const moved = error === undefined
      ? await this.move(current, 'executed', { decidedBy: actor, fills })
      : await this.move(current, 'failed', { decidedBy: actor, fills, error });
    return moved ?? this.reload(plan.id);
  }

  private async statusOf(plan: ActionPlan, sigs: readonly string[], validUntil: Readonly<Record<string, number>> | undefined): Promise<string[]> {
    const venues = [...this.byVenue(plan)];
    if (venues.length !== 1 || !venues[0]?.[1]) return sigs.map(() => 'unknown');
    return [...(await venues[0][1].signatureStatus(sigs, validUntil))];
  }

  private byVenue(plan: ActionPlan): Map<string, TradeExecutor | undefined> {
    const out = new Map<string, TradeExecutor | undefined>();
    for (const leg of plan.legs) if (!out.has(leg.venue)) out.set(leg.venue, this.opts.executors.find((e) => e.venue === leg.venue));
    return out;
  }

  private worstMove(plan: ActionPlan, fresh: Readonly<Record<string, number>>): { bps: number; market: string } {
    let worst = { bps: 0, market: '' };
    for (const leg of plan.legs) {
      const now = fresh[leg.market];
      // A market whose price cannot be read now cannot be checked: treat it as moved past any tolerance.
      const bps = now === undefined || !(now > 0) ? Infinity : (Math.abs(now - leg.refPrice) / leg.refPrice) * 10_000;
      if (bps > worst.bps) worst = { bps, market: leg.market };
    }
    return worst;
  }

  private async reload(planId: string): Promise<ApprovalRecord> {
    const r = await this.opts.repo.get(planId);
    if (!r) throw new Error(`plan ${planId} vanished from storage`);
    return r;
  }

  /** Compare-and-set from the record's current state, then audit. Null if someone moved it first. */
  private async move(record: ApprovalRecord, state: ApprovalState, patch: Partial<Approval> & { reconciled?: boolean }): Promise<ApprovalRecord | null> {
    const { reconciled, ...rest } = patch;
    const next: Approval = {
      ...record.approval, ...rest, state, updatedAt: this.opts.clock.now(),
    };
    const ok = await this.opts.repo.transition(record.plan.id, record.approval.state, next);
    if (!ok) return null;
    const fresh = await this.reload(record.plan.id);
    await this.audit(patch.decidedBy ?? 'system', `plan.${state}`, record.plan, {
      from: record.approval.state,
      ...(next.error ? { error: next.error } : {}),
      ...(next.dryRun ? { dryRun: true } : {}),
      ...(reconciled ? { reconciled: true } : {}),
      ...(fresh.approval.signatures.length > 0 ? { signatures: [...fresh.approval.signatures] } : {}),
      ...(state === 'executed' ? { fills: next.fills.length } : {}),
    });
    return fresh;
  }

  private async audit(actor: string, action: string, plan: ActionPlan, detail: Record<string, Json | undefined>): Promise<void> {
    const clean: Record<string, Json> = { planId: plan.id, kind: plan.kind, mode: plan.mode };
    for (const [k, v] of Object.entries(detail)) if (v !== undefined) clean[k] = v;
    await this.opts.audit.append({ at: this.opts.clock.now(), actor, action, detail: clean });
  }
}
