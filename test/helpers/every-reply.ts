/**
 * Every command's reply on a book: each command in commands/index.ts with typical arguments (long-short ones too),
 * the confirm cards of /hedge and /rebalance (long-only and long-short) and their resolved cards, /cancel, and /audit after a confirmed trade. Shared by the tests
 * that check every reply (phone widths, glossary words).
 */
import { buttonsOf, type Reply } from '../../src/core/reply.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { testApp } from './app.ts';

/** Many assets and perps (long and short, a large BONK perp): wide matrices and long market names. */
export const BROAD: StartingPortfolio = {
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

/** Typical invocations of every command (role admin so that nothing is refused for its role). */
const INVOCATIONS: readonly string[] = [
  '/start', '/help', '/help risk', '/portfolio', '/positions', '/positions lp', '/lp', '/bins 1', '/health', '/prices',
  '/prices SOL', '/risk', '/risk 1 0.99 historical', '/stress', '/stress SOL -30%', '/limits', '/limits check', '/performance',
  '/correlation', '/optimize', '/optimize max-sharpe', '/size SOL', '/size SOL-PERP kelly', '/signals', '/signals 10 1',
  '/chart', '/alerts', '/subscribe', '/quiet 22:00-07:00', '/mute health 1h', '/snooze 1h', '/thresholds', '/report',
  '/target use min-variance', '/target', '/weights', '/weights risk-parity', '/weights min-variance long-short', '/protect 99', '/recenter 1', '/withdraw 1 50%',
  '/deposit SOL/USDC 1 150', '/swap SOL/USDC 1 SOL', '/hedge SOL', '/hedge all', '/rebalance risk-parity', '/rebalance target',
  '/target use min-variance long-short gross=200%', '/target', '/pending', '/status', '/unsubscribe', '/snooze off',
];

export async function everyReply(portfolio?: StartingPortfolio): Promise<Map<string, Reply[]>> {
  const t = testApp({ mode: 'paper', ...(portfolio ? { portfolio } : {}) });
  const out = new Map<string, Reply[]>();
  const add = (name: string, r: Reply): void => void out.set(name, [...(out.get(name) ?? []), r]);
  for (const text of INVOCATIONS) add(text.slice(1).split(' ')[0]!, await t.send(text, 'admin'));
  // Confirm cards become resolved cards with fills and a signature; /audit then tells the story.
  for (const [name, text] of [['hedge', '/hedge SOL'], ['rebalance', '/rebalance risk-parity'], ['rebalance', '/rebalance max-sharpe long-short']] as const) {
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

