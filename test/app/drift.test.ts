/**
 * Drift against target weights (seed 000: 5 points). Book: SOL-PERP long 100 @ $100 and ETH-PERP long 5 @ $2,000
 * (10,000 + 10,000 of exposure: 50/50), 20,000 USDC; target 50/50.
 *   SOL $120 → 12,000 / 22,000 = 54.5%: drift 4.5 points, under 5 → nothing.
 *   SOL $130 → 13,000 / 23,000 = 56.5%: drift 6.5 points → a warning with a Rebalance button.
 *   SOL $100 → 50%: recovered (below 4).
 */
import { describe, expect, it } from 'vitest';
import { buttonsOf, plainText } from '../../src/core/reply.ts';
import { ROUND_PRICES, testApp } from '../helpers/app.ts';
import { Inbox } from '../helpers/inbox.ts';

describe('drift check', () => {
  it('alerts past 5 points of drift, with a Rebalance button, and recovers', async () => {
    const t = testApp({ prices: ROUND_PRICES, portfolio: { spot: [{ asset: 'USDC', amount: '20000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }, { market: 'ETH-PERP', size: '5', entryPrice: 2000 }], lp: [] } });
    const inbox = new Inbox();
    t.app.services.notifications.addNotifier(inbox);
    await t.app.services.notifications.subscribe({ platform: 'telegram', chatId: '1' });
    expect(await t.app.services.alerts.checkDrift()).toEqual([]); // no target yet
    await t.app.services.alerts.setTargetWeights({ SOL: 0.5, ETH: 0.5 }, 'test', 'telegram:1');
    const at = async (sol: number) => {
      t.venue.setPrices({ SOL: sol });
      const events = await t.app.services.alerts.checkDrift();
      await t.app.services.notifications.idle();
      return events.map((e) => e.kind);
    };
    expect(await at(120)).toEqual([]);
    expect(await at(130)).toEqual(['raised']);
    const msg = plainText(inbox.got[0]!);
    expect(msg).toContain('Rebalance drift 6.5');
    expect(msg).toContain('SOL 56.5% vs 50.0%');
    expect(buttonsOf(inbox.got[0]!)[0]!.label).toBe('Rebalance');
    // The Rebalance button opens a confirm card back to target: gross 23,000 → SOL 6.5 points over = sell $1,500.00,
    // which is held in the perp (no spot SOL): 1,500 / 130 = 11.538 → 11.54 SOL-PERP reduce-only; ETH is bought
    // spot: 1,500 / 2,000 = 0.75 ETH, paid from the 20,000 USDC.
    const press = await t.app.dispatcher.handlePress({
      actor: { platform: 'telegram', userId: '9', displayName: 'T', role: 'trader' }, chat: { platform: 'telegram', chatId: '1' },
      data: `a:${buttonsOf(inbox.got[0]!)[0]!.action.id}:act`,
    });
    const card = plainText(press.reply!);
    expect(card.split('\n')[0]).toBe('Rebalance to target (test) · dry run');
    expect(card).toContain('SELL (RO) | 11.54 SOL-PERP');
    expect(card).toContain('BUY | 0.75 ETH');
    expect(card).toContain('w SOL | 56.5% | 50.0%');
    expect(card).toContain('w ETH | 43.5% | 50.0%');
    expect(buttonsOf(press.reply!).map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
    expect(await at(100)).toEqual(['recovered']);
  });

  it('/target shows, sets from an optimiser (trader) and clears', async () => {
    const t = testApp({ prices: ROUND_PRICES, portfolio: { spot: [{ asset: 'USDC', amount: '20000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }, { market: 'ETH-PERP', size: '5', entryPrice: 2000 }], lp: [] } });
    expect(plainText(await t.send('/target'))).toContain('No target weights set.');
    expect(plainText(await t.send('/target use risk-parity', 'viewer'))).toContain('needs the trader role');
    const r = await t.send('/target use risk-parity', 'trader');
    expect(plainText(r)).toContain('Target: risk-parity');
    const table = r.blocks.find((b) => b.kind === 'table');
    const targets = table && table.kind === 'table' ? table.rows.map((x) => Number(x[2]!.replace('%', ''))) : [];
    expect(Math.abs(targets.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.2);
    expect(plainText(await t.send('/target use', 'trader'))).toContain('use needs an objective.');
    expect(plainText(await t.send('/target clear', 'trader'))).toBe('Target weights cleared: no drift checks.');
    await expect(t.app.services.alerts.setTargetWeights({ SOL: 0.7, ETH: 0.7 }, 'x', 'y')).rejects.toThrow('sum to 1');
    const opt = await t.send('/optimize risk-parity');
    expect(buttonsOf(opt).map((b) => b.label)).toContain('Use as target');
  });
});
