import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'quiet',
  description: 'Quiet hours for this chat: /quiet 22:30-07:00, /quiet off, or /quiet to see them',
  role: 'trader',
  group: 'Alerts',
  help: 'Warnings wait until the quiet hours end; critical alerts always come through.',
  args: {
    range: arg.string({ optional: true, pattern: /^(off|\d\d:\d\d-\d\d:\d\d)$/i, expected: 'HH:MM-HH:MM such as 22:30-07:00, or off' }),
    tz: arg.string({ optional: true, maxLength: 40, description: 'IANA time zone, default the bot’s' }),
  },
  async run({ args, chat, services }) {
    if (args.range === undefined) {
      // Alone: what this chat has now.
      const sub = await services.notifications.subscriptionOf(chat);
      if (!sub) return reply.of(reply.text('This chat does not receive alerts, so it has no quiet hours. /subscribe first.'));
      return reply.of(reply.text(sub.quiet
        ? `Quiet hours ${sub.quiet.from}–${sub.quiet.to} (${sub.quiet.timeZone}). Critical alerts still come through. /quiet off ends them.`
        : 'No quiet hours: alerts come at any time. /quiet 22:30-07:00 sets them.'));
    }
    const q = await services.notifications.setQuietText(chat, args.range, args.tz ?? services.runtime.timeZone);
    if (!q) return reply.of(reply.text('Quiet hours off: alerts come at any time.'));
    return reply.of(reply.text(`Quiet hours ${q.from}–${q.to} (${q.timeZone}). Critical alerts still come through.`));
  },
});
