/**
 * Which key signs Drift orders, checked at start-up: a delegate of the trading sub-account (can trade, cannot
 * withdraw) is the recommended key; the owner's key only with DRIFT_ALLOW_OWNER_KEY; any other key is refused.
 */
import type { Keypair } from '@solana/web3.js';
import { VenueError } from '../../shared/errors.ts';
import { readKeypairFile } from '../solana/keypair.ts';
import { signerRole, type SignerRole } from './executor.ts';
import type { DriftVenue } from './venue.ts';

/** The trading sub-account and the signer decided at start-up. */
export interface DriftSigning {
  readonly signer: Keypair | null;
  readonly role: SignerRole | 'watch-only';
  readonly authority: string;
  readonly subAccountId: number;
  /** One line for the operator: who signs for what. */
  readonly summary: string;
}

/** Decides the signer for the first watched sub-account (the one hedges trade on). */
export function driftSigning(venue: DriftVenue, keypairFile: string | undefined, allowOwnerKey: boolean): DriftSigning {
  const user = venue.users[0];
  if (!user) throw new VenueError('drift', 'no Drift sub-account to trade on');
  const account = user.getUserAccount();
  const authority = account.authority.toBase58();
  const target = `${authority}/${account.subAccountId}`;
  if (!keypairFile) {
    return { signer: null, role: 'watch-only', authority, subAccountId: account.subAccountId, summary: `Drift ${target}: watch-only (no WALLET_KEYPAIR): plans are simulated, nothing can be sent` };
  }
  const signer = readKeypairFile(keypairFile, 'WALLET_KEYPAIR', 'drift');
  const role = signerRole(account, signer.publicKey);
  if (role === 'none') {
    throw new VenueError('drift', `WALLET_KEYPAIR: key ${signer.publicKey.toBase58()} is neither the delegate nor the owner of Drift account ${target}; set it as the account's delegate in the Drift app`);
  }
  if (role === 'owner' && !allowOwnerKey) {
    throw new VenueError('drift', `WALLET_KEYPAIR: that is the owner key of ${target}, which can withdraw; use a delegate key (recommended) or set DRIFT_ALLOW_OWNER_KEY=true`);
  }
  return { signer, role, authority, subAccountId: account.subAccountId, summary: `Drift ${target}: orders signed by the ${role} key ${signer.publicKey.toBase58()}` };
}
