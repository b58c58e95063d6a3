import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtDuration, fmtHealth, fmtLeverage, fmtSignedUsd, fmtTime, fmtUnpriced, fmtUsd } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'portfolio',
  description: 'Total value, PnL, margin, leverage and health',
  role: 'viewer',
  group: 'Portfolio',
  args: {},
  async run({ services, buttons }) {
    const p = await services.portfolio.refresh();
    const count = (k: string): number => p.positions.filter((x) => x.kind === k && !(x.kind === 'spot' && x.asset === 'USDC')).length;
    const stale = p.venues.filter((v) => !v.ok);
    return reply.of(
      reply.title('Portfolio'),
      reply.fields([
        ['Total value', fmtUsd(p.totalValueUsd)],
        ['Unrealised PnL', fmtSignedUsd(p.unrealizedPnlUsd)],
        ['Realised PnL', fmtSignedUsd(p.realizedPnlUsd)],
        ['Margin used', fmtUsd(p.marginUsedUsd)],
        ['Free collateral', fmtUsd(p.marginAvailableUsd)],
        ['Leverage', fmtLeverage(p.leverage)],
        ['Health', fmtHealth(p.health)],
        ['Positions', `${count('perp')} perp · ${count('spot')} spot · ${count('lp')} LP`],
      ]),
      p.unpriced.length > 0 ? reply.muted(fmtUnpriced(p.unpriced)) : null,
      stale.length > 0 ? reply.text(`⚠ Stale: ${stale.map((v) => `${v.label} (${v.error ?? 'no data'})`).join('; ')}`, 'warning') : null,
      reply.muted(`Updated ${fmtTime(p.asOf, services.runtime.timeZone)} (${fmtDuration(services.portfolio.dataAgeMs())} ago)`),
      reply.buttons([await buttons.command('↻ Refresh', 'portfolio'), await buttons.command('Positions', 'positions')]),
    );
  },
});
