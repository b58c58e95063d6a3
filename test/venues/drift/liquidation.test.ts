/**
 * Drift's two liquidation fixture sets (mainnet accounts from protocol-v2's liquidation tests) through the real
 * client and our domain mapping. Rust only asserts that the liquidation goes through (`Ok(())`); the margin figures
 * compared here are the set's `sdkObserved` values (what SDK 2.156.0 computed: informational, not Drift ground truth).
 * The State is SYNTHETIC (all zero but `liquidationMarginBufferRatio = 200`, as the Rust test's State), not mainnet data.
 */
import { BN } from '@coral-xyz/anchor';
import { UserStatus } from '@drift-labs/sdk';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { MarginSummary } from '../../../src/domain/index.ts';
import type { VenueSnapshot } from '../../../src/ports/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { DriftVenue } from '../../../src/venues/drift/venue.ts';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { describeShared } from '../../helpers/shared-dir.ts';
import { loadFixtureSet, serveFixtureSet, type FixtureSet } from './fixtures.ts';

/** The Rust test's State: liquidation_margin_buffer_ratio = MARGIN_PRECISION / 50. Everything else zero (synthetic). */
const LIQUIDATION_STATE = { liquidationMarginBufferRatio: 200 };

interface Figures { readonly totalCollateral: number; readonly marginRequirement: number }
interface SdkObserved {
  readonly results: {
    readonly maintenance: Figures;
    readonly maintenanceWithBuffer200: Figures;
    readonly canBeLiquidated: boolean;
    readonly canBeLiquidatedDetail: Figures;
    readonly isBeingLiquidated: boolean;
    readonly units: string;
  };
  readonly oraclePricesSeenBySdk: Record<string, number>;
}

function observed(set: FixtureSet): SdkObserved {
  const o = set.sdkObserved as SdkObserved | undefined;
  if (!o?.results) throw new Error('fixture set has no sdkObserved.results');
  return o;
}

/** The snapshot's margin summaries as a list (a venue may report one, several or none). */
function marginsOf(snap: VenueSnapshot): readonly MarginSummary[] {
  const m = snap.margin;
  if (m === null) return [];
  return isList(m) ? m : [m];
}

function isList(m: MarginSummary | readonly MarginSummary[]): m is readonly MarginSummary[] {
  return Array.isArray(m);
}

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

async function connect(name: string): Promise<{ venue: DriftVenue; set: FixtureSet; authority: string; userKey: string }> {
  const set = loadFixtureSet(name);
  const { authority, userKey } = await serveFixtureSet(rpc, set, LIQUIDATION_STATE);
  venue = await DriftVenue.connect({
    rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription: 'polling',
    clock: new ManualClock(Date.UTC(2026, 11, 7)), logger: silentLogger(),
  });
  return { venue, set, authority, userKey };
}

const CASES = [
  {
    name: 'liquidate_dust_prediction_market',
    perp: [37], spot: [0, 1],
    beingLiquidated: false,
  },
  {
    name: 'liquidate_dust_spot_market',
    perp: [], spot: [0, 1, 3],
    beingLiquidated: true,
  },
] as const;

describeShared('Drift liquidation fixture sets through the real client (synthetic State, liquidationMarginBufferRatio 200)', () => {
  for (const c of CASES) {
    it(`${c.name}: discovers the one sub-account and exactly the markets it needs`, async () => {
      const { venue: v, userKey } = await connect(c.name);
      expect(rpc.calls('getProgramAccounts')).toHaveLength(0);
      expect(v.users).toHaveLength(1);
      expect(v.users[0]!.getUserAccountPublicKey().toBase58()).toBe(userKey);
      expect(v.client.getPerpMarketAccounts().map((m) => m.marketIndex).sort((a, b) => a - b)).toEqual(c.perp);
      expect(v.client.getSpotMarketAccounts().map((m) => m.marketIndex).sort((a, b) => a - b)).toEqual(c.spot);
    });

    it(`${c.name}: the SDK says liquidatable, with the maintenance figures recorded in sdkObserved`, async () => {
      const { venue: v, set } = await connect(c.name);
      const o = observed(set).results;
      const user = v.users[0]!;
      const num = (f: { totalCollateral: BN; marginRequirement: BN }): Figures => ({ totalCollateral: f.totalCollateral.toNumber(), marginRequirement: f.marginRequirement.toNumber() });
      expect(num(user.getMarginCalculation('Maintenance'))).toEqual(o.maintenance);
      expect(num(user.getMarginCalculation('Maintenance', { liquidationBufferMap: new Map([['cross', new BN(200)]]) }))).toEqual(o.maintenanceWithBuffer200);
      const liq = user.canBeLiquidated();
      expect(liq.canBeLiquidated).toBe(true);
      expect(o.canBeLiquidated).toBe(true);
      expect(num(liq)).toEqual(o.canBeLiquidatedDetail);
      expect(user.isBeingLiquidated()).toBe(o.isBeingLiquidated);
      expect(user.isBeingLiquidated()).toBe(c.beingLiquidated);
      expect(user.getHealth()).toBe(0);
      // The oracle prices the recorded run saw (PRICE 1e6), as this client reads them from the set's oracle accounts.
      const prices = Object.fromEntries([
        ...c.perp.map((i) => [`perp${i}`, v.client.getOracleDataForPerpMarket(i).price.toNumber()] as const),
        ...c.spot.map((i) => [`spot${i}`, v.client.getOracleDataForSpotMarket(i).price.toNumber()] as const),
      ]);
      expect(prices).toEqual(observed(set).oraclePricesSeenBySdk);
    });

    it(`${c.name}: the domain margin summary says liquidatable, health 0, maintenance figures as sdkObserved`, async () => {
      const { venue: v, set } = await connect(c.name);
      const o = observed(set).results;
      const snap = await v.snapshot();
      expect(Array.isArray(snap.margin)).toBe(true);
      expect(marginsOf(snap)).toHaveLength(1);
      const m = marginsOf(snap)[0]!;
      expect(m.liquidatable).toBe(true);
      expect(m.health).toBe(0);
      expect(m.beingLiquidated).toBe(c.beingLiquidated);
      expect(m.maintenanceCollateralUsd).toBe(BigInt(o.maintenance.totalCollateral));
      expect(m.maintenanceMarginUsd).toBe(BigInt(o.maintenance.marginRequirement));
    });
  }

  it('liquidate_dust_spot_market: the account is BeingLiquidated (status bit 1) and holds the dust wBTC borrow', async () => {
    const { venue: v } = await connect('liquidate_dust_spot_market');
    const user = v.users[0]!;
    expect(user.getUserAccount().status & UserStatus.BEING_LIQUIDATED).toBe(UserStatus.BEING_LIQUIDATED);
    const snap = await v.snapshot();
    expect(marginsOf(snap)[0]!.beingLiquidated).toBe(true);
    const wbtc = snap.positions.find((p) => p.kind === 'spot' && p.market === 'wBTC');
    expect(wbtc?.kind === 'spot' && wbtc.amount.raw).toBeLessThan(0n);
    expect(snap.positions.filter((p) => p.kind === 'perp')).toHaveLength(0);
  });

  it('liquidate_dust_prediction_market: the settled prediction market 37 position maps with an exact base size', async () => {
    const { venue: v } = await connect('liquidate_dust_prediction_market');
    const snap = await v.snapshot();
    const perps = snap.positions.filter((p) => p.kind === 'perp');
    expect(perps).toHaveLength(1);
    expect(perps[0]).toMatchObject({ market: 'KAMALA-POPULAR-VOTE-2024-BET', base: { raw: 1_000_000_000n, decimals: 9 } });
    expect(marginsOf(snap)[0]!.beingLiquidated).toBe(false);
  });
});
