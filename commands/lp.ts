import type { AppServices } from '../src/app/services.ts';
import type { LpView } from '../src/app/lp-view.ts';
import { defineCommand, reply, type Block } from '../src/core/index.ts';
import { fmtAmount, fmtDuration, fmtPct, fmtPriceIn, fmtQty, fmtSignedPct, fmtSignedUsd, fmtTime, fmtUsd } from '../src/shared/format.ts';

/** "in range · 5↓ 5↑" or "OUT OF RANGE (3 bins above)". */
function rangeLine(v: LpView): string {
  if (v.position.inRange) return `in range · ${v.binsToLower} bins to lower, ${v.binsToUpper} to upper`;
  return v.binsToUpper < 0
    ? `OUT OF RANGE: price ${-v.binsToUpper} bins above it (all ${v.position.quoteAsset})`
    : `OUT OF RANGE: price ${-v.binsToLower} bins below it (all ${v.position.baseAsset})`;
}

function card(v: LpView, timeZone: string): Block[] {
  const p = v.position;
  const q = p.quoteAsset;
  const since = p.trackedSince !== undefined ? fmtTime(p.trackedSince, timeZone) : 'first seen';
  return [
    reply.title(`#${v.index} ${p.pool} ${p.venue === 'saros' ? 'Saros' : p.venue} LP · ${p.inRange ? '✓' : '⚠'} ${rangeLine(v)}`),
    reply.fields([
      ['Value', `${fmtUsd(p.valueUsd)} (${fmtAmount(p.baseAmount, p.baseAsset)} + ${fmtAmount(p.quoteAmount, q, 2)})`],
      ['Range', `${fmtPriceIn(p.priceLower, q)} – ${fmtPriceIn(p.priceUpper, q)}`],
      ['Pool / oracle', `${fmtPriceIn(v.poolPrice, q)} / ${fmtPriceIn(v.oraclePrice, q)} (${fmtSignedPct(v.divergence, 2)})`],
      ['Mix', `${fmtPct(v.baseShare, 0)} ${p.baseAsset} · ${fmtPct(1 - v.baseShare, 0)} ${q}`],
      ['Delta', `${fmtQty(v.delta)} ${p.baseAsset} · gamma ${fmtQty(v.gamma, 6)} ${p.baseAsset} per ${q}`],
      ['PnL', p.depositedUsd > 0n ? `${fmtSignedUsd(v.pnlUsd)} (${fmtSignedPct(Number(v.pnlUsd) / Number(p.depositedUsd), 2)}) since ${since}` : '—'],
      ['Fees', p.trackedSince !== undefined ? `≈ ${fmtUsd(p.feesUsd)} since ${since} (estimate, inside the value)` : fmtUsd(p.feesUsd)],
      ...(v.vsHodlUsd !== undefined ? [['vs HODL', `${fmtSignedUsd(v.vsHodlUsd)} (price moves, fees excluded)`] as [string, string]] : []),
    ]),
  ];
}

export default defineCommand<AppServices>()({
  name: 'lp',
  description: 'Liquidity positions: value, range, pool vs oracle price, delta, PnL',
  role: 'viewer',
  group: 'Portfolio',
  args: {},
  async run({ services, buttons }) {
    const p = await services.portfolio.refresh();
    const views = services.views.lps(p);
    const nav = [await buttons.command('↻ Refresh', 'lp')];
    for (const v of views.slice(0, 3)) nav.push(await buttons.command(`Bins #${v.index}`, 'bins', [String(v.index)]));
    return reply.of(
      reply.title('Liquidity positions'),
      ...(views.length === 0
        ? [reply.text('No liquidity positions. Set SAROS_WALLETS to watch your Saros DLMM positions.')]
        : views.flatMap((v, i) => [...(i > 0 ? [reply.divider()] : []), ...card(v, services.runtime.timeZone)])),
      reply.muted(`Updated ${fmtTime(p.asOf, services.runtime.timeZone)} (${fmtDuration(services.portfolio.dataAgeMs())} ago)`),
      reply.buttons(nav),
    );
  },
});
