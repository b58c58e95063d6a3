/**
 * The 100 mainnet Drift `User` accounts the SDK ships for its own decode tests, through our discovery over the fake RPC:
 * every account decodes, is found at its PDA with the right authority and sub-account id, keeps its perp base sizes
 * exact (bigint strings equal to the BN's) and yields sane market indexes.
 *
 * The SDK's `tests/decode/userAccountBufferStrings.ts` is read as text and never imported: node refuses to strip types
 * under node_modules, and tsc would type-check it. The data is in node_modules, so this test needs no ../shared.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BorshAccountsCoder } from '@coral-xyz/anchor';
import { decodeUser, DRIFT_PROGRAM_ID, getUserAccountPublicKeySync, type UserAccount } from '@drift-labs/sdk';
import { Connection, PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverUsers, marketsOf, type FoundUser } from '../../../src/venues/drift/discovery.ts';
import { decodeDriftAccount } from '../../fakes/drift-accounts.ts';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';

/** The SDK package folder (wherever npm put it): its main entry is lib/node/index.js. */
const SDK_DIR = join(dirname(createRequire(import.meta.url).resolve('@drift-labs/sdk')), '..', '..');
const BUFFER_STRINGS = join(SDK_DIR, 'tests', 'decode', 'userAccountBufferStrings.ts');

/** The quoted base64 literals of the file (each a whole User account). */
function userAccountStrings(): string[] {
  const text = readFileSync(BUFFER_STRINGS, 'utf8');
  return [...text.matchAll(/(['"`])([A-Za-z0-9+/]{100,}={0,2})\1/g)].map((m) => m[2]!);
}

const PROGRAM = new PublicKey(DRIFT_PROGRAM_ID);
const USER_DISCRIMINATOR = BorshAccountsCoder.accountDiscriminator('User');

interface Sample {
  readonly index: number;
  readonly bytes: Buffer;
  readonly account: UserAccount;
  readonly key: PublicKey;
}

/** Active as discovery counts it (marketsOf): a base or quote amount, open orders or LP shares. */
function isActivePerp(p: UserAccount['perpPositions'][number]): boolean {
  return !p.baseAssetAmount.isZero() || !p.quoteAssetAmount.isZero() || p.openOrders > 0 || !p.lpShares.isZero();
}

/** Raw IDL-coder perp slots (all 8, empty ones included): an independent decoding to compare the SDK's against. */
interface IdlPerpSlot { readonly marketIndex: number; readonly baseAssetAmount: { toString(): string } }

function isIndex(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 65_535;
}

describe('the SDK’s 100 mainnet User accounts through discovery over the fake RPC', () => {
  const strings = userAccountStrings();
  let rpc: FakeSolanaRpc;
  let samples: Sample[];

  beforeAll(async () => {
    rpc = new FakeSolanaRpc();
    await rpc.start();
    samples = strings.map((s, index) => {
      const bytes = Buffer.from(s, 'base64');
      const account = decodeUser(bytes);
      return { index, bytes, account, key: getUserAccountPublicKeySync(PROGRAM, account.authority, account.subAccountId) };
    });
    for (const s of samples) rpc.setAccount(s.key, { data: s.bytes, owner: DRIFT_PROGRAM_ID });
  });
  afterAll(async () => {
    await rpc.stop();
  });

  it('the file holds exactly 100 base64 User accounts', () => {
    expect(strings).toHaveLength(100);
    for (const s of strings) expect(Buffer.from(s, 'base64').subarray(0, 8).equals(USER_DISCRIMINATOR)).toBe(true);
  });

  it('every account decodes with the SDK’s decodeUser, and the 100 PDAs are distinct', () => {
    for (const s of strings) expect(() => decodeUser(Buffer.from(s, 'base64'))).not.toThrow();
    expect(new Set(samples.map((s) => s.key.toBase58())).size).toBe(100);
  });

  it('discovery (explicit ids, one call per authority) finds exactly one sub-account per served account', async () => {
    const connection = new Connection(rpc.url, 'confirmed');
    const byAuthority = new Map<string, { authority: PublicKey; ids: number[] }>();
    for (const s of samples) {
      const a = s.account.authority.toBase58();
      const entry = byAuthority.get(a) ?? { authority: s.account.authority, ids: [] };
      entry.ids.push(s.account.subAccountId);
      byAuthority.set(a, entry);
    }
    const before = rpc.calls('getMultipleAccounts').length;
    const found: FoundUser[] = [];
    for (const { authority, ids } of byAuthority.values()) found.push(...await discoverUsers(connection, PROGRAM, [authority], ids));
    expect(found).toHaveLength(100);
    expect(rpc.calls('getProgramAccounts')).toHaveLength(0);
    expect(rpc.calls('getMultipleAccounts').length - before).toBe(byAuthority.size);

    const byKey = new Map(found.map((f) => [f.publicKey.toBase58(), f]));
    expect(byKey.size).toBe(100);
    for (const s of samples) {
      const f = byKey.get(s.key.toBase58());
      expect(f, `account #${s.index}`).toBeDefined();
      expect(f!.authority.toBase58()).toBe(s.account.authority.toBase58());
      expect(f!.account.authority.toBase58()).toBe(s.account.authority.toBase58());
      expect(f!.subAccountId).toBe(s.account.subAccountId);
      expect(f!.account.subAccountId).toBe(s.account.subAccountId);
      // What came back over the RPC is the account served, position by position.
      expect(f!.account.perpPositions.map((p) => [p.marketIndex, p.baseAssetAmount.toString()]))
        .toEqual(s.account.perpPositions.map((p) => [p.marketIndex, p.baseAssetAmount.toString()]));
      expect(f!.account.spotPositions.map((p) => [p.marketIndex, p.scaledBalance.toString()]))
        .toEqual(s.account.spotPositions.map((p) => [p.marketIndex, p.scaledBalance.toString()]));
    }
  });

  it('discovery without ids over all 100 wallets batches getMultipleAccounts at 100 keys and finds the same 100', async () => {
    const connection = new Connection(rpc.url, 'confirmed');
    const before = rpc.calls('getMultipleAccounts').length;
    const found = await discoverUsers(connection, PROGRAM, samples.map((s) => s.account.authority), null);
    const calls = rpc.calls('getMultipleAccounts').slice(before);
    expect(calls.length).toBeGreaterThan(1);
    for (const c of calls) {
      const keys = c.params[0] as readonly string[];
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.length).toBeLessThanOrEqual(100);
      expect(c.error).toBeUndefined();
    }
    // 100 wallets × 8 probed ids = 800 keys a round: full 100-key batches (the fake refuses more, as Agave does).
    expect(calls.some((c) => (c.params[0] as readonly string[]).length === 100)).toBe(true);
    expect(found.map((f) => f.publicKey.toBase58()).sort()).toEqual(samples.map((s) => s.key.toBase58()).sort());
  });

  it('every active perp position keeps its base size exact: a bigint string equal to the BN’s, and to the IDL coder’s', async () => {
    const connection = new Connection(rpc.url, 'confirmed');
    const found = await discoverUsers(connection, PROGRAM, samples.map((s) => s.account.authority), null);
    let active = 0;
    for (const f of found) {
      const s = samples.find((x) => x.key.equals(f.publicKey))!;
      // The IDL coder keeps all 8 slots; decodeUser drops empty ones, so compare by market, never by slot.
      const idl = decodeDriftAccount<{ perpPositions: IdlPerpSlot[] }>('User', s.bytes).perpPositions;
      for (const p of f.account.perpPositions.filter(isActivePerp)) {
        active += 1;
        const text = p.baseAssetAmount.toString();
        const exact = BigInt(text);
        expect(exact.toString()).toBe(text);
        expect(exact >= -(2n ** 63n) && exact < 2n ** 63n).toBe(true);
        const slots = idl.filter((x) => x.marketIndex === p.marketIndex && x.baseAssetAmount.toString() === text);
        expect(slots.length, `account #${s.index} perp ${p.marketIndex}`).toBeGreaterThan(0);
      }
    }
    expect(active).toBeGreaterThan(0);
  });

  it('marketsOf gives sorted, distinct, non-negative integer market indexes covering every held position', async () => {
    const connection = new Connection(rpc.url, 'confirmed');
    const found = await discoverUsers(connection, PROGRAM, samples.map((s) => s.account.authority), null);
    const accounts = found.map((f) => f.account);
    for (const a of accounts) {
      for (const p of a.perpPositions) expect(isIndex(p.marketIndex), `perp ${p.marketIndex}`).toBe(true);
      for (const p of a.spotPositions) expect(isIndex(p.marketIndex), `spot ${p.marketIndex}`).toBe(true);
    }
    const { perp, spot } = marketsOf(accounts);
    for (const list of [perp, spot]) {
      expect(list.every(isIndex)).toBe(true);
      expect(new Set(list).size).toBe(list.length);
      expect([...list].sort((a, b) => a - b)).toEqual(list);
    }
    expect(spot).toContain(0);
    for (const a of accounts) {
      for (const p of a.perpPositions.filter((x) => !x.baseAssetAmount.isZero())) expect(perp).toContain(p.marketIndex);
      for (const p of a.spotPositions.filter((x) => !x.scaledBalance.isZero())) expect(spot).toContain(p.marketIndex);
    }
    // One account at a time gives a subset of the union.
    for (const a of accounts) {
      const one = marketsOf([a]);
      expect(one.perp.every((i) => perp.includes(i))).toBe(true);
      expect(one.spot.every((i) => spot.includes(i))).toBe(true);
    }
  });
});
