/** Building and dry-running a Solana v0 transaction: the steps Drift's and Saros's executors share. */
import { PublicKey, TransactionMessage, VersionedTransaction, type Connection, type TransactionError, type TransactionInstruction } from '@solana/web3.js';
import { VenueError } from '../../shared/errors.ts';

/**
 * A v0 transaction of `ixs` paid by `payer`; refused with `tooBig` (a VenueError of `venue`) when it does not fit
 * Solana's 1,232-byte packet.
 */
export function compileV0(ixs: TransactionInstruction[], payer: PublicKey, recentBlockhash: string, venue: string, tooBig: string): VersionedTransaction {
  const tx = new VersionedTransaction(new TransactionMessage({ payerKey: payer, recentBlockhash, instructions: ixs }).compileToV0Message());
  try {
    tx.serialize();
  } catch (err) {
    throw new VenueError(venue, tooBig, { cause: err });
  }
  return tx;
}

/**
 * Runs `ixs` through the program without signing or sending (sigVerify off; the node puts in a fresh blockhash, so no
 * getLatestBlockhash round trip). `err` is Solana's JSON TransactionError, null when it would succeed.
 */
export async function simulateUnsigned(
  connection: Connection, ixs: TransactionInstruction[], payer: PublicKey, venue: string, tooBig: string,
): Promise<{ readonly err: TransactionError | string | null; readonly logs: readonly string[] | null }> {
  const tx = compileV0(ixs, payer, PublicKey.default.toBase58(), venue, tooBig);
  const { value } = await connection.simulateTransaction(tx, { sigVerify: false, replaceRecentBlockhash: true, commitment: 'confirmed' });
  return { err: value.err, logs: value.logs };
}
