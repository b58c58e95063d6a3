/**
 * Every Saros DLMM position of a set of wallets, in a bounded number of RPC calls whatever the count of positions:
 * 1. getTokenAccountsByOwner (Token-2022, jsonParsed) per wallet: position NFTs are Token-2022 mints, amount 1, 0 decimals;
 * 2. one getMultipleAccounts for the Position PDAs of those mints (non-Saros NFTs simply have no account);
 * 3. one getMultipleAccounts for their pairs and the bin arrays their ranges span;
 * 4. one getMultipleAccounts for mints whose decimals are not known yet (never again for the same mints: cached).
 * Batches above 100 keys (the RPC limit) are split.
 */
import { PublicKey, type AccountInfo, type Connection } from '@solana/web3.js';
import {
  binArrayAddress, decodeBinArray, decodePair, decodePosition, mintDecimals, positionAddress,
  type BinArrayAccount, type PairAccount, type PositionAccount,
} from './accounts.ts';
import { binArrayIndex, type BinState } from './math.ts';
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';

const TOKEN_2022 = new PublicKey('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');
/** getMultipleAccounts takes at most 100 keys. */
const MAX_KEYS = 100;

/** One position with everything needed to value it. */
export interface LoadedPosition {
  readonly owner: string;
  readonly position: PositionAccount;
  readonly pair: PairAccount;
  readonly decimalsX: number;
  readonly decimalsY: number;
  /** The bins of the pair the position spans (bin id → state); bins of arrays not yet created are absent. */
  readonly bins: ReadonlyMap<number, BinState>;
}

type Coder = LiquidityBookServices['lbProgram']['coder'];

async function fetchMany(connection: Connection, keys: readonly PublicKey[]): Promise<(AccountInfo<Buffer> | null)[]> {
  const out: (AccountInfo<Buffer> | null)[] = [];
  for (let i = 0; i < keys.length; i += MAX_KEYS) out.push(...await connection.getMultipleAccountsInfo(keys.slice(i, i + MAX_KEYS)));
  return out;
}

/** Reads positions of Saros wallets; mint decimals are cached across reads (they never change). */
export class SarosReader {
  private readonly decimals = new Map<string, number>();
  private readonly connection: Connection;
  private readonly coder: Coder;
  private readonly programId: PublicKey;

  constructor(connection: Connection, coder: Coder, programId: PublicKey) {
    this.connection = connection;
    this.coder = coder;
    this.programId = programId;
  }

  /** Decimals of `mints` (base58), undefined for one that does not exist; one RPC call for those not cached. */
  async mintDecimals(mints: readonly string[]): Promise<(number | undefined)[]> {
    const unknown = [...new Set(mints)].filter((m) => !this.decimals.has(m));
    if (unknown.length > 0) {
      const infos = await fetchMany(this.connection, unknown.map((m) => new PublicKey(m)));
      unknown.forEach((m, i) => {
        const info = infos[i];
        if (info) this.decimals.set(m, mintDecimals(m, info.data));
      });
    }
    return mints.map((m) => this.decimals.get(m));
  }

  /** All positions of `owners` (base58), ordered by owner then position address. */
  async read(owners: readonly string[]): Promise<LoadedPosition[]> {
    // 1. Candidate NFTs per wallet.
    const candidates: { owner: string; mint: PublicKey }[] = [];
    for (const owner of owners) {
      const { value } = await this.connection.getParsedTokenAccountsByOwner(new PublicKey(owner), { programId: TOKEN_2022 });
      for (const { account } of value) {
        const info = (account.data as { parsed?: { info?: { mint?: string; tokenAmount?: { amount?: string; decimals?: number } } } }).parsed?.info;
        if (info?.mint && info.tokenAmount?.amount === '1' && info.tokenAmount.decimals === 0) candidates.push({ owner, mint: new PublicKey(info.mint) });
      }
    }
    if (candidates.length === 0) return [];

    // 2. Their Position accounts.
    const positionKeys = candidates.map((c) => positionAddress(c.mint, this.programId));
    const positionInfos = await fetchMany(this.connection, positionKeys);
    const positions: { owner: string; position: PositionAccount }[] = [];
    positionInfos.forEach((info, i) => {
      if (!info || !info.owner.equals(this.programId)) return;
      const position = decodePosition(this.coder, positionKeys[i]!.toBase58(), info.data);
      positions.push({ owner: candidates[i]!.owner, position });
    });
    if (positions.length === 0) return [];

    // 3. Pairs and the bin arrays the ranges span.
    const pairKeys = [...new Set(positions.map((p) => p.position.pair))];
    const arrays = new Map<string, { pair: string; index: number }>();
    for (const { position } of positions) {
      for (let index = binArrayIndex(position.lowerBinId); index <= binArrayIndex(position.upperBinId); index++) {
        arrays.set(binArrayAddress(new PublicKey(position.pair), index, this.programId).toBase58(), { pair: position.pair, index });
      }
    }
    const arrayKeys = [...arrays.keys()];
    const infos = await fetchMany(this.connection, [...pairKeys, ...arrayKeys].map((k) => new PublicKey(k)));
    const pairs = new Map<string, PairAccount>();
    pairKeys.forEach((k, i) => {
      const info = infos[i];
      if (info && info.owner.equals(this.programId)) pairs.set(k, decodePair(this.coder, k, info.data));
    });
    const binArrays = new Map<string, BinArrayAccount>();
    arrayKeys.forEach((k, i) => {
      const info = infos[pairKeys.length + i];
      if (info && info.owner.equals(this.programId)) binArrays.set(k, decodeBinArray(this.coder, k, info.data));
    });

    // 4. Decimals of mints not seen before.
    await this.mintDecimals([...pairs.values()].flatMap((p) => [p.tokenMintX, p.tokenMintY]));

    const out: LoadedPosition[] = [];
    for (const { owner, position } of positions) {
      const pair = pairs.get(position.pair);
      if (!pair) continue;
      const decimalsX = this.decimals.get(pair.tokenMintX);
      const decimalsY = this.decimals.get(pair.tokenMintY);
      if (decimalsX === undefined || decimalsY === undefined) continue;
      const bins = new Map<number, BinState>();
      for (const a of binArrays.values()) {
        if (a.pair !== pair.address) continue;
        a.bins.forEach((b, slot) => {
          const id = a.index * 256 + slot;
          if (id >= position.lowerBinId && id <= position.upperBinId) bins.set(id, b);
        });
      }
      out.push({ owner, position, pair, decimalsX, decimalsY, bins });
    }
    return out.sort((a, b) => (a.owner === b.owner ? (a.position.address < b.position.address ? -1 : 1) : a.owner < b.owner ? -1 : 1));
  }
}
