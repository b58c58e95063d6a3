/**
 * Sending a signed Solana transaction exactly once, and telling afterwards what became of it. Shared by the chain
 * venues (Drift, Saros):
 * - `send` hands the signature to `beforeBroadcast` before the bytes leave the process (if that throws, nothing is
 *   sent), sends once with preflight and waits for `confirmed` (bounded). A refused preflight is a failure that can
 *   never land; an outcome that cannot be known (transport error, confirmation timeout) throws, so the plan stays
 *   executing until `signatureStatus` settles it. Nothing is ever re-signed or re-sent.
 * - `signatureStatus` answers reconciliation: confirmed, failed (an on-chain error, a refusal, or a blockhash past its
 *   last valid height), or unknown.
 */
import { utils } from '@coral-xyz/anchor';
import {
  SendTransactionError, TransactionExpiredBlockheightExceededError, type Connection, type SignatureStatus as Web3SignatureStatus,
  type VersionedTransaction,
} from '@solana/web3.js';
import type { BroadcastHooks, SignatureStatus } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';

/** How long `send` waits for confirmation before leaving the outcome to reconciliation, ms (a blockhash lives ~60–90 s). */
export const DEFAULT_CONFIRM_TIMEOUT_MS = 90_000;

/** Signatures remembered with their blockhash expiry, so reconciliation can call a never-landed one failed. */
const MAX_TRACKED_SIGNATURES = 1_000;

/** RPC answers to sendTransaction that mean the node refused it (Agave: -32002 preflight failure, -32003 bad signature). */
const REFUSED_AT_PREFLIGHT = /^Transaction simulation failed|^Transaction signature verification failure/i;

/** What became of one sent transaction. */
export type SendOutcome =
  | { readonly kind: 'landed'; readonly signature: string }
  /** The node refused it at preflight: it was not forwarded and can never land. */
  | { readonly kind: 'refused'; readonly signature: string; readonly message: string; readonly logs: readonly string[] | null }
  /** It landed with an error (Solana's JSON TransactionError). */
  | { readonly kind: 'failed'; readonly signature: string; readonly err: unknown }
  /** Not included before its blockhash expired: nothing happened. */
  | { readonly kind: 'expired'; readonly signature: string };

/** The reason of an error, for a one-line message (VenueError program errors first). */
export function reasonOf(err: unknown, fallback: string): string {
  if (err instanceof VenueError) return err.programError ? `${err.programError}: ${err.message}` : err.message;
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}

export class Broadcaster {
  private readonly connection: Connection;
  private readonly venue: string;
  private readonly confirmTimeoutMs: number;
  /** Signatures this process sent: the last block height their blockhash is valid for, and whether the RPC refused them. */
  private readonly sent = new Map<string, { readonly lastValidBlockHeight: number; refused: boolean }>();

  constructor(connection: Connection, venue: string, confirmTimeoutMs = DEFAULT_CONFIRM_TIMEOUT_MS) {
    this.connection = connection;
    this.venue = venue;
    this.confirmTimeoutMs = confirmTimeoutMs;
  }

  /** Sends the signed `tx` (first signature = its id) once, after `beforeBroadcast` stored it; waits for the outcome. */
  async send(tx: VersionedTransaction, blockhash: string, lastValidBlockHeight: number, hooks: BroadcastHooks): Promise<SendOutcome> {
    const first = tx.signatures[0];
    if (!first || first.every((b) => b === 0)) throw new VenueError(this.venue, 'the transaction is not signed');
    const signature = utils.bytes.bs58.encode(first);
    const raw = tx.serialize();
    // Persisted by the caller before anything leaves the process; if it throws, nothing is sent.
    await hooks.beforeBroadcast([signature], lastValidBlockHeight);
    this.track(signature, lastValidBlockHeight);
    try {
      await this.connection.sendRawTransaction(raw, { skipPreflight: false, preflightCommitment: 'confirmed' });
    } catch (err) {
      // A failed preflight (or a bad signature) means the node refused the transaction: it was not forwarded and can
      // never land. Anything else (a timeout, a reset, another RPC error) may have reached the network: unknown.
      if (err instanceof SendTransactionError && REFUSED_AT_PREFLIGHT.test(err.transactionError.message)) {
        const entry = this.sent.get(signature);
        if (entry) entry.refused = true;
        return { kind: 'refused', signature, message: err.transactionError.message, logs: err.logs ?? null };
      }
      throw new VenueError(this.venue, `sent, outcome unknown (the RPC did not answer: ${reasonOf(err, 'send failed')}); the signature is checked again later`, { cause: err });
    }
    return this.confirm(signature, blockhash, lastValidBlockHeight);
  }

  /** Status of broadcast signatures (history searched): confirmed, failed (on-chain error or never able to land), or unknown. */
  async signatureStatus(signatures: readonly string[], validUntil?: Readonly<Record<string, number>>): Promise<readonly SignatureStatus[]> {
    if (signatures.length === 0) return [];
    const { value } = await this.connection.getSignatureStatuses([...signatures], { searchTransactionHistory: true });
    let height: number | undefined;
    const out: SignatureStatus[] = [];
    for (const [i, sig] of signatures.entries()) {
      const s: Web3SignatureStatus | null = value[i] ?? null;
      if (s) {
        if (s.err !== null) out.push('failed');
        else out.push(s.confirmationStatus === 'confirmed' || s.confirmationStatus === 'finalized' ? 'confirmed' : 'unknown');
        continue;
      }
      const mine = this.sent.get(sig);
      if (mine?.refused) {
        out.push('failed');
        continue;
      }
      // Unknown to the node: once the finalized height is past its blockhash's last valid height, no block can
      // include it any more. The height comes from this process's memory or, after a restart, from the state file.
      const last = mine?.lastValidBlockHeight ?? (validUntil && Object.hasOwn(validUntil, sig) ? validUntil[sig] : undefined);
      if (last === undefined) {
        out.push('unknown');
        continue;
      }
      height ??= await this.connection.getBlockHeight('finalized');
      out.push(height > last ? 'failed' : 'unknown');
    }
    return out;
  }

  /**
   * Waits for `confirmed` (bounded). An abort or RPC failure is followed by one status read; still nothing there means
   * the outcome is unknown, which throws so the plan stays executing for reconciliation.
   */
  private async confirm(signature: string, blockhash: string, lastValidBlockHeight: number): Promise<SendOutcome> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new VenueError(this.venue, `not confirmed within ${Math.round(this.confirmTimeoutMs / 1000)} s`)), this.confirmTimeoutMs);
    let expired: boolean;
    let problem: unknown;
    try {
      const { value } = await this.connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight, abortSignal: abort.signal }, 'confirmed');
      return value.err === null ? { kind: 'landed', signature } : { kind: 'failed', signature, err: value.err };
    } catch (err) {
      expired = err instanceof TransactionExpiredBlockheightExceededError;
      problem = err;
    } finally {
      clearTimeout(timer);
    }
    // It may have landed right at the edge, or the subscription failed while the transaction did not.
    const { value } = await this.connection.getSignatureStatuses([signature], { searchTransactionHistory: true }).catch(() => ({ value: [null] }));
    const status = value[0] ?? null;
    if (status && status.err !== null) return { kind: 'failed', signature, err: status.err };
    if (status && (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized')) return { kind: 'landed', signature };
    if (expired && !status) return { kind: 'expired', signature };
    throw new VenueError(this.venue, `sent ${signature}, outcome unknown (${reasonOf(problem, 'confirmation failed')}); the signature is checked again later`, { cause: problem });
  }

  private track(signature: string, lastValidBlockHeight: number): void {
    this.sent.set(signature, { lastValidBlockHeight, refused: false });
    // Oldest first (Map keeps insertion order): reconciliation runs within minutes, so old entries are not needed.
    while (this.sent.size > MAX_TRACKED_SIGNATURES) {
      const oldest = this.sent.keys().next().value;
      if (oldest === undefined) break;
      this.sent.delete(oldest);
    }
  }
}
