/**
 * The watched wallets' own SOL and SPL tokens (outside Drift): read with getBalance and getTokenAccountsByOwner
 * (Token and Token-2022), at most once per `WALLET_REFRESH_MS`, and priced through the Drift spot market of the same
 * mint where one exists.
 */
import { SpotMarkets, WRAPPED_SOL_MINT, type DriftEnv } from '@drift-labs/sdk';
import { PublicKey, type Connection } from '@solana/web3.js';

/** Wallet balances change rarely and cost 3 HTTP calls per wallet: refreshed once a minute (ms). */
export const WALLET_REFRESH_MS = 60_000;

const TOKEN_PROGRAMS = [
  new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'),
  new PublicKey('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb'),
];

/** One token balance of a wallet: `amount` in the mint's base units. */
export interface WalletToken {
  readonly mint: string;
  readonly amount: bigint;
  readonly decimals: number;
}

export interface WalletBalances {
  readonly authority: string;
  /** Native SOL, lamports. */
  readonly lamports: bigint;
  /** Non-zero token balances, summed per mint. */
  readonly tokens: readonly WalletToken[];
}

interface ParsedTokenAmount { amount: string; decimals: number }

/** Reads one wallet's SOL and token balances (3 HTTP calls). */
export async function readWallet(connection: Connection, authority: PublicKey): Promise<WalletBalances> {
  const [lamports, ...lists] = await Promise.all([
    connection.getBalance(authority),
    ...TOKEN_PROGRAMS.map((programId) => connection.getParsedTokenAccountsByOwner(authority, { programId })),
  ]);
  const byMint = new Map<string, WalletToken>();
  for (const list of lists) {
    for (const { account } of list.value) {
      const info = (account.data as { parsed?: { info?: { mint?: string; tokenAmount?: ParsedTokenAmount } } }).parsed?.info;
      if (!info?.mint || !info.tokenAmount) continue;
      const amount = BigInt(info.tokenAmount.amount);
      if (amount === 0n) continue;
      const prev = byMint.get(info.mint);
      byMint.set(info.mint, { mint: info.mint, amount: (prev?.amount ?? 0n) + amount, decimals: info.tokenAmount.decimals });
    }
  }
  return { authority: authority.toBase58(), lamports: BigInt(lamports), tokens: [...byMint.values()] };
}

/** The Drift spot market index trading `mint` on `env`, if any (wrapped SOL for native SOL). */
export function spotMarketForMint(env: DriftEnv, mint: string): number | undefined {
  return SpotMarkets[env].find((m) => m.mint.toBase58() === mint)?.marketIndex;
}

/** The asset symbol of `mint` in Drift's spot-market registry for `env` ("SOL" for wrapped SOL), if listed. */
export function symbolForMint(env: DriftEnv, mint: string): string | undefined {
  return SpotMarkets[env].find((m) => m.mint.toBase58() === mint)?.symbol;
}

/** The wrapped-SOL mint (native SOL is priced through it). */
export const SOL_MINT = WRAPPED_SOL_MINT.toBase58();
