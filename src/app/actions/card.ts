/** The confirm card and the resolved card a plan becomes: one renderer, used by commands, buttons and reconciliation. */
import type { Button, Reply } from '../../core/reply.ts';
import { reply } from '../../core/reply.ts';
import type { ActionPlan, Amount, Approval, ExecutionMode, LpLegDetail, PlanMetrics } from '../../domain/index.ts';
import { fmtAmount, fmtClock, fmtHealth, fmtPct, fmtPrice, fmtQty, fmtSignature, fmtSignedUsd, fmtSignedUsdCompact, fmtTime, fmtUsd, fmtUsdCompact } from '../../shared/format.ts';
import { usdFromNumber } from '../../shared/money.ts';

const MODE_LINE: Readonly<Record<ExecutionMode, string>> = {
  'dry-run': 'DRY RUN: Confirm re-checks and simulates; nothing is sent.',
  paper: 'PAPER: Confirm fills on the paper ledger.',
  live: 'LIVE: Confirm signs and sends real transactions.',
};

const MODE_TAG: Readonly<Record<ExecutionMode, string>> = { 'dry-run': 'dry run', paper: 'paper', live: 'LIVE' };

/** Where a signed Solana transaction is shown to people. */
const EXPLORER_TX = 'https://solscan.io/tx/';

function sizeLabel(leg: ActionPlan['legs'][number]): string {
  return fmtAmount(leg.size, leg.kind === 'perp' ? leg.market : leg.asset, 4);
}

/**
 * Metric rows that changed or matter for this plan: deltas and liquidation prices of traded assets, health, VaR, weights.
 * `compact`: USD in compact units, for the phone variant of the table.
 */
function comparison(plan: ActionPlan, compact = false): string[][] {
  const signedUsd = (usd: number): string => (compact ? fmtSignedUsdCompact : fmtSignedUsd)(usdFromNumber(usd));
  const usd = (x: number): string => (compact ? fmtUsdCompact : fmtUsd)(usdFromNumber(x));
  // The compact label keeps the phone's first column within a market's width (1-day is the default horizon).
  // Prices of $1,000 and more lose their cents on a phone (3 significant digits); smaller ones keep their precision.
  const price = (x: number): string => (compact && Math.abs(x) >= 1000 ? fmtUsdCompact(usdFromNumber(x)) : fmtPrice(x));
  const b: PlanMetrics = plan.before;
  const a: PlanMetrics = plan.after;
  const traded = [...new Set(plan.legs.map((l) => l.asset))];
  const rows: string[][] = [];
  const deltaAssets = plan.kind === 'hedge' ? [...new Set([...traded, ...Object.keys(b.delta ?? {})])].filter((x) => Math.abs(b.delta?.[x] ?? 0) > 0.005 || traded.includes(x)) : traded;
  for (const asset of deltaAssets.sort()) rows.push([`Δ ${asset}`, signedUsd(b.delta?.[asset] ?? 0), signedUsd(a.delta?.[asset] ?? 0)]);
  if (b.health !== undefined && a.health !== undefined) rows.push(['Health', fmtHealth(b.health), fmtHealth(a.health)]);
  for (const asset of traded.sort()) {
    const lb = b.liquidationPrices?.[asset];
    const la = a.liquidationPrices?.[asset];
    if (lb === undefined && la === undefined) continue;
    rows.push([`Liq ${asset}`, lb === undefined || lb === null ? '—' : price(lb), la === undefined || la === null ? '—' : price(la)]);
  }
  if (b.var1dUsd !== undefined && a.var1dUsd !== undefined) rows.push([compact ? 'VaR 95%' : 'VaR 1d 95%', usd(b.var1dUsd), usd(a.var1dUsd)]);
  if (b.leverage !== undefined && a.leverage !== undefined && Number.isFinite(b.leverage) && Number.isFinite(a.leverage)) rows.push(['Leverage', `${b.leverage.toFixed(2)}x`, `${a.leverage.toFixed(2)}x`]);
  // Weights: the whole book for rebalances and trims (that is their point), the traded assets otherwise.
  const all = [...new Set([...Object.keys(b.weights ?? {}), ...Object.keys(a.weights ?? {})])];
  const shown = plan.kind === 'rebalance' || plan.kind === 'limits' ? all : all.filter((x) => traded.includes(x));
  for (const asset of shown.sort((x, y) => (a.weights?.[y] ?? 0) - (a.weights?.[x] ?? 0) || (x < y ? -1 : 1))) {
    rows.push([`w ${asset}`, fmtPct(b.weights?.[asset] ?? 0, 1), fmtPct(a.weights?.[asset] ?? 0, 1)]);
  }
  const lb = b.lp;
  const la = a.lp;
  if (lb || la) {
    // One side may be missing: a deposit's position did not exist before.
    const [base, quote] = plan.legs[0]?.market.split('/') ?? ['base', 'quote'];
    const side = (m: typeof lb, f: (x: NonNullable<typeof lb>) => string): string => (m ? f(m) : '—');
    const range = (m: NonNullable<typeof lb>): string => `${fmtQty(m.priceLower, 2)}–${fmtQty(m.priceUpper, 2)}`;
    rows.push(
      ['Range', side(lb, range), side(la, range)],
      [base ?? 'base', side(lb, (m) => fmtQty(m.base)), side(la, (m) => fmtQty(m.base))],
      [quote ?? 'quote', side(lb, (m) => fmtQty(m.quote, 2)), side(la, (m) => fmtQty(m.quote, 2))],
      ['Value', side(lb, (m) => usd(m.valueUsd)), side(la, (m) => usd(m.valueUsd))],
    );
  }
  return rows;
}

const STEP_LABEL: Readonly<Record<LpLegDetail['step'], string>> = { remove: 'Remove', swap: 'Swap', add: 'Add' };

/** A liquidity plan's legs as the wallet sees them: what each step takes from (−) or gives to (+) it, per token. */
function lpLegsTable(plan: ActionPlan): ReturnType<typeof reply.table> {
  const [base = 'base', quote = 'quote'] = plan.legs[0]?.market.split('/') ?? [];
  const signed = (a: Amount, sign: '+' | '−'): string => `${sign}${fmtAmount(a, '', a.decimals > 6 ? 4 : 2).trim()}`;
  const rows = plan.legs.map((l, i) => {
    const lp = l.lp;
    if (!lp) return [`${i + 1} ?`, '', ''];
    switch (lp.step) {
      case 'remove':
        return [`${i + 1} ${STEP_LABEL.remove}`, signed(lp.base, '+'), signed(lp.quote, '+')];
      case 'add':
        return [`${i + 1} ${STEP_LABEL.add}`, signed(lp.base, '−'), signed(lp.quote, '−')];
      case 'swap':
        return lp.sell === 'base'
          ? [`${i + 1} ${STEP_LABEL.swap}`, signed(lp.amountIn, '−'), `≥${signed(lp.minOut, '+')}`]
          : [`${i + 1} ${STEP_LABEL.swap}`, `≥${signed(lp.minOut, '+')}`, signed(lp.amountIn, '−')];
    }
  });
  return reply.table(['Step', { header: base, align: 'right' }, { header: quote, align: 'right' }], rows);
}

// Per-leg USD is compact so the orders table stays narrow; the exact total is in the Notional field.
function legsTable(plan: ActionPlan): ReturnType<typeof reply.table> {
  if (plan.legs.some((l) => l.kind === 'lp')) return lpLegsTable(plan);
  const order = (l: ActionPlan['legs'][number]): string => `${l.side.toUpperCase()}${l.reduceOnly ? ' (RO)' : ''}`;
  const limit = (l: ActionPlan['legs'][number]): string => `${l.side === 'buy' ? '≤' : '≥'} ${fmtPrice(l.limitPrice)}`;
  return reply.table(
    ['Order', { header: 'Size', align: 'right' }, { header: 'Limit', align: 'right' }, { header: '≈ USD', align: 'right' }],
    plan.legs.map((l) => [order(l), sizeLabel(l), limit(l), fmtUsdCompact(l.notionalUsd)]),
    // On a phone each order is a heading ("SELL (RO) 659.2 SOL-PERP") over its limit and value.
    reply.table(['Order', { header: 'Limit', align: 'right' }, { header: '≈ USD', align: 'right' }],
      plan.legs.map((l) => [`${order(l)} ${sizeLabel(l)}`, limit(l), fmtUsdCompact(l.notionalUsd)])),
  );
}

/**
 * The orders that leave a perp short, in words: a perp SELL that is not reduce-only opens a short, grows one, or takes
 * a long past zero (the planners mark every sell that only cuts a position reduce-only). Null when there is none.
 */
function shortsLine(plan: ActionPlan): ReturnType<typeof reply.text> | null {
  const shorts = plan.legs.filter((l) => l.kind === 'perp' && l.side === 'sell' && !l.reduceOnly);
  if (shorts.length === 0) return null;
  return reply.text(`Opens or increases a perp short: ${shorts.map((l) => `SELL ${sizeLabel(l)}`).join(', ')} (not reduce-only).`, 'warning');
}

/** The card asking for Confirm (buttons supplied by the caller); `simulationError` replaces the buttons with the reason. */
export function planCard(plan: ActionPlan, opts: {
  buttons?: readonly Button[]; timeZone: string; simulationError?: string; refusal?: string; notice?: string;
  /** The simulation could not run against the venue's program (offline): say so. */
  unverified?: boolean;
}): Reply {
  const secs = Math.round((plan.expiresAt - plan.createdAt) / 1000);
  const blocked = opts.simulationError ?? opts.refusal;
  return reply.of(
    reply.title(`${plan.title} · ${MODE_TAG[plan.mode]}`),
    opts.notice ? reply.text(opts.notice, 'warning') : null,
    plan.legs.length > 0 ? legsTable(plan) : reply.text('Nothing to trade.'),
    shortsLine(plan),
    reply.fields([
      ['Notional', fmtUsd(plan.notionalUsd)],
      ['Est. fees', fmtUsd(plan.estimatedFeesUsd)],
      ['Est. slippage', fmtUsd(plan.estimatedSlippageUsd)],
    ]),
    reply.table(['', { header: 'Before', align: 'right' }, { header: 'After', align: 'right' }], comparison(plan),
      reply.table(['', { header: 'Before', align: 'right' }, { header: 'After', align: 'right' }], comparison(plan, true))),
    plan.notes.length > 0 ? reply.muted(plan.notes.join('\n')) : null,
    blocked
      ? reply.text(opts.simulationError ? `Simulation failed: ${opts.simulationError}. Nothing can be confirmed.` : `Refused: ${opts.refusal ?? ''}.`, 'error')
      : reply.text(MODE_LINE[plan.mode], plan.mode === 'live' ? 'warning' : 'body'),
    !blocked && opts.unverified ? reply.muted('The simulation could not reach the venue’s program: it checked the plan’s shape only.') : null,
    blocked ? null : reply.muted(`Plan ${plan.id} · asked by ${plan.requestedByName} · expires ${fmtClock(plan.expiresAt, opts.timeZone)} (in ${secs} s)`),
    !blocked && opts.buttons && opts.buttons.length > 0 ? reply.buttons(opts.buttons) : null,
  );
}

const OUTCOME: Readonly<Record<Approval['state'], string>> = {
  pending: '⏳ Waiting for Confirm',
  executing: '⏳ Sent; waiting for the outcome',
  executed: '✅ Executed',
  failed: '❌ Failed',
  cancelled: '✖ Cancelled',
  expired: '⌛ Expired',
};

/** The card after the decision: outcome, fills, signatures; no buttons. */
export function resolvedCard(plan: ActionPlan, approval: Approval, opts: { timeZone: string; decidedByName?: string }): Reply {
  const title = approval.state === 'executed' && approval.dryRun ? '🧪 Dry run: simulated, nothing sent' : OUTCOME[approval.state];
  const nothingSent = approval.signatures.length === 0 && approval.state !== 'executed' ? ' Nothing was sent.' : '';
  const fill = (f: Approval['fills'][number]): string => (f.step ? STEP_LABEL[f.step] : f.side.toUpperCase());
  // Only signatures sent to Solana have an explorer page; paper ones are shown shortened, unlinked.
  const onChain = plan.mode === 'live' && plan.legs.some((l) => l.venue !== 'paper');
  return reply.of(
    reply.title(`${title} · ${plan.title}`),
    approval.error ? reply.text(`${approval.error}.${nothingSent}`, approval.state === 'failed' ? 'error' : 'body') : null,
    approval.fills.length > 0
      ? reply.table(['Fill', { header: 'Size', align: 'right' }, { header: 'Avg price', align: 'right' }, { header: 'Fee', align: 'right' }],
        approval.fills.map((f) => [fill(f), fmtAmount(f.size, f.asset ?? f.market, 4), fmtPrice(f.avgPrice), fmtUsd(f.feeUsd)]),
        reply.table(['Fill', { header: 'Avg price', align: 'right' }, { header: 'Fee', align: 'right' }],
          approval.fills.map((f) => [`${fill(f)} ${fmtAmount(f.size, f.asset ?? f.market, 4)}`, fmtPrice(f.avgPrice), fmtUsd(f.feeUsd)])))
      : null,
    approval.state === 'executing' ? reply.text('The outcome is not known yet; it is checked again automatically, never re-sent.', 'warning') : null,
    ...approval.signatures.map((sig) => (onChain ? reply.link(fmtSignature(sig), `${EXPLORER_TX}${sig}`) : reply.code(fmtSignature(sig)))),
    reply.muted(`Plan ${plan.id} · ${MODE_TAG[plan.mode]} · ${approval.state}${opts.decidedByName ? ` by ${opts.decidedByName}` : ''} · ${fmtTime(approval.updatedAt, opts.timeZone)}`),
  );
}
