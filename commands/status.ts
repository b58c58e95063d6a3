import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { fmtDuration, fmtTime } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'status',
  description: 'Mode, venues, data age and version',
  role: 'viewer',
  group: 'General',
  args: {},
  async run({ services }) {
    const p = await services.portfolio.refresh();
    const rt = services.runtime;
    const now = services.clock.now();
    const jobs = services.monitor.jobs();
    return reply.of(
      reply.title(`Vigil ${rt.version}`),
      reply.fields([
        ['Venues', rt.venueMode === 'paper' ? 'paper (simulated)' : 'live'],
        ['Execution', rt.executionMode],
        ['Chat', rt.transport],
        ['Up', fmtDuration(now - rt.startedAt)],
        ['Storage', rt.storage],
        ['Time zone', rt.timeZone],
      ]),
      reply.table(['Venue', 'State', { header: 'Data age', align: 'right' }], p.venues.map((v) => [
        v.label, v.ok ? 'ok' : `error: ${v.error ?? 'no data'}`, v.asOf > 0 ? fmtDuration(now - v.asOf) : '—',
      ])),
      jobs.length > 0 ? reply.table(['Job', { header: 'Last run', align: 'right' }, 'State'], jobs.map((j) => [
        j.name, j.lastEnd === null ? '—' : `${fmtDuration(Date.now() - j.lastEnd)} ago`,
        j.lastOk === null ? 'pending' : j.lastOk ? `ok ×${j.runs}` : `failed ${j.failures}×: ${(j.lastError ?? '').slice(0, 40)}`,
      ])) : null,
      reply.muted(`Now ${fmtTime(now, rt.timeZone)}`),
    );
  },
});
