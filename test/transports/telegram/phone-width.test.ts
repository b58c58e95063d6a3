/**
 * Made for a phone: every command's reply, rendered for Telegram, keeps each line inside <pre> within PHONE_COLUMNS
 * (what a phone shows in monospace without wrapping). Runs every command in commands/index.ts with typical arguments
 * on the demo book (spot, perps long and short, an LP), plus the confirm cards of /hedge and /rebalance, their
 * resolved cards and the /audit after a confirmed trade (so signatures appear).
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { resolvedCard } from '../../../src/app/actions/card.ts';
import { buttonsOf, type Reply } from '../../../src/core/reply.ts';
import { PHONE_COLUMNS, renderTelegram } from '../../../src/transports/telegram/render.ts';
import { renderReply } from '../../../src/transports/console/render.ts';
import type { StartingPortfolio } from '../../../src/venues/paper/portfolio-file.ts';
import { testApp } from '../../helpers/app.ts';

/** Many assets and perps (long and short, a large BONK perp): wide matrices and long market names. */
const BROAD: StartingPortfolio = {
  spot: [
    { asset: 'USDC', amount: '250000' }, { asset: 'SOL', amount: '900', entryPrice: 150 }, { asset: 'BTC', amount: '3', entryPrice: 95000 },
    { asset: 'ETH', amount: '40', entryPrice: 3100 }, { asset: 'JUP', amount: '100000', entryPrice: 0.5 }, { asset: 'JTO', amount: '20000', entryPrice: 2 },
    { asset: 'PYTH', amount: '300000', entryPrice: 0.2 }, { asset: 'RAY', amount: '10000', entryPrice: 2 }, { asset: 'WIF', amount: '50000', entryPrice: 1 },
  ],
  perps: [
    { market: 'SOL-PERP', size: '5000', entryPrice: 140 }, { market: 'BTC-PERP', size: '-4', entryPrice: 90000 },
    { market: '1MBONK-PERP', size: '-20000', entryPrice: 0.02 }, { market: 'WIF-PERP', size: '300000', entryPrice: 0.4 },
  ],
  lp: [{ pool: 'SOL/USDC', valueUsd: '50000', rangePct: 0.1 }],
};

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

/** Typical invocations of every command (role admin so that nothing is refused for its role). */
const INVOCATIONS: readonly string[] = [
  '/start', '/help', '/help risk', '/portfolio', '/positions', '/positions lp', '/lp', '/bins 1', '/health', '/prices',
  '/prices SOL', '/risk', '/risk 1 0.99 historical', '/stress', '/stress SOL -30%', '/limits', '/limits check', '/performance',
  '/correlation', '/optimize', '/optimize max-sharpe', '/size SOL', '/size SOL-PERP kelly', '/signals', '/signals 10 1',
  '/chart', '/alerts', '/subscribe', '/quiet 22:00-07:00', '/mute health 1h', '/snooze 1h', '/thresholds', '/report',
  '/target use min-variance', '/target', '/weights', '/weights risk-parity', '/protect 99', '/recenter 1', '/withdraw 1 50%',
  '/deposit SOL/USDC 1 150', '/swap SOL/USDC 1 SOL', '/hedge SOL', '/hedge all', '/rebalance risk-parity', '/rebalance target',
  '/pending', '/status', '/unsubscribe', '/snooze off',
];

async function everyReply(portfolio?: StartingPortfolio): Promise<Map<string, Reply[]>> {
  const t = testApp({ mode: 'paper', ...(portfolio ? { portfolio } : {}) });
  const out = new Map<string, Reply[]>();
  const add = (name: string, r: Reply): void => void out.set(name, [...(out.get(name) ?? []), r]);
  for (const text of INVOCATIONS) add(text.slice(1).split(' ')[0]!, await t.send(text, 'admin'));
  // Confirm cards become resolved cards with fills and a signature; /audit then tells the story.
  for (const [name, text] of [['hedge', '/hedge SOL'], ['rebalance', '/rebalance risk-parity']] as const) {
    const card = await t.send(text, 'admin');
    add(name, card);
    if (buttonsOf(card).some((b) => b.label === 'Confirm')) {
      const res = await t.press(card, 'Confirm', 'admin');
      if (res.reply) add(name, res.reply);
    }
  }
  const again = await t.send('/hedge ETH', 'admin');
  const id = /Plan ([a-z0-9]{8})/.exec(JSON.stringify(again))?.[1];
  add('cancel', await t.send(`/cancel ${id ?? 'zzzzzzzz'}`, 'admin'));
  add('audit', await t.send('/audit', 'admin'));
  add('audit', await t.send('/audit 30', 'admin'));
  return out;
}

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
