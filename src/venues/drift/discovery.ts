/**
 * Which Drift sub-accounts exist for the watched wallets, and which markets and oracles they need, without
 * getProgramAccounts (public RPCs refuse it): the User PDAs of ids 0..n of every authority are fetched in one
 * getMultipleAccounts per round, stopping at the first run of missing ids.
 */
import { decodeUser, getPerpMarketPublicKeySync, getSpotMarketPublicKeySync, getUserAccountPublicKeySync, QUOTE_SPOT_MARKET_INDEX, type OracleInfo, type PerpMarketAccount, type SpotMarketAccount, type UserAccount } from '@drift-labs/sdk';
import { BorshAccountsCoder, type Idl } from '@coral-xyz/anchor';
import type { Connection, PublicKey } from '@solana/web3.js';
import driftIdl from '@drift-labs/sdk/lib/node/idl/drift.json' with { type: 'json' };
import { VenueError } from '../../shared/errors.ts';

/** Ids probed per authority and round; discovery stops after a round with this many missing ids in a row. */
export const DISCOVERY_BATCH = 8;
/** getMultipleAccounts accepts at most 100 keys. */
const MAX_KEYS = 100;

/** One watched sub-account. */
export interface FoundUser {
  readonly authority: PublicKey;
  readonly subAccountId: number;
  readonly publicKey: PublicKey;
  readonly account: UserAccount;
}

const coder = new BorshAccountsCoder(driftIdl as unknown as Idl);

/** Decodes a PerpMarket or SpotMarket account with the SDK's own IDL. */
export function decodeMarket<T extends 'PerpMarket' | 'SpotMarket'>(name: T, data: Buffer): T extends 'PerpMarket' ? PerpMarketAccount : SpotMarketAccount {
  return coder.decode(name, data);
}

async function fetchMany(connection: Connection, keys: readonly PublicKey[]): Promise<(Buffer | null)[]> {
  const out: (Buffer | null)[] = [];
  for (let i = 0; i < keys.length; i += MAX_KEYS) {
    const infos = await connection.getMultipleAccountsInfo(keys.slice(i, i + MAX_KEYS));
    out.push(...infos.map((a) => (a ? Buffer.from(a.data) : null)));
  }
  return out;
}

/**
 * The sub-accounts of `authorities`: the listed `ids` when given (a missing one is an error naming it), else every
 * id from 0 up to the first `DISCOVERY_BATCH` missing in a row. One getMultipleAccounts per round for all authorities.
 */
export async function discoverUsers(connection: Connection, programId: PublicKey, authorities: readonly PublicKey[], ids: readonly number[] | null): Promise<FoundUser[]> {
  const found: FoundUser[] = [];
  if (ids) {
    const wanted = authorities.flatMap((authority) => ids.map((id) => ({ authority, id, key: getUserAccountPublicKeySync(programId, authority, id) })));
    const data = await fetchMany(connection, wanted.map((w) => w.key));
    wanted.forEach((w, i) => {
      const d = data[i];
      if (!d) throw new VenueError('drift', `DRIFT_SUBACCOUNTS: wallet ${w.authority.toBase58()} has no Drift sub-account ${w.id}`);
      found.push({ authority: w.authority, subAccountId: w.id, publicKey: w.key, account: decodeUser(d) });
    });
    return found;
  }
  const open = new Map(authorities.map((a) => [a.toBase58(), { authority: a, next: 0, gap: 0 }]));
  while ([...open.values()].some((o) => o.gap < DISCOVERY_BATCH)) {
    const probes = [...open.values()].filter((o) => o.gap < DISCOVERY_BATCH).flatMap((o) =>
      Array.from({ length: DISCOVERY_BATCH }, (_, k) => ({ o, id: o.next + k, key: getUserAccountPublicKeySync(programId, o.authority, o.next + k) })));
    const data = await fetchMany(connection, probes.map((p) => p.key));
    probes.forEach((p, i) => {
      const d = data[i];
      if (d) {
        found.push({ authority: p.o.authority, subAccountId: p.id, publicKey: p.key, account: decodeUser(d) });
        p.o.gap = 0;
      } else {
        p.o.gap += 1;
      }
    });
    for (const o of open.values()) o.next += DISCOVERY_BATCH;
    // Ids past 65535 do not exist.
    if ([...open.values()].every((o) => o.next > 65_535)) break;
  }
  return found.sort((a, b) => a.authority.toBase58().localeCompare(b.authority.toBase58()) || a.subAccountId - b.subAccountId);
}

/** The perp and spot market indexes a set of users holds positions or orders in (the quote market always). */
export function marketsOf(users: readonly UserAccount[]): { perp: number[]; spot: number[] } {
  const perp = new Set<number>();
  const spot = new Set<number>([QUOTE_SPOT_MARKET_INDEX]);
  for (const u of users) {
    for (const p of u.perpPositions) {
      if (!p.baseAssetAmount.isZero() || !p.quoteAssetAmount.isZero() || p.openOrders > 0 || !p.lpShares.isZero()) perp.add(p.marketIndex);
    }
    for (const s of u.spotPositions) {
      if (!s.scaledBalance.isZero() || s.openOrders > 0) spot.add(s.marketIndex);
    }
  }
  return { perp: [...perp].sort((a, b) => a - b), spot: [...spot].sort((a, b) => a - b) };
}

/**
 * Fetches the market accounts of `perp` and `spot` indexes (one getMultipleAccounts, plus one more if a perp market's
 * quote spot market was not listed) and returns their oracle infos as the accounts say: never from SDK constants,
 * since a market's oracle can change.
 */
export async function oracleInfosFor(connection: Connection, programId: PublicKey, perp: readonly number[], spot: readonly number[]): Promise<{ oracleInfos: OracleInfo[]; spot: number[] }> {
  const infos = new Map<string, OracleInfo>();
  const add = (publicKey: PublicKey, source: OracleInfo['source']): void => { infos.set(publicKey.toBase58(), { publicKey, source }); };
  const spots = new Set(spot);
  const load = async (perpIdx: readonly number[], spotIdx: readonly number[]): Promise<void> => {
    const keys = [...perpIdx.map((i) => getPerpMarketPublicKeySync(programId, i)), ...spotIdx.map((i) => getSpotMarketPublicKeySync(programId, i))];
    const data = await fetchMany(connection, keys);
    data.forEach((d, i) => {
      const isPerp = i < perpIdx.length;
      const index = isPerp ? perpIdx[i] : spotIdx[i - perpIdx.length];
      if (!d) throw new VenueError('drift', `Drift ${isPerp ? 'perp' : 'spot'} market ${index} was not found on this RPC (wrong DRIFT_ENV?)`);
      if (isPerp) {
        const m = decodeMarket('PerpMarket', d);
        add(m.amm.oracle, m.amm.oracleSource);
        spots.add(m.quoteSpotMarketIndex);
      } else {
        const m = decodeMarket('SpotMarket', d);
        add(m.oracle, m.oracleSource);
      }
    });
  };
  await load(perp, spot);
  const missing = [...spots].filter((i) => !spot.includes(i));
  if (missing.length > 0) await load([], missing);
  return { oracleInfos: [...infos.values()], spot: [...spots].sort((a, b) => a - b) };
}
