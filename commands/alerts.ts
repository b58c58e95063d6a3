import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtTime } from '../src/shared/format.ts';

const ICON = { info: 'ℹ', warning: '⚠', critical: '🚨', emergency: '🆘' } as const;

export default defineCommand<AppServices>()({
  name: 'alerts',
  description: 'Active alerts, mutes and snoozes',
  role: 'viewer',
  group: 'Alerts',
  args: {},
  async run({ services, buttons }) {
    const tz = services.runtime.timeZone;
    const { active, mutes, snoozeUntil } = await services.alerts.overview();
    const lines = active.map((a) => `${ICON[a.level]} ${a.level.toUpperCase()} ${a.observation.title} · since ${fmtTime(a.since, tz)}${a.acknowledgedAt ? ` · acknowledged by ${a.ackedBy ?? '?'}` : ''}`);
    const muted = Object.entries(mutes).map(([rule, until]) => `${rule} until ${fmtTime(until, tz)}`);
    return reply.of(
      reply.title(active.length === 0 ? 'No active alerts' : `Active alerts (${active.length})`),
      active.length > 0 ? reply.text(lines.join('\n')) : reply.text('All rules are within their thresholds.'),
      muted.length > 0 ? reply.muted(`Muted: ${muted.join('; ')}`) : null,
      snoozeUntil ? reply.muted(`All alerts snoozed until ${fmtTime(snoozeUntil, tz)} (emergencies still come through).`) : null,
      reply.buttons([await buttons.command('↻ Refresh', 'alerts'), await buttons.command('Thresholds', 'thresholds')]),
    );
  },
});
