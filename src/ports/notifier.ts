import type { Reply } from '../core/reply.ts';
import type { ChatRef } from '../domain/index.ts';

export interface DeliveryOptions {
  /** Deliver without sound/notification (low-severity messages). */
  readonly silent?: boolean;
  /** Stable id of this delivery: a retry carries the same key, so a platform that deduplicates never posts it twice. */
  readonly key?: string;
}

export type DeliveryResult = { ok: true; messageId: string } | { ok: false; retryable: boolean; error: string };

/** Pushes messages nobody asked for (alerts, reports) to a chat. */
export interface Notifier {
  readonly platform: ChatRef['platform'];
  send(chat: ChatRef, message: Reply, options?: DeliveryOptions): Promise<DeliveryResult>;
}
