/**
 * Every command against the paper venue, on a book whose figures are worked out by hand.
 *
 * Book: 10,000 USDC; 10 SOL spot (entry $90); SOL-PERP long 100 @ $120; ETH-PERP short 1 @ $2,100.
 * Prices: SOL $100, ETH $2,000, USDC $1.
 *   spot: USDC $10,000.00; SOL $1,000.00, PnL +$100.00 (+11.11% of $900)
 *   SOL-PERP: PnL 100 × (100 − 120) = −$2,000.00 (−16.67% of $12,000); notional $10,000; IM 5% $500; MM 3% $300
 *   ETH-PERP: PnL 1 × (2100 − 2000) = +$100.00 (+4.76% of $2,100); notional $2,000; IM $100; MM $60
 *   total value 10,000 + 1,000 − 2,000 + 100 = $9,100.00; unrealised PnL 100 − 2,000 + 100 = −$1,800.00
 *   initial collateral 10,000 + 1,000×0.8 − 1,900 = 8,900; initial requirement 600 → used $600.00, free $8,300.00
 *   maintenance collateral 10,000 + 1,000×0.9 − 1,900 = 9,000; requirement 360 → health 100×(1 − 360/9000) = 96
 *   exposure 10,000 + 2,000 + 1,000 = 13,000 → leverage 13,000/9,100 = 1.43x; SOL-PERP 76.9%, ETH-PERP 15.4%, SOL 7.7%
 *   SOL liquidation: FC 9,000 − 360 = 8,640; dFC/dP = 10×0.9 + 100×(1 − 0.03) = 106 → 100 − 8640/106 = $18.49 (−81.5%)
 *   ETH liquidation: dFC/dP = −1 − 0.03 = −1.03 → 2000 + 8640/1.03 = $10,388.35 (+419.4%)
 */
import { describe, expect, it } from 'vitest';
import { buttonsOf, plainText } from '../../src/core/reply.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { field, ROUND_PRICES, testApp } from '../helpers/app.ts';

const BOOK: StartingPortfolio = {
  spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'SOL', amount: '10', entryPrice: 90 }],
  perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 120 }, { market: 'ETH-PERP', size: '-1', entryPrice: 2100 }],
  lp: [],
};

const book = () => testApp({ portfolio: BOOK, prices: ROUND_PRICES });

describe('/portfolio', () => {
  it('shows the hand-computed summary', async () => {
    const { send } = book();
    const r = await send('/portfolio');
    expect(field(r, 'Total value')).toBe('$9,100.00');
    expect(field(r, 'Unrealised PnL')).toBe('-$1,800.00');
    expect(field(r, 'Realised PnL')).toBe('$0.00');
    expect(field(r, 'Margin used')).toBe('$600.00');
    expect(field(r, 'Free collateral')).toBe('$8,300.00');
    expect(field(r, 'Leverage')).toBe('1.43x');
    expect(field(r, 'Health')).toBe('96/100');
    expect(field(r, 'Positions')).toBe('2 perp · 1 spot · 0 LP');
    expect(plainText(r)).toContain('Updated 2026-11-21 09:00 UTC (0s ago)');
    expect(buttonsOf(r).map((b) => b.label)).toEqual(['↻ Refresh', 'Positions']);
  });

  it('Refresh re-reads the venue and edits the message in place', async () => {
    const { send, press, clock, venue } = book();
    const r = await send('/portfolio');
    clock.advance(3_600_000);
    const res = await press(r, '↻ Refresh');
    expect(res.edit).toBe(true);
    const total = field(res.reply!, 'Total value');
    expect(total).toMatch(/^\$[\d,]+\.\d\d$/);
    // The refreshed figure is the venue's own new figure, not the old one.
    const snap = await venue.snapshot();
    const expected = snap.positions.reduce((s, p) => s + p.valueUsd, 0n);
    expect(total).toBe(`$${(Number(expected) / 1e6).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
  });
});

describe('/positions', () => {
  it('shows each position with size, entry, mark, PnL, liquidation price, margin and share', async () => {
    const { send } = book();
    const r = await send('/positions');
    const t = plainText(r);
    expect(t).toContain('SOL-PERP · long 100 SOL');
    expect(t).toContain('Entry → mark: $120.00 → $100.00');
    expect(t).toContain('PnL: -$2,000.00 (-16.67%)');
    expect(t).toContain('Liq. price: $18.49 (-81.5%)');
    expect(t).toContain('Margin: $500.00 init · $300.00 maint');
    expect(t).toContain('Notional: $10,000.00 · 76.9% of gross exposure');
    expect(t).toContain('ETH-PERP · short 1 ETH');
    expect(t).toContain('PnL: +$100.00 (+4.76%)');
    expect(t).toContain('Liq. price: $10,388.35 (+419.4%)');
    expect(t).toContain('Notional: $2,000.00 · 15.4% of gross exposure');
    expect(t).toContain('SOL · spot 10 SOL');
    expect(t).toContain('Entry → mark: $90.00 → $100.00');
    expect(t).toContain('PnL: +$100.00 (+11.11%)');
    expect(t).toContain('Share: 7.7% of gross exposure');
    expect(t).toContain('USDC · spot 10,000 USDC');
    // Largest exposure first, cash last.
    expect(t.indexOf('SOL-PERP')).toBeLessThan(t.indexOf('ETH-PERP'));
    expect(t.indexOf('ETH-PERP')).toBeLessThan(t.indexOf('SOL · spot'));
    expect(t.indexOf('SOL · spot')).toBeLessThan(t.indexOf('USDC · spot'));
  });

  it('filters by kind and says when there is nothing', async () => {
    const { send } = book();
    expect(plainText(await send('/positions perp'))).not.toContain('USDC');
    expect(plainText(await send('/positions lp'))).toContain('No lp positions.');
    expect(plainText(await send('/positions bogus'))).toContain('kind: expected one of all, perp, spot, lp, got "bogus"');
  });

  it('pages long lists with ◀ ▶ buttons that edit in place', async () => {
    const many: StartingPortfolio = {
      spot: ['USDC', 'SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'JTO', 'PYTH'].map((asset) => ({ asset: asset as 'SOL', amount: '1' })),
      perps: [], lp: [],
    };
    const { send, press } = testApp({ portfolio: many, prices: ROUND_PRICES });
    const first = await send('/positions');
    expect(plainText(first)).toContain('Positions · page 1/2');
    expect(buttonsOf(first).map((b) => b.label)).toEqual(['↻ Refresh', '▶']);
    const second = await press(first, '▶');
    expect(second.edit).toBe(true);
    expect(plainText(second.reply!)).toContain('Positions · page 2/2');
    expect(buttonsOf(second.reply!).map((b) => b.label)).toEqual(['◀', '↻ Refresh']);
    // A typed page past the end is an error naming the last page.
    expect(plainText(await send('/positions all 9'))).toBe('page 9: there are 2 pages of positions (8).\nTry /positions all 2');
  });

  it('shows LP positions with range, composition, fees and PnL vs deposit', async () => {
    const { send } = testApp({ portfolio: { spot: [], perps: [], lp: [{ pool: 'SOL/USDC', valueUsd: '1000', rangePct: 0.05 }] }, prices: ROUND_PRICES });
    const t = plainText(await send('/positions lp'));
    expect(t).toContain('SOL/USDC LP · in range');
    // ±5% around $100 with 20 bp bins (python): floor(ln 95/ln 1.002) = 2279, 1.002^2279 = 94.96; floor(ln 105/ln 1.002)
    // = 2329, upper edge 1.002^2330 = 105.15; active floor(ln 100/ln 1.002) = 2304 (1.002^2304 = 99.82 ≤ 100 < 100.02).
    expect(t).toContain('Range: $94.96 – $105.15 · mark $100.00');
    expect(t).toContain('Bins: 2279…2329 (active 2304, step 20 bp)');
    // 51 bins × $1000/51: 25 below the active bin hold quote, 25 above hold base at $100, and the active bin holds
    // quote share ln(100/1.002^2304)/ln(1.002) = 0.8868 → quote 25×19.6078 + 19.6078×0.8868 = 507.59, base 4.9241 SOL.
    expect(t).toContain('Value: $1,000.00 (4.9241 SOL + 507.59 USDC)');
    expect(t).toContain('PnL vs deposit: $0.00 (0.00%)');
    expect(t).toContain('Fees earned: $0.00');
  });

  it('/lp and /bins: where each LP sits in its range, its pool vs oracle price, delta and bins', async () => {
    const { send } = testApp({ portfolio: { spot: [], perps: [], lp: [{ pool: 'SOL/USDC', valueUsd: '1000', rangePct: 0.05 }] }, prices: ROUND_PRICES });
    const t = plainText(await send('/lp'));
    // Same book as above: bins 2279…2329, active 2304 → 25 bins to each edge.
    expect(t).toContain('#1 SOL/USDC paper LP · ✓ in range · 25 bins to lower, 25 to upper');
    expect(t).toContain('Value: $1,000.00 (4.9241 SOL + 507.59 USDC)');
    // Pool price = lower edge of the active bin 1.002^2304 = 99.8241 (python); oracle 100 → −0.18%.
    expect(t).toContain('Pool / oracle: 99.82 USDC / 100.00 USDC (-0.18%)');
    // Base share: 4.9241 × 100 / 1000 = 49%.
    expect(t).toContain('Mix: 49% SOL · 51% USDC');
    expect(t).toMatch(/Delta: 4\.924\d SOL · gamma -0\.\d+ SOL per USDC/);
    const bins = plainText(await send('/bins 1'));
    expect(bins).toContain('#1 SOL/USDC bins 2279…2329');
    // 51 bin lines, the active one marked, highest price first.
    const lines = bins.split('\n').filter((l) => /^\s*\d+(\.\d+)? [█░ ]/.test(l));
    expect(lines).toHaveLength(51);
    expect(lines.filter((l) => l.includes('◀'))).toHaveLength(1);
    expect(lines[0]!.trim().startsWith('104.94')).toBe(true);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(35);
    expect(plainText(await send('/bins 2'))).toContain('No position "2": use a number from /lp (1–1).');
    // Re-center plans Saros positions; the paper LP is not one.
    expect(plainText(await send('/recenter 1', 'trader'))).toContain('Liquidity actions work on Saros positions (SAROS_WALLETS); this position is not one.');
    expect(plainText(await send('/withdraw 1 50%', 'trader'))).toContain('Liquidity actions work on Saros positions (SAROS_WALLETS); this position is not one.');
    expect(plainText(await send('/withdraw 1 150%', 'trader'))).toContain('SHARE: expected a share from 0.01% to 100% (or all), got "150%".');
    expect(plainText(await send('/deposit SOL/USDC 1 150', 'trader'))).toContain('Liquidity actions need Saros (SAROS_WALLETS): no liquidity venue is connected.');
    expect(plainText(await send('/swap SOL/USDC 1 SOL', 'trader'))).toContain('Liquidity actions need Saros (SAROS_WALLETS): no liquidity venue is connected.');
    expect(plainText(await send('/swap SOL/USDC 1 SOL'))).toMatch(/trader/i);
    expect(plainText(await send('/recenter 1'))).toMatch(/trader/i);
  });

  it('/lp without liquidity positions says how to add them', async () => {
    const { send } = testApp({ portfolio: { spot: [{ asset: 'USDC', amount: '1000' }], perps: [], lp: [] }, prices: ROUND_PRICES });
    expect(plainText(await send('/lp'))).toContain('No liquidity positions. Set SAROS_WALLETS to watch your Saros DLMM positions.');
  });
});

describe('/health', () => {
  it('shows health, margin and the distance to every liquidation price, nearest first', async () => {
    const { send } = book();
    const r = await send('/health');
    const t = plainText(r);
    expect(t).toContain('Health 96/100');
    expect(t).toContain('Healthy.');
    expect(field(r, 'Maint. margin')).toBe('$360.00');
    expect(field(r, 'Maint. collateral')).toBe('$9,000.00');
    expect(field(r, 'Free collateral')).toBe('$8,300.00');
    expect(field(r, 'Nearest liq.')).toBe('SOL-PERP at $18.49 (-81.5%)');
    const table = r.blocks.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' ? table.rows : []).toEqual([
      ['SOL-PERP', '$100.00', '$18.49', '-81.5%'],
      ['SOL', '$100.00', '$18.49', '-81.5%'],
      ['ETH-PERP', '$2,000.00', '$10,388.35', '+419.4%'],
    ]);
  });

  it('warns as health falls through the tiers', async () => {
    // 1,000 USDC backing a 20x SOL long: maintenance 3% of 20,000 = 600 against 1,000 → health 40 (warning).
    const { send } = testApp({ portfolio: { spot: [{ asset: 'USDC', amount: '1000' }], perps: [{ market: 'SOL-PERP', size: '200', entryPrice: 100 }], lp: [] }, prices: ROUND_PRICES });
    const r = await send('/health');
    expect(plainText(r)).toContain('Health 40/100');
    expect(plainText(r)).toContain('Warning: margin is getting thin.');
  });

  it('says so when nothing can be liquidated', async () => {
    const { send } = testApp({ portfolio: { spot: [{ asset: 'USDC', amount: '5' }], perps: [], lp: [] }, prices: ROUND_PRICES });
    const r = await send('/health');
    expect(plainText(r)).toContain('Health 100/100');
    expect(plainText(r)).toContain('No margin positions: nothing can be liquidated.');
  });
});

describe('/prices', () => {
  it('lists every asset with its 24h change from the price history', async () => {
    const { send, venue } = book();
    const r = await send('/prices');
    const table = r.blocks.find((b) => b.kind === 'table');
    if (!table || table.kind !== 'table') throw new Error('no table');
    expect(table.rows.map((row) => row[0])).toEqual(['BONK', 'BTC', 'ETH', 'JTO', 'JUP', 'PYTH', 'RAY', 'SOL', 'USDC', 'WIF']);
    const sol = table.rows.find((row) => row[0] === 'SOL')!;
    expect(sol[1]).toBe('$100.00');
    const h = await venue.history.closes('SOL', { interval: '1h', to: Date.UTC(2026, 10, 20, 9), limit: 1 });
    expect(sol[2]).toBe(`${100 / h.close[0]! - 1 >= 0 ? '+' : ''}${((100 / h.close[0]! - 1) * 100).toFixed(2)}%`);
  });

  it('details one asset and rejects unknown ones with the list', async () => {
    const { send } = book();
    const r = await send('/prices sol');
    expect(plainText(r)).toContain('SOL $100.00');
    expect(field(r, '24h range')).toMatch(/^\$\d+\.\d\d – \$\d+\.\d\d$/);
    const bad = plainText(await send('/prices DOGE'));
    expect(bad).toContain('No price for DOGE.');
    expect(bad).toContain('Known assets: BONK, BTC, ETH');
    expect(plainText(await send('/prices $$$'))).toContain('asset: expected an asset symbol such as SOL, got "$$$"');
  });
});

describe('/status, /start, /help', () => {
  it('/status shows mode, venues with data age, and version', async () => {
    const { send, clock } = book();
    clock.advance(90_000);
    const r = await send('/status');
    expect(plainText(r)).toContain('Vigil 0.1.0');
    expect(field(r, 'Venues')).toBe('paper (simulated)');
    expect(field(r, 'Execution')).toBe('dry-run');
    expect(field(r, 'Up')).toBe('1m 30s');
    const table = r.blocks.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' ? table.rows : []).toEqual([['Paper (seed 1)', 'ok', '0s']]);
  });

  it('/start greets with the summary and shortcuts', async () => {
    const { send } = book();
    const r = await send('/start');
    expect(plainText(r)).toContain('Hi Tess, this is Vigil.');
    expect(field(r, 'Value')).toBe('$9,100.00');
    expect(field(r, 'Health')).toBe('96/100');
    expect(buttonsOf(r).map((b) => b.label)).toEqual(['Portfolio', 'Health', 'Help']);
  });

  it('/help is generated from the command definitions and explains one command', async () => {
    const { send } = book();
    const t = plainText(await send('/help'));
    for (const name of ['start', 'help', 'portfolio', 'positions', 'health', 'prices', 'status']) expect(t).toContain(`/${name} — `);
    const one = plainText(await send('/help /positions'));
    expect(one).toContain('Usage: /positions [kind] [page]');
    expect(plainText(await send('/help nope'))).toContain('/nope is not a command.');
  });

  it('refuses strangers on every command', async () => {
    const { send } = book();
    for (const c of ['/portfolio', '/positions', '/health', '/prices', '/status', '/start', '/help']) {
      const t = plainText(await send(c, null));
      expect(t).toContain('private bot');
      expect(t).not.toContain('$');
    }
  });
});

describe('arguments a person guesses right', () => {
  it('a page past the end, an asset given twice, and /help listing what each argument accepts', async () => {
    const { send } = book();
    expect(plainText(await send('/positions all 99'))).toMatch(/^page 99: there (is 1 page|are \d+ pages) of positions \(\d+\)\.\nTry \/positions all \d+$/);
    expect(plainText(await send('/stress SOL -30% SOL +30%'))).toBe('SOL is given twice (-30% and +30%): give each asset one move.\nExample: /stress SOL -30% ETH -20%');
    const mute = plainText(await send('/help mute'));
    expect(mute).toContain('• rule (Rule to mute): one of health, liquidation_distance, var,');
    expect(mute).toContain('• duration (How long: 30m, 1h, 2d, or off): a time such as 30m, 1h or 2d (a plain number is minutes)');
    expect(plainText(await send('/help chart'))).toContain('• kind (Which chart): one of equity, drawdown, allocation, correlation; default equity');
    expect(plainText(await send('/help positions'))).toContain('• kind (Which positions to list): one of all, perp, spot, lp; default all');
  });
});
