/** Reading and pressing the inline buttons of a card the bot sent to the fake Telegram server. */
import type { CallbackAnswer, FakeTelegramBotApi, SentMessage } from '../fakes/telegram-bot-api.ts';

/** The labels of a message's inline buttons, row by row flattened. */
export function buttonLabels(m: SentMessage): string[] {
  return m.replyMarkup?.inline_keyboard.flat().map((b) => b.text) ?? [];
}

/** The callback data of the button labelled `label` (throws naming the buttons there are). */
export function dataOf(m: SentMessage, label: string): string {
  const b = m.replyMarkup?.inline_keyboard.flat().find((x) => x.text === label);
  if (!b?.callback_data) throw new Error(`no ${label} button in ${buttonLabels(m).join(', ')}`);
  return b.callback_data;
}

/** Presses `label` on `m` as `user` and waits for the bot's callback answer. */
export async function pressButton(tg: FakeTelegramBotApi, m: SentMessage, label: string, user: { userId: number; firstName: string }, timeoutMs = 30_000): Promise<CallbackAnswer> {
  const id = tg.userPresses(m.messageId, dataOf(m, label), { userId: user.userId, chatId: m.chatId, firstName: user.firstName, anyData: true }).callback_query!.id;
  const e = await tg.waitFor((x) => x.kind === 'callbackAnswer' && x.answer.callbackQueryId === id, timeoutMs);
  if (e.kind !== 'callbackAnswer') throw new Error('unreachable');
  return e.answer;
}

/** Waits until `m` has at least `versions` versions (sent + edits) and returns it. */
export function editedTo(tg: FakeTelegramBotApi, m: SentMessage, versions: number, timeoutMs = 30_000): Promise<SentMessage> {
  return tg.waitForMessage((x) => x.chatId === m.chatId && x.messageId === m.messageId && x.versions.length >= versions, timeoutMs);
}
