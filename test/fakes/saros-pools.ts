/**
 * Pools and positions on the offline Saros chain, made by the real program from SDK-built instructions: the config
 * (the one account written by hand, encoded with the SDK's coder), a bin-step config and quote badge, pairs
 * (`createPairWithConfig`), bin arrays and vaults (`getBinArray`, `getPairVaultInfo`), positions and liquidity.
 * Known SDK 1.5.0 defects worked around here are the ones the venue works around too (see src/venues/saros/).
 */
import { BN } from '@coral-xyz/anchor';
import { createUniformDistribution, LiquidityShape, type LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, PublicKey, Transaction } from '@solana/web3.js';
import type { SarosChain } from './saros-chain.ts';

export interface Pool {
  readonly pair: PublicKey;
  readonly mintX: PublicKey;
  readonly mintY: PublicKey;
  readonly decimalsX: number;
  readonly decimalsY: number;
  readonly binStep: number;
  readonly activeId: number;
}

export interface OpenedPosition {
  readonly positionMint: PublicKey;
  readonly position: PublicKey;
  readonly lowerBinId: number;
  readonly upperBinId: number;
  readonly unitsConsumed: { readonly create: number; readonly add: number };
}

const FEES = { baseFactor: 10000, filterPeriod: 30, decayPeriod: 600, reductionFactor: 5000, variableFeeControl: 20000, maxVolatilityAccumulator: 350000, protocolShare: 2000, space: [0, 0] };

/** Writes the SDK's LiquidityBookConfig (payer = preset authority). Once per chain. */
export async function writeConfig(chain: SarosChain, sdk: LiquidityBookServices): Promise<void> {
  const prog = sdk.lbProgram;
  const data = await prog.coder.accounts.encode('liquidityBookConfig', { presetAuthority: chain.payer.publicKey, pendingPresetAuthority: null });
  await chain.put(sdk.lbConfig, { data: Buffer.from(data), owner: prog.programId });
}

const configured = new WeakMap<SarosChain, Set<string>>();

/** A pair of two new mints at `price` (quote per base), with vaults and the bin arrays around the active bin. */
export async function createPool(
  chain: SarosChain, sdk: LiquidityBookServices,
  o: { decimalsX: number; decimalsY: number; binStep: number; price: number; classicX?: boolean; classicY?: boolean; mintX?: PublicKey; mintY?: PublicKey },
): Promise<Pool> {
  const prog = sdk.lbProgram;
  const payer = chain.payer.publicKey;
  const mintX = o.mintX ?? await chain.createMint(o.decimalsX, !o.classicX);
  const mintY = o.mintY ?? await chain.createMint(o.decimalsY, !o.classicY);
  const done = configured.get(chain) ?? new Set<string>();
  configured.set(chain, done);
  const setup = new Transaction();
  if (!done.has(`step:${o.binStep}`)) {
    const binStepConfig = PublicKey.findProgramAddressSync([Buffer.from('bin_step_config'), sdk.lbConfig.toBuffer(), new Uint8Array([o.binStep])], prog.programId)[0];
    setup.add(await prog.methods.initializeBinStepConfig!(o.binStep, { open: {} }, FEES).accountsPartial({ liquidityBookConfig: sdk.lbConfig, binStepConfig, presetAuthority: payer }).instruction());
    done.add(`step:${o.binStep}`);
  }
  if (!done.has(`badge:${mintY.toBase58()}`)) {
    const badge = PublicKey.findProgramAddressSync([Buffer.from('quote_asset_badge'), sdk.lbConfig.toBuffer(), mintY.toBuffer()], prog.programId)[0];
    setup.add(await prog.methods.initializeQuoteAssetBadge!().accountsPartial({ liquidityBookConfig: sdk.lbConfig, quoteAssetBadge: badge, tokenMint: mintY, presetAuthority: payer }).instruction());
    done.add(`badge:${mintY.toBase58()}`);
  }
  if (setup.instructions.length > 0) await chain.send(setup);
  const created = await sdk.createPairWithConfig({
    tokenBase: { decimal: o.decimalsX, mintAddress: mintX.toBase58() }, tokenQuote: { decimal: o.decimalsY, mintAddress: mintY.toBase58() },
    binStep: o.binStep, ratePrice: o.price, payer,
  });
  await chain.send(created.tx);
  const pair = new PublicKey(created.pair);
  const info = await sdk.getPairAccount(pair) as { activeId: number };
  // The program needs the active bin's array and the next one; createPairWithConfig may have made the one below.
  const arrays = new Transaction();
  const idx = Math.floor(info.activeId / 256);
  for (const i of [idx - 1, idx, idx + 1]) await sdk.getBinArray({ binArrayIndex: i, pair, payer, transaction: arrays });
  await sdk.getPairVaultInfo({ tokenAddress: mintX, pair, payer, transaction: arrays });
  await sdk.getPairVaultInfo({ tokenAddress: mintY, pair, payer, transaction: arrays });
  if (arrays.instructions.length > 0) await chain.send(arrays);
  return { pair, mintX, mintY, decimalsX: o.decimalsX, decimalsY: o.decimalsY, binStep: o.binStep, activeId: info.activeId };
}

/**
 * Opens a position over active+left … active+right (relative bins; one bin array) and adds `amountX`/`amountY`
 * (base units) with the SDK's uniform Spot distribution. The owner is the chain's payer. `create_position` is built
 * from the IDL: the SDK's createPosition appends a hook instruction that fails on a hookless pair.
 */
export async function openPosition(
  chain: SarosChain, sdk: LiquidityBookServices, pool: Pool, o: { left: number; right: number; amountX: bigint; amountY: bigint },
): Promise<OpenedPosition> {
  const prog = sdk.lbProgram;
  const payer = chain.payer.publicKey;
  const info = await sdk.getPairAccount(pool.pair) as { activeId: number };
  const positionMint = Keypair.generate();
  const position = PublicKey.findProgramAddressSync([Buffer.from('position'), positionMint.publicKey.toBuffer()], prog.programId)[0];
  const positionTokenAccount = getAssociatedTokenAddressSync(positionMint.publicKey, payer, true, TOKEN_2022_PROGRAM_ID);
  const create = new Transaction().add(await prog.methods.createPosition!(new BN(o.left), new BN(o.right)).accountsPartial({
    pair: pool.pair, position, positionMint: positionMint.publicKey, positionTokenAccount, tokenProgram: TOKEN_2022_PROGRAM_ID, user: payer,
  }).instruction());
  const created = await chain.send(create, [positionMint]);
  const lowerBinId = info.activeId + o.left;
  const upperBinId = info.activeId + o.right;
  const idx = Math.floor(lowerBinId / 256);
  const binArrayLower = PublicKey.findProgramAddressSync([Buffer.from('bin_array'), pool.pair.toBuffer(), new BN(idx).toArrayLike(Buffer, 'le', 4)], prog.programId)[0];
  const binArrayUpper = PublicKey.findProgramAddressSync([Buffer.from('bin_array'), pool.pair.toBuffer(), new BN(idx + 1).toArrayLike(Buffer, 'le', 4)], prog.programId)[0];
  const add = new Transaction();
  await sdk.addLiquidityIntoPosition({
    positionMint: positionMint.publicKey, payer, pair: pool.pair, transaction: add,
    liquidityDistribution: createUniformDistribution({ shape: LiquidityShape.Spot, binRange: [o.left, o.right] }),
    amountX: Number(o.amountX), amountY: Number(o.amountY), binArrayLower, binArrayUpper,
  });
  const added = await chain.send(add, [], 400_000);
  return { positionMint: positionMint.publicKey, position, lowerBinId, upperBinId, unitsConsumed: { create: created.unitsConsumed, add: added.unitsConsumed } };
}
