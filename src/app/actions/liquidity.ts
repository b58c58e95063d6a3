/**
 * A liquidity preview (a re-center: remove → optional swap → add; a withdrawal; a deposit; a swap — computed by the
 * liquidity venue on the pool's bins) as a plan for the confirm gate: one `lp` leg per step, exact amounts and the
 * swap's bound in the legs (so the plan hash covers them), the position's range, holdings, value and delta before →
 * after in the metrics.
 */
import type { Amount, LpLegDetail, LpMetrics, PlanLeg, PlanRequest } from '../../domain/index.ts';
import type { PlanDraft } from '../../approvals/gate.ts';
import type { RangeState, LiquidityPreview } from '../../ports/index.ts';
import { fmtAmount, fmtPct } from '../../shared/format.ts';

const tokens = (a: Amount): number => Number(a.raw) / 10 ** a.decimals;

/** Exact micro-USD of `a` at `usd` per token. */
function usdMicros(a: Amount, usd: number): bigint {
  return (a.raw * BigInt(Math.round(usd * 1e6))) / 10n ** BigInt(a.decimals);
}

function lpMetrics(r: RangeState): LpMetrics {
  return { priceLower: r.priceLower, priceUpper: r.priceUpper, base: tokens(r.base), quote: tokens(r.quote), valueUsd: Number(r.valueUsd) / 1e6 };
}

function titleOf(p: LiquidityPreview): string {
  const step = p.steps[0];
  switch (p.kind) {
    case 'recenter': {
      const add = p.steps.find((x) => x.kind === 'add');
      const width = add ? add.upperBinId - add.lowerBinId + 1 : 0;
      return `Re-center ${p.pool} LP: ${width} bins${add ? `, ${add.shape}` : ''}`;
    }
    case 'withdraw':
      return step?.kind === 'remove' && step.fractionBps < 10_000 ? `Withdraw ${fmtPct(step.fractionBps / 10_000, step.fractionBps % 100 === 0 ? 0 : 2)} of ${p.pool} LP` : `Withdraw all of ${p.pool} LP`;
    case 'deposit':
      return step?.kind === 'add' ? `Deposit into ${p.pool}: ${step.upperBinId - step.lowerBinId + 1} bins, ${step.shape}` : `Deposit into ${p.pool}`;
    case 'swap': {
      if (step?.kind !== 'swap') return `Swap on ${p.pool}`;
      const [sold, got] = step.sell === 'base' ? [p.baseAsset, p.quoteAsset] : [p.quoteAsset, p.baseAsset];
      return `Swap ${fmtAmount(step.amountIn, sold)} → ${got} on ${p.pool}`;
    }
  }
}

/** The plan draft of `p` (any liquidity action). `request` re-plans it at fresh prices. */
export function liquidityDraft(p: LiquidityPreview, request: PlanRequest): PlanDraft {
  const leg = (lp: LpLegDetail, o: { side: PlanLeg['side']; size: Amount; limitPrice?: number; notionalUsd: bigint; feeUsd?: bigint; slippageUsd?: bigint }): PlanLeg => ({
    venue: 'saros', market: p.pool, kind: 'lp', asset: p.baseAsset, side: o.side, size: o.size,
    refPrice: p.activePrice, limitPrice: o.limitPrice ?? p.activePrice, notionalUsd: o.notionalUsd,
    estFeeUsd: o.feeUsd ?? 0n, estSlippageUsd: o.slippageUsd ?? 0n, reduceOnly: false, lp,
  });
  const legs: PlanLeg[] = [];
  let swapNotional = 0n;
  for (const s of p.steps) {
    switch (s.kind) {
      case 'remove':
        if (!p.position) throw new Error('a remove step needs the position it removes from');
        legs.push(leg(
          { step: 'remove', pool: p.pair, position: p.position, lowerBinId: s.lowerBinId, upperBinId: s.upperBinId, base: s.base, quote: s.quote, fractionBps: s.fractionBps },
          { side: 'sell', size: s.base, notionalUsd: usdMicros(s.base, p.priceBase) + usdMicros(s.quote, p.priceQuote) },
        ));
        break;
      case 'swap': {
        const sellBase = s.sell === 'base';
        const inUsd = sellBase ? p.priceBase : p.priceQuote;
        const notional = usdMicros(s.amountIn, inUsd);
        swapNotional = notional;
        // The bound as a price, quote per base: a floor when selling base, a ceiling when buying it.
        const limit = sellBase ? tokens(s.minOut) / tokens(s.amountIn) : tokens(s.amountIn) / tokens(s.minOut);
        legs.push(leg(
          { step: 'swap', pool: p.pair, sell: s.sell, amountIn: s.amountIn, expectedOut: s.amountOut, minOut: s.minOut },
          {
            side: sellBase ? 'sell' : 'buy', size: sellBase ? s.amountIn : s.amountOut, limitPrice: limit, notionalUsd: notional,
            feeUsd: usdMicros(s.fee, inUsd), slippageUsd: BigInt(Math.round(Number(notional) * s.priceImpact)),
          },
        ));
        break;
      }
      case 'add':
        legs.push(leg(
          { step: 'add', pool: p.pair, left: s.left, right: s.right, lowerBinId: s.lowerBinId, upperBinId: s.upperBinId, base: s.base, quote: s.quote, shape: s.shape },
          { side: 'buy', size: s.base, notionalUsd: usdMicros(s.base, p.priceBase) + usdMicros(s.quote, p.priceQuote) },
        ));
        break;
    }
  }
  const remove = legs.find((l) => l.lp?.step === 'remove');
  const add = legs.find((l) => l.lp?.step === 'add');
  // Delta of the position alone, USD (base held × its price): the rest of the book does not move. A deposit's
  // position has no before (its delta before is 0); a swap moves no position.
  const delta = (r: RangeState | undefined): Record<string, number> => ({ [p.baseAsset]: (r?.delta ?? 0) * p.priceBase });
  const metrics = (r: RangeState | undefined): PlanDraft['before'] => (p.before || p.after ? { delta: delta(r), ...(r ? { lp: lpMetrics(r) } : {}) } : {});
  return {
    kind: p.kind, title: titleOf(p), request, legs, before: metrics(p.before), after: metrics(p.after),
    notes: [
      ...p.steps.flatMap((st) => {
        if (st.kind !== 'swap') return [];
        const [sold, got] = st.sell === 'base' ? [p.baseAsset, p.quoteAsset] : [p.quoteAsset, p.baseAsset];
        return [`Swap ${fmtAmount(st.amountIn, sold)} → ${fmtAmount(st.amountOut, got)}: fee ${fmtAmount(st.fee, sold, 6)}, impact ${fmtPct(st.priceImpact, 2)}, ${st.binsCrossed} bins crossed.`];
      }),
      ...p.notes,
      ...(legs.some((l) => l.lp?.step === 'swap') ? [`Swap slippage allowed ${fmtPct(p.slippageBps / 10_000, 2)}: the add uses the swap's minimum, so a better fill stays in the wallet.`] : []),
      ...(legs.length > 1 ? [
        `Sent as ${legs.length} transactions, one per leg, in order; a leg that fails stops the rest, and the card says which landed.`,
        'Only the first leg is simulated before Confirm: the others use what it releases, and each is checked by the RPC as it is sent.',
      ] : []),
    ],
    estimatedFeesUsd: legs.reduce((s, l) => s + l.estFeeUsd, 0n),
    estimatedSlippageUsd: legs.reduce((s, l) => s + l.estSlippageUsd, 0n),
    // What the caps count: the liquidity moved (once: a re-center's add re-deposits what its remove took out) and the swap.
    notionalUsd: (remove?.notionalUsd ?? add?.notionalUsd ?? 0n) + swapNotional,
  };
}
