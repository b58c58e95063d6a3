import type { AppServices, RangeState, RecenterStep } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { fmtAmount, fmtPct, fmtPriceIn, fmtQty, fmtSignedUsd, fmtUsd } from '../src/shared/format.ts';

function stepLine(s: RecenterStep, n: number, base: string, quote: string): string {
  switch (s.kind) {
    case 'remove':
      return `${n}. Remove all: ${fmtAmount(s.base, base)} + ${fmtAmount(s.quote, quote, 2)} (bins ${s.lowerBinId}…${s.upperBinId})`;
    case 'swap': {
      const [inSym, outSym] = s.sell === 'base' ? [base, quote] : [quote, base];
      return `${n}. Swap ${fmtAmount(s.amountIn, inSym)} → ${fmtAmount(s.amountOut, outSym)} (fee ${fmtAmount(s.fee, inSym, 6)}, impact ${fmtPct(s.priceImpact, 2)}, ${s.binsCrossed} bins crossed)`;
    }
    case 'add':
      return `${n}. Add ${fmtAmount(s.base, base)} + ${fmtAmount(s.quote, quote, 2)} over bins ${s.lowerBinId}…${s.upperBinId} (${s.shape}, ${s.upperBinId - s.lowerBinId + 1} bins)`;
  }
}

function range(r: RangeState, quote: string): string {
  return `${fmtPriceIn(r.priceLower, quote)} – ${fmtPriceIn(r.priceUpper, quote)}`;
}

export default defineCommand<AppServices>()({
  name: 'recenter',
  description: 'Plan moving an LP position around the current price: remove, swap, add',
  role: 'trader',
  group: 'Trade',
  args: {
    position: arg.string({ maxLength: 80, expected: 'a position number from /lp (1, 2 …) or its id', description: 'Position (# from /lp)' }),
    width: arg.number({ integer: true, min: 1, max: 64, optional: true, description: 'New width in bins (default: current)' }),
    shape: arg.enum({ values: ['spot', 'curve', 'bidask'], default: 'spot', description: 'Liquidity shape' }),
  },
  async run({ args, services, buttons }) {
    const p = await services.portfolio.refresh();
    const views = services.views.lps(p);
    const v = services.views.findLp(views, args.position);
    if (!v) throw new UserError('not_found', views.length === 0 ? 'No liquidity positions to re-center.' : `No position "${args.position}": use a number from /lp (1–${views.length}).`);
    const plan = await services.liquidity.previewRecenter(v.position.id, { ...(args.width === undefined ? {} : { width: args.width }), shape: args.shape });
    const { before: b, after: a, baseAsset: base, quoteAsset: quote } = plan;
    return reply.of(
      reply.title(`Re-center #${v.index} ${plan.pool} · preview`),
      reply.text(plan.steps.map((s, i) => stepLine(s, i + 1, base, quote)).join('\n')),
      reply.fields([
        ['Range', `${range(b, quote)} → ${range(a, quote)}`],
        ['Holds', `${fmtAmount(b.base, base)} + ${fmtAmount(b.quote, quote, 2)} → ${fmtAmount(a.base, base)} + ${fmtAmount(a.quote, quote, 2)}`],
        ['Value', `${fmtUsd(b.valueUsd)} → ${fmtUsd(a.valueUsd)} (${fmtSignedUsd(a.valueUsd - b.valueUsd)})`],
        ['Delta', `${fmtQty(b.delta)} → ${fmtQty(a.delta)} ${base}`],
      ]),
      ...plan.notes.map((n) => reply.muted(n)),
      reply.text('Preview only: sending re-center transactions (with Confirm) is not built yet. Nothing was sent.', 'warning'),
      reply.buttons([await buttons.command('Bins', 'bins', [String(v.index)]), await buttons.command('All LPs', 'lp')]),
    );
  },
});
