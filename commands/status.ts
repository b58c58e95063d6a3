import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';
import { roleAllows } from '../src/domain/index.ts';
import { fmtDuration, fmtTime } from '../src/shared/format.ts';

/** Absolute paths (POSIX, home-relative, Windows) standing alone in a text: not after a word, a scheme or another slash. */
const PATH = /(?<![\w.:/\\-])(?:~?\/[\w.@+-]+(?:\/[\w.@+-]*)*|[A-Za-z]:\\[^\s'"]*)/g;

/** `text` with server paths replaced by "[path]": where the bot keeps its files is for admins only. */
function withoutPaths(text: string): string {
  return text.replace(PATH, '[path]');
}

/** The storage line for non-admins: what kind of store, without its location (which may be a relative path too). */
function storageKind(storage: string): string {
  return /[/\\]/.test(storage) ? 'state file (location shown to admins)' : storage;
}

export default defineCommand<AppServices>()({
  name: 'status',
  description: 'Mode, venues, data age and version',
  role: 'viewer',
  group: 'General',
  args: {},
  async run({ services, actor }) {
    const p = await services.portfolio.refresh();
    const rt = services.runtime;
    // Viewers and traders see that state is kept, not where: server paths help an attacker more than a reader.
    const admin = roleAllows(actor.role ?? 'viewer', 'admin');
    const safe = admin ? (t: string): string => t : withoutPaths;
    const now = services.clock.now();
    const jobs = services.monitor.jobs();
    return reply.of(
      reply.title(`Vigil ${rt.version}`),
      reply.fields([
        ['Venues', rt.venueMode === 'paper' ? 'paper (simulated)' : 'live'],
        ['Execution', rt.executionMode],
        ['Chat', rt.transport],
        ['Up', fmtDuration(now - rt.startedAt)],
        ['Storage', admin ? rt.storage : storageKind(rt.storage)],
        ['Time zone', rt.timeZone],
      ]),
      reply.table(['Venue', 'State', { header: 'Data age', align: 'right' }], p.venues.map((v) => [
        v.label, v.ok ? 'ok' : `error: ${safe(v.error ?? 'no data')}`, v.asOf > 0 ? fmtDuration(now - v.asOf) : '—',
      ])),
      jobs.length > 0 ? reply.table(['Job', { header: 'Last run', align: 'right' }, 'State'], jobs.map((j) => [
        j.name, j.lastEnd === null ? '—' : `${fmtDuration(Date.now() - j.lastEnd)} ago`,
        j.lastOk === null ? 'pending' : j.lastOk ? `ok ×${j.runs}` : `failed ${j.failures}×: ${safe(j.lastError ?? '').slice(0, 40)}`,
      ])) : null,
      reply.muted(`Now ${fmtTime(now, rt.timeZone)}`),
    );
  },
});
