/**
 * A terminal chat: type commands, press buttons by their number. Works with piped stdin (lines handled strictly in
 * order) and ends cleanly on EOF, `quit`, or Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { encodeActionRef, type ImageBlock, type Reply } from '../../core/reply.ts';
import type { Dispatcher } from '../../core/dispatcher.ts';
import type { Actor, ChatRef } from '../../domain/index.ts';
import type { DeliveryResult, Notifier } from '../../ports/index.ts';
import { renderReply } from './render.ts';
import type { Button } from '../../core/reply.ts';

export interface ConsoleOptions<S> {
  readonly input: Readable & { isTTY?: boolean };
  readonly output: Writable;
  readonly dispatcher: Dispatcher<S>;
  readonly actor: Actor;
  /** Where PNG images are saved so the user can open them; without it images are only named. */
  readonly imageDir?: string;
}

export const CONSOLE_CHAT: ChatRef = { platform: 'console', chatId: 'terminal' };

export class ConsoleTransport<S> implements Notifier {
  readonly platform = 'console' as const;
  private buttons: readonly Button[] = [];
  private sent = 0;
  private closeRequested: (() => void) | undefined;
  private outputClosed = false;

  private readonly opts: ConsoleOptions<S>;

  constructor(opts: ConsoleOptions<S>) {
    this.opts = opts;
    // A reader that goes away (`npm start | head`) ends the chat like EOF does, instead of crashing on EPIPE.
    opts.output.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      this.outputClosed = true;
      this.close();
    });
  }

  private write(text: string): void {
    if (!this.outputClosed) this.opts.output.write(text);
  }

  /** Prints a reply (commands, alerts) and remembers its buttons for numbered choices. */
  print(reply: Reply, heading?: string): void {
    const r = renderReply(reply, this.saveImages(reply));
    if (r.buttons.length > 0) this.buttons = r.buttons;
    this.write(`${heading ? `${heading}\n` : ''}${r.text}\n\n`);
  }

  private saveImages(reply: Reply): Map<ImageBlock, string> {
    const saved = new Map<ImageBlock, string>();
    const dir = this.opts.imageDir;
    if (!dir) return saved;
    for (const b of reply.blocks) {
      if (b.kind !== 'image') continue;
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${Date.now()}-${b.filename.replace(/[^A-Za-z0-9._-]/g, '_')}`);
      writeFileSync(path, b.png);
      saved.set(b, path);
    }
    return saved;
  }

  send(_chat: ChatRef, message: Reply): Promise<DeliveryResult> {
    this.print(message, '🔔');
    this.sent += 1;
    return Promise.resolve({ ok: true, messageId: `console-${this.sent}` });
  }

  /** Stops reading input; run() then resolves. */
  close(): void {
    this.closeRequested?.();
  }

  /** Reads lines until EOF or quit; resolves when input is done and every line has been answered. */
  async run(): Promise<void> {
    const interactive = Boolean(this.opts.input.isTTY);
    const rl = createInterface({ input: this.opts.input, output: interactive ? this.opts.output : undefined, terminal: interactive });
    this.closeRequested = () => rl.close();
    rl.on('SIGINT', () => rl.close());
    if (interactive) {
      this.write('Vigil console. Type /help, a button number, or quit.\n');
      rl.setPrompt('vigil> ');
      rl.prompt();
    }
    for await (const raw of rl) {
      if (this.outputClosed) break;
      const line = raw.trim();
      if (line === 'quit' || line === 'exit') break;
      if (line.length > 0) await this.handle(line);
      if (interactive) rl.prompt();
    }
    rl.close();
  }

  private async handle(line: string): Promise<void> {
    const { dispatcher, actor } = this.opts;
    if (/^\d+$/.test(line)) {
      const button = this.buttons[Number(line) - 1];
      if (!button) {
        this.write(this.buttons.length === 0 ? 'No buttons to press. Type a command such as /help.\n\n' : `Choose 1 to ${this.buttons.length}.\n\n`);
        return;
      }
      const result = await dispatcher.handlePress({ actor, chat: CONSOLE_CHAT, data: encodeActionRef(button.action) });
      if (result.toast) this.write(`(${result.toast})\n`);
      if (result.reply) this.print(result.reply, result.edit ? '(updated)' : undefined);
      else if (result.toast) this.write('\n');
      return;
    }
    const reply = await dispatcher.handleText({ actor, chat: CONSOLE_CHAT, text: line });
    if (reply) this.print(reply);
    else this.write('Commands start with a slash, e.g. /portfolio. Type /help for the list.\n\n');
  }
}
