/**
 * long-only / long-short: one grammar for every command that takes weights (/optimize, /weights, /rebalance, /target).
 *   - `book`: long-only (the default) or long-short (shorts through perps; weights sum to 100% net). The word may also
 *     be typed in the place of the argument before it ("/rebalance min-variance long-short" reads as
 *     oracle=min-variance book=long-short even when that argument is optional and left out).
 *   - `gross=`: the long-short gross cap Σ|w|, a fraction of capital (150% or 1.5; 150% when left out). Alone it means
 *     long-short; with long-only it is refused. Below 100% the service refuses it with the reason (checkedGross).
 */
import { UserError } from '../shared/errors.ts';
import { arg } from './args.ts';

export const BOOKS = ['long-only', 'long-short'] as const;
export type Book = (typeof BOOKS)[number];

/** The `book` argument. */
export const bookArg = arg.enum({ values: BOOKS, optional: true, description: 'long-only (default) or long-short (shorts via perps)' });

/** The `gross` argument: a fraction of capital ("150%" or "1.5"). 0 is its floor so that 50% gets the reason, not a range. */
export const grossArg = arg.number({
  optional: true, min: 0, max: 10, expected: 'a gross cap such as 150% or 1.5 (at most 1000%)', description: 'Gross cap for long-short, e.g. 150% (the default)',
});

/** What the book arguments say: the argument before `book` (emptied when it held the book word) and the book. */
export interface ResolvedBook {
  readonly slot: string | undefined;
  readonly longShort: boolean;
  /** The gross cap typed, a fraction of capital; absent for the default (150%). */
  readonly gross?: number;
}

/**
 * Resolves `book` and `gross` (see the file comment). `slot` is the argument before `book`; `usage` is the example a
 * mistake is answered with ("Usage: /rebalance min-variance long-short gross=150%").
 */
export function resolveBook(slot: string | undefined, book: Book | undefined, gross: number | undefined, usage: string): ResolvedBook {
  let b = book;
  let rest = slot;
  const word = BOOKS.find((x) => x === slot?.toLowerCase());
  if (word) {
    if (b !== undefined) throw new UserError('bad_argument', 'long-only or long-short: give it once.', usage);
    b = word;
    rest = undefined;
  }
  const longShort = b === 'long-short' || (b === undefined && gross !== undefined);
  if (gross !== undefined && !longShort) throw new UserError('bad_argument', 'gross only applies to long-short.', usage);
  return { slot: rest, longShort, ...(gross !== undefined ? { gross } : {}) };
}
