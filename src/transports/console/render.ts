/** Reply → plain terminal text. Pure; buttons become numbered choices. */
import { pad, renderTable, textWidth } from '../../core/layout.ts';
import type { Block, Button, ImageBlock, Reply } from '../../core/reply.ts';

export { renderTable };

export interface RenderedText {
  readonly text: string;
  /** Buttons in the order they were numbered (choice n is buttons[n-1]). */
  readonly buttons: readonly Button[];
}

function renderBlock(b: Block, buttons: Button[], images: ReadonlyMap<ImageBlock, string>): string {
  switch (b.kind) {
    case 'text':
      switch (b.style) {
        case 'title': return `== ${b.text} ==`;
        case 'error': return `✖ ${b.text}`;
        case 'warning': return `⚠ ${b.text}`;
        case 'muted': return `  ${b.text}`;
        default: return b.text;
      }
    case 'fields': {
      const w = Math.max(...b.fields.map((f) => textWidth(f.label)));
      return b.fields.map((f) => `  ${pad(f.label, w, 'left')}  ${f.value}`).join('\n');
    }
    case 'table':
      return renderTable(b);
    case 'link':
      // A terminal cannot hide a URL behind text: print it.
      return `${b.text}  ${b.url}`;
    case 'image':
      return images.has(b) ? `[chart: ${b.alt}] saved to ${images.get(b) ?? ''}` : `[chart: ${b.alt}]`;
    case 'divider':
      return '';
    case 'buttons':
      return b.buttons.map((btn) => {
        buttons.push(btn);
        return `[${buttons.length}] ${btn.label}`;
      }).join('  ');
  }
}

/** `images` maps image blocks to where the transport saved them (a terminal cannot show a PNG inline). */
export function renderReply(reply: Reply, images: ReadonlyMap<ImageBlock, string> = new Map()): RenderedText {
  const buttons: Button[] = [];
  const text = reply.blocks.map((b) => renderBlock(b, buttons, images)).join('\n');
  return { text, buttons };
}
