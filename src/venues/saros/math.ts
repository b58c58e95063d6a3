/**
 * Saros DLMM (liquidity book) bin and position math, pure. Integer conventions are those of the on-chain program
 * (1qbkdrr3z4ryLA7pZykqxvxWPoeifcVKo6ZG9CfkvVE) as read in the public Rust SDK saros-xyz/saros-dlmm-sdk-rs
 * (saros-sdk/src/math, saros-sdk/src/state): amounts are bigint base units, program prices are Q64.64 bigints
 * (Y base units per X base unit, scaled by 2^64). Plain numbers appear only for display, valuation and greeks.
 * Swap quotes live in swap-math.ts.
 */

/** Bin id of price 1 (raw): bin ids are u32 and the exponent is binId − 2^23. */
export const BIN_ID_OFFSET = 8_388_608;
/** Bins per BinArray account; bin id = index × 256 + slot. */
export const BINS_PER_ARRAY = 256;
/** 1.0 in Q64.64. */
export const Q64_ONE = 1n << 64n;

const U128_MAX = (1n << 128n) - 1n;
// The program refuses |exponent| ≥ 2^19: beyond it (1 + binStep/1e4)^n leaves Q64.64 for every bin step.
const MAX_EXPONENT = 0x80000;
// Prices that are this close to a bin edge (in bins) are on the edge: float logs are off by ~1e-10 bins at worst.
const EDGE_SNAP_BINS = 1e-7;

/** A computation the on-chain program would refuse (overflow, too many bins, bin not loaded…). */
export class SarosMathError extends Error {
  readonly code: 'PriceOutOfRange' | 'Overflow' | 'BinNotLoaded' | 'CrossesTooManyBins' | 'FeeTooHigh';
  constructor(code: SarosMathError['code'], message: string) {
    super(message);
    this.name = 'SarosMathError';
    this.code = code;
  }
}

function requireBinId(binId: number): void {
  if (!Number.isInteger(binId) || binId < 0 || binId > 0xffff_ffff) throw new RangeError(`bin id must be a u32, got ${binId}`);
}

/** Throws unless `binStep` is a u8 the program prices (1..255, basis points). */
export function requireBinStep(binStep: number): void {
  if (!Number.isInteger(binStep) || binStep < 1 || binStep > 255) throw new RangeError(`bin step must be 1..255 bps, got ${binStep}`);
}

/** Index of the BinArray holding `binId`: floor(binId / 256). */
export function binArrayIndex(binId: number): number {
  requireBinId(binId);
  return Math.floor(binId / BINS_PER_ARRAY);
}

/** Slot (0..255) of `binId` inside its BinArray. */
export function binSlot(binId: number): number {
  requireBinId(binId);
  return binId % BINS_PER_ARRAY;
}

/**
 * (1/base)^m in Q64.64 truncated exactly as the program's pow does (it inverts the base first so every product stays
 * below 2^128), base = 1 + binStep/10_000 also truncated; 0 once the value underflows.
 */
function inversePowerQ64(binStep: number, m: number): bigint {
  const base = Q64_ONE + (BigInt(binStep) << 64n) / 10_000n;
  let squared = U128_MAX / base;
  let result = Q64_ONE;
  for (let bit = 0; m >> bit > 0; bit++) {
    if (bit > 0) squared = (squared * squared) >> 64n;
    if ((m >> bit) & 1) result = (result * squared) >> 64n;
  }
  return result;
}

/** Price of `binId`, Q64.64 (Y base units per X base unit × 2^64), bit-exact with the program; throws where it fails. */
export function priceQ64FromId(binId: number, binStep: number): bigint {
  requireBinId(binId);
  requireBinStep(binStep);
  const n = binId - BIN_ID_OFFSET;
  if (n === 0) return Q64_ONE;
  const m = Math.abs(n);
  const inverse = m < MAX_EXPONENT ? inversePowerQ64(binStep, m) : 0n;
  if (inverse === 0n) throw new SarosMathError('PriceOutOfRange', `bin ${binId} has no Q64.64 price at bin step ${binStep}`);
  // Positive exponents are the reciprocal of the negative ones, so the two sides are symmetric in range.
  return n < 0 ? inverse : U128_MAX / inverse;
}

const boundsCache = new Map<number, { minId: number; maxId: number }>();

/** Lowest and highest bin ids the program can price at `binStep` (symmetric around BIN_ID_OFFSET). */
export function binIdBounds(binStep: number): { minId: number; maxId: number } {
  requireBinStep(binStep);
  const cached = boundsCache.get(binStep);
  if (cached) return cached;
  // The truncated inverse power never increases with the exponent, so the last non-zero one is found by bisection.
  let lo = 0;
  let hi = MAX_EXPONENT;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (inversePowerQ64(binStep, mid) !== 0n) lo = mid;
    else hi = mid;
  }
  const bounds = { minId: BIN_ID_OFFSET - lo, maxId: BIN_ID_OFFSET + lo };
  boundsCache.set(binStep, bounds);
  return bounds;
}

// 10^k as a float with one rounding at most (exact for |k| ≤ 22), k = decimalsX − decimalsY.
function scaleByPow10(x: number, k: number): number {
  return k >= 0 ? x * 10 ** k : x / 10 ** -k;
}

/** Raw price of `binId` as a float, Y base units per X base unit: (1 + binStep/10_000)^(binId − offset). */
function rawPrice(binId: number, binStep: number): number {
  // exp(n·log1p(s)) rather than (1 + s)^n: 1 + s is not exact in binary and n multiplies its error (1e-11 at n = 1e5).
  return Math.exp((binId - BIN_ID_OFFSET) * Math.log1p(binStep / 10_000));
}

/** Human price of `binId`, quote (Y) per base (X) whole tokens: raw price × 10^(decimalsX − decimalsY). Float. */
export function binPrice(binId: number, binStep: number, decimalsX: number, decimalsY: number): number {
  requireBinId(binId);
  requireBinStep(binStep);
  return scaleByPow10(rawPrice(binId, binStep), decimalsX - decimalsY);
}

/**
 * Bin id for a human price (quote per base): 'down' = highest id priced ≤ price, 'up' = lowest id priced ≥ price,
 * 'nearest' = nearest in log-price (half up). A price within 1e-7 bin of a bin price counts as that bin's price,
 * so binIdFromPrice(binPrice(id)) === id for every rounding. Does not check the program's id bounds.
 */
export function binIdFromPrice(
  price: number,
  binStep: number,
  decimalsX: number,
  decimalsY: number,
  rounding: 'down' | 'up' | 'nearest',
): number {
  requireBinStep(binStep);
  if (!(price > 0) || !Number.isFinite(price)) throw new RangeError(`price must be positive and finite, got ${price}`);
  const x = Math.log(scaleByPow10(price, decimalsY - decimalsX)) / Math.log1p(binStep / 10_000);
  const nearest = Math.round(x);
  if (rounding === 'nearest' || Math.abs(x - nearest) <= EDGE_SNAP_BINS) return BIN_ID_OFFSET + nearest;
  return BIN_ID_OFFSET + (rounding === 'down' ? Math.floor(x) : Math.ceil(x));
}

/** Where the active bin sits relative to a position's range [lower, upper] (bin ids). */
export interface RangeStatus {
  readonly inRange: boolean;
  /** active − lower: bins the price can fall before leaving the range; negative = already below it by that many. */
  readonly binsToLower: number;
  /** upper − active: bins the price can rise before leaving the range; negative = already above it by that many. */
  readonly binsToUpper: number;
}

/** Range status of a position with bins lower..upper (inclusive) when the pair's active bin is `active`. */
export function rangeStatus(lower: number, upper: number, active: number): RangeStatus {
  if (lower > upper) throw new RangeError(`lower bin ${lower} is above upper bin ${upper}`);
  return { inRange: lower <= active && active <= upper, binsToLower: active - lower, binsToUpper: upper - active };
}

/** One bin as stored on chain: LP share supply (u128) and reserves (u64), base units. */
export interface BinState {
  readonly totalSupply: bigint;
  readonly reserveX: bigint;
  readonly reserveY: bigint;
}

/** A position's holding in one bin: its liquidity shares and the X/Y base units they redeem for. */
export interface PositionBinAmount {
  readonly binId: number;
  readonly shares: bigint;
  readonly x: bigint;
  readonly y: bigint;
}

/**
 * Base-unit amounts a position redeems for, bin by bin: floor(share × reserve / totalSupply), 0 when the supply is 0.
 * Share k belongs to bin lowerBinId + k; zero shares are skipped. Throws if a bin with a share is not supplied,
 * because treating an unloaded bin as empty would understate the position.
 */
export function positionBinAmounts(
  shares: readonly bigint[],
  lowerBinId: number,
  bins: (binId: number) => BinState | undefined,
): PositionBinAmount[] {
  const out: PositionBinAmount[] = [];
  shares.forEach((share, k) => {
    if (share < 0n) throw new RangeError(`share ${k} is negative`);
    if (share === 0n) return;
    const binId = lowerBinId + k;
    const bin = bins(binId);
    if (!bin) throw new SarosMathError('BinNotLoaded', `bin ${binId} holds a share of the position but was not supplied`);
    const ts = bin.totalSupply;
    out.push({ binId, shares: share, x: ts === 0n ? 0n : (share * bin.reserveX) / ts, y: ts === 0n ? 0n : (share * bin.reserveY) / ts });
  });
  return out;
}

/** Total X and Y base units over a position's bins. */
export function sumBinAmounts(amounts: readonly { x: bigint; y: bigint }[]): { x: bigint; y: bigint } {
  return amounts.reduce((t, a) => ({ x: t.x + a.x, y: t.y + a.y }), { x: 0n, y: 0n });
}

/** num/den as the nearest-ish float (≤ 1 ulp off), for bigints of any size; den must be positive. */
export function ratioToNumber(num: bigint, den: bigint): number {
  if (den <= 0n) throw new RangeError('denominator must be positive');
  if (num === 0n) return 0;
  const neg = num < 0n;
  const a = neg ? -num : num;
  // Keep ~64 significant bits in the integer quotient, then scale back by a power of two (exact in floats).
  const shift = 64 - (a.toString(2).length - den.toString(2).length);
  const q = shift >= 0 ? (a << BigInt(shift)) / den : a / (den << BigInt(-shift));
  const v = Number(q) * 2 ** -shift;
  return neg ? -v : v;
}

/** Whole tokens from base units: amountRaw / 10^decimals, as a float. */
export function toTokens(amountRaw: bigint, decimals: number): number {
  return ratioToNumber(amountRaw, 10n ** BigInt(decimals));
}

/** Value of x (X base units) and y (Y base units) in whole quote (Y) tokens at a human price (quote per base). */
export function valueInQuote(x: bigint, y: bigint, priceQuotePerBase: number, decimalsX: number, decimalsY: number): number {
  return toTokens(x, decimalsX) * priceQuotePerBase + toTokens(y, decimalsY);
}

/** The float `x` as an exact fraction num/den (den a power of two). */
function exactFraction(x: number): { num: bigint; den: bigint } {
  if (!Number.isFinite(x)) throw new RangeError(`expected a finite number, got ${x}`);
  let den = 1n;
  // Doubling is exact for finite floats, and at most 1074 steps make any of them an integer.
  while (!Number.isInteger(x)) {
    x *= 2;
    den *= 2n;
  }
  return { num: BigInt(x), den };
}

/** USD value in micro-USD (1e-6 USD) of amountRaw base units at priceUsd per whole token, rounded half away from zero. */
export function usdMicros(amountRaw: bigint, decimals: number, priceUsd: number): bigint {
  const p = exactFraction(priceUsd);
  const num = amountRaw * p.num * 1_000_000n;
  const den = p.den * 10n ** BigInt(decimals);
  const mag = num < 0n ? -num : num;
  const rounded = (2n * mag + den) / (2n * den);
  return num < 0n ? -rounded : rounded;
}

/** Inputs of impermanentLoss: amounts in base units, prices in USD per whole token at entry (0) and now (1). */
export interface ImpermanentLossInput {
  readonly depositX: bigint;
  readonly depositY: bigint;
  readonly currentX: bigint;
  readonly currentY: bigint;
  readonly decimalsX: number;
  readonly decimalsY: number;
  readonly priceX0: number;
  readonly priceY0: number;
  readonly priceX1: number;
  readonly priceY1: number;
}

/** Impermanent loss versus holding the deposit, USD, all values in USD at the prices named in each field. */
export interface ImpermanentLoss {
  /** Deposit at entry prices. */
  readonly entryValue: number;
  /** Current holdings (fees already in the bins included) at today's prices. */
  readonly valueNow: number;
  /** Deposit held untouched, at today's prices. */
  readonly hodlValue: number;
  /** valueNow − hodlValue: negative is a loss against holding. */
  readonly ilUsd: number;
  /** ilUsd / hodlValue (fraction, not percent); 0 when nothing was deposited. */
  readonly ilFraction: number;
}

/** IL of an LP position since entry against holding its deposit, USD (see ImpermanentLoss for each field). */
export function impermanentLoss(i: ImpermanentLossInput): ImpermanentLoss {
  const dx = toTokens(i.depositX, i.decimalsX);
  const dy = toTokens(i.depositY, i.decimalsY);
  const valueNow = toTokens(i.currentX, i.decimalsX) * i.priceX1 + toTokens(i.currentY, i.decimalsY) * i.priceY1;
  const hodlValue = dx * i.priceX1 + dy * i.priceY1;
  const ilUsd = valueNow - hodlValue;
  return { entryValue: dx * i.priceX0 + dy * i.priceY0, valueNow, hodlValue, ilUsd, ilFraction: hodlValue === 0 ? 0 : ilUsd / hodlValue };
}

/** Delta and gamma of a position in human units (X whole tokens; prices quote per base). */
export interface DeltaGamma {
  /** Human price of the active bin, and of the bins above and below it. */
  readonly price: number;
  readonly priceUp: number;
  readonly priceDown: number;
  /** ∂value/∂price = X held now, whole X tokens. */
  readonly delta: number;
  /** X held once the price has crossed the active bin upward (its X sold) / downward (its Y spent on X at its price). */
  readonly deltaUp: number;
  readonly deltaDown: number;
  /** (deltaUp − deltaDown) / (priceUp − priceDown): X tokens per unit of price; ≤ 0, LPs are short gamma. */
  readonly gamma: number;
}

/**
 * Delta and gamma from a position's bin amounts at active bin `activeId`. Crossing the active bin upward converts all
 * its X to Y; crossing it downward converts all its Y to X at the bin's price; bins away from the active one are
 * single-sided and unchanged by a one-bin move. Gamma is that central difference over the price step P(a+1) − P(a−1).
 */
export function positionDeltaGamma(
  amounts: readonly PositionBinAmount[],
  activeId: number,
  binStep: number,
  decimalsX: number,
  decimalsY: number,
): DeltaGamma {
  const price = binPrice(activeId, binStep, decimalsX, decimalsY);
  const total = sumBinAmounts(amounts);
  const active = sumBinAmounts(amounts.filter((a) => a.binId === activeId));
  const delta = toTokens(total.x, decimalsX);
  const soldUp = toTokens(active.x, decimalsX);
  const boughtDown = toTokens(active.y, decimalsX) / rawPrice(activeId, binStep);
  const s = binStep / 10_000;
  // P(a+1) − P(a−1) = P(a)·s(2+s)/(1+s), written so nothing cancels at small bin steps.
  const step = (price * s * (2 + s)) / (1 + s);
  return {
    price,
    priceUp: price * (1 + s),
    priceDown: price / (1 + s),
    delta,
    deltaUp: delta - soldUp,
    deltaDown: delta + boughtDown,
    gamma: -(soldUp + boughtDown) / step,
  };
}
