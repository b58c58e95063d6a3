/**
 * A Solana chain that runs the real mainnet Saros DLMM programs offline: a solana-bankrun bank with `saros_dlmm.so` and
 * `rewarder_hook.so` from `../shared/fixtures/saros/` (sha256 checked), served to web3.js and the Saros SDK by the
 * local fake RPC (`FakeSolanaRpc` with a bank-backed `TransactionEngine`): simulateTransaction and sendTransaction
 * execute in the bank, and the accounts a transaction names are mirrored into the fake's store, so reads, the
 * owner index of getTokenAccountsByOwner and account subscriptions see the program's effects.
 *
 * Only the SDK's `LiquidityBookConfig` account is written by hand (encoded with the SDK's own coder); mints and token
 * accounts are written with the SPL layouts; everything else — bin-step config, quote badge, pairs, bin arrays,
 * vaults, positions, liquidity, swaps — is made by the program from SDK-built (or IDL-built) instructions.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtensionType } from '@solana/spl-token';
import {
  AccountLayout, MintLayout, NATIVE_MINT, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync, getMintLen,
} from '@solana/spl-token';
import type { Transaction, VersionedTransaction } from '@solana/web3.js';
import {
  ComputeBudgetProgram, Connection, Keypair, PublicKey, type Signer,
} from '@solana/web3.js';
import type { AccountInfoBytes, ProgramTestContext } from 'solana-bankrun';
import { FakeSolanaRpc, type AccountInput, type EngineResult, type TransactionEngine, type TransactionError } from './solana-rpc.ts';
import { SHARED_DIR } from '../helpers/shared-dir.ts';

/** The Saros program binaries (a path only: nothing is read until a chain starts, so a clone without ../shared loads this). */
export const SAROS_FIXTURES = join(SHARED_DIR, 'fixtures', 'saros');
export const SAROS_PROGRAM_ID = new PublicKey('1qbkdrr3z4ryLA7pZykqxvxWPoeifcVKo6ZG9CfkvVE');
export const HOOK_PROGRAM_ID = new PublicKey('mdmavMvJpF4ZcLJNg6VSjuKVMiBo5uKwERTg1ZB9yUH');
const SHA256: Readonly<Record<string, string>> = {
  'saros_dlmm.so': 'fe5b8e318e3ce1aaf742715103a374c6842cc99b446039e9ba1205eedf4ab2aa',
  'rewarder_hook.so': '083b5a7ded4ebd71166c291072f8a790d8fe02bccb1094d44396ded5540a35bc',
};

/** Refuses a changed program binary (the README's sha256), naming the file. */
export function checkProgramBinaries(dir = SAROS_FIXTURES): void {
  for (const [file, want] of Object.entries(SHA256)) {
    const got = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    if (got !== want) throw new Error(`${join(dir, file)}: sha256 ${got}, expected ${want} (see ${dir}/README.md)`);
  }
}

/** bankrun's error text → Solana's JSON TransactionError (what an RPC answers), e.g. `{InstructionError:[1,{Custom:6004}]}`. */
export function transactionErrorOf(result: string | null): TransactionError | null {
  if (result === null) return null;
  const custom = /Error processing Instruction (\d+): custom program error: 0x([0-9a-f]+)/i.exec(result);
  if (custom) return { InstructionError: [Number(custom[1]), { Custom: Number.parseInt(custom[2]!, 16) }] };
  const other = /Error processing Instruction (\d+): (.+)$/.exec(result);
  if (other) {
    const name = other[2]!.replace(/^[a-z]/, (c) => c.toUpperCase()).replace(/ (\w)/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
    return { InstructionError: [Number(other[1]), name] };
  }
  return result.replace(/[^A-Za-z0-9]/g, '') || 'GenericError';
}

function toInput(a: AccountInfoBytes): AccountInput {
  return { data: Buffer.from(a.data), owner: a.owner.toBase58(), lamports: BigInt(a.lamports), executable: a.executable, rentEpoch: BigInt(a.rentEpoch ?? 0) };
}

export interface SarosChain {
  readonly context: ProgramTestContext;
  readonly rpc: FakeSolanaRpc;
  /** A Connection to the fake RPC (confirmed commitment). */
  readonly connection: Connection;
  /** Funded with SOL, the config's preset authority. */
  readonly payer: Keypair;
  /** Writes an account into the bank and the RPC's store. */
  put(key: PublicKey, account: { data: Buffer; owner: PublicKey; lamports?: bigint }): Promise<void>;
  /** A new mint (classic SPL or Token-2022), mint authority the payer; at `address` when given (e.g. mainnet USDC). */
  createMint(decimals: number, token2022?: boolean, address?: PublicKey): Promise<PublicKey>;
  /** Sets `owner`'s associated token account of `mint` to `amount` base units (created if missing). */
  setTokenBalance(owner: PublicKey, mint: PublicKey, amount: bigint): Promise<PublicKey>;
  /** `owner`'s token balance of `mint` (its ATA), base units; 0 if none. */
  tokenBalance(owner: PublicKey, mint: PublicKey): Promise<bigint>;
  /** Signs (payer + `signers`) and sends through the fake RPC; throws with the program logs when it fails. */
  send(tx: Transaction, signers?: readonly Signer[], computeUnits?: number): Promise<{ signature: string; unitsConsumed: number; logs: readonly string[] }>;
  /** Moves the bank's clock forward (new blockhash for identical transactions). */
  advance(slots?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the bank with both Saros programs and a fake RPC in front of it. */
export async function startSarosChain(): Promise<SarosChain> {
  checkProgramBinaries();
  process.env.BPF_OUT_DIR = SAROS_FIXTURES;
  process.env.RUST_LOG ??= 'error';
  const { start } = await import('solana-bankrun');
  const context = await start([{ name: 'saros_dlmm', programId: SAROS_PROGRAM_ID }, { name: 'rewarder_hook', programId: HOOK_PROGRAM_ID }], []);
  const client = context.banksClient;
  let blockhash = context.lastBlockhash;
  let slot = (await client.getClock()).slot;
  let mintedAt = Date.now();
  // bankrun 0.4 stops accepting a blockhash after about a second of wall time (measured: fine at 0.5 s, refused at
  // 1.5 s), so a blockhash handed out is a fresh one (the next slot's) once the current one is older than this.
  const BLOCKHASH_FRESH_MS = 400;
  const nextSlot = (to: bigint): void => {
    slot = to;
    context.warpToSlot(slot);
    blockhash = context.lastBlockhash;
    mintedAt = Date.now();
  };

  const touched = async (tx: VersionedTransaction): Promise<Map<string, AccountInput | null>> => {
    const out = new Map<string, AccountInput | null>();
    for (const key of tx.message.staticAccountKeys) {
      const a = await client.getAccount(key);
      out.set(key.toBase58(), a && a.lamports > 0 ? toInput(a) : null);
    }
    return out;
  };
  const saros = new Set([SAROS_PROGRAM_ID.toBase58(), HOOK_PROGRAM_ID.toBase58()]);
  const engine: TransactionEngine = {
    blockhash: () => {
      if (Date.now() - mintedAt > BLOCKHASH_FRESH_MS) nextSlot(slot + 1n);
      return blockhash;
    },
    // Transactions that touch no Saros program (a Drift order on the same fake RPC) keep the fake's scripted results.
    handles: (tx) => tx.message.staticAccountKeys.some((k) => saros.has(k.toBase58())) || !tx.message.staticAccountKeys.some((k) => k.toBase58().startsWith('dRift')),
    async simulate(tx): Promise<EngineResult> {
      const r = await client.simulateTransaction(tx);
      return { err: transactionErrorOf(r.result), logs: r.meta?.logMessages ?? [], unitsConsumed: Number(r.meta?.computeUnitsConsumed ?? 0n) };
    },
    async process(tx) {
      const r = await client.tryProcessTransaction(tx);
      return {
        err: transactionErrorOf(r.result), logs: r.meta?.logMessages ?? [], unitsConsumed: Number(r.meta?.computeUnitsConsumed ?? 0n),
        accounts: await touched(tx),
      };
    },
  };
  const rpc = new FakeSolanaRpc({ engine, confirmAfterMs: 0 });
  await rpc.start();
  const connection = new Connection(rpc.url, { commitment: 'confirmed', wsEndpoint: rpc.wsUrl });
  const payer = context.payer;
  const payerAccount = await client.getAccount(payer.publicKey);
  if (payerAccount) rpc.setAccount(payer.publicKey, toInput(payerAccount));

  const put: SarosChain['put'] = async (key, a) => {
    const lamports = a.lamports ?? BigInt(await connection.getMinimumBalanceForRentExemption(a.data.length));
    context.setAccount(key, { data: a.data, owner: a.owner, lamports: Number(lamports), executable: false });
    rpc.setAccount(key, { data: a.data, owner: a.owner.toBase58(), lamports });
  };

  const chain: SarosChain = {
    context, rpc, connection, payer, put,
    async createMint(decimals, token2022 = false, address) {
      const mint = address ?? Keypair.generate().publicKey;
      const program = token2022 ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID;
      const data = Buffer.alloc(token2022 ? getMintLen([] as ExtensionType[]) : MintLayout.span);
      MintLayout.encode({
        mintAuthorityOption: 1, mintAuthority: payer.publicKey, supply: 0n, decimals, isInitialized: true,
        freezeAuthorityOption: 0, freezeAuthority: PublicKey.default,
      }, data);
      await put(mint, { data, owner: program });
      return mint;
    },
    async setTokenBalance(owner, mint, amount) {
      const mintInfo = await client.getAccount(mint);
      if (!mintInfo) throw new Error(`no mint ${mint.toBase58()}`);
      const program = mintInfo.owner;
      const ata = getAssociatedTokenAddressSync(mint, owner, true, program);
      const data = Buffer.alloc(AccountLayout.span);
      // Wrapped SOL is a native account: its amount is its lamports above the rent reserve (syncNative keeps it so).
      const native = mint.equals(NATIVE_MINT);
      const rent = BigInt(await connection.getMinimumBalanceForRentExemption(AccountLayout.span));
      AccountLayout.encode({
        mint, owner, amount, delegateOption: 0, delegate: PublicKey.default, state: 1, isNativeOption: native ? 1 : 0, isNative: native ? rent : 0n,
        delegatedAmount: 0n, closeAuthorityOption: 0, closeAuthority: PublicKey.default,
      }, data);
      await put(ata, { data, owner: program, ...(native ? { lamports: rent + amount } : {}) });
      return ata;
    },
    async tokenBalance(owner, mint) {
      const mintInfo = await client.getAccount(mint);
      if (!mintInfo) return 0n;
      const a = await client.getAccount(getAssociatedTokenAddressSync(mint, owner, true, mintInfo.owner));
      return a ? AccountLayout.decode(Buffer.from(a.data).subarray(0, AccountLayout.span)).amount : 0n;
    },
    async send(tx, signers = [], computeUnits) {
      if (computeUnits !== undefined) tx.instructions.unshift(ComputeBudgetProgram.setComputeUnitLimit({ units: computeUnits }));
      const { blockhash: recent } = await connection.getLatestBlockhash();
      tx.recentBlockhash = recent;
      tx.feePayer ??= payer.publicKey;
      tx.sign(payer, ...signers.filter((s) => !s.publicKey.equals(payer.publicKey)));
      const raw = tx.serialize();
      const signature = await connection.sendRawTransaction(raw, { skipPreflight: true });
      const record = rpc.transactions('send').find((r) => r.signature === signature);
      const execution = record?.execution;
      if (!execution) throw new Error(`sent ${signature}, but the engine did not execute it`);
      if (execution.err !== null) {
        const error = new Error(`transaction failed: ${JSON.stringify(execution.err)}\n${execution.logs.join('\n')}`) as Error & { logs?: readonly string[]; err?: unknown };
        error.logs = execution.logs;
        error.err = execution.err;
        throw error;
      }
      return { signature, unitsConsumed: execution.unitsConsumed, logs: execution.logs };
    },
    async advance(slots = 1) {
      const clock = await client.getClock();
      nextSlot((clock.slot > slot ? clock.slot : slot) + BigInt(slots));
    },
    async stop() {
      await rpc.stop();
    },
  };
  return chain;
}
