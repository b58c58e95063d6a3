/** The wallet a watch-only Drift client is given: it has the authority's address and refuses to sign anything. */
import type { Keypair, PublicKey, Transaction, VersionedTransaction } from '@solana/web3.js';
import { VenueError } from '../../shared/errors.ts';

/** A Drift `IWallet` that only knows its address: any signing attempt is a bug (watch-only reads never sign). */
export class WatchOnlyWallet {
  readonly publicKey: PublicKey;
  readonly payer: Keypair | undefined = undefined;

  constructor(publicKey: PublicKey) {
    this.publicKey = publicKey;
  }

  /** Refuses: this wallet cannot sign. */
  signTransaction<T extends Transaction | VersionedTransaction>(_tx: T): Promise<T> {
    return Promise.reject(new VenueError('drift', 'watch-only: this Drift account is watched without a key, so nothing can be signed'));
  }

  /** Refuses: this wallet cannot sign. */
  signAllTransactions<T extends Transaction | VersionedTransaction>(_txs: T[]): Promise<T[]> {
    return Promise.reject(new VenueError('drift', 'watch-only: this Drift account is watched without a key, so nothing can be signed'));
  }
}
