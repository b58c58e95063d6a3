/**
 * Property tests explore new random cases on every local run; CI pins the seed (override with FC_SEED) so a rare
 * counterexample shows up on a developer's machine with its seed, not as a random red build.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : process.env.CI ? 20_261_121 : undefined;
if (seed !== undefined) fc.configureGlobal({ seed });
