import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { ALERT_RULE_NAMES } from '../src/domain/index.ts';
import { fmtTime } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'mute',
  description: 'Silence one alert rule for a while: /mute concentration 1d (off unmutes)',
  role: 'trader',
  group: 'Alerts',
  args: {
    rule: arg.enum({ values: ALERT_RULE_NAMES, description: 'Rule to mute' }),
    duration: arg.string({ maxLength: 10, expected: 'a time such as 30m, 1h or 2d, or off', description: 'How long' }),
  },
  async run({ args, services }) {
    const until = await services.alerts.muteRule(args.rule, args.duration);
    return reply.of(reply.text(until === null ? `Rule ${args.rule} unmuted.` : `Rule ${args.rule} muted until ${fmtTime(until, services.runtime.timeZone)}.`));
  },
});
