import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { fmtTime } from '../src/shared/format.ts';

/** The detail worth a glance: plan id, outcome, error; the rest is in the state file. */
function gist(detail: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const k of ['planId', 'kind', 'mode', 'from', 'error', 'reason', 'key', 'to', 'source']) {
    const v = detail[k];
    if (v === undefined || v === null) continue;
    parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join(' ').slice(0, 160);
}

export default defineCommand<AppServices>()({
  name: 'audit',
  description: 'The last N audit entries: plans, confirms, fills, settings changes',
  role: 'trader',
  group: 'Trade',
  args: {
    n: arg.number({ default: 10, min: 1, max: 100, integer: true, description: 'How many (1–100)' }),
  },
  async run({ args, services }) {
    const rows = await services.actions.audit(args.n);
    if (rows.length === 0) return reply.of(reply.title('Audit log'), reply.text('Empty.'));
    const tz = services.runtime.timeZone;
    return reply.of(
      reply.title(`Audit log: last ${rows.length}`),
      reply.table(['Time', 'Who', 'What', 'Detail'], rows.slice().reverse().map((e) => [fmtTime(e.at, tz), e.actor, e.action, gist(e.detail)])),
    );
  },
});
