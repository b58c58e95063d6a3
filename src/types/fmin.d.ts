/**
 * Types for fmin 0.0.4 (benfred/fmin), which ships none. Only what src/ uses is declared.
 *
 * Packaging quirk: the package says "type": "module" but its main file is a UMD bundle, so Node loads it as an ES
 * module that exports nothing and instead sets `globalThis.fmin`. The named export is therefore typed as possibly
 * undefined; read the API from the namespace if present, else from `globalThis.fmin` (see src/risk/garch.ts).
 */
declare module 'fmin' {
  export interface NelderMeadOptions {
    /** Default 200 × dimensions. */
    maxIterations?: number;
    /** Initial simplex: non-zero coordinates are multiplied by this (default 1.05). */
    nonZeroDelta?: number;
    /** Initial simplex: zero coordinates are set to this (default 0.001). */
    zeroDelta?: number;
    /** Stop when best and worst values differ by less than this AND best two points by less than it (0.0.4 uses
     * this one number for both tolerances; default 1e-6). */
    minErrorDelta?: number;
    /** Reflection (default 1), expansion (2), contraction (−0.5) and shrink (0.5) coefficients. A shrink in 0.0.4
     * throws "i is not defined" under strict mode; sigma ≥ 1 makes it stop instead of shrinking. */
    rho?: number;
    chi?: number;
    psi?: number;
    sigma?: number;
  }

  export interface NelderMeadResult {
    /** Best point found. */
    x: number[];
    /** Objective at x. */
    fx: number;
  }

  export type NelderMead = (f: (x: number[]) => number, x0: number[], options?: NelderMeadOptions) => NelderMeadResult;

  /** The object fmin's bundle puts on globalThis. */
  export interface FminApi {
    nelderMead: NelderMead;
  }

  export const nelderMead: NelderMead | undefined;
}
