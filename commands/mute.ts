import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, durationMs, reply } from '../src/core/index.ts';
import { ALERT_RULE_NAMES } from '../src/domain/index.ts';
import { fmtTime } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'mute',
  description: 'Silence one alert rule for a while: /mute concentration 1d (off unmutes)',
  role: 'trader',
  group: 'Alerts',
  args: {
    rule: arg.enum({ values: ALERT_RULE_NAMES, description: 'Rule to mute' }),
    duration: arg.duration({ unit: 'm', min: 1, max: 30 * 24 * 60, off: true, description: 'How long: 30m, 1h, 2d, or off' }),
  },
  async run({ args, services }) {
    const until = await services.alerts.muteRule(args.rule, durationMs(args.duration, 'm'));
    return reply.of(reply.text(until === null ? `Rule ${args.rule} unmuted.` : `Rule ${args.rule} muted until ${fmtTime(until, services.runtime.timeZone)}.`));
  },
});
