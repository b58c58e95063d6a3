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
