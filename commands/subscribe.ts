import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'subscribe',
  description: 'Send alerts and the daily report to this chat',
  role: 'trader',
  group: 'Alerts',
  help: 'In a group, everyone in the group will see the alerts.',
  args: {},
  async run({ chat, services }) {
    const added = await services.notifications.subscribe(chat);
    if (added) return reply.of(reply.text('This chat now receives alerts. /quiet sets quiet hours; /unsubscribe stops them.'));
    // Already subscribed: say what this chat has, quiet hours included.
    const q = (await services.notifications.subscriptionOf(chat))?.quiet;
    return reply.of(reply.text(`This chat already receives alerts${q ? `, quiet ${q.from}–${q.to} (${q.timeZone})` : ', at any time (no quiet hours)'}. /unsubscribe stops them.`));
  },
});
