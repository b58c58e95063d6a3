import type { AppServices } from '../src/app/services.ts';
import { defineCommand, reply } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'unsubscribe',
  description: 'Stop sending alerts to this chat',
  role: 'trader',
  group: 'Alerts',
  args: {},
  async run({ chat, services }) {
    const removed = await services.notifications.unsubscribe(chat);
    return reply.of(reply.text(removed ? 'This chat no longer receives alerts.' : 'This chat was not receiving alerts.'));
  },
});
