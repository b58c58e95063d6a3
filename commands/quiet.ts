import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'quiet',
  description: 'Quiet hours for this chat: /quiet 22:30-07:00, or /quiet off',
  role: 'trader',
  group: 'Alerts',
  help: 'Warnings wait until the quiet hours end; critical alerts always come through.',
  args: {
    range: arg.string({ pattern: /^(off|\d\d:\d\d-\d\d:\d\d)$/i, expected: 'HH:MM-HH:MM such as 22:30-07:00, or off' }),
    tz: arg.string({ optional: true, maxLength: 40, description: 'IANA time zone, default the bot’s' }),
  },
  async run({ args, chat, services }) {
    const q = await services.notifications.setQuietText(chat, args.range, args.tz ?? services.runtime.timeZone);
    if (!q) return reply.of(reply.text('Quiet hours off: alerts come at any time.'));
    return reply.of(reply.text(`Quiet hours ${q.from}–${q.to} (${q.timeZone}). Critical alerts still come through.`));
  },
});
