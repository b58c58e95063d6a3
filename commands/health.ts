import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtHealth, fmtPrice, fmtSignedPct, fmtUsd } from '../src/shared/format.ts';

const VERDICT = {
  ok: 'Healthy.',
  warning: 'Warning: margin is getting thin. Consider adding collateral or reducing size.',
  critical: 'Critical: liquidation is close. Reduce positions or add collateral now.',
  emergency: 'Emergency: liquidation is imminent.',
} as const;

export default defineCommand<AppServices>()({
  name: 'health',
  description: 'Health ratio and distance to every liquidation price',
  role: 'viewer',
  group: 'Portfolio',
  args: {},
  async run({ services, buttons }) {
    const p = await services.portfolio.refresh();
    const h = services.views.health(p);
    const rows = h.liquidations.map((l) => [
      l.market, fmtPrice(l.mark), l.liquidationPrice === null ? 'none' : fmtPrice(l.liquidationPrice),
      l.distance === null ? '—' : fmtSignedPct(l.distance, 1),
    ]);
    return reply.of(
      reply.title(`Health ${fmtHealth(h.health)}`),
      reply.text(VERDICT[h.tier], h.tier === 'ok' ? 'body' : h.tier === 'warning' ? 'warning' : 'error'),
      reply.fields([
        ['Maint. margin', fmtUsd(h.maintenanceMarginUsd)],
        ['Maint. collateral', fmtUsd(h.maintenanceCollateralUsd)],
        ['Free collateral', fmtUsd(h.freeCollateralUsd)],
        ...(h.nearest && h.nearest.distance !== null
          ? [['Nearest liq.', `${h.nearest.market} at ${fmtPrice(h.nearest.liquidationPrice)} (${fmtSignedPct(h.nearest.distance, 1)})`] as [string, string]]
          : []),
      ]),
      rows.length > 0
        ? reply.table(['Market', { header: 'Mark', align: 'right' }, { header: 'Liq.', align: 'right' }, { header: 'Dist.', align: 'right' }], rows,
          // A phone drops the mark (it is in /prices): liquidation price and distance are what this answer is for.
          reply.table(['Market', { header: 'Liq.', align: 'right' }, { header: 'Dist.', align: 'right' }], rows.map(([m, , liq, dist]) => [m ?? '', liq ?? '', dist ?? ''])))
        : reply.text('No margin positions: nothing can be liquidated.'),
      reply.muted('Liquidation prices move one asset at a time, others held fixed (as Drift computes them).'),
      reply.buttons([await buttons.command('↻ Refresh', 'health')]),
    );
  },
});
