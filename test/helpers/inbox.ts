/** A Telegram-platform notifier that keeps what it is sent: the alert tests' inbox. */
import type { Reply } from '../../src/core/reply.ts';
import type { ChatRef } from '../../src/domain/index.ts';
import type { DeliveryResult, Notifier } from '../../src/ports/index.ts';

export class Inbox implements Notifier {
  readonly platform = 'telegram' as const;
  readonly got: Reply[] = [];
  send(_chat: ChatRef, message: Reply): Promise<DeliveryResult> {
    this.got.push(message);
    return Promise.resolve({ ok: true, messageId: String(this.got.length) });
  }
}
