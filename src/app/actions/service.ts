/**
 * ActionService: /hedge, /rebalance, /protect, /limits check, the liquidity actions (/recenter, /withdraw, /deposit,
 * /swap) and the alert action buttons all end here. Its PlanDrafter (drafter.ts) plans at current prices; the service
 * hands the plan to the confirm gate (which simulates and stores it) and renders the card; Confirm and Cancel presses
 * come back here and go through the gate.
 */
import type { Dispatcher, PressContext, PressResult } from '../../core/dispatcher.ts';
import type { Button, Reply } from '../../core/reply.ts';
import { reply } from '../../core/reply.ts';
import type { ActionPlan, Actor, ChatRef, MarketInfo, PlanRequest } from '../../domain/index.ts';
import { actorKey } from '../../domain/index.ts';
import { REPRICED, type PlanDraft, type Requester } from '../../approvals/gate.ts';
import type { ApprovalRecord, AuditEntry } from '../../ports/index.ts';
import { UserError } from '../../shared/errors.ts';
import { fmtClock, fmtUsd } from '../../shared/format.ts';
import { lpBinPrice } from '../lp-view.ts';
import type { BookOptions } from '../oracles.ts';
import { userFacing } from '../user-facing.ts';
import { planCard, resolvedCard } from './card.ts';
import { PlanDrafter, type ActionServiceDeps, type DepositArgs, type HedgeArgs, type RecenterArgs, type SwapArgs, type WithdrawArgs } from './drafter.ts';

export type { ActionServiceDeps, DepositArgs, HedgeArgs, RecenterArgs, SwapArgs, WithdrawArgs } from './drafter.ts';
export { MIN_CROSS_HEDGE_R2 } from './drafter.ts';

/** Confirm/Cancel buttons outlive the plan by this much, so a late tap gets a truthful "expired" instead of silence. */
const BUTTON_GRACE_MS = 60 * 60 * 1000;

export class ActionService {
  private readonly deps: ActionServiceDeps;
  private dispatcher: Dispatcher<unknown> | undefined;

  private readonly drafter: PlanDrafter;

  constructor(deps: ActionServiceDeps) {
    this.deps = deps;
    this.drafter = new PlanDrafter(deps, () => this.markets());
  }

  get mode(): ActionPlan['mode'] {
    return this.deps.gate.mode;
  }

  /** Registers the Confirm/Cancel handler. */
  attach(dispatcher: Dispatcher<unknown>): void {
    this.dispatcher = dispatcher;
    dispatcher.registerHandler('approval', (ctx) => this.onPress(ctx));
  }

  /** Every market the configured venues can trade. */
  markets(): MarketInfo[] {
    return this.deps.executors.flatMap((e) => [...e.markets()]);
  }

  async hedge(args: HedgeArgs, actor: Actor, chat: ChatRef): Promise<Reply> {
    return this.open({ kind: 'hedge', args: { asset: args.asset, targetUsd: args.targetUsd, keep: args.keep, via: args.via ?? null } }, actor, chat);
  }

  /** Rebalance to `oracle`'s weights (null: the /target, else equal); `book` long-short lets them short through perps. */
  async rebalance(oracle: string | null, actor: Actor, chat: ChatRef, book: BookOptions = {}): Promise<Reply> {
    // Long-only requests keep their old shape; a re-price re-reads book and gross from the stored request.
    const args: PlanRequest['args'] = book.longShort ? { oracle, book: 'long-short', gross: book.gross ?? null } : { oracle };
    return this.open({ kind: 'rebalance', args }, actor, chat);
  }

  async protect(targetHealth: number | null, actor: Actor, chat: ChatRef): Promise<Reply> {
    return this.open({ kind: 'protect', args: { target: targetHealth } }, actor, chat);
  }

  async recenter(args: RecenterArgs, actor: Actor, chat: ChatRef): Promise<Reply> {
    return this.open({ kind: 'recenter', args: { positionId: args.positionId, width: args.width, shape: args.shape } }, actor, chat);
  }

  async withdraw(args: WithdrawArgs, actor: Actor, chat: ChatRef): Promise<Reply> {
    return this.open({ kind: 'withdraw', args: { ...args } }, actor, chat);
  }

  async deposit(args: DepositArgs, actor: Actor, chat: ChatRef): Promise<Reply> {
    return this.open({ kind: 'deposit', args: { ...args } }, actor, chat);
  }

  async swap(args: SwapArgs, actor: Actor, chat: ChatRef): Promise<Reply> {
    return this.open({ kind: 'swap', args: { ...args } }, actor, chat);
  }

  async trims(actor: Actor, chat: ChatRef): Promise<Reply> {
    return this.open({ kind: 'limits', args: {} }, actor, chat);
  }

  /** Plans `request`, proposes it to the gate and renders the card. */
  async open(request: PlanRequest, actor: Actor, chat: ChatRef, notice?: string): Promise<Reply> {
    return userFacing(async () => {
      const draft = await this.draft(request);
      const who: Requester = { key: actorKey(actor), name: actor.displayName, chat };
      const r = await this.deps.gate.propose(draft, who);
      const tz = this.deps.timeZone;
      if (r.ok) {
        const buttons = await Promise.all([
          this.button('Confirm', r.plan, 'ok', actor, chat, 'primary'),
          this.button('Cancel', r.plan, 'no', actor, chat, 'danger'),
        ]);
        return planCard(r.plan, { buttons, timeZone: tz, ...(notice ? { notice } : {}), ...(r.authoritative ? {} : { unverified: true }) });
      }
      if (r.code === 'empty') {
        return reply.of(reply.title(r.plan.title), reply.text('Nothing to trade.'), r.plan.notes.length > 0 ? reply.muted(r.plan.notes.join('\n')) : null);
      }
      return planCard(r.plan, { timeZone: tz, ...(r.code === 'simulation' ? { simulationError: r.reason } : { refusal: r.reason }) });
    });
  }

  private async button(label: string, plan: ActionPlan, verb: string, actor: Actor, chat: ChatRef, style: 'primary' | 'danger'): Promise<Button> {
    if (!this.dispatcher) throw new Error('ActionService is not attached to a dispatcher');
    // One card per plan: its Confirm and Cancel share the group.
    return this.dispatcher.makeButton({
      label, kind: 'approval', payload: { planId: plan.id }, role: 'trader', actor, chat, verb, style,
      ttlMs: plan.expiresAt - plan.createdAt + BUTTON_GRACE_MS, group: plan.id,
    });
  }

  /** Builds a plan draft at current prices. */
  async draft(request: PlanRequest): Promise<PlanDraft> {
    return this.drafter.draft(request);
  }

  private async onPress(ctx: PressContext): Promise<PressResult> {
    const p = ctx.action.payload as { planId?: unknown };
    if (typeof p.planId !== 'string') throw new UserError('expired', 'This button is no longer valid.');
    const who = actorKey(ctx.actor);
    const tz = this.deps.timeZone;
    const resolved = (r: ApprovalRecord, toast: string): PressResult => ({ reply: resolvedCard(r.plan, r.approval, { timeZone: tz, decidedByName: this.nameOf(r, ctx.actor) }), edit: true, toast });
    // A tap on a button of a plan that was re-priced: its message now shows the newer plan, so leave it be.
    const superseded = (r: ApprovalRecord): boolean => r.approval.state === 'cancelled' && (r.approval.error ?? '').startsWith(REPRICED);
    const stale: PressResult = { reply: null, edit: false, toast: 'Prices moved: this card was refreshed. Use its new Confirm; nothing was sent.' };
    if (ctx.verb === 'no') {
      const outcome = await this.deps.gate.cancel(p.planId, { key: who, role: ctx.actor.role });
      switch (outcome.kind) {
        case 'not_found':
          throw new UserError('expired', 'This plan is gone.');
        case 'not_allowed':
          // The card is shared (a group): leave it as it is for the requester, and tell only the presser why.
          return { reply: null, edit: false, toast: outcome.message };
        case 'already':
          if (superseded(outcome.record)) return stale;
          return resolved(outcome.record, `This plan is already ${outcome.record.approval.state}.`);
        case 'cancelled':
          return resolved(outcome.record, 'Cancelled: nothing was sent.');
      }
    }
    if (ctx.verb !== 'ok') throw new UserError('expired', 'This button is no longer valid.');
    const outcome = await this.deps.gate.confirm(p.planId, who, (plan) => this.legPrices(plan));
    switch (outcome.kind) {
      case 'not_found':
        throw new UserError('expired', 'This plan is gone. Run the command again.');
      case 'not_allowed':
        return { reply: null, edit: false, toast: outcome.message };
      case 'already': {
        if (superseded(outcome.record)) return stale;
        const s = outcome.record.approval.state;
        // Still executing: the first tap will put the outcome on the card; an "executing" card from this tap could land
        // after it and hide the outcome, so this tap only answers.
        if (s === 'executing') return { reply: null, edit: false, toast: 'Already confirmed: it is being executed. Nothing more is sent.' };
        const toast = s === 'executed' ? 'Already executed. Nothing more is sent.' : `This plan is already ${s}. Nothing was sent by this tap.`;
        return resolved(outcome.record, toast);
      }
      case 'expired':
        return resolved(outcome.record, `This plan expired; nothing was sent. Run /${this.commandOf(outcome.record.plan)} again.`);
      case 'over_cap':
        return resolved(outcome.record, `Refused: ${outcome.message}.`);
      case 'tampered':
        return resolved(outcome.record, 'Refused: the stored plan no longer matches this card. Nothing was sent.');
      case 'repriced': {
        const notice = `Prices moved ${outcome.movedBps.toFixed(0)} bps on ${outcome.market} since the last card: this is the plan at current prices. Check it and confirm again.`;
        const card = await this.open(outcome.record.plan.request, ctx.actor, outcome.record.plan.chat, notice);
        return { reply: card, edit: true, toast: 'Prices moved: plan refreshed, nothing sent. Confirm again.' };
      }
      case 'done': {
        const a = outcome.record.approval;
        const toast = a.state === 'executed' ? (a.dryRun ? 'Dry run: simulated, nothing sent.' : 'Executed.')
          : a.state === 'failed' ? `Failed: ${a.error ?? 'unknown error'}` : 'Sent; the outcome is not known yet.';
        return resolved(outcome.record, toast.slice(0, 190));
      }
    }
  }

  private nameOf(r: ApprovalRecord, presser: Actor): string {
    const by = r.approval.decidedBy;
    if (!by || by === 'system') return 'Vigil';
    if (by === r.plan.requestedBy) return r.plan.requestedByName;
    if (by === actorKey(presser)) return presser.displayName;
    return by;
  }

  private commandOf(plan: ActionPlan): string {
    return plan.kind === 'limits' ? 'limits check' : plan.kind;
  }

  /** Each leg's market price now, USD per unit of size. */
  private async legPrices(plan: ActionPlan): Promise<Record<string, number>> {
    const p = await this.deps.portfolio.refresh();
    // A venue that failed this read keeps its last good data: never re-check a plan against stale prices.
    for (const v of p.venues) {
      if (!v.ok && plan.legs.some((l) => l.venue === v.venue)) {
        throw new UserError('unavailable', `Cannot read fresh prices from ${v.label} (${v.error ?? 'no data'}); nothing was sent. Try Confirm again.`);
      }
    }
    const markets = this.markets();
    const out: Record<string, number> = {};
    for (const leg of plan.legs) {
      if (leg.kind === 'lp') {
        // A pool's price is its active bin's (quote per base), read with the position it moves.
        // A deposit or a swap names no position: any position of the wallet on that pool carries its price.
        const lp = p.positions.find((x) => x.kind === 'lp' && x.id === plan.request.args.positionId)
          ?? p.positions.find((x) => x.kind === 'lp' && x.venue === leg.venue && x.market === leg.market);
        if (lp?.kind === 'lp') out[leg.market] = lpBinPrice(lp, lp.activeBinId);
        continue;
      }
      const m = markets.find((x) => x.venue === leg.venue && x.market === leg.market);
      const px = p.prices[leg.asset];
      if (m && px !== undefined) out[leg.market] = px * m.contractSize;
    }
    return out;
  }

  /** Plans waiting for Confirm, newest first. */
  async pending(): Promise<ApprovalRecord[]> {
    await this.expireDue();
    return this.deps.gate.opts.repo.list({ states: ['pending', 'executing'] });
  }

  /** /cancel ID: the requester or an admin cancels a pending plan (the gate decides who may). */
  async cancel(planId: string, actor: Actor): Promise<ApprovalRecord> {
    const outcome = await this.deps.gate.cancel(planId, { key: actorKey(actor), role: actor.role });
    switch (outcome.kind) {
      case 'not_found':
        throw new UserError('not_found', `No plan "${planId}".`, 'See /pending for the open ones.');
      case 'not_allowed': {
        const plan = outcome.record.plan;
        throw new UserError('forbidden', outcome.message, `Ask ${plan.requestedByName} or an admin; unconfirmed, it expires at ${fmtClock(plan.expiresAt, this.deps.timeZone)}.`);
      }
      case 'already':
        throw new UserError('conflict', `Plan ${planId} is already ${outcome.record.approval.state}; nothing to cancel.`);
      case 'cancelled':
        return outcome.record;
    }
  }

  /** Whether `actor` may cancel `plan`: the same rule the gate enforces, for showing (or not) a way to cancel. */
  canCancel(plan: ActionPlan, actor: Actor): boolean {
    return this.deps.gate.mayCancel(plan, { key: actorKey(actor), role: actor.role });
  }

  /** The last `n` audit entries, oldest first. */
  async audit(n: number): Promise<AuditEntry[]> {
    return this.deps.gate.opts.audit.list(n);
  }

  /** Expires plans past their time (the prune job and /pending call it). */
  async expireDue(): Promise<number> {
    return (await this.deps.gate.expireDue()).length;
  }

  /**
   * Start-up (and periodic) reconciliation of plans left executing; each settled one is reported in the chat it was
   * confirmed from.
   */
  async reconcile(): Promise<ApprovalRecord[]> {
    const settled = await this.deps.gate.reconcile();
    for (const r of settled) {
      const card = resolvedCard(r.plan, r.approval, { timeZone: this.deps.timeZone, decidedByName: 'Vigil (after a restart)' });
      this.deps.notifications.enqueue(r.plan.chat, { reply: card, level: r.approval.state === 'executed' ? 'info' : 'warning' });
    }
    return settled;
  }

  /** A one-line summary per plan for /pending and /audit. */
  summary(r: ApprovalRecord): string {
    return `${r.plan.id} · ${r.plan.title} · ${fmtUsd(r.plan.notionalUsd)} · ${r.approval.state}`;
  }
}
