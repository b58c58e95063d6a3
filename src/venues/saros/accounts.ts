/**
 * Saros DLMM accounts decoded with the SDK's own Anchor coder (its IDL), mapped to plain typed records at this
 * boundary: u64/u128 become bigint, pubkeys base58. The SDK types `getPairAccount`/`getPositionAccount` as `any`, and
 * `Program<Idl>` has no typed `account.binArray`: decoding with `coder.accounts.decode` and checking here is what
 * keeps an unexpected layout from reaching the arithmetic.
 */
import { LiquidityBookServices, MODE } from '@saros-finance/dlmm-sdk';
import { PublicKey } from '@solana/web3.js';
import type { BinState } from './math.ts';
import type { DynamicFeeParameters, StaticFeeParameters } from './swap-math.ts';

/** The Saros DLMM program (liquidity_book) on mainnet. */
export const SAROS_PROGRAM_ID = new PublicKey('1qbkdrr3z4ryLA7pZykqxvxWPoeifcVKo6ZG9CfkvVE');
/** The rewarder hook program. */
export const SAROS_HOOK_PROGRAM_ID = new PublicKey('mdmavMvJpF4ZcLJNg6VSjuKVMiBo5uKwERTg1ZB9yUH');

export interface PairAccount {
  readonly address: string;
  readonly binStep: number;
  readonly tokenMintX: string;
  readonly tokenMintY: string;
  readonly activeId: number;
  /** The rewarder hook account, or null for a pair without one. */
  readonly hook: string | null;
  readonly staticFee: StaticFeeParameters;
  readonly dynamicFee: DynamicFeeParameters;
}

export interface PositionAccount {
  readonly address: string;
  readonly pair: string;
  readonly positionMint: string;
  /** Liquidity shares per bin, share k for bin lowerBinId + k (64 slots; unused ones 0). */
  readonly shares: readonly bigint[];
  readonly lowerBinId: number;
  readonly upperBinId: number;
}

export interface BinArrayAccount {
  readonly address: string;
  readonly pair: string;
  readonly index: number;
  /** 256 bins, bin id = index × 256 + slot. */
  readonly bins: readonly BinState[];
}

/** A decoder that cannot read an account says which and why (a program upgrade changed the layout, or a wrong key). */
export class SarosDecodeError extends Error {
  constructor(what: string, address: string, cause: unknown) {
    super(`cannot decode Saros ${what} ${address}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SarosDecodeError';
  }
}

interface AnchorLike { toString(): string }
const big = (v: AnchorLike): bigint => BigInt(v.toString());
const key = (v: AnchorLike): string => (v instanceof PublicKey ? v.toBase58() : v.toString());

/** The SDK's programs (coder, ids) without a network: a services object whose connection is never used for decoding. */
export function sarosServices(rpcUrl: string): LiquidityBookServices {
  return new LiquidityBookServices({ mode: MODE.MAINNET, options: { rpcUrl } });
}

type Coder = LiquidityBookServices['lbProgram']['coder'];

/** Decodes a Pair account. */
export function decodePair(coder: Coder, address: string, data: Buffer): PairAccount {
  try {
    const p = coder.accounts.decode<{
      binStep: number; tokenMintX: AnchorLike; tokenMintY: AnchorLike; activeId: number; hook: AnchorLike | null;
      staticFeeParameters: { baseFactor: number; filterPeriod: number; decayPeriod: number; reductionFactor: number; variableFeeControl: number; maxVolatilityAccumulator: number; protocolShare: number };
      dynamicFeeParameters: { timeLastUpdated: AnchorLike; volatilityAccumulator: number; volatilityReference: number; idReference: number };
    }>('pair', data);
    const s = p.staticFeeParameters;
    const d = p.dynamicFeeParameters;
    return {
      address, binStep: p.binStep, tokenMintX: key(p.tokenMintX), tokenMintY: key(p.tokenMintY), activeId: p.activeId,
      hook: p.hook === null ? null : key(p.hook),
      staticFee: {
        baseFactor: s.baseFactor, filterPeriod: s.filterPeriod, decayPeriod: s.decayPeriod, reductionFactor: s.reductionFactor,
        variableFeeControl: s.variableFeeControl, maxVolatilityAccumulator: s.maxVolatilityAccumulator, protocolShare: s.protocolShare,
      },
      dynamicFee: {
        timeLastUpdated: Number(big(d.timeLastUpdated)), volatilityAccumulator: d.volatilityAccumulator, volatilityReference: d.volatilityReference,
        idReference: d.idReference,
      },
    };
  } catch (err) {
    throw new SarosDecodeError('pair', address, err);
  }
}

/** Decodes a Position account. */
export function decodePosition(coder: Coder, address: string, data: Buffer): PositionAccount {
  try {
    const p = coder.accounts.decode<{ pair: AnchorLike; positionMint: AnchorLike; liquidityShares: AnchorLike[]; lowerBinId: number; upperBinId: number }>('position', data);
    return {
      address, pair: key(p.pair), positionMint: key(p.positionMint), shares: p.liquidityShares.map(big), lowerBinId: p.lowerBinId, upperBinId: p.upperBinId,
    };
  } catch (err) {
    throw new SarosDecodeError('position', address, err);
  }
}

/** Decodes a BinArray account. */
export function decodeBinArray(coder: Coder, address: string, data: Buffer): BinArrayAccount {
  try {
    const a = coder.accounts.decode<{ pair: AnchorLike; index: number; bins: { totalSupply: AnchorLike; reserveX: AnchorLike; reserveY: AnchorLike }[] }>('binArray', data);
    return {
      address, pair: key(a.pair), index: a.index,
      bins: a.bins.map((b) => ({ totalSupply: big(b.totalSupply), reserveX: big(b.reserveX), reserveY: big(b.reserveY) })),
    };
  } catch (err) {
    throw new SarosDecodeError('bin array', address, err);
  }
}

/** The Position PDA of a position NFT mint. */
export function positionAddress(positionMint: PublicKey, programId = SAROS_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([Buffer.from('position'), positionMint.toBuffer()], programId)[0];
}

/** The BinArray PDA of `pair` with index `index`. */
export function binArrayAddress(pair: PublicKey, index: number, programId = SAROS_PROGRAM_ID): PublicKey {
  const le = Buffer.alloc(4);
  le.writeUInt32LE(index);
  return PublicKey.findProgramAddressSync([Buffer.from('bin_array'), pair.toBuffer(), le], programId)[0];
}

/** Decimals of an SPL Token or Token-2022 mint account (byte 44 of the base layout). */
export function mintDecimals(address: string, data: Buffer): number {
  if (data.length < 82) throw new SarosDecodeError('mint', address, new Error(`${data.length} bytes, a mint has at least 82`));
  return data[44]!;
}
