import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtTime, fmtUsd } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'pending',
  description: 'Plans waiting for Confirm (or still executing)',
  role: 'trader',
  group: 'Trade',
  args: {},
  async run({ services, actor }) {
    const rows = await services.actions.pending();
    if (rows.length === 0) return reply.of(reply.title('Pending plans'), reply.text('None. /hedge, /rebalance or /protect make one.'));
    const tz = services.runtime.timeZone;
    // Offer /cancel only for plans this person may cancel (their own, or any for an admin): the gate refuses the rest.
    const mine = rows.filter((r) => r.approval.state === 'pending' && services.actions.canCancel(r.plan, actor)).map((r) => r.plan.id);
    const all = rows.filter((r) => r.approval.state === 'pending').length;
    const hint = all === 0 ? null
      : mine.length === 0 ? 'Only the trader who asked for a plan, or an admin, can cancel it.'
        : mine.length === all ? '/cancel ID cancels a pending plan.'
          : `/cancel ID cancels a pending plan you asked for (${mine.join(', ')}); the others only their trader or an admin can cancel.`;
    const table = rows.map((r) => [r.plan.id, r.plan.title, r.plan.requestedByName, fmtUsd(r.plan.notionalUsd), r.approval.state, r.approval.state === 'pending' ? fmtTime(r.plan.expiresAt, tz) : '—']);
    return reply.of(
      reply.title(`Pending plans: ${rows.length}`),
      reply.table(['Id', 'Plan', 'By', { header: 'Notional', align: 'right' }, 'State', 'Expires'], table,
        // A phone stacks each plan under its title.
        reply.table(['Plan', 'Id', 'By', 'Notional', 'State', 'Expires'], table.map(([id = '', plan = '', ...rest]) => [plan, id, ...rest]))),
      hint ? reply.muted(hint) : null,
    );
  },
});
