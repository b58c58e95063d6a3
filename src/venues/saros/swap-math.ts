/**
 * Saros DLMM swap quotes, pure and bit-exact with the program's integer walk as read in the Rust SDK
 * saros-xyz/saros-dlmm-sdk-rs (saros-sdk/src/state/{pair,bin}.rs, saros-sdk/src/math/{swap_manager,utils}.rs).
 * Fee rates are bigint parts per 1e9 (FEE_PRECISION); amounts are bigint base units (u64 on chain).
 */
import { priceQ64FromId, Q64_ONE, ratioToNumber, requireBinStep, SarosMathError } from './math.ts';

/** Fee rates are parts per FEE_PRECISION (1e9): 1_000_000 = 0.1 %. */
export const FEE_PRECISION = 1_000_000_000n;
/** The program refuses a swap that has to move the active bin more than this many times. */
export const MAX_BIN_CROSSING = 30;

const BASIS_POINT_MAX = 10_000n;
const VARIABLE_FEE_PRECISION = 100_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;

/** Pair.static_fee_parameters (u16/u32 fields; periods in seconds; shares and factors in basis points). */
export interface StaticFeeParameters {
  readonly baseFactor: number;
  readonly filterPeriod: number;
  readonly decayPeriod: number;
  readonly reductionFactor: number;
  readonly variableFeeControl: number;
  readonly maxVolatilityAccumulator: number;
  readonly protocolShare: number;
}

/** Pair.dynamic_fee_parameters (timeLastUpdated in unix seconds). */
export interface DynamicFeeParameters {
  readonly timeLastUpdated: number;
  readonly volatilityAccumulator: number;
  readonly volatilityReference: number;
  readonly idReference: number;
}

/** Fee inputs of a quote: the pair's parameters and state, and the block time the swap would run at (unix seconds). */
export interface SwapFees {
  readonly params: StaticFeeParameters;
  readonly state: DynamicFeeParameters;
  readonly nowSeconds: number;
}

/** Reserves of one bin, base units. */
export interface BinReserves {
  readonly reserveX: bigint;
  readonly reserveY: bigint;
}

/** Common inputs of quoteExactIn / quoteExactOut. `bins` returns undefined for a bin whose array is not loaded. */
export interface QuoteInput {
  readonly bins: (binId: number) => BinReserves | undefined;
  readonly activeId: number;
  readonly binStep: number;
  /** true: X in, Y out (price moves down); false: Y in, X out (price moves up). */
  readonly swapForY: boolean;
  readonly fees: SwapFees;
}

/** Result of a quote; amounts in base units of the input token (amountIn, fee, protocolFee) and output token (amountOut). */
export interface SwapQuote {
  /** Input taken, fees included. */
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  /** Swap fee included in amountIn (LP fee plus protocol fee). */
  readonly fee: bigint;
  /** Part of `fee` that goes to the protocol. */
  readonly protocolFee: bigint;
  /** Active bin after the swap. */
  readonly endActiveId: number;
  /** Times the active bin moved (|endActiveId − activeId|). */
  readonly binsCrossed: number;
  /** 1 − (amountOut / (amountIn − fee)) / (active bin's price before the swap, out per in): fraction, fees excluded. */
  readonly priceImpact: number;
  /** What each bin with output liquidity traded, in walk order: lets a caller apply the swap to its bin copies. */
  readonly fills: readonly BinSwapFill[];
}

/** One bin's part of a swap, base units: the bin's input reserve grows by amountIn − protocolFee, its output shrinks by amountOut. */
export interface BinSwapFill {
  readonly binId: number;
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  readonly fee: bigint;
  readonly protocolFee: bigint;
}

/** Base fee rate, parts per 1e9: baseFactor × binStep × 10 (baseFactor in bps of the bin step). */
export function baseFeeRate(baseFactor: number, binStep: number): bigint {
  return BigInt(baseFactor) * BigInt(binStep) * 10n;
}

/** Variable fee rate, parts per 1e9: ceil((volatilityAccumulator × binStep)² × variableFeeControl / 1e11). */
export function variableFeeRate(volatilityAccumulator: number, binStep: number, variableFeeControl: number): bigint {
  if (variableFeeControl === 0) return 0n;
  const prod = BigInt(volatilityAccumulator) * BigInt(binStep);
  return ceilDiv(prod * prod * BigInt(variableFeeControl), VARIABLE_FEE_PRECISION);
}

/** Total fee rate, parts per 1e9, charged in a bin while the accumulator is `volatilityAccumulator`. */
export function totalFeeRate(params: StaticFeeParameters, volatilityAccumulator: number, binStep: number): bigint {
  return baseFeeRate(params.baseFactor, binStep) + variableFeeRate(volatilityAccumulator, binStep, params.variableFeeControl);
}

/** Fee inside a gross input amount, base units, rounded up: ceil(amount × rate / 1e9). */
export function feeFromGross(amount: bigint, rate: bigint): bigint {
  return ceilDiv(amount * rate, FEE_PRECISION);
}

/** Fee to add on top of a net input so that net + fee trades, base units, rounded up: ceil(amount × rate / (1e9 − rate)). */
export function feeOnNet(amount: bigint, rate: bigint): bigint {
  if (rate >= FEE_PRECISION) throw new SarosMathError('FeeTooHigh', `fee rate ${rate} is not below 1e9`);
  return ceilDiv(amount * rate, FEE_PRECISION - rate);
}

/**
 * Volatility references the swap starts from (program: update_references at block time `nowSeconds`): after the
 * filter period the reference id resets to the active bin, and the reference volatility decays by reductionFactor
 * (bps), or to 0 after the decay period.
 */
export function referencesAt(fees: SwapFees, activeId: number): { idReference: number; volatilityReference: number } {
  const { params, state } = fees;
  const dt = fees.nowSeconds - state.timeLastUpdated;
  if (dt < 0) throw new RangeError(`block time ${fees.nowSeconds} is before the pair's last update ${state.timeLastUpdated}`);
  if (dt < params.filterPeriod) return { idReference: state.idReference, volatilityReference: state.volatilityReference };
  const volatilityReference =
    dt >= params.decayPeriod ? 0 : Number((BigInt(state.volatilityAccumulator) * BigInt(params.reductionFactor)) / BASIS_POINT_MAX);
  return { idReference: activeId, volatilityReference };
}

/** Quote for selling exactly `amountIn` base units of the input token, walking bins as the program does. */
export function quoteExactIn(input: QuoteInput & { readonly amountIn: bigint }): SwapQuote {
  return walk(input, input.amountIn, 'in');
}

/** Quote for buying exactly `amountOut` base units of the output token, walking bins as the program does. */
export function quoteExactOut(input: QuoteInput & { readonly amountOut: bigint }): SwapQuote {
  return walk(input, input.amountOut, 'out');
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function u64(v: bigint, what: string): bigint {
  if (v > U64_MAX) throw new SarosMathError('Overflow', `${what} ${v} does not fit in a u64`);
  return v;
}

interface BinFill {
  taken: bigint;
  out: bigint;
  fee: bigint;
}

/** One bin, exact in: the program takes the whole bin when `left` covers its output plus fee, else a partial fill. */
function fillExactIn(left: bigint, reserveOut: bigint, price: bigint, rate: bigint, swapForY: boolean): BinFill {
  // Rounded up so the pool never sells its whole reserve for less than its price.
  const netMax = u64(swapForY ? ceilDiv(reserveOut << 64n, price) : ceilDiv(reserveOut * price, Q64_ONE), 'bin input');
  const feeMax = feeOnNet(netMax, rate);
  u64(netMax + feeMax, 'bin input with fee');
  if (left >= netMax + feeMax) return { taken: netMax + feeMax, out: reserveOut, fee: feeMax };
  const fee = feeFromGross(left, rate);
  const net = left - fee;
  // Rounded down: the trader gets no more than the bin's price gives. A partial fill's net input is below netMax, so
  // the cap at the reserve never binds; the program has it, so it stays.
  const out = swapForY ? (net * price) >> 64n : (net << 64n) / price;
  return { taken: left, out: out < reserveOut ? out : reserveOut, fee };
}

/** One bin, exact out: buy min(left, reserve), paying the net input rounded up plus the fee on it. */
function fillExactOut(left: bigint, reserveOut: bigint, price: bigint, rate: bigint, swapForY: boolean): BinFill {
  const out = left < reserveOut ? left : reserveOut;
  const net = u64(swapForY ? ceilDiv(out << 64n, price) : ceilDiv(out * price, Q64_ONE), 'bin input');
  const fee = feeOnNet(net, rate);
  return { taken: net + fee, out, fee };
}

/**
 * The program's swap loop: references updated once, then bin by bin from the active one (down when selling X, up when
 * selling Y) until nothing is left; a bin without output reserve is passed over but still counts as crossed.
 */
function walk(input: QuoteInput, amount: bigint, mode: 'in' | 'out'): SwapQuote {
  const { binStep, swapForY, fees } = input;
  requireBinStep(binStep);
  if (amount < 0n || amount > U64_MAX) throw new RangeError(`amount must be a u64, got ${amount}`);
  const refs = referencesAt(fees, input.activeId);
  let active = input.activeId;
  let left = amount;
  let amountIn = 0n;
  let amountOut = 0n;
  let fee = 0n;
  let protocolFee = 0n;
  let crossed = 0;
  const fills: BinSwapFill[] = [];
  while (left > 0n) {
    if (crossed >= MAX_BIN_CROSSING) throw new SarosMathError('CrossesTooManyBins', `swap needs more than ${MAX_BIN_CROSSING} bins`);
    // The accumulator grows with the distance from the reference bin, so each bin further away charges more.
    const va = Math.min(Math.abs(active - refs.idReference) * 10_000 + refs.volatilityReference, fees.params.maxVolatilityAccumulator);
    const bin = input.bins(active);
    if (!bin) throw new SarosMathError('BinNotLoaded', `bin ${active} is outside the loaded bin arrays`);
    // Priced before the reserve check, as the program does, so an unpriceable bin fails even when empty.
    const price = priceQ64FromId(active, binStep);
    const reserveOut = swapForY ? bin.reserveY : bin.reserveX;
    if (reserveOut > 0n) {
      const rate = totalFeeRate(fees.params, va, binStep);
      const f = mode === 'in' ? fillExactIn(left, reserveOut, price, rate, swapForY) : fillExactOut(left, reserveOut, price, rate, swapForY);
      amountIn += f.taken;
      amountOut += f.out;
      left -= mode === 'in' ? f.taken : f.out;
      fee += f.fee;
      const binProtocolFee = (f.fee * BigInt(fees.params.protocolShare)) / BASIS_POINT_MAX;
      protocolFee += binProtocolFee;
      fills.push({ binId: active, amountIn: f.taken, amountOut: f.out, fee: f.fee, protocolFee: binProtocolFee });
    }
    if (left === 0n) break;
    active += swapForY ? -1 : 1;
    crossed++;
  }
  u64(amountIn, 'amount in');
  u64(amountOut, 'amount out');
  const priceImpact = impact(input, amountIn - fee, amountOut);
  return { amountIn, amountOut, fee, protocolFee, endActiveId: active, binsCrossed: crossed, priceImpact, fills };
}

/** 1 − execution price / active bin price (both output per input, fees excluded), from exact integers. */
function impact(input: QuoteInput, netIn: bigint, out: bigint): number {
  if (netIn === 0n) return 0;
  const p = priceQ64FromId(input.activeId, input.binStep);
  // out/netIn ÷ spot = out·2^64/(netIn·P) selling X (spot P/2^64), out·P/(netIn·2^64) selling Y (spot 2^64/P).
  const num = input.swapForY ? out * Q64_ONE : out * p;
  const den = input.swapForY ? netIn * p : netIn * Q64_ONE;
  return ratioToNumber(den - num, den);
}
