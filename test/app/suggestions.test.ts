/** Live suggestions (Discord autocomplete) from the app: LP positions by their /lp number, pools, assets held, markets. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTFOLIO } from '../../src/venues/paper/portfolio-file.ts';
import { testApp } from '../helpers/app.ts';

describe('suggestions', () => {
  it('positions as /lp numbers them, pools, assets and markets — all from the book as it is', async () => {
    const t = testApp({ portfolio: DEFAULT_PORTFOLIO });
    const ask = (command: string, option: string, prefix = '') => t.app.dispatcher.suggest({ actor: t.actor('trader'), command, option, prefix });
    const lp = await ask('recenter', 'position');
    expect(lp).toEqual([{ label: '#1 SOL/USDC · in range', value: '1' }]);
    expect(await ask('deposit', 'pool')).toEqual([{ label: 'SOL/USDC', value: 'SOL/USDC' }]);
    const assets = (await ask('prices', 'asset')).map((s) => s.value);
    expect(assets).toEqual(expect.arrayContaining(['SOL', 'BTC', 'ETH', 'USDC']));
    expect((await ask('hedge', 'market', 'eth')).map((s) => s.value)).toEqual(['ETH', 'ETH-PERP']);
    // A viewer may not use /recenter: no suggestions either.
    expect(await t.app.dispatcher.suggest({ actor: t.actor('viewer'), command: 'recenter', option: 'position', prefix: '' })).toEqual([]);
  });
});
