import type { AppServices } from '../src/app/services.ts';
import type { PositionView } from '../src/app/views.ts';
import { arg, defineCommand, reply, UserError, type Block } from '../src/core/index.ts';
import {
  fmtAmount, fmtDuration, fmtPct, fmtPrice, fmtSignedPct, fmtSignedUsd, fmtTime, fmtUnpriced, fmtUsd,
} from '../src/shared/format.ts';

const PAGE_SIZE = 6;

function pnl(usd: bigint, fraction: number | null): string {
  return fraction === null ? fmtSignedUsd(usd) : `${fmtSignedUsd(usd)} (${fmtSignedPct(fraction)})`;
}

function liq(v: PositionView, price: number | null): string {
  if (price === null || v.liquidationDistance === null) return 'none';
  return `${fmtPrice(price)} (${fmtSignedPct(v.liquidationDistance, 1)})`;
}

function card(v: PositionView): Block[] {
  const p = v.position;
  switch (p.kind) {
    case 'perp': {
      const side = p.base.raw > 0n ? 'long' : 'short';
      return [
        reply.title(`${p.market} · ${side} ${fmtAmount({ raw: p.base.raw < 0n ? -p.base.raw : p.base.raw, decimals: p.base.decimals }, p.market.replace(/-PERP$/, ''))}`),
        reply.fields([
          ['Entry → mark', `${fmtPrice(p.entryPrice)} → ${fmtPrice(p.markPrice)}`],
          ['PnL', pnl(p.unrealizedPnlUsd, v.pnlFraction)],
          ['Funding', fmtSignedUsd(p.fundingPnlUsd)],
          ['Liq. price', liq(v, p.liquidationPrice)],
          ['Margin', `${fmtUsd(p.initialMarginUsd)} init · ${fmtUsd(p.maintenanceMarginUsd)} maint`],
          ['Notional', `${fmtUsd(p.notionalUsd)} · ${fmtPct(v.share, 1)} of gross exposure`],
        ]),
      ];
    }
    case 'spot': {
      const cash = p.asset === 'USDC';
      return [
        reply.title(`${p.asset} · ${p.amount.raw < 0n ? 'borrow' : 'spot'} ${fmtAmount(p.amount, p.asset)}`),
        reply.fields([
          ['Value', fmtUsd(p.valueUsd)],
          ...(cash ? [] : [
            ['Entry → mark', `${fmtPrice(p.entryPrice)} → ${fmtPrice(p.markPrice)}`] as [string, string],
            ['PnL', p.unrealizedPnlUsd === null ? 'unknown cost' : pnl(p.unrealizedPnlUsd, v.pnlFraction)] as [string, string],
            ['Liq. price', liq(v, p.liquidationPrice)] as [string, string],
            ['Share', `${fmtPct(v.share, 1)} of gross exposure`] as [string, string],
          ]),
        ]),
      ];
    }
    case 'lp':
      return [
        reply.title(`${p.pool} LP · ${p.inRange ? 'in range' : 'OUT OF RANGE'}`),
        reply.fields([
          ['Value', `${fmtUsd(p.valueUsd)} (${fmtAmount(p.baseAmount, p.baseAsset)} + ${fmtAmount(p.quoteAmount, p.quoteAsset, 2)})`],
          ['Range', `${fmtPrice(p.priceLower)} – ${fmtPrice(p.priceUpper)} · mark ${fmtPrice(p.markPrice)}`],
          ['Bins', `${p.lowerBinId}…${p.upperBinId} (active ${p.activeBinId}, step ${p.binStep} bp)`],
          ['PnL vs deposit', pnl(p.valueUsd - p.depositedUsd, v.pnlFraction)],
          ['Fees earned', fmtUsd(p.feesUsd)],
          ['Share', `${fmtPct(v.share, 1)} of gross exposure`],
        ]),
      ];
  }
}

export default defineCommand<AppServices>()({
  name: 'positions',
  description: 'Every position: size, entry, mark, PnL, liquidation price, margin, share',
  role: 'viewer',
  group: 'Portfolio',
  args: {
    kind: arg.enum({ values: ['all', 'perp', 'spot', 'lp'], default: 'all', description: 'Which positions to list' }),
    page: arg.number({ integer: true, min: 1, default: 1, description: 'Page number' }),
  },
  async run({ args, services, buttons, via }) {
    const p = await services.portfolio.refresh();
    const views = services.views.positions(p).filter((v) => args.kind === 'all' || v.position.kind === args.kind);
    const pages = Math.max(1, Math.ceil(views.length / PAGE_SIZE));
    // A typed page past the end is a mistake worth saying; a ▶ pressed after positions closed just shows the last page.
    if (args.page > pages && via === 'text') {
      throw new UserError('bad_argument', `page ${args.page}: there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`} of ${args.kind === 'all' ? '' : `${args.kind} `}positions (${views.length}).`, `Try /positions ${args.kind} ${pages}`);
    }
    const page = Math.min(args.page, pages);
    const shown = views.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    const nav = [];
    if (page > 1) nav.push(await buttons.command('◀', 'positions', [args.kind, String(page - 1)]));
    nav.push(await buttons.command('↻ Refresh', 'positions', [args.kind, String(page)]));
    if (page < pages) nav.push(await buttons.command('▶', 'positions', [args.kind, String(page + 1)]));
    const header = `Positions${args.kind === 'all' ? '' : ` (${args.kind})`}${pages > 1 ? ` · page ${page}/${pages}` : ''}`;
    return reply.of(
      reply.title(header),
      ...(shown.length === 0 ? [reply.text(args.kind === 'all' ? 'No open positions.' : `No ${args.kind} positions.`)] : shown.flatMap((v, i) => [...(i > 0 ? [reply.divider()] : []), ...card(v)])),
      args.kind === 'all' || args.kind === 'spot'
        ? p.unpriced.length > 0 ? reply.muted(fmtUnpriced(p.unpriced)) : null
        : null,
      reply.muted(`Updated ${fmtTime(p.asOf, services.runtime.timeZone)} (${fmtDuration(services.portfolio.dataAgeMs())} ago)`),
      reply.buttons(nav),
    );
  },
});
