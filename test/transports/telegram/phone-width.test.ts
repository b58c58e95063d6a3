/**
 * Made for a phone: every command's reply, rendered for Telegram, keeps each line inside <pre> within PHONE_COLUMNS
 * (what a phone shows in monospace without wrapping). Runs every command in commands/index.ts with typical arguments
 * on the demo book (spot, perps long and short, an LP), plus the confirm cards of /hedge and /rebalance, their
 * resolved cards and the /audit after a confirmed trade (so signatures appear).
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { resolvedCard } from '../../../src/app/actions/card.ts';
import type { Reply } from '../../../src/core/reply.ts';
import { PHONE_COLUMNS, renderTelegram } from '../../../src/transports/telegram/render.ts';
import { renderReply } from '../../../src/transports/console/render.ts';
import { testApp } from '../../helpers/app.ts';
import { BROAD, everyReply } from '../../helpers/every-reply.ts';

/** What Telegram shows after parsing entities: tags removed, the four escapes decoded. */
function visible(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** Every line inside every <pre> of a reply rendered for Telegram. */
function preLines(r: Reply): string[] {
  const html = renderTelegram(r).map((p) => (p.kind === 'text' ? p.html : p.captionHtml)).join('\n');
  return [...html.matchAll(/<pre>([\s\S]*?)<\/pre>/g)].flatMap((m) => visible(m[1] ?? '').split('\n'));
}

const width = (s: string): number => [...s].length;

describe('Telegram replies fit a phone', () => {
  it.each([['the demo book', undefined], ['a broad book', BROAD]] as const)(`every line inside <pre> of every command's reply is at most ${PHONE_COLUMNS} columns: %s`, async (_name, portfolio) => {
    const replies = await everyReply(portfolio);
    // Every command is exercised.
    expect(COMMANDS.map((c) => c.name).filter((n) => !replies.has(n))).toEqual([]);
    const widest = [...replies].map(([name, rs]) => {
      const lines = rs.flatMap(preLines);
      const line = lines.reduce((a, b) => (width(b) > width(a) ? b : a), '');
      return { name, width: width(line), line };
    });
    expect(widest.filter((w) => w.width > PHONE_COLUMNS)).toEqual([]);
  }, 120_000);

  it('the console keeps full-width tables', async () => {
    const t = testApp({ mode: 'paper' });
    const text = renderReply(await t.send('/audit', 'admin')).text + renderReply(await t.send('/risk', 'admin')).text;
    expect(Math.max(...text.split('\n').map(width))).toBeGreaterThan(PHONE_COLUMNS);
  });
});

describe('signatures on the resolved card', () => {
  it('are shortened; a real one links to the explorer, a paper one has no link', async () => {
    const t = testApp({ mode: 'paper' });
    const card = await t.send('/hedge SOL', 'admin');
    await t.press(card, 'Confirm', 'admin');
    const id = /Plan ([a-z0-9]{8})/.exec(JSON.stringify(card))?.[1] ?? '';
    const record = await t.repos.approvals.get(id);
    if (!record) throw new Error(`no plan ${id}`);
    const paper = resolvedCard(record.plan, record.approval, { timeZone: 'UTC' });
    const paperHtml = renderTelegram(paper).map((p) => (p.kind === 'text' ? p.html : '')).join('\n');
    expect(paperHtml).toMatch(/<code>paper[1-9A-HJ-NP-Za-km-z]…[1-9A-HJ-NP-Za-km-z]{8}<\/code>/);
    expect(paperHtml).not.toContain('<a ');
    const sig = '5ya1LMqZbSNnrkVsUuDU7VkXNm8a9wwRHgQ7cJXkPfQ6ptiUH2jv4A1YqSNPn9PFt2yZkf1mGAhzUT2ExHBN3W';
    const live = resolvedCard(
      { ...record.plan, mode: 'live', legs: record.plan.legs.map((l) => ({ ...l, venue: 'drift' })) },
      { ...record.approval, signatures: [sig] }, { timeZone: 'UTC' },
    );
    const liveHtml = renderTelegram(live).map((p) => (p.kind === 'text' ? p.html : '')).join('\n');
    expect(liveHtml).toContain(`<a href="https://solscan.io/tx/${sig}">5ya1LM…2ExHBN3W</a>`);
    expect(renderReply(live).text).toContain(`5ya1LM…2ExHBN3W  https://solscan.io/tx/${sig}`);
  });
});
