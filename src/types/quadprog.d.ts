/**
 * Types for `quadprog` 1.6 (Alberto Santini's JavaScript port of R's quadprog, the Goldfarb–Idnani dual method).
 * It solves   min −dᵀb + ½ bᵀDb   subject to   Aᵀb ≥ b0, the first `meq` constraints as equalities.
 *
 * Every array is 1-INDEXED like the Fortran original: element 0 is unused (leave it undefined), vectors run 1..n,
 * `Dmat[i][j]` is row i, column j (n × n), `Amat[i][j]` is variable i of constraint j (n × q).
 * The call OVERWRITES `Dmat` (with its inverse Cholesky factor) and `dvec`: pass fresh arrays every time.
 */
declare module 'quadprog' {
  /** What `solveQP` returns; every array is 1-indexed. */
  export interface QPResult {
    /** The minimiser b, indices 1..n; absent when the arguments had inconsistent sizes. */
    readonly solution?: number[];
    /** Lagrange multipliers, indices 1..q. */
    readonly Lagrangian?: number[];
    /** `[unused, objective value at the solution]`. */
    readonly value?: number[];
    /** The unconstrained minimiser D⁻¹d (the overwritten `dvec`). */
    readonly unconstrained_solution?: number[];
    /** `[unused, iterations, constraints dropped from the active set]`. */
    readonly iterations?: number[];
    /** Indices (1-based) of the active constraints, 0-terminated. */
    readonly iact?: number[];
    /** Empty on success, else why it failed (inconsistent constraints, D not positive definite, bad sizes). */
    readonly message: string;
  }

  /** Goldfarb–Idnani QP: min −dᵀb + ½bᵀDb s.t. Aᵀb ≥ b0 (first `meq` as equalities); 1-indexed arrays, mutates Dmat/dvec. */
  export function solveQP(
    Dmat: number[][],
    dvec: number[],
    Amat: number[][],
    bvec?: number[],
    meq?: number,
    factorized?: number[],
  ): QPResult;
}
