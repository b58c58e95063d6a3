/**
 * A local stand-in for a Solana RPC node (node:http + ws on 127.0.0.1, a free port, no network), close enough to an
 * Agave validator that @solana/web3.js and the Drift SDK cannot tell. HTTP JSON-RPC 2.0 (single and batched array
 * requests) and the WebSocket PubSub API are served on the same port (upgrade of the HTTP server: pass
 * `wsEndpoint: fake.wsUrl`) and also on port + 1, where web3.js looks by default, so `new Connection(fake.url)` works too.
 *
 * Faithful (checked against web3.js's response structs and Agave's rpc.rs / rpc_pubsub.rs):
 * - Wire shapes: `{jsonrpc, result|error, id}` with the request's id echoed, `{context: {slot, apiVersion}, value}` for
 *   contextual methods, accounts as `{lamports, owner, data, executable, rentEpoch, space}` with `rentEpoch` the u64
 *   18446744073709551615 Agave reports for rent-exempt accounts (written as a JSON integer, not rounded).
 * - Account encodings and their defaults: no `encoding` is the legacy "binary" (a plain base58 string) for
 *   getAccountInfo / getProgramAccounts / getTokenAccountsByOwner / accountSubscribe, but base64 for getMultipleAccounts
 *   (the Drift bulk loader relies on that); `base58` / `base64` / `base64+zstd` as `[data, encoding]`; `jsonParsed` for
 *   SPL Token and Token-2022 accounts and mints (falls back to base64 otherwise); `dataSlice`; base58 refused over 128
 *   bytes; Agave's error codes and messages for bad pubkeys, too many inputs (100 keys, 256 signatures), too many
 *   filters, an unreached minContextSlot, an unknown method (-32601 "Method not found"), parse errors and bad requests.
 * - getProgramAccounts filters (memcmp with base58 or base64 bytes, dataSize, tokenAccountState), withContext, results
 *   sorted by pubkey bytes; getTokenAccountsByOwner with {mint} or {programId} (Token and Token-2022; "could not find
 *   mint", "unrecognized Token program id").
 * - Transactions are really decoded (legacy and v0, base64 or base58): the signature is the first one, signatures are
 *   verified with ed25519 and the recent blockhash must be one this fake handed out and not expired (both can be
 *   switched off). sendTransaction runs a preflight simulation unless `skipPreflight` (a failing one answers -32002
 *   "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x177a" with the simulation
 *   as `data`, which web3.js turns into a SendTransactionError with the logs), refuses a second send of a landed
 *   transaction (AlreadyProcessed) and a transaction with an unknown blockhash (BlockhashNotFound); a skipPreflight
 *   send with a bad blockhash never lands, like on the real network.
 * - Signature statuses go processed → confirmed → finalized with `confirmations` (null once finalized), `err` and the
 *   deprecated `status: {Ok|Err}`; signatureSubscribe notifies once when the subscribed commitment (default finalized)
 *   is reached, immediately if it already was, and is then removed by the server (web3.js expects that).
 * - PubSub: account/program/signature/slot/root subscriptions with Agave's notification shapes, "Invalid subscription
 *   id." on a bad unsubscribe, JSON-RPC notifications without id (web3.js's 5-second `ping`) accepted silently.
 * - HTTP: a 50 KiB body limit (413), GET /health, 405 for other verbs, keep-alive.
 *
 * Simplified:
 * - One state for every commitment level: writes are visible at once to every commitment; `slot` and `blockHeight`
 *   advance together (by one per `setAccount`, or `advanceSlot`); the root trails the slot by 32.
 * - Nothing executes: a simulation answers the next scripted result (`scriptSimulation`) or a success with invented
 *   but well-formed logs ("Program X invoke [1]" / "consumed N of M compute units" / "success" per instruction) and
 *   compute units; a sent transaction lands `confirmAfterMs` later (default 5 ms) at `confirmCommitment` (default
 *   finalized) with the next scripted outcome (`scriptLanding`), or only when the test calls `confirmSignature`.
 *   Sending changes no account; the test writes the effects it wants with `setAccount`.
 * - Fees are 5000 lamports per signature; priority fees are whatever `setPriorityFee` says; rent is Agave's formula.
 *
 * Faults: `failNext(method, fault)` answers the next call(s) with an HTTP 429 (+ Retry-After) / 5xx, a JSON-RPC error,
 * a delay or a dropped connection; `setOutage(true)` resets every connection and refuses new ones; `dropWebSockets()`
 * kills the PubSub connections (clients reconnect and resubscribe); `muteWebSockets(true)` accepts subscriptions but
 * never notifies. Every call is recorded (`calls()`), transactions are kept decoded (`transactions()`), and `waitFor`
 * resolves on recorded events without polling.
 *
 * Tear-down with web3.js: remove every listener (`removeAccountChangeListener` etc.) BEFORE `stop()`. `stop()` closes
 * PubSub sockets with code 1000, which web3.js does not reconnect after unless it still has subscriptions; if it has,
 * it reconnects forever to a dead port.
 */
import { createHash, createPublicKey, randomBytes, verify as cryptoVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { zstdCompressSync } from 'node:zlib';
import { PublicKey, VersionedMessage, VersionedTransaction } from '@solana/web3.js';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

export type Commitment = 'processed' | 'confirmed' | 'finalized';

/** A base58 address or anything with `toBase58()` (a web3.js PublicKey). */
export type PubkeyInput = string | { toBase58(): string };

/** Solana's JSON TransactionError, e.g. `'BlockhashNotFound'` or `{ InstructionError: [0, { Custom: 6010 }] }`. */
export type TransactionError = string | Readonly<Record<string, unknown>>;

export interface AccountInput {
  readonly data?: Uint8Array;
  readonly owner: PubkeyInput;
  /** Default: the rent-exempt minimum for the data length. */
  readonly lamports?: bigint | number;
  readonly executable?: boolean;
  /** Default: u64::MAX, what Agave reports for rent-exempt accounts. */
  readonly rentEpoch?: bigint | number;
}

export interface AccountState {
  readonly pubkey: string;
  readonly data: Buffer;
  readonly owner: string;
  readonly lamports: bigint;
  readonly executable: boolean;
  readonly rentEpoch: bigint;
  /** The slot of the last write. */
  readonly slot: number;
}

export interface TokenAccountSeed {
  readonly owner: PubkeyInput;
  readonly mint: PubkeyInput;
  readonly amount: bigint | number;
  /** Decimals of the mint; the mint account is created when missing (and must agree when present). */
  readonly decimals: number;
  /** Token (default) or Token-2022. */
  readonly programId?: PubkeyInput;
  /** Default: the associated token account of owner and mint. */
  readonly address?: PubkeyInput;
  readonly state?: 'initialized' | 'frozen';
  readonly delegate?: PubkeyInput;
  readonly delegatedAmount?: bigint | number;
}

export interface MintSeed {
  readonly decimals: number;
  readonly address?: PubkeyInput;
  readonly supply?: bigint | number;
  readonly mintAuthority?: PubkeyInput | null;
  readonly freezeAuthority?: PubkeyInput | null;
  readonly programId?: PubkeyInput;
}

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/**
 * What the next call(s) of a method get instead of a normal answer.
 * - `{ status: 429, retryAfter: 1 }` → HTTP 429 with `Retry-After` and a JSON-RPC error body (code 429), like
 *   public RPC providers; `{ status: 500 }` (any status, optional `body`) → that HTTP status.
 * - `{ rpcError: { code, message, data? } }` → HTTP 200 with that JSON-RPC error (per element of a batch).
 * - `{ delayMs }` → answered normally (or with the other fields) after the delay.
 * - `{ drop: true }` → the connection is destroyed without an answer (on a WebSocket: the socket is killed).
 * A status or drop fault hits the whole HTTP request, so a batch containing the method fails as a whole.
 * `transport` defaults to 'ws' for PubSub methods (…Subscribe / …Unsubscribe) and 'http' otherwise.
 */
export interface Fault {
  readonly status?: number;
  readonly retryAfter?: number;
  readonly body?: string;
  readonly rpcError?: RpcErrorObject;
  readonly delayMs?: number;
  readonly drop?: boolean;
  /** How many calls it applies to (default 1; Infinity for "always"). */
  readonly count?: number;
  readonly transport?: 'http' | 'ws';
}

/** One JSON-RPC call (an element of a batch is one call). Filled in when answered. */
export interface RpcCall {
  readonly seq: number;
  readonly method: string;
  /** The params as sent (`[]` when absent). */
  readonly params: readonly unknown[];
  /** The JSON-RPC id (undefined for a notification such as web3.js's WebSocket `ping`). */
  readonly id: unknown;
  /** Part of an HTTP batch (a JSON array). */
  readonly batched: boolean;
  readonly transport: 'http' | 'ws';
  /** Epoch ms when received. */
  readonly at: number;
  /** The HTTP request (1-based, see `httpRequests()`) or WebSocket connection it came on. */
  readonly httpRequest?: number;
  readonly connectionId?: number;
  result?: unknown;
  error?: RpcErrorObject;
  /** The HTTP status of the answer (0 when dropped); undefined for WebSocket calls. */
  status?: number;
  fault?: 'status' | 'rpcError' | 'delay' | 'drop';
  answeredAt?: number;
}

export interface SubscriptionInfo {
  /** The server subscription id (what the client gets back). */
  readonly id: number;
  /** e.g. 'accountSubscribe'. */
  readonly method: string;
  /** The account, program or signature; undefined for slot/root subscriptions. */
  readonly key: string | undefined;
  readonly params: readonly unknown[];
  readonly connectionId: number;
  readonly commitment: Commitment;
  readonly encoding: string | undefined;
}

export interface SimulationValue {
  readonly err: TransactionError | null;
  readonly logs: readonly string[] | null;
  readonly accounts: readonly (Record<string, unknown> | null)[] | null;
  readonly unitsConsumed: number;
  readonly returnData: { readonly programId: string; readonly data: readonly [string, 'base64'] } | null;
  readonly innerInstructions: readonly unknown[] | null;
  readonly replacementBlockhash?: { readonly blockhash: string; readonly lastValidBlockHeight: number } | null;
}

/** A scripted simulation result; missing fields get the defaults (success logs, units, nulls). */
export type ScriptedSimulation = Partial<Omit<SimulationValue, 'replacementBlockhash'>>;

/** What happens to a sent transaction. */
export interface LandingOutcome {
  /** The on-chain error (default null: success). */
  readonly err?: TransactionError | null;
  /** Never lands (the confirmation then only ends by block height expiry). */
  readonly drop?: boolean;
  /** Default: the `confirmAfterMs` option; null = only by `confirmSignature`. */
  readonly afterMs?: number | null;
  /** Default: the `confirmCommitment` option. */
  readonly commitment?: Commitment;
}

export interface SignatureStatus {
  readonly slot: number;
  readonly confirmations: number | null;
  readonly err: TransactionError | null;
  readonly confirmationStatus: Commitment;
}

/** A transaction received by simulateTransaction or sendTransaction, decoded. */
export interface TransactionRecord {
  readonly kind: 'simulate' | 'send';
  /** base58 of the first signature (all '1's for an unsigned simulation). */
  readonly signature: string;
  readonly raw: Buffer;
  readonly transaction: VersionedTransaction;
  readonly accountKeys: readonly string[];
  /** Program id of each top-level instruction. */
  readonly programIds: readonly string[];
  readonly recentBlockhash: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly at: number;
  /** For simulations: the value answered. For sends: the RPC error if refused. */
  readonly simulation?: SimulationValue;
  readonly rejected?: RpcErrorObject;
  /** For sends executed by a `TransactionEngine`: what the program did. */
  readonly execution?: EngineResult;
}

/** What a real execution reports: the transaction error (null = success), the program logs, the compute units. */
export interface EngineResult {
  readonly err: TransactionError | null;
  readonly logs: readonly string[];
  readonly unitsConsumed: number;
}

/**
 * Executes transactions for real (a solana-bankrun bank running the actual programs): with one, simulateTransaction and
 * sendTransaction run there, and the accounts a landed transaction names are mirrored into this fake's own store, so
 * every read method (and its index by owner) sees the program's effects.
 */
export interface TransactionEngine {
  /** The blockhash the engine accepts now (handed out by getLatestBlockhash). */
  blockhash(): string;
  /** Whether the engine runs this transaction (default: all); others get the fake's scripted behaviour. */
  handles?(tx: VersionedTransaction): boolean;
  simulate(tx: VersionedTransaction): Promise<EngineResult>;
  /** Executes and commits; `accounts`: the state after it of every account the transaction names (null: closed). */
  process(tx: VersionedTransaction): Promise<EngineResult & { readonly accounts: ReadonlyMap<string, AccountInput | null> }>;
}

export type SolanaRpcEvent =
  | { readonly seq: number; readonly kind: 'call'; readonly call: RpcCall }
  | { readonly seq: number; readonly kind: 'subscribe'; readonly subscription: SubscriptionInfo }
  | { readonly seq: number; readonly kind: 'unsubscribe'; readonly subscription: SubscriptionInfo; readonly reason: 'client' | 'auto' | 'closed' }
  | {
      readonly seq: number;
      readonly kind: 'notification';
      readonly subscription: SubscriptionInfo;
      readonly method: string;
      readonly result: unknown;
      /** Not sent because of `muteWebSockets(true)`. */
      readonly muted: boolean;
    }
  | { readonly seq: number; readonly kind: 'connection'; readonly change: 'open' | 'close'; readonly connectionId: number }
  | { readonly seq: number; readonly kind: 'signature'; readonly signature: string; readonly status: SignatureStatus }
  | { readonly seq: number; readonly kind: 'account'; readonly pubkey: string; readonly change: 'set' | 'deleted'; readonly slot: number };

export interface FakeSolanaRpcOptions {
  /** Starting slot (default 300_000_000). */
  readonly slot?: number;
  /** Starting block height (default slot − 20_000_000). */
  readonly blockHeight?: number;
  /** Delay before a sent transaction lands (default 5); null = only `confirmSignature` lands transactions. */
  readonly confirmAfterMs?: number | null;
  /** Commitment a landing reaches (default 'finalized'). */
  readonly confirmCommitment?: Commitment;
  /** Verify ed25519 signatures on send (and on simulate with sigVerify) (default true). */
  readonly verifySignatures?: boolean;
  /** Require the recent blockhash to be one this fake handed out and not expired (default true). */
  readonly checkBlockhash?: boolean;
  /** Also serve PubSub on port + 1, web3.js's default (default true). */
  readonly wsOnNextPort?: boolean;
  /** Reported by getVersion and as `apiVersion` in contexts (default '2.2.14'). */
  readonly solanaCoreVersion?: string;
  readonly featureSet?: number;
  /** HTTP body limit, Agave's default 50 KiB. */
  readonly maxBodyBytes?: number;
  /** Compute units a simulated non-builtin instruction consumes by default (default 5000). */
  readonly unitsPerInstruction?: number;
  /** Runs transactions for real instead of the scripted defaults (see TransactionEngine). */
  readonly engine?: TransactionEngine;
}

export const TOKEN_PROGRAM_ID = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM_ID = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
export const ASSOCIATED_TOKEN_PROGRAM_ID = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
export const SYSTEM_PROGRAM_ID = '11111111111111111111111111111111';
export const COMPUTE_BUDGET_PROGRAM_ID = 'ComputeBudget111111111111111111111111111111';
const U64_MAX = 18446744073709551615n;
const MAINNET_GENESIS_HASH = '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d';
const SLOTS_PER_EPOCH = 432_000;
const MAX_PROCESSING_AGE = 150;
const LAMPORTS_PER_SIGNATURE = 5000;
const BUILTINS = new Set([
  SYSTEM_PROGRAM_ID,
  COMPUTE_BUDGET_PROGRAM_ID,
  'Vote111111111111111111111111111111111111111',
  'Stake11111111111111111111111111111111111111',
  'Config1111111111111111111111111111111111111',
  'AddressLookupTab1e1111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
]);
const LEVEL: Readonly<Record<Commitment, number>> = { processed: 0, confirmed: 1, finalized: 2 };

// ---------------------------------------------------------------------------------------------------------------
// Encoding helpers
// ---------------------------------------------------------------------------------------------------------------

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_INDEX = new Map([...B58].map((c, i) => [c, i]));

/** Bitcoin-alphabet base58, as Solana uses for keys, signatures, hashes and `base58` data. */
export function base58Encode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i] ?? 0;
    for (let j = 0; j < digits.length; j++) {
      carry += (digits[j] ?? 0) * 256;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '1'.repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) out += B58[digits[i] ?? 0];
  return out;
}

/** Decodes base58; undefined for a character outside the alphabet. */
export function base58Decode(text: string): Buffer | undefined {
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const bytes: number[] = [];
  for (let i = zeros; i < text.length; i++) {
    const value = B58_INDEX.get(text[i] ?? '');
    if (value === undefined) return undefined;
    let carry = value;
    for (let j = 0; j < bytes.length; j++) {
      carry += (bytes[j] ?? 0) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  return Buffer.from([...new Array<number>(zeros).fill(0), ...bytes.reverse()]);
}

const keyOf = (k: PubkeyInput): string => (typeof k === 'string' ? k : k.toBase58());

/** Agave's rent: (128 + len) bytes × 3480 lamports/byte-year × 2 years. */
export function rentExemptMinimum(dataLength: number): bigint {
  return BigInt(128 + dataLength) * 3480n * 2n;
}

/** JSON with bigints written as exact integers (u64 lamports, rentEpoch = u64::MAX). */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000big:${v.toString()}` : v))
    .replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

/** A value for an error message. */
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "1.5", "0.000001", "0" — Agave's real_number_string_trimmed. */
function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const s = amount.toString().padStart(decimals + 1, '0');
  const int = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

function uiTokenAmount(amount: bigint, decimals: number): Record<string, unknown> {
  const str = uiAmountString(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(str), uiAmountString: str };
}

// ---------------------------------------------------------------------------------------------------------------
// SPL Token layouts
// ---------------------------------------------------------------------------------------------------------------

const TOKEN_ACCOUNT_LEN = 165;
const MINT_LEN = 82;

const isTokenProgram = (owner: string): boolean => owner === TOKEN_PROGRAM_ID || owner === TOKEN_2022_PROGRAM_ID;

interface ParsedTokenAccount {
  readonly mint: string;
  readonly owner: string;
  readonly amount: bigint;
  readonly delegate: string | undefined;
  readonly state: 0 | 1 | 2;
  readonly isNative: bigint | undefined;
  readonly delegatedAmount: bigint;
  readonly closeAuthority: string | undefined;
}

interface ParsedMint {
  readonly mintAuthority: string | null;
  readonly supply: bigint;
  readonly decimals: number;
  readonly isInitialized: boolean;
  readonly freezeAuthority: string | null;
}

function coptionKey(data: Buffer, at: number): string | undefined {
  return data.readUInt32LE(at) === 1 ? base58Encode(data.subarray(at + 4, at + 36)) : undefined;
}

function parseTokenAccount(acc: { owner: string; data: Buffer }): ParsedTokenAccount | undefined {
  if (!isTokenProgram(acc.owner)) return undefined;
  const d = acc.data;
  const isAccount = d.length === TOKEN_ACCOUNT_LEN || (acc.owner === TOKEN_2022_PROGRAM_ID && d.length > TOKEN_ACCOUNT_LEN && d[TOKEN_ACCOUNT_LEN] === 2);
  if (!isAccount) return undefined;
  const state = d[108] ?? 0;
  if (state > 2) return undefined;
  return {
    mint: base58Encode(d.subarray(0, 32)),
    owner: base58Encode(d.subarray(32, 64)),
    amount: d.readBigUInt64LE(64),
    delegate: coptionKey(d, 72),
    state: state as 0 | 1 | 2,
    isNative: d.readUInt32LE(109) === 1 ? d.readBigUInt64LE(113) : undefined,
    delegatedAmount: d.readBigUInt64LE(121),
    closeAuthority: coptionKey(d, 129),
  };
}

function parseMint(acc: { owner: string; data: Buffer }): ParsedMint | undefined {
  if (!isTokenProgram(acc.owner)) return undefined;
  const d = acc.data;
  const isMint = d.length === MINT_LEN || (acc.owner === TOKEN_2022_PROGRAM_ID && d.length > TOKEN_ACCOUNT_LEN && d[TOKEN_ACCOUNT_LEN] === 1);
  if (!isMint) return undefined;
  return {
    mintAuthority: coptionKey(d, 0) ?? null,
    supply: d.readBigUInt64LE(36),
    decimals: d[44] ?? 0,
    isInitialized: d[45] === 1,
    freezeAuthority: coptionKey(d, 46) ?? null,
  };
}

function writeCoptionKey(d: Buffer, at: number, key: string | undefined): void {
  if (key === undefined) return;
  d.writeUInt32LE(1, at);
  pubkeyBytes(key).copy(d, at + 4);
}

function pubkeyBytes(key: string): Buffer {
  const b = base58Decode(key);
  if (!b || b.length !== 32) throw new Error(`FakeSolanaRpc: not a pubkey: ${key}`);
  return b;
}

/** SPL Token account bytes (165, no extensions). */
export function encodeTokenAccount(a: { mint: string; owner: string; amount: bigint; state?: number; delegate?: string; delegatedAmount?: bigint; closeAuthority?: string }): Buffer {
  const d = Buffer.alloc(TOKEN_ACCOUNT_LEN);
  pubkeyBytes(a.mint).copy(d, 0);
  pubkeyBytes(a.owner).copy(d, 32);
  d.writeBigUInt64LE(a.amount, 64);
  writeCoptionKey(d, 72, a.delegate);
  d[108] = a.state ?? 1;
  d.writeBigUInt64LE(a.delegatedAmount ?? 0n, 121);
  writeCoptionKey(d, 129, a.closeAuthority);
  return d;
}

/** SPL Token mint bytes (82, no extensions). */
export function encodeMint(m: { decimals: number; supply: bigint; mintAuthority?: string | null; freezeAuthority?: string | null }): Buffer {
  const d = Buffer.alloc(MINT_LEN);
  writeCoptionKey(d, 0, m.mintAuthority ?? undefined);
  d.writeBigUInt64LE(m.supply, 36);
  d[44] = m.decimals;
  d[45] = 1;
  writeCoptionKey(d, 46, m.freezeAuthority ?? undefined);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
  toObject(): RpcErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

const invalidParams = (message: string): RpcError => new RpcError(-32602, message);
const methodNotFound = (data?: string): RpcError => new RpcError(-32601, 'Method not found', data);

/** Methods of the real API this fake does not model (answered -32601 with a `data` hint). */
const UNMODELLED = [
  'getBlock', 'getBlocks', 'getBlocksWithLimit', 'getBlockTime', 'getBlockCommitment', 'getBlockProduction', 'getClusterNodes',
  'getEpochSchedule', 'getFirstAvailableBlock', 'getHighestSnapshotSlot', 'getIdentity', 'getInflationGovernor',
  'getInflationRate', 'getInflationReward', 'getLargestAccounts', 'getLeaderSchedule', 'getMaxRetransmitSlot',
  'getMaxShredInsertSlot', 'getRecentPerformanceSamples', 'getSignaturesForAddress', 'getSlotLeader', 'getSlotLeaders',
  'getStakeMinimumDelegation', 'getSupply', 'getTokenAccountsByDelegate', 'getTokenLargestAccounts', 'getTransaction',
  'getTransactionCount', 'getVoteAccounts', 'minimumLedgerSlot', 'logsSubscribe', 'blockSubscribe', 'slotsUpdatesSubscribe', 'voteSubscribe',
];

/** Display of Agave's InstructionError. */
function instructionErrorText(e: unknown): string {
  if (isRecord(e) && typeof e.Custom === 'number') return `custom program error: 0x${e.Custom.toString(16)}`;
  const texts: Record<string, string> = {
    GenericError: 'generic instruction error',
    InvalidArgument: 'invalid program argument',
    InvalidInstructionData: 'invalid instruction data',
    InvalidAccountData: 'invalid account data for instruction',
    AccountDataTooSmall: 'account data too small for instruction',
    InsufficientFunds: 'insufficient funds for instruction',
    IncorrectProgramId: 'incorrect program id for instruction',
    MissingRequiredSignature: 'missing required signature for instruction',
    AccountAlreadyInitialized: 'instruction requires an uninitialized account',
    UninitializedAccount: 'instruction requires an initialized account',
    NotEnoughAccountKeys: 'insufficient account keys for instruction',
    ComputationalBudgetExceeded: 'Computational budget exceeded',
    ProgramFailedToComplete: 'Program failed to complete',
    AccountNotExecutable: 'instruction expected an executable account',
  };
  return typeof e === 'string' ? texts[e] ?? e : JSON.stringify(e);
}

/** Display of Agave's TransactionError (the text after "Transaction simulation failed: "). */
export function transactionErrorText(err: TransactionError): string {
  if (typeof err === 'string') {
    const texts: Record<string, string> = {
      BlockhashNotFound: 'Blockhash not found',
      AlreadyProcessed: 'This transaction has already been processed',
      InsufficientFundsForFee: 'Insufficient funds for fee',
      AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
      SignatureFailure: 'Transaction did not pass signature verification',
      AccountInUse: 'Account in use',
      ProgramAccountNotFound: 'Attempt to load a program that does not exist',
    };
    return texts[err] ?? err;
  }
  const ie = err.InstructionError;
  if (Array.isArray(ie)) return `Error processing Instruction ${String(ie[0])}: ${instructionErrorText(ie[1])}`;
  const rent = err.InsufficientFundsForRent;
  if (isRecord(rent)) return `Transaction results in an account (${String(rent.account_index)}) with insufficient funds for rent`;
  return JSON.stringify(err);
}

// ---------------------------------------------------------------------------------------------------------------
// Internal state
// ---------------------------------------------------------------------------------------------------------------

type Params = readonly unknown[];
type Encoding = 'binary' | 'base58' | 'base64' | 'base64+zstd' | 'jsonParsed';
const ENCODINGS: readonly Encoding[] = ['binary', 'base58', 'base64', 'jsonParsed', 'base64+zstd'];

interface StoredAccount {
  data: Buffer;
  owner: string;
  lamports: bigint;
  executable: boolean;
  rentEpoch: bigint;
  slot: number;
}

interface DataSlice {
  readonly offset: number;
  readonly length: number;
}

type Filter =
  | { readonly kind: 'memcmp'; readonly offset: number; readonly bytes: Buffer }
  | { readonly kind: 'dataSize'; readonly size: number }
  | { readonly kind: 'tokenAccountState' };

interface Subscription extends SubscriptionInfo {
  readonly filters: readonly Filter[];
  readonly dataSlice: DataSlice | undefined;
  readonly enableReceived: boolean;
}

interface WsConnection {
  readonly id: number;
  readonly ws: WebSocket;
  readonly subs: Set<number>;
}

interface StoredStatus {
  slot: number;
  err: TransactionError | null;
  level: Commitment;
}

interface QueuedFault {
  readonly fault: Fault;
  remaining: number;
}

interface CallContext {
  readonly transport: 'http' | 'ws';
  readonly connection?: WsConnection;
  /** Replies sent after the call's own answer (signatureSubscribe of an already confirmed signature). */
  readonly after: (() => void)[];
}

type Handler = (params: Params, ctx: CallContext) => unknown;
type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

function normalizeCommitment(v: unknown, fallback: Commitment): Commitment {
  if (v === undefined || v === null) return fallback;
  switch (v) {
    case 'processed':
    case 'recent':
      return 'processed';
    case 'confirmed':
    case 'single':
    case 'singleGossip':
      return 'confirmed';
    case 'finalized':
    case 'root':
    case 'max':
      return 'finalized';
    default:
      throw invalidParams(`Invalid params: unknown variant \`${show(v)}\`, expected one of \`processed\`, \`confirmed\`, \`finalized\``);
  }
}

function verifyPubkey(v: unknown): string {
  if (typeof v !== 'string') throw invalidParams('Invalid params: invalid type: expected a string');
  if (v.length > 44) throw invalidParams('Invalid param: WrongSize');
  const b = base58Decode(v);
  if (!b) throw invalidParams('Invalid param: Invalid');
  if (b.length !== 32) throw invalidParams('Invalid param: WrongSize');
  return v;
}

function verifySignatureString(v: unknown): string {
  if (typeof v !== 'string') throw invalidParams('Invalid params: invalid type: expected a string');
  const b = base58Decode(v);
  if (!b) throw invalidParams('Invalid param: Invalid');
  if (b.length !== 64) throw invalidParams('Invalid param: WrongSize');
  return v;
}

function configArg(params: Params, index: number): Record<string, unknown> {
  const c = params[index];
  if (c === undefined || c === null) return {};
  if (!isRecord(c)) throw invalidParams('Invalid params: invalid type: expected a configuration object');
  return c;
}

function encodingOf(cfg: Record<string, unknown>, fallback: Encoding): Encoding {
  const e = cfg.encoding;
  if (e === undefined || e === null) return fallback;
  if (typeof e === 'string' && (ENCODINGS as readonly string[]).includes(e)) return e as Encoding;
  throw invalidParams(`Invalid params: unknown variant \`${show(e)}\`, expected one of \`binary\`, \`base58\`, \`base64\`, \`jsonParsed\`, \`base64+zstd\``);
}

function sliceOf(cfg: Record<string, unknown>, encoding: Encoding): DataSlice | undefined {
  const s = cfg.dataSlice;
  if (s === undefined || s === null) return undefined;
  if (!isRecord(s) || typeof s.offset !== 'number' || typeof s.length !== 'number' || s.offset < 0 || s.length < 0) {
    throw invalidParams('Invalid params: invalid dataSlice, expected {offset, length}');
  }
  if (encoding === 'jsonParsed') {
    throw new RpcError(-32600, 'Sliced account data can only be encoded using binary (base 58) or base64 encoding.');
  }
  return { offset: s.offset, length: s.length };
}

function parseFilters(raw: unknown): Filter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParams('Invalid params: invalid type: expected a sequence of filters');
  if (raw.length > 4) throw invalidParams('Too many filters provided; max 4');
  return raw.map((f): Filter => {
    if (isRecord(f) && typeof f.dataSize === 'number') return { kind: 'dataSize', size: f.dataSize };
    if (isRecord(f) && 'tokenAccountState' in f) return { kind: 'tokenAccountState' };
    if (isRecord(f) && isRecord(f.memcmp)) {
      const m = f.memcmp;
      if (typeof m.offset !== 'number' || typeof m.bytes !== 'string') throw invalidParams('Invalid params: memcmp needs offset and bytes');
      const enc = m.encoding ?? 'base58';
      let bytes: Buffer | undefined;
      if (enc === 'base58') {
        if (m.bytes.length > 175) throw invalidParams('Invalid param: DataTooLarge');
        bytes = base58Decode(m.bytes);
        if (!bytes) throw invalidParams('Invalid param: DecodeError(InvalidCharacter)');
      } else if (enc === 'base64') {
        if (m.bytes.length > 172) throw invalidParams('Invalid param: DataTooLarge');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(m.bytes)) throw invalidParams('Invalid param: DecodeError(InvalidByte)');
        bytes = Buffer.from(m.bytes, 'base64');
      } else {
        throw invalidParams(`Invalid params: unknown variant \`${show(enc)}\`, expected \`base58\` or \`base64\``);
      }
      if (bytes.length > 128) throw invalidParams('Invalid param: DataTooLarge');
      return { kind: 'memcmp', offset: m.offset, bytes };
    }
    throw invalidParams(`Invalid params: unknown filter ${JSON.stringify(f)}`);
  });
}

function matchesFilters(acc: StoredAccount, filters: readonly Filter[]): boolean {
  return filters.every((f) => {
    switch (f.kind) {
      case 'dataSize':
        return acc.data.length === f.size;
      case 'memcmp':
        return f.offset + f.bytes.length <= acc.data.length && acc.data.subarray(f.offset, f.offset + f.bytes.length).equals(f.bytes);
      case 'tokenAccountState': {
        const t = parseTokenAccount(acc);
        return t !== undefined && t.state !== 0;
      }
    }
    return false;
  });
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function ed25519Verify(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, pubkey]), format: 'der', type: 'spki' });
    return cryptoVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------------------------

export class FakeSolanaRpc {
  private readonly options: Required<Omit<FakeSolanaRpcOptions, 'slot' | 'blockHeight' | 'confirmAfterMs' | 'engine'>> & { confirmAfterMs: number | null };
  private readonly engine: TransactionEngine | undefined;
  private server: Server | undefined;
  private wsPortServer: Server | undefined;
  private wss: WebSocketServer | undefined;
  private baseUrl = '';
  private port = 0;
  private outage = false;
  private muted = false;
  private nodeBehind: number | null = null;
  private priorityFee = 0;

  private slotNo: number;
  private height: number;
  private readonly accounts = new Map<string, StoredAccount>();
  private readonly blockhashes = new Map<string, number>();
  private readonly statuses = new Map<string, StoredStatus>();
  private readonly simulationScript: { result: ScriptedSimulation; remaining: number }[] = [];
  private readonly landingScript: { outcome: LandingOutcome; remaining: number }[] = [];

  private readonly connections = new Map<number, WsConnection>();
  private nextConnectionId = 1;
  private readonly subs = new Map<number, Subscription>();
  private nextSubId = 1;

  private readonly callLog: RpcCall[] = [];
  private readonly txLog: TransactionRecord[] = [];
  private httpCount = 0;
  private readonly events: SolanaRpcEvent[] = [];
  private readonly listeners = new Set<(e: SolanaRpcEvent) => void>();
  private readonly faults = new Map<string, QueuedFault[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handlers: ReadonlyMap<string, Handler>;
  private readonly wsHandlers: ReadonlyMap<string, Handler>;

  constructor(options: FakeSolanaRpcOptions = {}) {
    this.slotNo = options.slot ?? 300_000_000;
    this.height = options.blockHeight ?? Math.max(0, this.slotNo - 20_000_000);
    this.options = {
      confirmAfterMs: options.confirmAfterMs === undefined ? 5 : options.confirmAfterMs,
      confirmCommitment: options.confirmCommitment ?? 'finalized',
      verifySignatures: options.verifySignatures ?? true,
      checkBlockhash: options.checkBlockhash ?? true,
      wsOnNextPort: options.wsOnNextPort ?? true,
      solanaCoreVersion: options.solanaCoreVersion ?? '2.2.14',
      featureSet: options.featureSet ?? 3294202862,
      maxBodyBytes: options.maxBodyBytes ?? 50 * 1024,
      unitsPerInstruction: options.unitsPerInstruction ?? 5000,
    };
    this.engine = options.engine;
    const http: [string, Handler][] = [
      ['getAccountInfo', (p) => this.getAccountInfo(p)],
      ['getMultipleAccounts', (p) => this.getMultipleAccounts(p)],
      ['getProgramAccounts', (p) => this.getProgramAccounts(p)],
      ['getBalance', (p) => {
        const key = verifyPubkey(p[0]);
        this.checkContext(configArg(p, 1));
        return this.ctx(this.accounts.get(key)?.lamports ?? 0n);
      }],
      ['getSlot', (p) => {
        this.checkContext(configArg(p, 0));
        return this.slotNo;
      }],
      ['getBlockHeight', (p) => {
        this.checkContext(configArg(p, 0));
        return this.height;
      }],
      ['getLatestBlockhash', (p) => {
        this.checkContext(configArg(p, 0));
        return this.ctx(this.latestBlockhash());
      }],
      ['isBlockhashValid', (p) => {
        if (typeof p[0] !== 'string' || base58Decode(p[0])?.length !== 32) throw invalidParams('Invalid param: Invalid');
        this.checkContext(configArg(p, 1));
        return this.ctx(this.blockhashValid(p[0]));
      }],
      ['getMinimumBalanceForRentExemption', (p) => {
        if (typeof p[0] !== 'number' || !Number.isInteger(p[0]) || p[0] < 0) throw invalidParams('Invalid params: invalid type: expected usize');
        return rentExemptMinimum(p[0]);
      }],
      ['getTokenAccountsByOwner', (p) => this.getTokenAccountsByOwner(p)],
      ['getTokenAccountBalance', (p) => this.getTokenAccountBalance(p)],
      ['getTokenSupply', (p) => this.getTokenSupply(p)],
      ['getEpochInfo', (p) => {
        this.checkContext(configArg(p, 0));
        return {
          absoluteSlot: this.slotNo,
          blockHeight: this.height,
          epoch: Math.floor(this.slotNo / SLOTS_PER_EPOCH),
          slotIndex: this.slotNo % SLOTS_PER_EPOCH,
          slotsInEpoch: SLOTS_PER_EPOCH,
          transactionCount: this.txLog.filter((t) => t.kind === 'send').length,
        };
      }],
      ['getVersion', () => ({ 'solana-core': this.options.solanaCoreVersion, 'feature-set': this.options.featureSet })],
      ['getHealth', () => {
        if (this.nodeBehind !== null) throw new RpcError(-32005, `Node is behind by ${this.nodeBehind} slots`, { numSlotsBehind: this.nodeBehind });
        return 'ok';
      }],
      ['getGenesisHash', () => MAINNET_GENESIS_HASH],
      ['getFeeForMessage', (p) => this.getFeeForMessage(p)],
      ['getRecentPrioritizationFees', (p) => {
        if (p[0] !== undefined && p[0] !== null) {
          if (!Array.isArray(p[0])) throw invalidParams('Invalid params: invalid type: expected a sequence');
          if (p[0].length > 128) throw invalidParams('Too many inputs provided; max 128');
          p[0].forEach(verifyPubkey);
        }
        return Array.from({ length: MAX_PROCESSING_AGE }, (_, i) => ({ slot: this.slotNo - MAX_PROCESSING_AGE + 1 + i, prioritizationFee: this.priorityFee }));
      }],
      ['getSignatureStatuses', (p) => this.getSignatureStatuses(p)],
      ['simulateTransaction', (p) => this.simulateTransaction(p)],
      ['sendTransaction', (p, ctx) => this.sendTransaction(p, ctx)],
      ['requestAirdrop', (p) => this.requestAirdrop(p)],
    ];
    this.handlers = new Map(http);
    const ws: [string, Handler][] = [
      ['accountSubscribe', (p, ctx) => this.subscribe('accountSubscribe', p, ctx)],
      ['programSubscribe', (p, ctx) => this.subscribe('programSubscribe', p, ctx)],
      ['signatureSubscribe', (p, ctx) => this.subscribe('signatureSubscribe', p, ctx)],
      ['slotSubscribe', (p, ctx) => this.subscribe('slotSubscribe', p, ctx)],
      ['rootSubscribe', (p, ctx) => this.subscribe('rootSubscribe', p, ctx)],
      ['accountUnsubscribe', (p, ctx) => this.unsubscribe('accountSubscribe', p, ctx)],
      ['programUnsubscribe', (p, ctx) => this.unsubscribe('programSubscribe', p, ctx)],
      ['signatureUnsubscribe', (p, ctx) => this.unsubscribe('signatureSubscribe', p, ctx)],
      ['slotUnsubscribe', (p, ctx) => this.unsubscribe('slotSubscribe', p, ctx)],
      ['rootUnsubscribe', (p, ctx) => this.unsubscribe('rootSubscribe', p, ctx)],
    ];
    this.wsHandlers = new Map(ws);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------------------------

  /** The HTTP endpoint, e.g. `new Connection(fake.url, { wsEndpoint: fake.wsUrl })`. */
  get url(): string {
    if (!this.server) throw new Error('FakeSolanaRpc: not started');
    return this.baseUrl;
  }

  /** The PubSub endpoint on the same port (web3.js's default, port + 1, is served too unless `wsOnNextPort: false`). */
  get wsUrl(): string {
    if (!this.server) throw new Error('FakeSolanaRpc: not started');
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1 (a free port, and port + 1 for PubSub) and returns the HTTP url. */
  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws) => this.onWsConnection(ws));
    this.wss = wss;
    for (let attempt = 0; ; attempt++) {
      const server = this.makeServer(true);
      await listen(server, 0);
      const port = (server.address() as AddressInfo).port;
      if (!this.options.wsOnNextPort) {
        this.server = server;
        this.port = port;
        break;
      }
      const next = this.makeServer(false);
      try {
        await listen(next, port + 1);
      } catch (e) {
        await closeServer(server);
        if (attempt >= 20) throw e instanceof Error ? e : new Error(String(e));
        continue;
      }
      this.server = server;
      this.wsPortServer = next;
      this.port = port;
      break;
    }
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    return this.baseUrl;
  }

  /** Closes everything: PubSub sockets with code 1000 (then terminated), HTTP connections, timers. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const open = [...this.connections.values()];
    if (open.length > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open.map((c) => new Promise<void>((resolve) => {
          if (c.ws.readyState === c.ws.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(1000, 'server stopped');
        }))),
        new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, 300);
        }),
      ]);
      clearTimeout(graceTimer);
      for (const c of open) c.ws.terminate();
    }
    this.wss?.close();
    this.wss = undefined;
    await Promise.all([server, this.wsPortServer].filter((s): s is Server => s !== undefined).map(closeServer));
    this.wsPortServer = undefined;
  }

  private makeServer(http: boolean): Server {
    const server = createServer((req, res) => {
      if (!http) {
        // The PubSub port of a validator answers plain HTTP with an error.
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('Expected a WebSocket upgrade');
        return;
      }
      this.handleHttp(req, res).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) this.writeJson(res, 500, { jsonrpc: '2.0', error: { code: -32603, message: `Internal error: ${show(e)}` }, id: null });
      });
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket: Socket) => {
      if (this.outage) socket.resetAndDestroy();
    });
    server.on('clientError', (_e, socket) => socket.destroy());
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const wss = this.wss;
      if (this.outage || !wss || !this.server) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    return server;
  }

  // -------------------------------------------------------------------------------------------------------------
  // State
  // -------------------------------------------------------------------------------------------------------------

  /** The current slot. */
  get slot(): number {
    return this.slotNo;
  }

  /** The current block height (advances with the slot). */
  get blockHeight(): number {
    return this.height;
  }

  /** Advances slot and block height by `n` (notifying slot/root subscribers of each slot). */
  advanceSlot(n = 1): number {
    for (let i = 0; i < n; i++) {
      this.slotNo++;
      this.height++;
      const s = this.slotNo;
      this.notifyWhere((sub) => sub.method === 'slotSubscribe', 'slotNotification', () => ({ parent: s - 1, root: s - 32, slot: s }));
      this.notifyWhere((sub) => sub.method === 'rootSubscribe', 'rootNotification', () => s - 32);
    }
    return this.slotNo;
  }

  /** Creates or replaces an account; advances the slot and notifies account/program subscribers. */
  setAccount(pubkey: PubkeyInput, account: AccountInput): AccountState {
    const key = verifyKeyInput(pubkey);
    const data = Buffer.from(account.data ?? new Uint8Array());
    this.advanceSlot(1);
    const stored: StoredAccount = {
      data,
      owner: verifyKeyInput(account.owner),
      lamports: account.lamports === undefined ? rentExemptMinimum(data.length) : BigInt(account.lamports),
      executable: account.executable ?? false,
      rentEpoch: account.rentEpoch === undefined ? U64_MAX : BigInt(account.rentEpoch),
      slot: this.slotNo,
    };
    this.accounts.set(key, stored);
    this.emit({ kind: 'account', pubkey: key, change: 'set', slot: this.slotNo });
    this.notifyAccount(key, stored);
    return this.stateOf(key, stored);
  }

  /** Removes an account (subscribers see it closed: 0 lamports, no data, System-owned); advances the slot. */
  deleteAccount(pubkey: PubkeyInput): boolean {
    const key = verifyKeyInput(pubkey);
    if (!this.accounts.delete(key)) return false;
    this.advanceSlot(1);
    this.emit({ kind: 'account', pubkey: key, change: 'deleted', slot: this.slotNo });
    const closed: StoredAccount = { data: Buffer.alloc(0), owner: SYSTEM_PROGRAM_ID, lamports: 0n, executable: false, rentEpoch: 0n, slot: this.slotNo };
    this.notifyAccount(key, closed, false);
    return true;
  }

  /** The stored account (a copy), or undefined. */
  getAccount(pubkey: PubkeyInput): AccountState | undefined {
    const key = keyOf(pubkey);
    const a = this.accounts.get(key);
    return a ? this.stateOf(key, a) : undefined;
  }

  /** Sets the lamports of an account (creating a System-owned account with no data if missing). */
  setBalance(pubkey: PubkeyInput, lamports: bigint | number): AccountState {
    const a = this.accounts.get(keyOf(pubkey));
    return this.setAccount(pubkey, a ? { ...a, lamports } : { owner: SYSTEM_PROGRAM_ID, lamports });
  }

  /** Creates an SPL mint (82 bytes); returns its address. */
  addMint(seed: MintSeed): string {
    const address = seed.address !== undefined ? keyOf(seed.address) : base58Encode(randomBytes(32));
    const programId = keyOf(seed.programId ?? TOKEN_PROGRAM_ID);
    if (!isTokenProgram(programId)) throw new Error(`FakeSolanaRpc.addMint: ${programId} is not a token program`);
    const authority = (k: PubkeyInput | null | undefined): string | null => (k === undefined || k === null ? null : keyOf(k));
    this.setAccount(address, {
      owner: programId,
      data: encodeMint({ decimals: seed.decimals, supply: BigInt(seed.supply ?? 0), mintAuthority: authority(seed.mintAuthority), freezeAuthority: authority(seed.freezeAuthority) }),
    });
    return address;
  }

  /** Creates an SPL token account (default address: the owner's ATA), creating the mint if missing; returns the address. */
  addTokenAccount(seed: TokenAccountSeed): string {
    const owner = verifyKeyInput(seed.owner);
    const mint = verifyKeyInput(seed.mint);
    const programId = keyOf(seed.programId ?? TOKEN_PROGRAM_ID);
    if (!isTokenProgram(programId)) throw new Error(`FakeSolanaRpc.addTokenAccount: ${programId} is not a token program`);
    const amount = BigInt(seed.amount);
    const existingMint = this.accounts.get(mint);
    if (existingMint) {
      const m = parseMint(existingMint);
      if (!m) throw new Error(`FakeSolanaRpc.addTokenAccount: ${mint} exists and is not a mint`);
      if (existingMint.owner !== programId) throw new Error(`FakeSolanaRpc.addTokenAccount: mint ${mint} belongs to ${existingMint.owner}, not ${programId}`);
      if (m.decimals !== seed.decimals) throw new Error(`FakeSolanaRpc.addTokenAccount: mint ${mint} has ${m.decimals} decimals, not ${seed.decimals}`);
      const data = Buffer.from(existingMint.data);
      data.writeBigUInt64LE(m.supply + amount, 36);
      this.setAccount(mint, { ...existingMint, data });
    } else {
      this.addMint({ address: mint, decimals: seed.decimals, supply: amount, programId });
    }
    const address = seed.address !== undefined
      ? keyOf(seed.address)
      : PublicKey.findProgramAddressSync([pubkeyBytes(owner), pubkeyBytes(programId), pubkeyBytes(mint)], new PublicKey(ASSOCIATED_TOKEN_PROGRAM_ID))[0].toBase58();
    this.setAccount(address, {
      owner: programId,
      data: encodeTokenAccount({
        mint,
        owner,
        amount,
        state: seed.state === 'frozen' ? 2 : 1,
        ...(seed.delegate !== undefined ? { delegate: keyOf(seed.delegate) } : {}),
        delegatedAmount: BigInt(seed.delegatedAmount ?? 0),
      }),
    });
    return address;
  }

  /** Changes the amount of a token account (the mint's supply follows); notifies subscribers. */
  setTokenAmount(tokenAccount: PubkeyInput, amount: bigint | number): void {
    const key = keyOf(tokenAccount);
    const acc = this.accounts.get(key);
    const parsed = acc ? parseTokenAccount(acc) : undefined;
    if (!acc || !parsed) throw new Error(`FakeSolanaRpc.setTokenAmount: ${key} is not a token account`);
    const mintAcc = this.accounts.get(parsed.mint);
    const mint = mintAcc ? parseMint(mintAcc) : undefined;
    if (mintAcc && mint) {
      const md = Buffer.from(mintAcc.data);
      md.writeBigUInt64LE(mint.supply - parsed.amount + BigInt(amount), 36);
      this.setAccount(parsed.mint, { ...mintAcc, data: md });
    }
    const data = Buffer.from(acc.data);
    data.writeBigUInt64LE(BigInt(amount), 64);
    this.setAccount(key, { ...acc, data });
  }

  /** The blockhash of the current slot with its last valid block height (registered as handed out). */
  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    const blockhash = this.engine?.blockhash() ?? base58Encode(createHash('sha256').update(`vigil-fake-solana-rpc:blockhash:${this.slotNo}`).digest());
    const lastValidBlockHeight = this.height + MAX_PROCESSING_AGE;
    // An engine's current blockhash is current however many slots this fake counted since it was first handed out.
    const known = this.blockhashes.get(blockhash);
    if (known === undefined || (this.engine && known < this.height)) this.blockhashes.set(blockhash, lastValidBlockHeight);
    return { blockhash, lastValidBlockHeight: this.blockhashes.get(blockhash) ?? lastValidBlockHeight };
  }

  /** getHealth answers -32005 "Node is behind by N slots" while set (null: healthy). */
  setNodeBehind(slots: number | null): void {
    this.nodeBehind = slots;
  }

  /** The prioritizationFee getRecentPrioritizationFees reports for every recent slot (micro-lamports per CU). */
  setPriorityFee(microLamports: number): void {
    this.priorityFee = microLamports;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Transactions
  // -------------------------------------------------------------------------------------------------------------

  /** The next simulation(s) (explicit, or sendTransaction's preflight) answer this instead of a default success. */
  scriptSimulation(result: ScriptedSimulation, options: { count?: number } = {}): void {
    this.simulationScript.push({ result, remaining: options.count ?? 1 });
  }

  /** The next sent transaction(s) land with this outcome instead of a default success. */
  scriptLanding(outcome: LandingOutcome, options: { count?: number } = {}): void {
    this.landingScript.push({ outcome, remaining: options.count ?? 1 });
  }

  /** Lands (or promotes) a signature at a commitment (default finalized) and notifies signature subscribers. */
  confirmSignature(signature: string, options: { err?: TransactionError | null; commitment?: Commitment } = {}): SignatureStatus {
    const level = options.commitment ?? 'finalized';
    const existing = this.statuses.get(signature);
    const status: StoredStatus = existing
      ? { slot: existing.slot, err: options.err !== undefined ? options.err : existing.err, level: LEVEL[level] > LEVEL[existing.level] ? level : existing.level }
      : { slot: this.slotNo, err: options.err ?? null, level };
    this.statuses.set(signature, status);
    const view = this.statusView(status);
    this.emit({ kind: 'signature', signature, status: view });
    this.notifySignature(signature, status);
    return view;
  }

  /** The status getSignatureStatuses would report, or null. */
  signatureStatus(signature: string): SignatureStatus | null {
    const s = this.statuses.get(signature);
    return s ? this.statusView(s) : null;
  }

  /** Transactions received (optionally only simulations or sends), oldest first. */
  transactions(kind?: 'simulate' | 'send'): readonly TransactionRecord[] {
    return kind ? this.txLog.filter((t) => t.kind === kind) : [...this.txLog];
  }

  // -------------------------------------------------------------------------------------------------------------
  // Faults
  // -------------------------------------------------------------------------------------------------------------

  /** The next call(s) of `method` ('*' for any) get `fault` instead of a normal answer. */
  failNext(method: string, fault: Fault, options: { count?: number } = {}): void {
    const transport = fault.transport ?? defaultTransport(method);
    if (transport === 'ws' && fault.status !== undefined) throw new Error('FakeSolanaRpc.failNext: an HTTP status cannot be answered on a WebSocket');
    const key = `${transport} ${method}`;
    const list = this.faults.get(key) ?? [];
    list.push({ fault, remaining: options.count ?? fault.count ?? 1 });
    this.faults.set(key, list);
  }

  /** Calls still to be faulted. */
  pendingFaults(method?: string): number {
    let n = 0;
    for (const [key, list] of this.faults) if (method === undefined || key.endsWith(` ${method}`)) for (const q of list) n += q.remaining;
    return n;
  }

  /** Forgets queued faults. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** While on, every HTTP connection is reset (ECONNRESET), WebSockets are killed and new connections refused. */
  setOutage(on: boolean): void {
    this.outage = on;
    if (!on) return;
    this.server?.closeAllConnections();
    this.wsPortServer?.closeAllConnections();
    this.dropWebSockets();
  }

  /** Kills every PubSub connection (no close frame: clients see 1006 and reconnect). */
  dropWebSockets(): void {
    for (const c of this.connections.values()) c.ws.terminate();
  }

  /** While on, subscriptions are accepted but no notification is sent (they are still recorded, as `muted`). */
  muteWebSockets(on: boolean): void {
    this.muted = on;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Records
  // -------------------------------------------------------------------------------------------------------------

  /** Calls received (optionally of one method), oldest first. */
  calls(method?: string): readonly RpcCall[] {
    return method === undefined ? [...this.callLog] : this.callLog.filter((c) => c.method === method);
  }

  /** HTTP POSTs received (a batch counts once). */
  httpRequests(): number {
    return this.httpCount;
  }

  /** Active PubSub subscriptions. */
  subscriptions(method?: string): readonly SubscriptionInfo[] {
    return [...this.subs.values()].filter((s) => method === undefined || s.method === method).map(subscriptionInfo);
  }

  /** Open PubSub connections. */
  webSocketConnections(): number {
    return this.connections.size;
  }

  /** Every event so far (calls, subscriptions, notifications, connections, signatures, account writes). */
  allEvents(): readonly SolanaRpcEvent[] {
    return [...this.events];
  }

  /** The seq the next event will get: pass it as `since` to wait only for later events. */
  mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event (from `since`, default 0: past events count) satisfying the predicate. */
  waitFor(predicate: (e: SolanaRpcEvent) => boolean, timeoutMs = 5000, options: { since?: number } = {}): Promise<SolanaRpcEvent> {
    try {
      for (const e of this.events.slice(options.since ?? 0)) if (predicate(e)) return Promise.resolve(e);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<SolanaRpcEvent>((resolve, reject) => {
      const listener = (e: SolanaRpcEvent): void => {
        let ok: boolean;
        try {
          ok = predicate(e);
        } catch (err) {
          done();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (ok) {
          done();
          resolve(e);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`FakeSolanaRpc.waitFor: nothing matched within ${timeoutMs} ms.\n${this.describe()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** Waits for an answered call of `method` satisfying the predicate. */
  async waitForCall(method: string, predicate: (c: RpcCall) => boolean = () => true, timeoutMs = 5000, options: { since?: number } = {}): Promise<RpcCall> {
    const e = await this.waitFor((x) => x.kind === 'call' && x.call.method === method && predicate(x.call), timeoutMs, options);
    if (e.kind !== 'call') throw new Error('unreachable');
    return e.call;
  }

  /** Waits until at least `n` subscriptions (of `method`, if given) are active; resolves with them. */
  async waitForSubscriptions(n: number, timeoutMs = 5000, options: { method?: string } = {}): Promise<readonly SubscriptionInfo[]> {
    const active = (): readonly SubscriptionInfo[] => this.subscriptions(options.method);
    if (active().length >= n) return active();
    await this.waitFor((e) => (e.kind === 'subscribe' || e.kind === 'unsubscribe') && active().length >= n, timeoutMs, { since: this.mark() });
    return active();
  }

  /** A readable summary of calls and subscriptions (used in waitFor's timeout error). */
  describe(): string {
    const clip = (s: string, n = 100): string => (s.length > n ? `${s.slice(0, n)}…` : s);
    const calls = this.callLog.map((c) => {
      const outcome = c.answeredAt === undefined ? 'pending' : c.error ? `error ${c.error.code} ${c.error.message}` : c.status === 0 ? 'dropped' : 'ok';
      return `  #${c.seq} ${c.transport}${c.batched ? ' (batch)' : ''} ${c.method}(${clip(toJson(c.params))}) → ${outcome}${c.fault ? ` [${c.fault}]` : ''}`;
    });
    const tail = (lines: string[]): string[] => (lines.length > 40 ? [`  … ${lines.length - 40} earlier`, ...lines.slice(-40)] : lines);
    const subs = [...this.subs.values()].map((s) => `  ${s.id} ${s.method} ${s.key ?? ''} (connection ${s.connectionId})`);
    return [`Slot ${this.slotNo}, block height ${this.height}, ${this.accounts.size} accounts, ${this.connections.size} WebSocket connections`,
      `Calls (${calls.length}, ${this.httpCount} HTTP requests):`, ...tail(calls), `Subscriptions (${subs.length}):`, ...subs].join('\n');
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------------------------

  private writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.writableEnded) return;
    const text = toJson(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.outage) {
      req.socket.resetAndDestroy();
      return;
    }
    if (req.method === 'GET' && (req.url ?? '/').split('?')[0] === '/health') {
      const text = this.nodeBehind === null ? 'ok' : 'behind';
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(text.length) });
      res.end(text);
      return;
    }
    if (req.method !== 'POST') {
      const text = 'Used HTTP Method is not allowed. POST or OPTIONS is required';
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(text.length) });
      res.end(text);
      return;
    }
    const body = await readBody(req, this.options.maxBodyBytes);
    if (this.outage) {
      req.socket.resetAndDestroy();
      return;
    }
    this.httpCount++;
    const requestNo = this.httpCount;
    if (body === 'too large') {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Payload Too Large');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      this.writeJson(res, 200, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
      return;
    }
    const batched = Array.isArray(parsed);
    const items: unknown[] = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    if (items.length === 0) {
      this.writeJson(res, 200, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id: null });
      return;
    }

    const entries = items.map((item) => {
      if (!isRecord(item) || item.jsonrpc !== '2.0' || typeof item.method !== 'string') return { item, call: undefined, fault: undefined };
      const call = this.record(item, 'http', batched, { httpRequest: requestNo });
      return { item, call, fault: this.takeFault(call.method, 'http') };
    });

    const delay = Math.max(0, ...entries.map((e) => e.fault?.delayMs ?? 0));
    if (delay > 0) {
      await this.sleep(delay);
      if (!this.server || res.destroyed) {
        for (const e of entries) if (e.call) this.finish(e.call, { status: 0, fault: 'delay' });
        return;
      }
    }
    const drop = entries.find((e) => e.fault?.drop);
    if (drop) {
      req.socket.destroy();
      for (const e of entries) if (e.call) this.finish(e.call, { status: 0, fault: e.fault?.drop ? 'drop' : undefined });
      return;
    }
    const statusFault = entries.find((e) => e.fault?.status !== undefined);
    if (statusFault?.fault?.status !== undefined) {
      const f = statusFault.fault;
      const status = f.status ?? 500;
      const firstId = entries[0]?.call?.id ?? null;
      const error: RpcErrorObject = status === 429
        ? { code: 429, message: 'Too many requests for a specific RPC call, contact your app developer or support@rpcpool.com.' }
        : { code: -32603, message: 'Internal error' };
      for (const e of entries) if (e.call) this.finish(e.call, { status, error, fault: e.fault?.status !== undefined ? 'status' : undefined });
      const headers: Record<string, string> = status === 429 ? { 'retry-after': String(f.retryAfter ?? 1) } : {};
      if (f.body !== undefined) {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(f.body)), ...headers });
        res.end(f.body);
      } else {
        this.writeJson(res, status, { jsonrpc: '2.0', error, id: firstId }, headers);
      }
      return;
    }

    const answers: unknown[] = [];
    for (const e of entries) {
      if (!e.call) {
        answers.push({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id: isRecord(e.item) && 'id' in e.item ? e.item.id : null });
        continue;
      }
      const ctx: CallContext = { transport: 'http', after: [] };
      const pending = this.answer(e.call, e.fault, this.handlers, ctx);
      const answer: unknown = pending instanceof Promise ? await (pending as Promise<unknown>) : pending;
      if (answer !== undefined) answers.push(answer);
    }
    if (answers.length === 0) {
      // Only notifications: nothing to say.
      res.writeHead(200, { 'content-length': '0' });
      res.end();
      return;
    }
    this.writeJson(res, 200, batched ? answers : answers[0]);
  }

  private record(item: Record<string, unknown>, transport: 'http' | 'ws', batched: boolean, where: { httpRequest?: number; connectionId?: number }): RpcCall {
    const params: readonly unknown[] = Array.isArray(item.params) ? (item.params as unknown[]) : item.params === undefined || item.params === null ? [] : [item.params];
    const call: RpcCall = { seq: this.callLog.length + 1, method: String(item.method), params, id: item.id, batched, transport, at: Date.now(), ...where };
    this.callLog.push(call);
    return call;
  }

  private finish(call: RpcCall, outcome: { status?: number; result?: unknown; error?: RpcErrorObject; fault?: RpcCall['fault'] }): void {
    if (call.answeredAt !== undefined) return;
    if (outcome.status !== undefined) call.status = outcome.status;
    if ('result' in outcome) call.result = outcome.result;
    if (outcome.error) call.error = outcome.error;
    if (outcome.fault) call.fault = outcome.fault;
    call.answeredAt = Date.now();
    this.emit({ kind: 'call', call });
  }

  /** Runs a call; returns the JSON-RPC response object, or undefined for a notification (no id). */
  private answer(call: RpcCall, fault: Fault | undefined, table: ReadonlyMap<string, Handler>, ctx: CallContext): unknown {
    const isNotification = call.id === undefined;
    const status = call.transport === 'http' ? 200 : undefined;
    const fail = (error: RpcErrorObject, f?: RpcCall['fault']): unknown => {
      this.finish(call, { status, error, fault: f ?? (fault?.delayMs !== undefined ? 'delay' : undefined) });
      return isNotification ? undefined : { jsonrpc: '2.0', error, id: call.id };
    };
    if (fault?.rpcError) return fail(fault.rpcError, 'rpcError');
    const handler = table.get(call.method);
    if (!handler) {
      if (isNotification) {
        // web3.js's `ping` and other notifications: no answer.
        this.finish(call, { status });
        return undefined;
      }
      return fail(methodNotFound(UNMODELLED.includes(call.method) || this.handlers.has(call.method) || this.wsHandlers.has(call.method)
        ? `the fake Solana RPC does not model ${call.method} on ${call.transport === 'http' ? 'HTTP' : 'the WebSocket'}`
        : undefined).toObject());
    }
    const failed = (e: unknown): unknown => e instanceof RpcError
      ? fail(e.toObject())
      : fail({ code: -32603, message: `Internal error: ${e instanceof Error ? e.message : String(e)}` });
    const done = (result: unknown): unknown => {
      this.finish(call, { status, result, fault: fault?.delayMs !== undefined ? 'delay' : undefined });
      return isNotification ? undefined : { jsonrpc: '2.0', result, id: call.id };
    };
    let result: unknown;
    try {
      result = handler(call.params, ctx);
    } catch (e) {
      return failed(e);
    }
    // Only a transaction engine's calls are asynchronous; everything else answers in the same tick.
    return result instanceof Promise ? result.then(done, failed) : done(result);
  }

  private takeFault(method: string, transport: 'http' | 'ws'): Fault | undefined {
    for (const key of [`${transport} ${method}`, `${transport} *`]) {
      const list = this.faults.get(key);
      const q = list?.[0];
      if (list && q) {
        q.remaining--;
        if (q.remaining <= 0) list.shift();
        return q.fault;
      }
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private emit(e: WithoutSeq<SolanaRpcEvent>): void {
    const event = { ...e, seq: this.events.length } as SolanaRpcEvent;
    this.events.push(event);
    for (const l of [...this.listeners]) l(event);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Accounts
  // -------------------------------------------------------------------------------------------------------------

  private ctx<T>(value: T): { context: { slot: number; apiVersion: string }; value: T } {
    return { context: { slot: this.slotNo, apiVersion: this.options.solanaCoreVersion }, value };
  }

  private checkContext(cfg: Record<string, unknown>): void {
    if (cfg.commitment !== undefined) normalizeCommitment(cfg.commitment, 'finalized');
    const min = cfg.minContextSlot;
    if (typeof min === 'number' && min > this.slotNo) {
      throw new RpcError(-32016, 'Minimum context slot has not been reached', { contextSlot: this.slotNo });
    }
  }

  private stateOf(pubkey: string, a: StoredAccount): AccountState {
    return { pubkey, data: Buffer.from(a.data), owner: a.owner, lamports: a.lamports, executable: a.executable, rentEpoch: a.rentEpoch, slot: a.slot };
  }

  /** UiAccount in Agave's shape. */
  private encodeAccount(acc: StoredAccount, encoding: Encoding, slice: DataSlice | undefined, strictBase58 = true): Record<string, unknown> {
    const base = { lamports: acc.lamports, owner: acc.owner, executable: acc.executable, rentEpoch: acc.rentEpoch, space: acc.data.length };
    if (encoding === 'jsonParsed') {
      const parsed = this.jsonParsed(acc);
      if (parsed) return { ...base, data: parsed };
      return { ...base, data: [acc.data.toString('base64'), 'base64'] };
    }
    const bytes = slice ? acc.data.subarray(Math.min(slice.offset, acc.data.length), Math.min(slice.offset + slice.length, acc.data.length)) : acc.data;
    if ((encoding === 'binary' || encoding === 'base58') && bytes.length > 128 && strictBase58) {
      throw new RpcError(-32600, 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
    }
    switch (encoding) {
      case 'binary':
        return { ...base, data: base58Encode(bytes) };
      case 'base58':
        return { ...base, data: [base58Encode(bytes), 'base58'] };
      case 'base64':
        return { ...base, data: [Buffer.from(bytes).toString('base64'), 'base64'] };
      case 'base64+zstd':
        return { ...base, data: [zstdCompressSync(bytes).toString('base64'), 'base64+zstd'] };
    }
  }

  private jsonParsed(acc: StoredAccount): Record<string, unknown> | undefined {
    const program = acc.owner === TOKEN_2022_PROGRAM_ID ? 'spl-token-2022' : 'spl-token';
    const t = parseTokenAccount(acc);
    if (t) {
      if (t.state === 0) return undefined;
      const mintAcc = this.accounts.get(t.mint);
      const mint = mintAcc ? parseMint(mintAcc) : undefined;
      if (!mint) return undefined;
      const info: Record<string, unknown> = {
        isNative: t.isNative !== undefined,
        mint: t.mint,
        owner: t.owner,
        state: t.state === 2 ? 'frozen' : 'initialized',
        tokenAmount: uiTokenAmount(t.amount, mint.decimals),
      };
      if (t.delegate !== undefined) {
        info.delegate = t.delegate;
        info.delegatedAmount = uiTokenAmount(t.delegatedAmount, mint.decimals);
      }
      if (t.isNative !== undefined) info.rentExemptReserve = uiTokenAmount(t.isNative, mint.decimals);
      if (t.closeAuthority !== undefined) info.closeAuthority = t.closeAuthority;
      return { program, parsed: { info, type: 'account' }, space: acc.data.length };
    }
    const m = parseMint(acc);
    if (m) {
      return {
        program,
        parsed: { info: { decimals: m.decimals, freezeAuthority: m.freezeAuthority, isInitialized: m.isInitialized, mintAuthority: m.mintAuthority, supply: m.supply.toString() }, type: 'mint' },
        space: acc.data.length,
      };
    }
    return undefined;
  }

  private getAccountInfo(p: Params): unknown {
    const key = verifyPubkey(p[0]);
    const cfg = configArg(p, 1);
    this.checkContext(cfg);
    const encoding = encodingOf(cfg, 'binary');
    const slice = sliceOf(cfg, encoding);
    const acc = this.accounts.get(key);
    return this.ctx(acc ? this.encodeAccount(acc, encoding, slice) : null);
  }

  private getMultipleAccounts(p: Params): unknown {
    const keys = p[0];
    if (!Array.isArray(keys)) throw invalidParams('Invalid params: invalid type: expected a sequence of pubkeys');
    if (keys.length > 100) throw invalidParams('Too many inputs provided; max 100');
    const verified = keys.map(verifyPubkey);
    const cfg = configArg(p, 1);
    this.checkContext(cfg);
    const encoding = encodingOf(cfg, 'base64');
    const slice = sliceOf(cfg, encoding);
    return this.ctx(verified.map((k) => {
      const acc = this.accounts.get(k);
      return acc ? this.encodeAccount(acc, encoding, slice) : null;
    }));
  }

  private getProgramAccounts(p: Params): unknown {
    const program = verifyPubkey(p[0]);
    const cfg = configArg(p, 1);
    this.checkContext(cfg);
    const encoding = encodingOf(cfg, 'binary');
    const slice = sliceOf(cfg, encoding);
    const filters = parseFilters(cfg.filters);
    const matches = [...this.accounts.entries()]
      .filter(([, a]) => a.owner === program && matchesFilters(a, filters))
      .sort(([a], [b]) => Buffer.compare(pubkeyBytes(a), pubkeyBytes(b)));
    const list = matches.map(([pubkey, a]) => ({ pubkey, account: this.encodeAccount(a, encoding, slice) }));
    return cfg.withContext === true ? this.ctx(list) : list;
  }

  private getTokenAccountsByOwner(p: Params): unknown {
    const owner = verifyPubkey(p[0]);
    const filter = p[1];
    if (!isRecord(filter)) throw invalidParams('Invalid params: invalid type: expected {mint} or {programId}');
    let programId: string;
    let mint: string | undefined;
    if (typeof filter.mint === 'string' && filter.programId === undefined) {
      mint = verifyPubkey(filter.mint);
      const mintAcc = this.accounts.get(mint);
      if (!mintAcc || !isTokenProgram(mintAcc.owner)) throw invalidParams('Invalid param: could not find mint');
      programId = mintAcc.owner;
    } else if (typeof filter.programId === 'string' && filter.mint === undefined) {
      programId = verifyPubkey(filter.programId);
      if (!isTokenProgram(programId)) throw invalidParams('Invalid param: unrecognized Token program id');
    } else {
      throw invalidParams('Invalid params: expected exactly one of `mint` or `programId`');
    }
    const cfg = configArg(p, 2);
    this.checkContext(cfg);
    const encoding = encodingOf(cfg, 'binary');
    const slice = sliceOf(cfg, encoding);
    const list = [...this.accounts.entries()]
      .filter(([, a]) => {
        if (a.owner !== programId) return false;
        const t = parseTokenAccount(a);
        return t !== undefined && t.owner === owner && (mint === undefined || t.mint === mint);
      })
      .sort(([a], [b]) => Buffer.compare(pubkeyBytes(a), pubkeyBytes(b)))
      .map(([pubkey, a]) => ({ pubkey, account: this.encodeAccount(a, encoding, slice) }));
    return this.ctx(list);
  }

  private getTokenAccountBalance(p: Params): unknown {
    const key = verifyPubkey(p[0]);
    this.checkContext(configArg(p, 1));
    const acc = this.accounts.get(key);
    if (!acc) throw invalidParams('Invalid param: could not find account');
    const t = parseTokenAccount(acc);
    if (!t) throw invalidParams('Invalid param: not a Token account');
    const mintAcc = this.accounts.get(t.mint);
    const mint = mintAcc ? parseMint(mintAcc) : undefined;
    if (!mint) throw invalidParams('Invalid param: could not find mint');
    return this.ctx(uiTokenAmount(t.amount, mint.decimals));
  }

  private getTokenSupply(p: Params): unknown {
    const key = verifyPubkey(p[0]);
    this.checkContext(configArg(p, 1));
    const acc = this.accounts.get(key);
    if (!acc) throw invalidParams('Invalid param: could not find mint');
    const m = parseMint(acc);
    if (!m) throw invalidParams('Invalid param: not a Token mint');
    return this.ctx(uiTokenAmount(m.supply, m.decimals));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Transactions
  // -------------------------------------------------------------------------------------------------------------

  private blockhashValid(blockhash: string): boolean {
    const lastValid = this.blockhashes.get(blockhash);
    return lastValid !== undefined && this.height <= lastValid;
  }

  private decodeTransaction(p: Params): { raw: Buffer; tx: VersionedTransaction; cfg: Record<string, unknown> } {
    if (typeof p[0] !== 'string') throw invalidParams('Invalid params: invalid type: expected an encoded transaction string');
    const cfg = configArg(p, 1);
    const encoding = cfg.encoding ?? 'base58';
    let raw: Buffer | undefined;
    if (encoding === 'base64') raw = Buffer.from(p[0], 'base64');
    else if (encoding === 'base58') raw = base58Decode(p[0]);
    else throw invalidParams(`Invalid params: unsupported encoding: ${show(encoding)}. Supported encodings: base58, base64`);
    if (!raw) throw invalidParams('invalid base58 encoding: InvalidCharacter');
    if (raw.length > 1232) throw invalidParams(`base64 encoded solana_transaction::versioned::VersionedTransaction too large: ${raw.length} bytes (max: encoded/raw 1644/1232)`);
    try {
      return { raw, tx: VersionedTransaction.deserialize(raw), cfg };
    } catch (e) {
      throw invalidParams(`failed to deserialize solana_transaction::versioned::VersionedTransaction: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private describeTx(kind: 'simulate' | 'send', raw: Buffer, tx: VersionedTransaction, cfg: Record<string, unknown>): Omit<TransactionRecord, 'simulation' | 'rejected'> {
    const accountKeys = tx.message.staticAccountKeys.map((k) => k.toBase58());
    return {
      kind,
      signature: base58Encode(tx.signatures[0] ?? new Uint8Array(64)),
      raw,
      transaction: tx,
      accountKeys,
      programIds: tx.message.compiledInstructions.map((ix) => accountKeys[ix.programIdIndex] ?? '?'),
      recentBlockhash: tx.message.recentBlockhash,
      config: cfg,
      at: Date.now(),
    };
  }

  private signaturesValid(tx: VersionedTransaction): boolean {
    const n = tx.message.header.numRequiredSignatures;
    if (tx.signatures.length !== n) return false;
    const message = tx.message.serialize();
    return tx.signatures.every((sig, i) => {
      const key = tx.message.staticAccountKeys[i];
      return key !== undefined && ed25519Verify(key.toBytes(), message, sig);
    });
  }

  /** The default simulation: success with Agave-like logs, or the next scripted result. */
  private runSimulation(tx: VersionedTransaction, programIds: readonly string[]): SimulationValue {
    const scripted = this.simulationScript[0];
    if (scripted) {
      scripted.remaining--;
      if (scripted.remaining <= 0) this.simulationScript.shift();
    }
    // A ComputeBudget SetComputeUnitLimit (tag 2, u32) sets the budget; else 200k per non-ComputeBudget instruction.
    let limit: number | undefined;
    tx.message.compiledInstructions.forEach((ix, i) => {
      if (programIds[i] === COMPUTE_BUDGET_PROGRAM_ID && ix.data[0] === 2 && ix.data.length >= 5) limit = Buffer.from(ix.data).readUInt32LE(1);
    });
    let remaining = Math.min(1_400_000, limit ?? 200_000 * Math.max(1, programIds.filter((id) => id !== COMPUTE_BUDGET_PROGRAM_ID).length));
    const logs: string[] = [];
    let units = 0;
    for (const id of programIds) {
      logs.push(`Program ${id} invoke [1]`);
      if (BUILTINS.has(id)) units += 150;
      else {
        const used = Math.min(remaining, this.options.unitsPerInstruction);
        logs.push(`Program ${id} consumed ${used} of ${remaining} compute units`);
        remaining -= used;
        units += used;
      }
      logs.push(`Program ${id} success`);
    }
    const s = scripted?.result ?? {};
    return {
      err: s.err ?? null,
      logs: s.logs !== undefined ? s.logs : logs,
      accounts: s.accounts ?? null,
      unitsConsumed: s.unitsConsumed ?? units,
      returnData: s.returnData ?? null,
      innerInstructions: s.innerInstructions ?? null,
    };
  }

  private simulateTransaction(p: Params): unknown {
    const { raw, tx, cfg } = this.decodeTransaction(p);
    this.checkContext(cfg);
    const replace = cfg.replaceRecentBlockhash === true;
    if (replace && cfg.sigVerify === true) throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
    const rec = this.describeTx('simulate', raw, tx, cfg);
    if (cfg.sigVerify === true && this.options.verifySignatures && !this.signaturesValid(tx)) {
      const error = new RpcError(-32003, 'Transaction signature verification failure');
      this.txLog.push({ ...rec, rejected: error.toObject() });
      throw error;
    }
    let value: SimulationValue;
    if (!replace && this.options.checkBlockhash && !this.blockhashValid(rec.recentBlockhash)) {
      value = { err: 'BlockhashNotFound', logs: [], accounts: null, unitsConsumed: 0, returnData: null, innerInstructions: null };
    } else if (this.engine && (this.engine.handles?.(tx) ?? true)) {
      // replaceRecentBlockhash: the node runs the transaction with its own latest blockhash, as Agave does.
      let run = tx;
      if (replace) {
        run = VersionedTransaction.deserialize(tx.serialize());
        run.message.recentBlockhash = this.engine.blockhash();
      }
      return this.engine.simulate(run).then((r) => {
        const v: SimulationValue = { err: r.err, logs: [...r.logs], accounts: null, unitsConsumed: r.unitsConsumed, returnData: null, innerInstructions: null };
        this.txLog.push({ ...rec, simulation: v });
        return this.ctx(v);
      });
    } else {
      value = this.runSimulation(tx, rec.programIds);
    }
    const accountsCfg = cfg.accounts;
    if (isRecord(accountsCfg) && Array.isArray(accountsCfg.addresses) && value.accounts === null) {
      const enc = encodingOf({ encoding: accountsCfg.encoding ?? 'base64' }, 'base64');
      value = { ...value, accounts: accountsCfg.addresses.map((a) => {
        const acc = this.accounts.get(verifyPubkey(a));
        return acc ? this.encodeAccount(acc, enc, undefined) : null;
      }) };
    }
    if (replace) value = { ...value, replacementBlockhash: this.latestBlockhash() };
    this.txLog.push({ ...rec, simulation: value });
    return this.ctx(value);
  }

  private sendTransaction(p: Params, _ctx: CallContext): unknown {
    const { raw, tx, cfg } = this.decodeTransaction(p);
    this.checkContext(cfg);
    const rec = this.describeTx('send', raw, tx, cfg);
    const reject = (error: RpcError): never => {
      this.txLog.push({ ...rec, rejected: error.toObject() });
      throw error;
    };
    const preflightFailure = (value: SimulationValue): RpcError =>
      new RpcError(-32002, `Transaction simulation failed: ${transactionErrorText(value.err ?? 'unknown')}`, value);
    const skipPreflight = cfg.skipPreflight === true;
    if (!skipPreflight) {
      if (cfg.preflightCommitment !== undefined) normalizeCommitment(cfg.preflightCommitment, 'finalized');
      if (this.options.verifySignatures && !this.signaturesValid(tx)) reject(new RpcError(-32003, 'Transaction signature verification failure'));
      const landed = this.statuses.get(rec.signature);
      if (landed) reject(preflightFailure({ err: 'AlreadyProcessed', logs: [], accounts: null, unitsConsumed: 0, returnData: null, innerInstructions: null }));
      if (this.options.checkBlockhash && !this.blockhashValid(rec.recentBlockhash)) {
        reject(preflightFailure({ err: 'BlockhashNotFound', logs: [], accounts: null, unitsConsumed: 0, returnData: null, innerInstructions: null }));
      }
      if (this.engine && (this.engine.handles?.(tx) ?? true)) return this.engineSend(rec, tx, true, reject, preflightFailure);
      const sim = this.runSimulation(tx, rec.programIds);
      if (sim.err !== null) reject(preflightFailure(sim));
    } else if (this.engine && (this.engine.handles?.(tx) ?? true)) {
      return this.engineSend(rec, tx, false, reject, preflightFailure);
    }
    this.txLog.push(rec);
    this.notifyWhere((s) => s.method === 'signatureSubscribe' && s.key === rec.signature && s.enableReceived, 'signatureNotification',
      () => ({ context: { slot: this.slotNo }, value: 'receivedSignature' }));
    if (this.statuses.has(rec.signature)) return rec.signature;
    const scripted = this.landingScript[0];
    if (scripted) {
      scripted.remaining--;
      if (scripted.remaining <= 0) this.landingScript.shift();
    }
    const outcome: LandingOutcome = scripted?.outcome ?? {};
    const blockhashOk = !this.options.checkBlockhash || this.blockhashValid(rec.recentBlockhash);
    if (outcome.drop || !blockhashOk) return rec.signature;
    const afterMs = outcome.afterMs === undefined ? this.options.confirmAfterMs : outcome.afterMs;
    if (afterMs !== null) {
      this.later(afterMs, () => {
        if (!this.statuses.has(rec.signature)) this.confirmSignature(rec.signature, { err: outcome.err ?? null, commitment: outcome.commitment ?? this.options.confirmCommitment });
      });
    }
    return rec.signature;
  }

  /** sendTransaction with a TransactionEngine: preflight there, execute, mirror the touched accounts, land at once. */
  private async engineSend(
    rec: Omit<TransactionRecord, 'simulation' | 'rejected'>, tx: VersionedTransaction, preflight: boolean,
    reject: (e: RpcError) => never, preflightFailure: (v: SimulationValue) => RpcError,
  ): Promise<string> {
    const engine = this.engine;
    if (!engine) throw new Error('no engine');
    if (preflight) {
      const sim = await engine.simulate(tx);
      if (sim.err !== null) {
        reject(preflightFailure({ err: sim.err, logs: [...sim.logs], accounts: null, unitsConsumed: sim.unitsConsumed, returnData: null, innerInstructions: null }));
      }
    }
    const r = await engine.process(tx);
    for (const [key, acc] of r.accounts) {
      if (acc === null) this.deleteAccount(key);
      else this.setAccount(key, acc);
    }
    this.txLog.push({ ...rec, execution: { err: r.err, logs: r.logs, unitsConsumed: r.unitsConsumed } });
    this.confirmSignature(rec.signature, { err: r.err, commitment: this.options.confirmCommitment });
    return rec.signature;
  }

  private requestAirdrop(p: Params): unknown {
    const key = verifyPubkey(p[0]);
    if (typeof p[1] !== 'number' || !Number.isInteger(p[1]) || p[1] < 0) throw invalidParams('Invalid params: invalid type: expected u64 lamports');
    const lamports = BigInt(p[1]);
    const acc = this.accounts.get(key);
    this.setAccount(key, acc ? { ...acc, lamports: acc.lamports + lamports } : { owner: SYSTEM_PROGRAM_ID, lamports });
    const signature = base58Encode(randomBytes(64));
    const afterMs = this.options.confirmAfterMs;
    if (afterMs !== null) this.later(afterMs, () => this.confirmSignature(signature, { commitment: this.options.confirmCommitment }));
    return signature;
  }

  private getFeeForMessage(p: Params): unknown {
    if (typeof p[0] !== 'string') throw invalidParams('Invalid params: invalid type: expected a base64 message');
    this.checkContext(configArg(p, 1));
    let message: VersionedMessage;
    try {
      message = VersionedMessage.deserialize(Buffer.from(p[0], 'base64'));
    } catch (e) {
      throw invalidParams(`invalid transaction message: ${e instanceof Error ? e.message : String(e)}`);
    }
    const valid = !this.options.checkBlockhash || this.blockhashValid(message.recentBlockhash);
    return this.ctx(valid ? message.header.numRequiredSignatures * LAMPORTS_PER_SIGNATURE : null);
  }

  private statusView(s: StoredStatus): SignatureStatus {
    const confirmations = s.level === 'finalized' ? null : s.level === 'processed' ? 0 : Math.min(31, Math.max(1, this.slotNo - s.slot));
    return { slot: s.slot, confirmations, err: s.err, confirmationStatus: s.level };
  }

  private getSignatureStatuses(p: Params): unknown {
    const sigs = p[0];
    if (!Array.isArray(sigs)) throw invalidParams('Invalid params: invalid type: expected a sequence of signatures');
    if (sigs.length > 256) throw invalidParams('Too many inputs provided; max 256');
    const verified = sigs.map(verifySignatureString);
    configArg(p, 1);
    return this.ctx(verified.map((sig) => {
      const s = this.statuses.get(sig);
      if (!s) return null;
      const v = this.statusView(s);
      return { slot: v.slot, confirmations: v.confirmations, err: v.err, status: v.err === null ? { Ok: null } : { Err: v.err }, confirmationStatus: v.confirmationStatus };
    }));
  }

  // -------------------------------------------------------------------------------------------------------------
  // PubSub
  // -------------------------------------------------------------------------------------------------------------

  private onWsConnection(ws: WebSocket): void {
    if (this.outage || !this.server) {
      ws.terminate();
      return;
    }
    const conn: WsConnection = { id: this.nextConnectionId++, ws, subs: new Set() };
    this.connections.set(conn.id, conn);
    this.emit({ kind: 'connection', change: 'open', connectionId: conn.id });
    ws.on('message', (data: RawData) => this.onWsMessage(conn, data));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.connections.delete(conn.id);
      for (const id of conn.subs) {
        const sub = this.subs.get(id);
        if (!sub) continue;
        this.subs.delete(id);
        this.emit({ kind: 'unsubscribe', subscription: subscriptionInfo(sub), reason: 'closed' });
      }
      conn.subs.clear();
      this.emit({ kind: 'connection', change: 'close', connectionId: conn.id });
    });
  }

  private wsSend(conn: WsConnection, body: unknown): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(toJson(body));
  }

  private onWsMessage(conn: WsConnection, data: RawData): void {
    let text: string;
    if (Buffer.isBuffer(data)) text = data.toString('utf8');
    else if (Array.isArray(data)) text = Buffer.concat(data).toString('utf8');
    else text = Buffer.from(data).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      this.wsSend(conn, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
      return;
    }
    const batched = Array.isArray(parsed);
    const items: unknown[] = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    if (items.length === 0) {
      this.wsSend(conn, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id: null });
      return;
    }
    const run = async (): Promise<void> => {
      const answers: unknown[] = [];
      const after: (() => void)[] = [];
      for (const item of items) {
        if (!isRecord(item) || item.jsonrpc !== '2.0' || typeof item.method !== 'string') {
          answers.push({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id: isRecord(item) && 'id' in item ? item.id : null });
          continue;
        }
        const call = this.record(item, 'ws', batched, { connectionId: conn.id });
        const fault = this.takeFault(call.method, 'ws');
        if (fault?.delayMs !== undefined) {
          await this.sleep(fault.delayMs);
          if (!this.server) return this.finish(call, { fault: 'delay' });
        }
        if (fault?.drop) {
          this.finish(call, { fault: 'drop' });
          conn.ws.terminate();
          return;
        }
        const ctx: CallContext = { transport: 'ws', connection: conn, after };
        const pending = this.answer(call, fault, this.wsHandlers, ctx);
        const answer: unknown = pending instanceof Promise ? await (pending as Promise<unknown>) : pending;
        if (answer !== undefined) answers.push(answer);
      }
      if (answers.length > 0) this.wsSend(conn, batched ? answers : answers[0]);
      for (const fn of after) fn();
    };
    void run();
  }

  private subscribe(method: string, p: Params, ctx: CallContext): number {
    const conn = ctx.connection;
    if (!conn) throw methodNotFound();
    let key: string | undefined;
    let cfgIndex = 1;
    const invalid = (what: string): RpcError => invalidParams(`Invalid Request: Invalid ${what} provided`);
    if (method === 'accountSubscribe' || method === 'programSubscribe') {
      try {
        key = verifyPubkey(p[0]);
      } catch {
        throw invalid('pubkey');
      }
    } else if (method === 'signatureSubscribe') {
      try {
        key = verifySignatureString(p[0]);
      } catch {
        throw invalid('signature');
      }
    } else {
      cfgIndex = -1;
    }
    const cfg = cfgIndex >= 0 ? configArg(p, cfgIndex) : {};
    const commitment = normalizeCommitment(cfg.commitment, 'finalized');
    const encoding = method === 'accountSubscribe' || method === 'programSubscribe' ? encodingOf(cfg, 'binary') : undefined;
    const dataSlice = encoding ? sliceOf(cfg, encoding) : undefined;
    const filters = method === 'programSubscribe' ? parseFilters(cfg.filters) : [];
    const sub: Subscription = {
      id: this.nextSubId++,
      method,
      key,
      params: p,
      connectionId: conn.id,
      commitment,
      encoding,
      filters,
      dataSlice,
      enableReceived: cfg.enableReceivedNotification === true,
    };
    this.subs.set(sub.id, sub);
    conn.subs.add(sub.id);
    this.emit({ kind: 'subscribe', subscription: subscriptionInfo(sub) });
    if (method === 'signatureSubscribe' && key !== undefined) {
      const status = this.statuses.get(key);
      if (status) ctx.after.push(() => this.notifySignature(key, status));
    }
    return sub.id;
  }

  private unsubscribe(method: string, p: Params, ctx: CallContext): boolean {
    const id = p[0];
    const sub = typeof id === 'number' ? this.subs.get(id) : undefined;
    if (!sub || sub.method !== method || sub.connectionId !== ctx.connection?.id) throw invalidParams('Invalid subscription id.');
    this.removeSub(sub, 'client');
    return true;
  }

  private removeSub(sub: Subscription, reason: 'client' | 'auto' | 'closed'): void {
    if (!this.subs.delete(sub.id)) return;
    this.connections.get(sub.connectionId)?.subs.delete(sub.id);
    this.emit({ kind: 'unsubscribe', subscription: subscriptionInfo(sub), reason });
  }

  /** Sends `method` notifications to every subscription matching `where` (result built per subscription). */
  private notifyWhere(where: (s: Subscription) => boolean, method: string, result: (s: Subscription) => unknown): Subscription[] {
    const hit: Subscription[] = [];
    for (const sub of [...this.subs.values()]) {
      if (!where(sub)) continue;
      let r: unknown;
      try {
        r = result(sub);
      } catch {
        continue;
      }
      hit.push(sub);
      const conn = this.connections.get(sub.connectionId);
      if (conn && !this.muted) this.wsSend(conn, { jsonrpc: '2.0', method, params: { result: r, subscription: sub.id } });
      this.emit({ kind: 'notification', subscription: subscriptionInfo(sub), method, result: r, muted: this.muted });
    }
    return hit;
  }

  private notifyAccount(key: string, acc: StoredAccount, programToo = true): void {
    const context = { slot: this.slotNo };
    this.notifyWhere((s) => s.method === 'accountSubscribe' && s.key === key, 'accountNotification',
      (s) => ({ context, value: this.encodeAccount(acc, (s.encoding ?? 'binary') as Encoding, s.dataSlice, false) }));
    if (!programToo) return;
    this.notifyWhere((s) => s.method === 'programSubscribe' && s.key === acc.owner && matchesFilters(acc, s.filters), 'programNotification',
      (s) => ({ context, value: { pubkey: key, account: this.encodeAccount(acc, (s.encoding ?? 'binary') as Encoding, s.dataSlice, false) } }));
  }

  private notifySignature(signature: string, status: StoredStatus): void {
    const hit = this.notifyWhere((s) => s.method === 'signatureSubscribe' && s.key === signature && LEVEL[status.level] >= LEVEL[s.commitment], 'signatureNotification',
      () => ({ context: { slot: this.slotNo }, value: { err: status.err } }));
    for (const sub of hit) this.removeSub(sub, 'auto');
  }
}

/** Starts a fake on a free port. */
export async function startFakeSolanaRpc(options: FakeSolanaRpcOptions = {}): Promise<FakeSolanaRpc> {
  const fake = new FakeSolanaRpc(options);
  await fake.start();
  return fake;
}

function subscriptionInfo(s: Subscription): SubscriptionInfo {
  return { id: s.id, method: s.method, key: s.key, params: s.params, connectionId: s.connectionId, commitment: s.commitment, encoding: s.encoding };
}

function defaultTransport(method: string): 'http' | 'ws' {
  return /(Subscribe|Unsubscribe)$/.test(method) ? 'ws' : 'http';
}

function verifyKeyInput(k: PubkeyInput): string {
  const key = keyOf(k);
  const b = base58Decode(key);
  if (!b || b.length !== 32) throw new Error(`FakeSolanaRpc: not a pubkey: ${key}`);
  return key;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
