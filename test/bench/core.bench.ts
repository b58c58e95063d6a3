/**
 * `npm run bench`: how fast the hot paths are. Vitest prints latency percentiles and throughput per case; issue notes
 * report medians from one run. Nothing here asserts a speed.
 */
import { test } from 'vitest';
import { DAY_MS, MarketSimulator } from '../../src/venues/paper/simulator.ts';
import { testApp } from '../helpers/app.ts';

test('dispatcher round trip and paper venue hot paths', async ({ bench }) => {
  const { send, venue, clock } = testApp({ seed: 42 });
  const sim = new MarketSimulator({ seed: 1, maxStepMs: DAY_MS });
  const cases: [string, () => unknown][] = [
    ['/portfolio', () => send('/portfolio')],
    ['/positions', () => send('/positions')],
    ['/health', () => send('/health')],
    ['/prices', () => send('/prices')],
    ['/size SOL abc (parse error)', () => send('/size SOL abc')],
    ['venue snapshot after 1 simulated minute', () => { clock.advance(60_000); return venue.snapshot(); }],
    ['ledger.margin()', () => venue.ledger.margin()],
    ['simulator: one t-copula step, 10 assets', () => sim.advance(DAY_MS)],
  ];
  const medians: string[] = [];
  for (const [name, fn] of cases) {
    const r = await bench(name, async () => { await fn(); }).run();
    medians.push(`${name} ${((r.latency.p50 ?? NaN) * 1000).toFixed(0)} µs`);
  }
  process.stdout.write(`Core medians: ${medians.join(' · ')}\n`);
});

test('confirm-gated actions: planning a card and a Confirm round trip', async ({ bench }) => {
  let flip = false;
  const { send, press } = testApp({ seed: 42, mode: 'paper', approvals: { maxNotionalPerActionUsd: 1e9, maxNotionalPerDayUsd: 1e12 } });
  const cases: [string, () => Promise<unknown>][] = [
    ['/hedge (plan, simulate, store, card)', () => send('/hedge', 'trader')],
    ['/rebalance equal', () => send('/rebalance equal', 'trader')],
    ['/protect 99', () => send('/protect 99', 'trader')],
    ['/limits check', () => send('/limits check', 'trader')],
    // Each iteration plans a BTC hedge (alternately to $0 and $3,000 of delta, so there is always a trade) and confirms
    // it: re-check, compare-and-set, paper fill, resolved card.
    ['/hedge BTC + Confirm (paper fill)', async () => {
      flip = !flip;
      return press(await send(`/hedge BTC ${flip ? 0 : 3000}`, 'trader'), 'Confirm', 'trader');
    }],
  ];
  const medians: string[] = [];
  for (const [name, fn] of cases) {
    const r = await bench(name, async () => { await fn(); }).run();
    medians.push(`${name} ${((r.latency.p50 ?? NaN)).toFixed(2)} ms`);
  }
  process.stdout.write(`Action medians: ${medians.join(' · ')}\n`);
});
