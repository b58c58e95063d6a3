import { RiskInputError } from '../risk/errors.ts';
import { UserError } from '../shared/errors.ts';

/** Runs `fn`, turning pure-math input errors (they describe the data: "need at least 30 closes") into user errors. */
export async function userFacing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RiskInputError) throw new UserError('unavailable', `Cannot compute this: ${err.message}.`);
    throw err;
  }
}
