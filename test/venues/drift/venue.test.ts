/**
 * The real DriftClient over the fake RPC serving Drift's mainnet fixture accounts: discovery without
 * getProgramAccounts, the SDK's own margin figures (checked against the values Drift's Rust tests assert), the domain
 * mapping, and the RPC cost of a polling refresh.
 */
import { BN } from '@coral-xyz/anchor';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { DriftVenue } from '../../../src/venues/drift/venue.ts';
import { decodeDriftAccount, encodeDriftAccount, zeroOf } from '../../fakes/drift-accounts.ts';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { describeShared } from '../../helpers/shared-dir.ts';
import { loadFixtureSet, serveFixtureSet } from './fixtures.ts';

let rpc: FakeSolanaRpc;
let venue: DriftVenue | undefined;
beforeEach(async () => {
  rpc = new FakeSolanaRpc();
  await rpc.start();
});
afterEach(async () => {
  await venue?.close(2_000);
  venue = undefined;
  await rpc.stop();
});

async function connect(set: string, subscription: 'polling' | 'websocket' = 'polling'): Promise<{ venue: DriftVenue; authority: string }> {
  const { authority } = await serveFixtureSet(rpc, loadFixtureSet(set));
  venue = await DriftVenue.connect({
    rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription,
    clock: new ManualClock(Date.UTC(2026, 11, 7)), logger: silentLogger(),
  });
  return { venue, authority };
}

describeShared('Drift fixture swift_failure through the real client', () => {
  it('discovers sub-account 0 without getProgramAccounts, with the markets and oracles the account needs', async () => {
    const { venue: v } = await connect('swift_failure');
    expect(rpc.calls('getProgramAccounts')).toHaveLength(0);
    expect(v.users).toHaveLength(1);
    expect(v.users[0]!.getUserAccount().subAccountId).toBe(0);
    expect(v.client.getPerpMarketAccounts().map((m) => m.marketIndex).sort((a, b) => a - b)).toEqual([1, 24]);
    expect(v.client.getSpotMarketAccounts().map((m) => m.marketIndex).sort((a, b) => a - b)).toEqual([0, 1, 3, 4]);
  });

  it("reproduces Drift's Rust figures: total collateral exact, margin requirement within $0.001 (Initial, strict, 1,600,000 open bid)", async () => {
    const { venue: v } = await connect('swift_failure');
    const user = v.users[0]!;
    const ua = user.getUserAccount();
    const btc = ua.perpPositions.find((p) => p.marketIndex === 1)!;
    btc.openOrders += 1;
    btc.openBids = btc.openBids.add(new BN(1_600_000));
    const calc = user.getMarginCalculation('Initial', { strict: true });
    // Rust (programs/drift/src/math/orders/tests.rs:3591-3594): 2199358529 and 2186678676, QUOTE 1e6.
    expect(calc.totalCollateral.toString()).toBe('2199358529');
    expect(Math.abs(calc.marginRequirement.toNumber() - 2_186_678_676)).toBeLessThanOrEqual(1_000);
    expect(calc.totalCollateral.sub(calc.marginRequirement).toNumber()).toBeLessThan(13_000_000);
  });

  it('maps the account to domain positions and one margin summary, all figures from the SDK', async () => {
    const { venue: v, authority } = await connect('swift_failure');
    const snap = await v.snapshot();
    const user = v.users[0]!;
    const perps = snap.positions.filter((p) => p.kind === 'perp');
    expect(perps.map((p) => p.market).sort()).toEqual(['BTC-PERP', 'JUP-PERP']);
    const btc = perps.find((p) => p.market === 'BTC-PERP')!;
    expect(btc).toMatchObject({ venue: 'drift', asset: 'BTC', base: { raw: 300_000_000n, decimals: 9 }, id: `drift:${authority}:0:perp:BTC-PERP` });
    // Oracle 104966.77375 (PRICE 1e6: 104966773750) × 0.3 BTC.
    expect(btc.markPrice).toBeCloseTo(104_966.77375, 5);
    expect(btc.kind === 'perp' && btc.notionalUsd).toBe(31_490_032_125n);
    expect(btc.kind === 'perp' && btc.unrealizedPnlUsd).toBe(BigInt(user.getUnrealizedPNL(true, 1).toString()));
    const usdc = snap.positions.find((p) => p.kind === 'spot' && p.market === 'USDC');
    expect(usdc?.kind === 'spot' && usdc.amount.raw).toBeLessThan(0n); // the ~$774 borrow
    // The wETH and SOL deposits are worth under a cent (leftovers): not listed; wBTC ($2,811) is.
    expect(snap.positions.filter((p) => p.kind === 'spot').map((p) => p.market).sort()).toEqual(['USDC', 'wBTC']);
    const margin = snap.margin as readonly { health: number; totalCollateralUsd: bigint; liquidatable?: boolean; highLeverageMode?: boolean }[];
    expect(margin).toHaveLength(1);
    expect(margin[0]!.health).toBe(user.getHealth());
    expect(margin[0]!.totalCollateralUsd).toBe(BigInt(user.getTotalCollateral('Initial').toString()));
    expect(margin[0]!.liquidatable).toBe(false);
    expect(margin[0]!.highLeverageMode).toBe(true);
    expect(snap.prices.BTC).toBeCloseTo(104_966.77375, 5);
    expect(snap.prices.ETH).toBeCloseTo(2_408.645, 6);
    // Per-position requirements are Drift's own (size premium, high-leverage ratios): with the USDC borrow (weight 1,
    // valued here at the oracle; Drift's initial figure values it a hair higher) they add up to the account's
    // requirement: maintenance exactly, initial within $0.01. The market's flat 5% / 3% would be off by ~$1,400.
    const borrow = -(usdc!.valueUsd);
    const sum = (k: 'initialMarginUsd' | 'maintenanceMarginUsd'): bigint => perps.reduce((a, p) => a + (p.kind === 'perp' ? p[k] : 0n), 0n) + borrow;
    const initialGap = sum('initialMarginUsd') - BigInt(user.getInitialMarginRequirement().toString());
    expect(initialGap < 0n ? -initialGap : initialGap).toBeLessThan(10_000n);
    expect(sum('maintenanceMarginUsd')).toBe(BigInt(user.getMaintenanceMarginRequirement().toString()));
    expect(btc.kind === 'perp' && btc.marginRatios.initial).toBeLessThan(0.05); // high-leverage mode, below the market's 5%
  });

  it('a polling refresh costs at most 2 HTTP requests', async () => {
    const { venue: v } = await connect('swift_failure');
    const before = rpc.httpRequests();
    await v.snapshot();
    expect(rpc.httpRequests() - before).toBeLessThanOrEqual(2);
  });
});

describeShared('Drift markets added at run time', () => {
  it('an account that opens a position in a market not subscribed yet: the market and its oracle are added, figures work', async () => {
    const set = loadFixtureSet('swift_failure');
    const { authority } = await serveFixtureSet(rpc, set);
    // Start from the same account without its JUP-PERP position (slot zeroed with the IDL coder).
    const userAcc = set.accounts.find((a) => a.role === 'user')!;
    const full = Buffer.from(userAcc.dataBase64, 'base64');
    const decoded = decodeDriftAccount<{ perpPositions: { marketIndex: number }[] }>('User', full);
    const slot = decoded.perpPositions.findIndex((p) => p.marketIndex === 24);
    decoded.perpPositions[slot] = zeroOf({ defined: 'PerpPosition' }) as { marketIndex: number };
    rpc.setAccount(userAcc.pubkey, { data: encodeDriftAccount('User', decoded, userAcc.size), owner: userAcc.owner });
    venue = await DriftVenue.connect({
      rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription: 'polling',
      clock: new ManualClock(Date.UTC(2026, 11, 7)), logger: silentLogger(),
    });
    expect(venue.client.getPerpMarketAccounts().map((m) => m.marketIndex)).toEqual([1]);
    expect((await venue.snapshot()).positions.filter((p) => p.kind === 'perp').map((p) => p.market)).toEqual(['BTC-PERP']);

    // The account now holds JUP-PERP (the original bytes): the next refresh subscribes market 24 and its oracle.
    rpc.setAccount(userAcc.pubkey, { data: full, owner: userAcc.owner });
    const snap = await venue.snapshot();
    expect(venue.client.getPerpMarketAccounts().map((m) => m.marketIndex).sort((a, b) => a - b)).toEqual([1, 24]);
    const jup = snap.positions.find((p) => p.market === 'JUP-PERP');
    expect(jup?.kind === 'perp' && jup.base.raw).toBe(20_000_000_000_000n);
    expect(jup?.markPrice).toBeCloseTo(0.416666, 6);
    expect(snap.margin[0]!.health).toBe(venue.users[0]!.getHealth());
    expect(Number.isFinite(snap.margin[0]!.health)).toBe(true);
  });
});

describeShared("the wallets' own balances", () => {
  it('SOL and tokens with a Drift market appear as spot positions outside the margin account; others are listed as unpriced', async () => {
    const set = loadFixtureSet('swift_failure');
    const { authority } = await serveFixtureSet(rpc, set);
    rpc.setBalance(authority, 2_500_000_000n); // 2.5 SOL
    const usdcMint = set.accounts.find((a) => a.role === 'spotMarket' && a.marketIndex === 0)!.decodedSummary?.mint as string | undefined;
    rpc.addTokenAccount({ owner: authority, mint: usdcMint ?? 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', amount: 1_234_560_000n, decimals: 6 });
    rpc.addTokenAccount({ owner: authority, mint: 'Hk1fCEvGJzkhsPtm5dNzDqq3tP1GdePAb38pcCQEDnC6', amount: 5n, decimals: 0 });
    venue = await DriftVenue.connect({
      rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription: 'polling',
      clock: new ManualClock(Date.UTC(2026, 11, 7)), logger: silentLogger(),
    });
    const snap = await venue.snapshot();
    const wallet = snap.positions.filter((p) => p.market.endsWith('(wallet)'));
    expect(wallet.map((p) => p.market).sort()).toEqual(['SOL (wallet)', 'USDC (wallet)']);
    const sol = wallet.find((p) => p.asset === 'SOL')!;
    expect(sol.kind === 'spot' && sol.amount).toEqual({ raw: 2_500_000_000n, decimals: 9 });
    // 2.5 SOL × 143.798202 (the SOL oracle, PRICE 1e6) = $359.495505.
    expect(sol.valueUsd).toBe(359_495_505n);
    expect(sol.kind === 'spot' && sol.isCollateral).toBe(false);
    expect(wallet.find((p) => p.asset === 'USDC')?.valueUsd).toBe(1_234_560_000n);
    // A token Drift has no market for: listed by amount, in no USD figure.
    expect(snap.unpriced).toEqual([{ venue: 'drift', owner: authority, mint: 'Hk1fCEvGJzkhsPtm5dNzDqq3tP1GdePAb38pcCQEDnC6', amount: { raw: 5n, decimals: 0 } }]);
    // Balances are read once a minute, not on every refresh.
    const before = rpc.calls('getBalance').length;
    await venue.snapshot();
    expect(rpc.calls('getBalance').length).toBe(before);
  });
});
