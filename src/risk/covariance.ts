/**
 * Sample covariance (ddof = 1) of aligned return series. Inputs are assets × periods: `series[i][t]` is asset i's
 * return (a fraction) in period t, every series the same length and period. Outputs are in return² per period (daily
 * returns → daily covariance); annualising is the caller's business.
 */
import { RiskInputError } from './errors.ts';

/** A square matrix as rows (row i, column j = `m[i][j]`). */
export type SquareMatrix = readonly (readonly number[])[];

/** Sample covariance (ddof = 1) of two aligned series, in their units squared (return² per period). */
export function sampleCovariance(x: readonly number[], y: readonly number[]): number {
  requireAligned([x, y], 2, 'sampleCovariance');
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let t = 0; t < n; t++) {
    mx += x[t]!;
    my += y[t]!;
  }
  mx /= n;
  my /= n;
  let s = 0;
  for (let t = 0; t < n; t++) s += (x[t]! - mx) * (y[t]! - my);
  return s / (n - 1);
}

/**
 * Sample covariance matrix (ddof = 1), assets × assets, of aligned series given as assets × periods; return² per
 * period. Exactly symmetric. Two passes (means first, then centred cross products) in one Float64Array with a 4×2
 * register-blocked kernel over the upper triangle: no per-element allocation.
 */
export function covarianceMatrix(series: readonly (readonly number[])[]): number[][] {
  requireAligned(series, 2, 'covarianceMatrix');
  const n = series.length;
  const periods = series[0]!.length;
  const c = crossProducts(centred(series), n, periods);
  const out: number[][] = new Array<number[]>(n);
  const scale = 1 / (periods - 1);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = c[i * n + j]! * scale;
    out[i] = row;
  }
  return out;
}

/**
 * Throws RiskInputError unless `series` holds at least one series, all of one length ≥ `minLength`, all finite.
 * `what` names the caller in the message.
 */
export function requireAligned(series: readonly (readonly number[])[], minLength: number, what: string): void {
  if (series.length === 0) throw new RiskInputError(`${what}: need at least one series, got none`);
  const len = series[0]!.length;
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    if (s.length !== len) {
      throw new RiskInputError(`${what}: series ${i} has ${s.length} values but series 0 has ${len}; align them first`);
    }
    for (let t = 0; t < len; t++) {
      if (!Number.isFinite(s[t])) throw new RiskInputError(`${what}: series ${i} value ${t} is ${String(s[t])}, expected a finite number`);
    }
  }
  if (len < minLength) throw new RiskInputError(`${what}: need at least ${minLength} periods, got ${len}`);
}

/**
 * Throws RiskInputError unless `cov` is an n × n covariance matrix: square, finite, symmetric (within 1e-10 relative
 * to the largest diagonal entry) with a non-negative diagonal. `n` (if given) is the expected size.
 */
export function requireCovariance(cov: SquareMatrix, what: string, n?: number): void {
  const size = cov.length;
  if (size === 0) throw new RiskInputError(`${what}: covariance matrix is empty`);
  if (n !== undefined && size !== n) throw new RiskInputError(`${what}: covariance is ${size} × ${size} but ${n} assets were given`);
  let maxDiag = 0;
  for (let i = 0; i < size; i++) {
    const row = cov[i]!;
    if (row.length !== size) throw new RiskInputError(`${what}: covariance row ${i} has ${row.length} entries, expected ${size}`);
    for (let j = 0; j < size; j++) {
      if (!Number.isFinite(row[j])) throw new RiskInputError(`${what}: covariance[${i}][${j}] is ${String(row[j])}, expected a finite number`);
    }
    const d = row[i]!;
    if (d < 0) throw new RiskInputError(`${what}: covariance[${i}][${i}] is ${d}, a variance cannot be negative`);
    maxDiag = Math.max(maxDiag, d);
  }
  const tol = 1e-10 * Math.max(maxDiag, Number.MIN_VALUE);
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      if (Math.abs(cov[i]![j]! - cov[j]![i]!) > tol) {
        throw new RiskInputError(`${what}: covariance is not symmetric at [${i}][${j}] (${cov[i]![j]} vs ${cov[j]![i]})`);
      }
    }
  }
}

/** Series minus their means, packed row-major (asset i at offset i × periods). */
function centred(series: readonly (readonly number[])[]): Float64Array {
  const n = series.length;
  const periods = series[0]!.length;
  const d = new Float64Array(n * periods);
  for (let i = 0; i < n; i++) {
    const s = series[i]!;
    let m = 0;
    for (let t = 0; t < periods; t++) m += s[t]!;
    m /= periods;
    const o = i * periods;
    for (let t = 0; t < periods; t++) d[o + t] = s[t]! - m;
  }
  return d;
}

/** Gram matrix d·dᵀ (n × n, row-major) of n packed rows of length `len`; upper triangle computed, then mirrored. */
function crossProducts(d: Float64Array, n: number, len: number): Float64Array {
  const c = new Float64Array(n * n);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a0 = i * len;
    const a1 = a0 + len;
    const a2 = a1 + len;
    const a3 = a2 + len;
    let j = i;
    for (; j + 1 < n; j += 2) {
      const b0 = j * len;
      const b1 = b0 + len;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let t = 0; t < len; t++) {
        const y0 = d[b0 + t]!;
        const y1 = d[b1 + t]!;
        let x = d[a0 + t]!;
        s00 += x * y0;
        s01 += x * y1;
        x = d[a1 + t]!;
        s10 += x * y0;
        s11 += x * y1;
        x = d[a2 + t]!;
        s20 += x * y0;
        s21 += x * y1;
        x = d[a3 + t]!;
        s30 += x * y0;
        s31 += x * y1;
      }
      const r0 = i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      c[r0] = s00;
      c[r0 + 1] = s01;
      c[r1] = s10;
      c[r1 + 1] = s11;
      c[r2] = s20;
      c[r2 + 1] = s21;
      c[r3] = s30;
      c[r3 + 1] = s31;
    }
    for (; j < n; j++) {
      const b0 = j * len;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < len; t++) {
        const y = d[b0 + t]!;
        s0 += d[a0 + t]! * y;
        s1 += d[a1 + t]! * y;
        s2 += d[a2 + t]! * y;
        s3 += d[a3 + t]! * y;
      }
      c[i * n + j] = s0;
      c[(i + 1) * n + j] = s1;
      c[(i + 2) * n + j] = s2;
      c[(i + 3) * n + j] = s3;
    }
  }
  for (; i < n; i++) {
    const a0 = i * len;
    for (let j = i; j < n; j++) {
      const b0 = j * len;
      let s = 0;
      for (let t = 0; t < len; t++) s += d[a0 + t]! * d[b0 + t]!;
      c[i * n + j] = s;
    }
  }
  // The 4×2 blocks write a few entries below the diagonal (j = i, i+1 against rows i+2, i+3); the upper triangle is
  // complete, so mirror it over everything below.
  for (let r = 1; r < n; r++) {
    for (let k = 0; k < r; k++) c[r * n + k] = c[k * n + r]!;
  }
  return c;
}
