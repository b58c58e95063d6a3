import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtTime, fmtUsd } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'pending',
  description: 'Plans waiting for Confirm (or still executing)',
  role: 'trader',
  group: 'Trade',
  args: {},
  async run({ services }) {
    const rows = await services.actions.pending();
    if (rows.length === 0) return reply.of(reply.title('Pending plans'), reply.text('None. /hedge, /rebalance or /protect make one.'));
    const tz = services.runtime.timeZone;
    return reply.of(
      reply.title(`Pending plans: ${rows.length}`),
      reply.table(['Id', 'Plan', { header: 'Notional', align: 'right' }, 'State', 'Expires'],
        rows.map((r) => [r.plan.id, r.plan.title, fmtUsd(r.plan.notionalUsd), r.approval.state, r.approval.state === 'pending' ? fmtTime(r.plan.expiresAt, tz) : '—'])),
      reply.muted('/cancel ID cancels a pending plan.'),
    );
  },
});
