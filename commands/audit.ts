import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { fmtSignature, fmtTime } from '../src/shared/format.ts';

/** Details whose value alone says what it is (a plan id, its kind and mode): the phone layout drops their names. */
const SELF_EVIDENT = new Set(['planId', 'kind', 'mode']);

/**
 * The detail worth a glance: plan id, outcome, error, signatures (shortened); the rest is in the state file.
 * `terse`: self-evident values without their names, for a phone.
 */
function gist(detail: Readonly<Record<string, unknown>>, terse = false): string {
  const parts: string[] = [];
  for (const k of ['planId', 'kind', 'mode', 'from', 'error', 'reason', 'key', 'to', 'source', 'signatures']) {
    const v = detail[k];
    if (v === undefined || v === null) continue;
    const text = k === 'signatures' && Array.isArray(v) ? v.map((x) => fmtSignature(String(x))).join(',') : typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(terse && SELF_EVIDENT.has(k) ? text : `${k === 'signatures' ? 'sig' : k}=${text}`);
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
    const newest = rows.slice().reverse();
    return reply.of(
      reply.title(`Audit log: last ${rows.length}`),
      reply.table(['Time', 'Who', 'What', 'Detail'], newest.map((e) => [fmtTime(e.at, tz), e.actor, e.action, gist(e.detail)]),
        // A phone stacks each entry: "11-21 09:00 UTC plan.executed" over who and the detail (the year is dropped).
        reply.table(['', ''], newest.map((e) => [`${fmtTime(e.at, tz).slice(5)} ${e.action}`, `${e.actor} · ${gist(e.detail, true)}`]))),
    );
  },
});
