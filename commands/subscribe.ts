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
    return reply.of(reply.text(added ? 'This chat now receives alerts. /quiet sets quiet hours; /unsubscribe stops them.' : 'This chat already receives alerts.'));
  },
});
