/**
 * Which key signs Saros transactions, checked at start-up. Saros has no delegate: moving a position takes its
 * wallet's own key, so SAROS_KEYPAIR must be the key of one of the watched SAROS_WALLETS (any other key is refused).
 */
import type { Keypair } from '@solana/web3.js';
import { VenueError } from '../../shared/errors.ts';
import { readKeypairFile } from '../solana/keypair.ts';

export interface SarosSigning {
  readonly signer: Keypair | null;
  /** One line for the operator: who signs for what. */
  readonly summary: string;
}

/** The LP wallet's key from `keypairFile`, refused unless it is one of `wallets` (base58). */
export function sarosSigning(wallets: readonly string[], keypairFile: string | undefined): SarosSigning {
  if (!keypairFile) return { signer: null, summary: 'Saros: read-only (no SAROS_KEYPAIR): re-centers are simulated, nothing can be sent' };
  const signer = readKeypairFile(keypairFile, 'SAROS_KEYPAIR', 'saros');
  const key = signer.publicKey.toBase58();
  if (!wallets.includes(key)) {
    throw new VenueError('saros', `SAROS_KEYPAIR: key ${key} is not one of SAROS_WALLETS; it can only move positions of its own wallet`);
  }
  return { signer, summary: `Saros: re-centers of ${key}'s positions signed by its own key` };
}
