/**
 * The one place where numbers become text. USD with 2 decimals, percentages with 1–2 decimals, signed PnL.
 * Money arrives as micro-USD bigint and is rounded exactly; floats are only for ratios and prices.
 */
import { absBig, divRound, toDecimalString, USD_DECIMALS, type Amount } from './money.ts';

const GROUP = /\B(?=(\d{3})+(?!\d))/g;

function group(whole: string): string {
  return whole.replace(GROUP, ',');
}

/** micro-USD → "$1,234.56" (or "-$1,234.56"), exact half-away-from-zero rounding to cents. */
export function fmtUsd(micros: bigint): string {
  const cents = divRound(micros, 10n ** BigInt(USD_DECIMALS - 2));
  const abs = absBig(cents);
  const s = `$${group((abs / 100n).toString())}.${(abs % 100n).toString().padStart(2, '0')}`;
  return cents < 0n ? `-${s}` : s;
}

/** micro-USD → "+$12.30" / "-$4.00" / "$0.00": PnL always carries its sign. */
export function fmtSignedUsd(micros: bigint): string {
  const cents = divRound(micros, 10n ** BigInt(USD_DECIMALS - 2));
  if (cents === 0n) return '$0.00';
  return cents > 0n ? `+${fmtUsd(micros)}` : fmtUsd(micros);
}

/** Compact units above exact cents, smallest first: a value shows in the first unit where it stays under 1,000. */
const COMPACT_UNITS = [['k', 1e3], ['M', 1e6], ['B', 1e9]] as const;

/**
 * Compact USD for narrow tables (a phone): exact cents below $1,000 ("$999.99"), then k/M/B with 3 significant digits
 * ("$4.38k", "$82.2k", "$567k", "-$1.23M", "$4.56B"; past $999B the digits grow). At most 8 characters below $1,000B,
 * sign included. Rounding may carry into the next unit ($999,600 → "$1.00M", never "$1000k"). Full figures: fmtUsd.
 */
export function fmtUsdCompact(micros: bigint): string {
  const cents = divRound(micros, 10n ** BigInt(USD_DECIMALS - 2));
  if (absBig(cents) < 100_000n) return fmtUsd(micros);
  const sign = micros < 0n ? '-' : '';
  // Past exact cents a float has digits to spare for 3 significant ones.
  const usd = Number(absBig(micros)) / 10 ** USD_DECIMALS;
  let text = '';
  for (const [unit, scale] of COMPACT_UNITS) {
    const v = usd / scale;
    const digits = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
    text = `${v.toFixed(digits)}${unit}`;
    if (Number.parseFloat(text) < 1000) break;
  }
  return `${sign}$${text}`;
}

/** Compact USD with the sign PnL and deltas carry: "+$82.2k", "-$5,943.28", "$0.00". */
export function fmtSignedUsdCompact(micros: bigint): string {
  const s = fmtUsdCompact(micros);
  return s === '$0.00' || s.startsWith('-') ? s : `+${s}`;
}

/** A risk ratio (Sharpe, Sortino, Calmar) to 2 decimals; NaN (undefined: its denominator vanished) as "n/a (why)". */
export function fmtRatio(x: number, why: string): string {
  return Number.isNaN(x) ? `n/a (${why})` : x.toFixed(2);
}

/** Fraction → percent text: 0.1234 → "12.34%" (digits default 2). */
export function fmtPct(fraction: number, digits = 2): string {
  if (!Number.isFinite(fraction)) return '—';
  const s = (fraction * 100).toFixed(digits);
  // A tiny negative rounds to "-0.00": show it as zero.
  return Number(s) === 0 ? `${(0).toFixed(digits)}%` : `${s}%`;
}

/** Fraction → signed percent: 0.05 → "+5.00%". */
export function fmtSignedPct(fraction: number, digits = 2): string {
  if (!Number.isFinite(fraction)) return '—';
  const s = (fraction * 100).toFixed(digits);
  if (Number(s) === 0) return `${(0).toFixed(digits)}%`;
  return fraction > 0 ? `+${s}%` : `${s}%`;
}

/** A price in `unit` per base token, same digits as fmtPrice: "150.23 USDC", "0.006667 SOL". */
export function fmtPriceIn(value: number | null | undefined, unit: string): string {
  const usd = fmtPrice(value);
  return usd === '—' ? usd : `${usd.replace('$', '')} ${unit}`;
}

/** A USD price with enough significant digits for any asset from BTC to BONK: "$87,648.22", "$0.00000747". */
export function fmtPrice(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  const abs = Math.abs(usd);
  let text: string;
  if (abs >= 1) text = abs.toFixed(2);
  else if (abs === 0) text = '0.00';
  else {
    // 4 significant digits below $1.
    const digits = Math.min(12, Math.max(2, 3 - Math.floor(Math.log10(abs))));
    text = abs.toFixed(digits);
    // Rounding may carry up to $1 (0.99999 → "1.0000"): show it like any price from $1 up.
    if (Number(text) >= 1) text = (1).toFixed(2);
  }
  const [whole = '0', frac] = text.split('.');
  return `${usd < 0 ? '-' : ''}$${group(whole)}${frac ? `.${frac}` : ''}`;
}

/** A token quantity with up to `maxFraction` decimals, trailing zeros trimmed: "1,234.5". */
export function fmtQty(value: number, maxFraction = 4): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const fraction = abs !== 0 && abs < 1 ? Math.max(maxFraction, 2 - Math.floor(Math.log10(abs))) : maxFraction;
  const fixed = abs.toFixed(Math.min(fraction, 12));
  // Trim trailing zeros of the fraction only: with no fraction, "10" must stay "10".
  const text = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  const [whole = '0', frac] = text.split('.');
  return `${value < 0 && text !== '0' ? '-' : ''}${group(whole)}${frac ? `.${frac}` : ''}`;
}

/** An exact Amount with a symbol: "1.5 SOL" (at most `maxFraction` decimals shown, rounded). */
export function fmtAmount(a: Amount, symbol: string, maxFraction = 4): string {
  const shown = Math.min(a.decimals, maxFraction);
  const raw = a.decimals > shown ? divRound(a.raw, 10n ** BigInt(a.decimals - shown)) : a.raw;
  const text = toDecimalString(raw, shown);
  const [whole = '0', frac] = text.replace('-', '').split('.');
  return `${raw < 0n ? '-' : ''}${group(whole)}${frac ? `.${frac}` : ''} ${symbol}`;
}

/** A base58 key shortened for a phone: "Hk1fCEvG…DnC6" → "Hk1f…nC6". */
export function fmtKey(key: string): string {
  return key.length <= 9 ? key : `${key.slice(0, 4)}…${key.slice(-3)}`;
}

/**
 * A transaction signature (base58, ~88 characters) shortened for a phone: "5ya1LM…2ExHBN3W". Enough of both ends to
 * tell signatures apart at a glance; the full one is behind the explorer link or in the audit file.
 */
export function fmtSignature(sig: string): string {
  return [...sig].length <= 15 ? sig : `${sig.slice(0, 6)}…${sig.slice(-8)}`;
}

/** Tokens with no known price, by amount and mint: "Not valued (no price): 5 of Hk1f…nC6". */
export function fmtUnpriced(holdings: readonly { readonly amount: Amount; readonly mint: string }[]): string {
  return `Not valued (no price): ${holdings.map((h) => fmtAmount(h.amount, `of ${fmtKey(h.mint)}`, h.amount.decimals)).join(', ')}`;
}

/** Leverage: 3.456 → "3.46x". */
export function fmtLeverage(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : '—';
}

/** Health 0–100 → "73/100". */
export function fmtHealth(health: number): string {
  if (!Number.isFinite(health)) return '—';
  return `${Math.round(health)}/100`;
}

/** Elapsed milliseconds → "4s", "3m 05s", "2h 10m", "3d 4h". */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Epoch ms → "2026-11-21 09:05 UTC" in the given IANA time zone. */
export function fmtTime(ms: number, timeZone = 'UTC'): string {
  return timeText(ms, timeZone, false);
}

/** Time of day with seconds in a time zone: "09:01:00 UTC" (for deadlines a minute away). */
export function fmtClock(ms: number, timeZone = 'UTC'): string {
  return timeText(ms, timeZone, true).slice(11);
}

function timeText(ms: number, timeZone: string, seconds: boolean): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
    timeZoneName: 'short', ...(seconds ? { second: '2-digit' } : {}),
  }).formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')}${seconds ? `:${get('second')}` : ''} ${get('timeZoneName')}`;
}
