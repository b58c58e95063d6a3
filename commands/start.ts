import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtHealth, fmtSignedUsd, fmtUsd } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'start',
  description: 'Welcome and a one-line summary of your portfolio',
  role: 'viewer',
  group: 'General',
  args: {},
  async run({ services, actor, buttons }) {
    const p = await services.portfolio.current();
    const mode = services.runtime.venueMode === 'paper' ? 'paper venue (simulated market, no real funds)' : 'live venues';
    return reply.of(
      reply.title(`Hi ${actor.displayName}, this is Vigil.`),
      reply.text(`I watch your Solana portfolio on the ${mode}, warn you before liquidation and ask before any trade.`),
      reply.fields([
        ['Value', fmtUsd(p.totalValueUsd)],
        ['Unrealised PnL', fmtSignedUsd(p.unrealizedPnlUsd)],
        ['Health', fmtHealth(p.health)],
      ]),
      reply.buttons([
        await buttons.command('Portfolio', 'portfolio'),
        await buttons.command('Health', 'health'),
        await buttons.command('Help', 'help'),
      ]),
    );
  },
});
