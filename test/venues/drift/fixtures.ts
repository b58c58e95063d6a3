/**
 * Drift's mainnet fixture sets from ../shared/fixtures/drift (read in place, never copied), served by the fake RPC
 * together with a synthetic all-zero State (the Rust tests read none from mainnet; labelled synthetic here).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeUser, DRIFT_PROGRAM_ID, getDriftStateAccountPublicKey } from '@drift-labs/sdk';
import { PublicKey } from '@solana/web3.js';
import { syntheticState } from '../../fakes/drift-accounts.ts';
import type { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { sharedPath } from '../../helpers/shared-dir.ts';

export interface FixtureAccount {
  readonly role: 'perpMarket' | 'spotMarket' | 'oracle' | 'user';
  readonly name: string;
  readonly marketIndex?: number;
  readonly pubkey: string;
  readonly owner: string;
  readonly accountType: string;
  readonly size: number;
  readonly sha256: string;
  readonly dataBase64: string;
  readonly decodedSummary?: Record<string, unknown>;
}

export interface FixtureSet {
  readonly accounts: readonly FixtureAccount[];
  readonly expected: readonly { what: string; value: unknown; units?: string }[];
  readonly sdkCheck?: { results: Record<string, { sdk: number; rust: number }> };
  readonly sdkObserved?: Record<string, unknown>;
}

/** Reads set `name`, checking every account's size and sha256 first. */
export function loadFixtureSet(name: string): FixtureSet {
  const set = JSON.parse(readFileSync(sharedPath('fixtures', 'drift', name, 'set.json'), 'utf8')) as FixtureSet;
  for (const a of set.accounts) {
    const bytes = Buffer.from(a.dataBase64, 'base64');
    if (bytes.length !== a.size) throw new Error(`${name}/${a.name}: ${bytes.length} bytes, fixture says ${a.size}`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== a.sha256) throw new Error(`${name}/${a.name}: sha256 ${sha} differs from the fixture's`);
  }
  return set;
}

/** Serves every account of `set` plus the synthetic State on `rpc`; returns the user account's authority. */
export async function serveFixtureSet(rpc: FakeSolanaRpc, set: FixtureSet, state: Record<string, unknown> = {}): Promise<{ authority: string; userKey: string }> {
  for (const a of set.accounts) rpc.setAccount(a.pubkey, { data: Buffer.from(a.dataBase64, 'base64'), owner: a.owner });
  const stateKey = await getDriftStateAccountPublicKey(new PublicKey(DRIFT_PROGRAM_ID));
  // SYNTHETIC: an all-zero State (with `state` overrides), not mainnet data.
  rpc.setAccount(stateKey, { data: syntheticState(state), owner: DRIFT_PROGRAM_ID });
  const user = set.accounts.find((a) => a.role === 'user');
  if (!user) throw new Error('fixture set has no user');
  return { authority: decodeUser(Buffer.from(user.dataBase64, 'base64')).authority.toBase58(), userKey: user.pubkey };
}

/** Offset of `delegate` in a User account: 8-byte discriminator, then `authority` (32 bytes). */
const USER_DELEGATE_OFFSET = 40;

/** The fixture set with the User account's delegate replaced by `delegate` (SYNTHETIC change, for signing tests). */
export function withDelegate(set: FixtureSet, delegate: { toBuffer(): Buffer }): FixtureSet {
  return {
    ...set,
    accounts: set.accounts.map((a) => {
      if (a.role !== 'user') return a;
      const data = Buffer.from(a.dataBase64, 'base64');
      delegate.toBuffer().copy(data, USER_DELEGATE_OFFSET);
      return { ...a, dataBase64: data.toString('base64') };
    }),
  };
}
