/** Reading a Solana keypair file (its permissions and shape are checked by the config before this runs). */
import { readFileSync } from 'node:fs';
import { Keypair } from '@solana/web3.js';
import { VenueError } from '../../shared/errors.ts';

/** The keypair in `file` (JSON array of 64 bytes); errors name the config key and path, never the content. */
export function readKeypairFile(file: string, key: string, venue: string): Keypair {
  try {
    return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(file, 'utf8')) as number[]));
  } catch {
    throw new VenueError(venue, `${key}: ${file} is not a Solana keypair file`);
  }
}
