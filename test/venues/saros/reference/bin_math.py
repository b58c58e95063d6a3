"""Reference values for test/venues/saros/math.test.ts, written to bin_math.json next to this script.

Run: python3 test/venues/saros/reference/bin_math.py   (stdlib only: int, fractions, decimal)

Everything here is re-derived with Python big integers and exact rationals, independently of the TypeScript code.
The fixed-point conventions follow the public MIT Rust SDK saros-xyz/saros-dlmm-sdk-rs (saros-sdk/src/math/*.rs,
saros-sdk/src/state/{bin,pair}.rs, saros-dlmm/src/math/u64x64_math.rs); all u64/u128 values go to JSON as strings.

Formulas and parameters
-----------------------
Bin ids are u32 with BIN_ID_OFFSET = 2**23 = 8_388_608; n = binId - BIN_ID_OFFSET; s = binStep / 10_000.
  * bin array index = binId // 256, slot = binId % 256 (BINS_PER_ARRAY = 256).
  * Exact price (Y per X, base units) = (1 + s)**n; human price = (1 + s)**n * 10**(decimalsX - decimalsY).
  * Program price, Q64.64 (ONE = 2**64, MAX = 2**128 - 1):
        base = ONE + (binStep * 2**64) // 10_000
        inv  = MAX // base                              (1/base, < ONE)
        r    = ONE; sq = inv; for each bit k of |n| (k = 0..18): if k > 0: sq = sq*sq >> 64; if bit set: r = r*sq >> 64
        price = ONE if n == 0; fails if |n| >= 2**19 or r == 0; price = r if n < 0 else MAX // r
    Valid ids: those where r(|n|) != 0 (found by scanning every |n|), so [OFFSET - N, OFFSET + N].
  * binIdFromPrice(p): x = ln(p / 10**(dX - dY)) / ln(1 + s) + OFFSET (Decimal, 80 digits);
    down = floor(x), up = ceil(x), nearest = round(x) (nearest in log-price); cases keep x far from integers.
Positions: amount = floor(share * reserve // totalSupply) for X and Y, 0 when totalSupply == 0.
rangeStatus(lower, upper, active): inRange = lower <= active <= upper, binsToLower = active - lower,
  binsToUpper = upper - active (both >= 0 exactly when in range; a negative one says which edge was passed).
usdMicros(raw, decimals, priceUsd) = round_half_away_from_zero(raw * Fraction(priceUsd) * 10**6 / 10**decimals),
  with the float price taken exactly (Fraction(float)).
valueInQuote(x, y, p, dX, dY) = x / 10**dX * p + y / 10**dY.
impermanentLoss (amounts raw, prices USD per whole token): entryValue = dep . p0, valueNow = cur . p1,
  hodlValue = dep . p1, ilUsd = valueNow - hodlValue, ilFraction = ilUsd / hodlValue (0 if hodlValue == 0).
Delta/gamma of a position at active bin a (human units, P(k) = human price of bin k):
  delta = sum x_i / 10**dX;  deltaUp = delta - x_a / 10**dX  (price crosses bin a upward: its X is sold);
  deltaDown = delta + (y_a / Praw(a)) / 10**dX  (price crosses bin a downward: its Y buys X at bin a's price);
  gamma = (deltaUp - deltaDown) / (P(a + 1) - P(a - 1)).
Fees (rates in 1e-9 units, PRECISION = 1e9):
  baseFee = baseFactor * binStep * 10;  variableFee = ceil((va * binStep)**2 * variableFeeControl / 1e11)
  (0 when variableFeeControl == 0); total = base + variable.
  References at swap start (dt = now - timeLastUpdated): if dt >= filterPeriod: idReference = activeId and
  volatilityReference = 0 if dt >= decayPeriod else va * reductionFactor // 10_000.
  Before each bin: va = min(|activeId - idReference| * 10_000 + volatilityReference, maxVolatilityAccumulator).
Bin swap, exact in (reserveOut = reserve of the output token, 0 -> skip the bin):
  maxIn = ceil(reserveOut * 2**64 / P) if swapForY else ceil(reserveOut * P / 2**64)
  maxFee = ceil(maxIn * fee / (1e9 - fee)); maxIn += maxFee
  left >= maxIn: takes maxIn, pays reserveOut, fee = maxFee
  else: fee = ceil(left * fee / 1e9); net = left - fee;
        out = min(floor(net * P / 2**64) if swapForY else floor(net * 2**64 / P), reserveOut)
  protocolFee = fee * protocolShare // 10_000 (summed per bin).
Bin swap, exact out: out = min(left, reserveOut); inNet = ceil(out * 2**64 / P) if swapForY else ceil(out * P / 2**64);
  fee = ceil(inNet * fee / (1e9 - fee)); in = inNet + fee.
Walk: update references once; loop: (crossed >= 30 -> error) update va, swap in the active bin, stop when nothing
  is left, else move active id (down if swapForY, up otherwise) and crossed += 1. Bins not loaded -> error.
  fills: one per bin with output reserve: input taken incl. fee, output, fee, protocol fee.
  priceImpact = 1 - (amountOut / (amountIn - fee)) / spot, spot = P(activeId before) (Y per X) if swapForY else 1/P.
"""
import json
import os
from decimal import Decimal, getcontext, ROUND_FLOOR
from fractions import Fraction

getcontext().prec = 80

OFFSET = 1 << 23
ONE = 1 << 64
U128_MAX = (1 << 128) - 1
U64_MAX = (1 << 64) - 1
PRECISION = 10**9
BPS = 10_000


# ---------------------------------------------------------------- prices

def inverse_power(bin_step, m):
    """Truncated (1/base)**m in Q64.64, exactly the program's binary-exponent loop; 0 means it underflowed."""
    base = ONE + (bin_step << 64) // BPS
    sq = U128_MAX // base
    r = ONE
    k = 0
    while m >> k:
        if k > 0:
            sq = (sq * sq) >> 64
        if (m >> k) & 1:
            r = (r * sq) >> 64
        k += 1
    return r


def price_q64(bin_id, bin_step):
    n = bin_id - OFFSET
    if n == 0:
        return ONE
    m = abs(n)
    if m >= 1 << 19:
        return None
    r = inverse_power(bin_step, m)
    if r == 0:
        return None
    return r if n < 0 else U128_MAX // r


def exact_price(bin_id, bin_step):
    """(1 + binStep/1e4)**n as an 80-digit Decimal: the mathematical price, no fixed point."""
    return (Decimal(1) + Decimal(bin_step) / BPS) ** (bin_id - OFFSET)


def human(bin_id, bin_step, dx, dy):
    return exact_price(bin_id, bin_step) * Decimal(10) ** (dx - dy)


def id_bounds(bin_step):
    """Largest |n| with a price, found by scanning every exponent (not by bisection, so monotonicity is not assumed)."""
    m = 1
    while m < (1 << 19) and inverse_power(bin_step, m) != 0:
        m += 1
    # Nothing beyond the first failure comes back to life (checked over the next 1000 exponents).
    assert all(inverse_power(bin_step, k) == 0 for k in range(m, min(m + 1000, 1 << 19)))
    return OFFSET - (m - 1), OFFSET + (m - 1)


def dec_str(d):
    return float(d)


# ---------------------------------------------------------------- fixed-point helpers

def ceil_div(a, b):
    return -((-a) // b)


def fee_from_gross(amount, fee):
    return ceil_div(amount * fee, PRECISION)


def fee_on_net(amount, fee):
    denom = PRECISION - fee
    assert denom > 0
    return ceil_div(amount * fee, denom)


def variable_fee(va, bin_step, vfc):
    if vfc == 0:
        return 0
    return ceil_div((va * bin_step) ** 2 * vfc, 100_000_000_000)


def total_fee(st, va, bin_step):
    return st['baseFactor'] * bin_step * 10 + variable_fee(va, bin_step, st['variableFeeControl'])


# ---------------------------------------------------------------- swap walk

def walk(case):
    bs, swap_for_y, mode = case['binStep'], case['swapForY'], case['mode']
    st, dyn = case['fees']['params'], dict(case['fees']['state'])
    bins = {b['binId']: [int(b['reserveX']), int(b['reserveY'])] for b in case['bins']}
    active = case['activeId']
    start = active
    dt = case['fees']['nowSeconds'] - dyn['timeLastUpdated']
    assert dt >= 0
    if dt >= st['filterPeriod']:
        dyn['idReference'] = active
        dyn['volatilityReference'] = 0 if dt >= st['decayPeriod'] else dyn['volatilityAccumulator'] * st['reductionFactor'] // BPS
    left = int(case['amount'])
    got = paid = fee_total = proto = 0
    crossed = 0
    fills = []
    while left > 0:
        if crossed >= 30:
            return {'error': 'crosses too many bins'}
        va = min(abs(active - dyn['idReference']) * BPS + dyn['volatilityReference'], st['maxVolatilityAccumulator'])
        fee = total_fee(st, va, bs)
        if active not in bins:
            return {'error': 'bin not loaded'}
        p = price_q64(active, bs)
        rx, ry = bins[active]
        reserve_out = ry if swap_for_y else rx
        if reserve_out > 0:
            if mode == 'in':
                max_in = ceil_div(reserve_out * ONE, p) if swap_for_y else ceil_div(reserve_out * p, ONE)
                if max_in > U64_MAX:
                    return {'error': 'u64 overflow'}
                max_fee = fee_on_net(max_in, fee)
                if left >= max_in + max_fee:
                    f, used, out = max_fee, max_in + max_fee, reserve_out
                else:
                    f = fee_from_gross(left, fee)
                    net = left - f
                    out = (net * p) // ONE if swap_for_y else (net * ONE) // p
                    out = min(out, reserve_out)
                    used = left
                left -= used
                paid += used
                got += out
            else:
                out = min(left, reserve_out)
                net = ceil_div(out * ONE, p) if swap_for_y else ceil_div(out * p, ONE)
                f = fee_on_net(net, fee)
                used = net + f
                left -= out
                paid += used
                got += out
            fee_total += f
            proto += f * st['protocolShare'] // BPS
            fills.append({'binId': active, 'amountIn': str(used), 'amountOut': str(out), 'fee': str(f),
                          'protocolFee': str(f * st['protocolShare'] // BPS)})
        if left == 0:
            break
        active += -1 if swap_for_y else 1
        crossed += 1
    p0 = price_q64(start, bs)
    net_in = paid - fee_total
    spot = Fraction(p0, ONE) if swap_for_y else Fraction(ONE, p0)
    impact = 1 - Fraction(got, net_in) / spot if net_in > 0 else Fraction(0)
    assert got <= U64_MAX and paid <= U64_MAX
    return {'amountIn': str(paid), 'amountOut': str(got), 'fee': str(fee_total), 'protocolFee': str(proto),
            'endActiveId': active, 'binsCrossed': crossed, 'priceImpact': float(impact), 'fills': fills}


def main():
    out = {'constants': {'BIN_ID_OFFSET': OFFSET, 'BINS_PER_ARRAY': 256, 'MAX_BIN_CROSSING': 30}}

    steps = [1, 2, 5, 10, 20, 25, 50, 80, 100, 200, 250, 255]
    bounds = {bs: id_bounds(bs) for bs in steps}
    out['bounds'] = [{'binStep': bs, 'minId': lo, 'maxId': hi} for bs, (lo, hi) in bounds.items()]

    out['binArrays'] = [{'binId': i, 'index': i // 256, 'slot': i % 256}
                        for i in [0, 1, 255, 256, 257, OFFSET - 1, OFFSET, OFFSET + 255, OFFSET + 256, 16_777_215, 2**32 - 1]]

    # Q64.64 prices: near, far below and far above the offset, including each step's first/last valid id.
    prices = []
    for bs in [1, 2, 5, 10, 20, 50, 100, 250, 255]:
        lo, hi = bounds[bs]
        ids = sorted({OFFSET, OFFSET + 1, OFFSET - 1, OFFSET + 7, OFFSET - 7, OFFSET + 100, OFFSET - 100, OFFSET + 1000,
                      OFFSET - 1000, OFFSET + 12345, OFFSET - 12345, OFFSET + 100_000, OFFSET - 100_000, lo, hi,
                      lo + 1, hi - 1})
        for i in ids:
            q = price_q64(i, bs)
            if q is None:
                assert i < lo or i > hi
                prices.append({'binStep': bs, 'binId': i, 'priceQ64': None})
                continue
            # Sanity: the program's value is the exact price up to its truncations: each of the <= 38 multiplications
            # drops < 1 unit of r (the Q64.64 value of (1/base)**|n|), and the truncated base is off by < 2**-64.
            ex = exact_price(i, bs) * ONE
            r = inverse_power(bs, abs(i - OFFSET))
            tol = Decimal(abs(i - OFFSET) + 1) / Decimal(2) ** 60 + Decimal(40) / Decimal(r)
            assert abs(Decimal(q) / ex - 1) < tol, (bs, i)
            prices.append({'binStep': bs, 'binId': i, 'priceQ64': str(q)})
        for i in [lo - 1, hi + 1]:
            assert price_q64(i, bs) is None
            prices.append({'binStep': bs, 'binId': i, 'priceQ64': None})
    out['pricesQ64'] = prices

    human_cases = []
    for bs in [1, 20, 100, 250]:
        for (dx, dy) in [(9, 6), (6, 9), (6, 6), (0, 9)]:
            for n in [0, 1, -1, 523, -523, 1700, -1700, 4000, -4000, 100_000, -100_000]:
                i = OFFSET + n
                lo, hi = bounds[bs]
                if not lo <= i <= hi:
                    continue
                human_cases.append({'binStep': bs, 'binId': i, 'decimalsX': dx, 'decimalsY': dy,
                                    'price': dec_str(human(i, bs, dx, dy))})
    out['humanPrices'] = human_cases

    # binIdFromPrice on prices well inside a bin (fractional bin position between 0.01 and 0.99).
    from_price = []
    for bs in [1, 2, 20, 100, 250]:
        for (dx, dy) in [(9, 6), (6, 9), (6, 6), (0, 9)]:
            for p in [150.123, 0.000421, 1.0, 63_000.5, 2.5e-9, 7.77e7]:
                pd = Decimal(p)  # the exact binary value of the float the test passes in
                x = (pd / Decimal(10) ** (dx - dy)).ln() / (Decimal(1) + Decimal(bs) / BPS).ln() + OFFSET
                frac = x - x.to_integral_value(rounding=ROUND_FLOOR)
                if frac < Decimal('0.01') or frac > Decimal('0.99'):
                    continue
                down = int(x.to_integral_value(rounding=ROUND_FLOOR))
                lo, hi = bounds[bs]
                if not lo <= down < hi:
                    continue
                from_price.append({'binStep': bs, 'decimalsX': dx, 'decimalsY': dy, 'price': p, 'down': down,
                                   'up': down + 1, 'nearest': down + (1 if frac >= Decimal('0.5') else 0)})
    out['fromPrice'] = from_price

    out['range'] = [{'lower': lo, 'upper': up, 'active': a, 'inRange': lo <= a <= up, 'binsToLower': a - lo,
                     'binsToUpper': up - a}
                    for (lo, up, a) in [(OFFSET - 10, OFFSET + 10, OFFSET), (OFFSET - 10, OFFSET + 10, OFFSET - 10),
                                        (OFFSET - 10, OFFSET + 10, OFFSET + 10), (OFFSET - 10, OFFSET + 10, OFFSET - 11),
                                        (OFFSET - 10, OFFSET + 10, OFFSET + 25), (OFFSET, OFFSET, OFFSET)]]

    # Positions: shares that do not divide evenly, totalSupply 0, u128-sized shares, reserves near u64 max.
    def position(lower, shares, supplies):
        rows = []
        tx = ty = 0
        bins = []
        for k, sh in enumerate(shares):
            b = lower + k
            ts, rx, ry = supplies[k]
            bins.append({'binId': b, 'totalSupply': str(ts), 'reserveX': str(rx), 'reserveY': str(ry)})
            if sh == 0:
                continue
            x = sh * rx // ts if ts else 0
            y = sh * ry // ts if ts else 0
            tx, ty = tx + x, ty + y
            rows.append({'binId': b, 'shares': str(sh), 'x': str(x), 'y': str(y)})
        return {'lowerBinId': lower, 'shares': [str(s) for s in shares], 'bins': bins, 'expected': rows,
                'totalX': str(tx), 'totalY': str(ty)}

    out['positions'] = [
        position(OFFSET - 2, [1, 2, 3, 0, 7],
                 [(3, 10, 0), (3, 10, 0), (7, 5, 11), (9, 9, 9), (7, 0, 100)]),
        position(OFFSET + 40, [10**20, 12345678901234567890123, 5, 2**127 - 1],
                 [(3 * 10**20, 10**9 + 1, 0), (10**24, 0, 999_999_999_999), (0, 0, 0), (2**128 - 1, U64_MAX, U64_MAX - 1)]),
        position(OFFSET - 5000, [2**64 + 1, 2**64 - 1],
                 [(2**66 + 3, 123_456_789, 987_654_321), (2**64, 1, 1)]),
    ]

    # usdMicros: half-away-from-zero rounding on exact rationals.
    usd = []
    for raw, dec, pr in [(1_500_000_000, 9, 150.25), (1, 6, 0.5), (3, 6, 0.5), (-3, 6, 0.5), (-1, 6, 0.5),
                         (123_456_789_012_345_678, 9, 0.1), (5, 0, 0.1), (25, 7, 0.02), (1, 9, 1e-9),
                         (U64_MAX, 6, 1.0000001), (0, 9, 99.0), (10**9, 9, -2.5), (7, 2, 1 / 3)]:
        v = Fraction(raw) * Fraction(pr) * 10**6 / 10**dec
        a = abs(v)
        r = int(a) + (1 if a - int(a) >= Fraction(1, 2) else 0)
        usd.append({'amount': str(raw), 'decimals': dec, 'priceUsd': pr, 'micros': str(r if v >= 0 else -r)})
    out['usdMicros'] = usd

    out['valueInQuote'] = [
        {'x': str(x), 'y': str(y), 'price': p, 'decimalsX': dx, 'decimalsY': dy,
         'value': float(Fraction(x, 10**dx) * Fraction(p) + Fraction(y, 10**dy))}
        for (x, y, p, dx, dy) in [(2_000_000_000, 150_000_000, 151.37, 9, 6), (0, 10**9, 2.0, 6, 9),
                                  (12_345, 67_890, 0.987, 6, 6), (3, 1, 40_000.0, 0, 9)]]

    il = []
    for c in [
        # SOL/USDC, SOL up 20% and the position sold SOL on the way up.
        dict(depositX=10 * 10**9, depositY=1500 * 10**6, currentX=4 * 10**9, currentY=2_420 * 10**6, decimalsX=9,
             decimalsY=6, priceX0=150.0, priceY0=1.0, priceX1=180.0, priceY1=1.0),
        # Price fell: the position bought X with its Y.
        dict(depositX=10 * 10**9, depositY=1500 * 10**6, currentX=19 * 10**9, currentY=180 * 10**6, decimalsX=9,
             decimalsY=6, priceX0=150.0, priceY0=1.0, priceX1=130.0, priceY1=0.9998),
        # Fees outweigh the loss: positive ilUsd.
        dict(depositX=5 * 10**6, depositY=5 * 10**9, currentX=5_100_000, currentY=5_050_000_000, decimalsX=6,
             decimalsY=9, priceX0=1.0, priceY0=1.0, priceX1=1.0, priceY1=1.0),
        # Nothing deposited: fraction defined as 0.
        dict(depositX=0, depositY=0, currentX=0, currentY=0, decimalsX=0, decimalsY=9, priceX0=1.0, priceY0=1.0,
             priceX1=2.0, priceY1=1.0),
    ]:
        F = Fraction
        dx, dy = 10**c['decimalsX'], 10**c['decimalsY']
        entry = F(c['depositX'], dx) * F(c['priceX0']) + F(c['depositY'], dy) * F(c['priceY0'])
        now = F(c['currentX'], dx) * F(c['priceX1']) + F(c['currentY'], dy) * F(c['priceY1'])
        hodl = F(c['depositX'], dx) * F(c['priceX1']) + F(c['depositY'], dy) * F(c['priceY1'])
        row = {k: (str(v) if k.startswith(('deposit', 'current')) else v) for k, v in c.items()}
        row.update(entryValue=float(entry), valueNow=float(now), hodlValue=float(hodl), ilUsd=float(now - hodl),
                   ilFraction=float((now - hodl) / hodl) if hodl else 0.0)
        il.append(row)
    out['impermanentLoss'] = il

    dg = []
    for (bs, dx, dy, active, amounts) in [
        (20, 9, 6, OFFSET + 2400, [(OFFSET + 2398, 0, 50_000_000), (OFFSET + 2399, 0, 50_000_000),
                                   (OFFSET + 2400, 120_000_000, 31_000_000), (OFFSET + 2401, 333_333_333, 0),
                                   (OFFSET + 2402, 333_333_334, 0)]),
        (1, 6, 6, OFFSET - 3, [(OFFSET - 4, 0, 1_000_000), (OFFSET - 3, 400_000, 600_000), (OFFSET - 2, 1_000_000, 0)]),
        (100, 6, 9, OFFSET - 300, [(OFFSET - 301, 0, 7 * 10**9), (OFFSET - 300, 0, 2 * 10**9)]),
        (250, 0, 9, OFFSET + 10, [(OFFSET + 11, 5, 0)]),  # active bin empty for this position: gamma 0
    ]:
        x_total = sum(x for (_, x, _) in amounts)
        xa = sum(x for (b, x, _) in amounts if b == active)
        ya = sum(y for (b, _, y) in amounts if b == active)
        delta = Decimal(x_total) / Decimal(10) ** dx
        up = delta - Decimal(xa) / Decimal(10) ** dx
        down = delta + Decimal(ya) / exact_price(active, bs) / Decimal(10) ** dx
        p_up, p_dn = human(active + 1, bs, dx, dy), human(active - 1, bs, dx, dy)
        dg.append({'binStep': bs, 'decimalsX': dx, 'decimalsY': dy, 'activeId': active,
                   'amounts': [{'binId': b, 'x': str(x), 'y': str(y)} for (b, x, y) in amounts],
                   'price': float(human(active, bs, dx, dy)), 'delta': float(delta), 'deltaUp': float(up),
                   'deltaDown': float(down), 'priceUp': float(p_up), 'priceDown': float(p_dn),
                   'gamma': float((up - down) / (p_up - p_dn))})
    out['deltaGamma'] = dg

    fees = []
    for (bs, bf, vfc, va) in [(1, 10_000, 0, 0), (20, 5_000, 40_000, 0), (20, 5_000, 40_000, 12_345),
                              (100, 8_000, 7_500, 350_000), (250, 2_000, 1, 1), (250, 20_000, 120_000, 80_000)]:
        st = {'baseFactor': bf, 'variableFeeControl': vfc}
        fees.append({'binStep': bs, 'baseFactor': bf, 'variableFeeControl': vfc, 'volatilityAccumulator': va,
                     'baseFee': bf * bs * 10, 'variableFee': variable_fee(va, bs, vfc), 'totalFee': total_fee(st, va, bs)})
    out['feeRates'] = fees

    static = {'baseFactor': 10_000, 'filterPeriod': 30, 'decayPeriod': 600, 'reductionFactor': 5_000,
              'variableFeeControl': 40_000, 'maxVolatilityAccumulator': 350_000, 'protocolShare': 2_000}
    quiet = {'timeLastUpdated': 1_000, 'volatilityAccumulator': 0, 'volatilityReference': 0, 'idReference': 0}

    def ladder(center, below, above, ry, rx):
        """Bins center-below..center+above: Y below the active bin, X above, both in the active bin."""
        out_bins = []
        for b in range(center - below, center + above + 1):
            x = rx if b >= center else 0
            y = ry if b <= center else 0
            out_bins.append({'binId': b, 'reserveX': str(x), 'reserveY': str(y)})
        return out_bins

    def fees_of(params, state, now, active):
        s = dict(state)
        if s['idReference'] == 0:
            s['idReference'] = active
        return {'params': params, 'state': s, 'nowSeconds': now}

    a1 = OFFSET + 2400  # bs 20, ~ price 121.5 raw (Y per X) -> human 0.1215 at (9, 6)
    a2 = OFFSET - 1234
    a3 = OFFSET + 15
    a4 = OFFSET - 100_000  # bs 1, far below the offset
    a5 = OFFSET + 1300  # bs 250, far above: raw price ~8.6e13
    cases = [
        dict(name='X->Y inside the active bin (0 crossed), static fee only', binStep=20, activeId=a1, swapForY=True,
             mode='in', amount='1000000', fees=fees_of(dict(static, variableFeeControl=0), quiet, 1_010, a1),
             bins=ladder(a1, 3, 3, 900_000_000, 2_000_000)),
        dict(name='Y->X crossing one bin', binStep=20, activeId=a1, swapForY=False, mode='in', amount='400000000',
             fees=fees_of(static, quiet, 5_000, a1), bins=ladder(a1, 3, 3, 900_000_000, 2_000_000)),
        dict(name='X->Y crossing several bins with protocol share and an empty bin', binStep=100, activeId=a2,
             swapForY=True, mode='in', amount='6000000000000',
             fees=fees_of(static, quiet, 5_000, a2),
             bins=[b if b['binId'] != a2 - 2 else dict(b, reserveY='0') for b in ladder(a2, 8, 2, 7_000_000, 10**9)]),
        dict(name='Y->X several bins, dynamic fee state within the filter period', binStep=1, activeId=a4,
             swapForY=False, mode='in', amount='3000000',
             fees={'params': static, 'nowSeconds': 1_020,
                   'state': {'timeLastUpdated': 1_000, 'volatilityAccumulator': 25_000, 'volatilityReference': 12_000,
                             'idReference': a4 - 2}},
             bins=ladder(a4, 2, 12, 10**7, 2 * 10**10)),
        dict(name='X->Y, dynamic fee state decayed between filter and decay periods', binStep=20, activeId=a1,
             swapForY=True, mode='in', amount='9000000',
             fees={'params': static, 'nowSeconds': 1_100,
                   'state': {'timeLastUpdated': 1_000, 'volatilityAccumulator': 25_000, 'volatilityReference': 12_000,
                             'idReference': a1 + 3}},
             bins=ladder(a1, 4, 1, 300_000_000, 2_000_000)),
        dict(name='Y->X far above the offset, bin step 250, several bins', binStep=250, activeId=a5, swapForY=False,
             mode='in', amount='400000000000000000', fees=fees_of(static, quiet, 2_000, a5),
             bins=ladder(a5, 1, 6, 10**15, 1_000)),
        dict(name='exact out X->Y crossing two bins', binStep=20, activeId=a1, swapForY=True, mode='out',
             amount='2000000000', fees=fees_of(static, quiet, 5_000, a1), bins=ladder(a1, 3, 1, 900_000_000, 2_000_000)),
        dict(name='exact out Y->X inside the active bin', binStep=5, activeId=a3, swapForY=False, mode='out',
             amount='777', fees=fees_of(static, quiet, 5_000, a3), bins=ladder(a3, 1, 1, 10**6, 10**6)),
        dict(name='more than 30 bins is refused', binStep=20, activeId=a1, swapForY=True, mode='in',
             amount='18446744073709551615', fees=fees_of(static, quiet, 5_000, a1), bins=ladder(a1, 40, 0, 10, 10)),
        dict(name='a bin outside the loaded arrays is refused', binStep=20, activeId=a1, swapForY=False, mode='in',
             amount='18446744073709551615', fees=fees_of(static, quiet, 5_000, a1), bins=ladder(a1, 0, 2, 10, 10)),
    ]
    # The exactly-filled bin: the amount that takes the active bin's whole Y and stops there.
    p = price_q64(a3, 5)
    need = ceil_div(10**6 * ONE, p)
    need += fee_on_net(need, total_fee(static, 0, 5))
    cases.append(dict(name='X->Y amount that exactly empties the active bin stays in it', binStep=5, activeId=a3,
                      swapForY=True, mode='in', amount=str(need), fees=fees_of(static, quiet, 5_000, a3),
                      bins=ladder(a3, 1, 1, 10**6, 10**6)))
    # Reference-update boundaries: dt == filterPeriod resets the reference bin; dt == decayPeriod also zeroes the
    # reference volatility (both comparisons are >=).
    hot = {'timeLastUpdated': 1_000, 'volatilityAccumulator': 60_000, 'volatilityReference': 9_000, 'idReference': a1 + 4}
    for dt, label in [(29, 'one second inside the filter period keeps the old reference'),
                      (30, 'exactly the filter period resets the reference bin and decays the volatility'),
                      (599, 'one second inside the decay period still decays'),
                      (600, 'exactly the decay period zeroes the reference volatility')]:
        cases.append(dict(name=f'X->Y, {label}', binStep=20, activeId=a1, swapForY=True, mode='in', amount='9000000',
                          fees={'params': static, 'nowSeconds': 1_000 + dt, 'state': hot},
                          bins=ladder(a1, 4, 1, 300_000_000, 2_000_000)))
    # The 30-bin limit: the amount that exactly empties 30 bins succeeds (29 moves), one more unit needs a 31st bin.
    thirty = ladder(a1, 35, 0, 1_000, 0)
    need30 = 0
    for k in range(30):
        pk = price_q64(a1 - k, 20)
        rate = total_fee(static, min(k * BPS, static['maxVolatilityAccumulator']), 20)
        n_in = ceil_div(1_000 * ONE, pk)
        need30 += n_in + fee_on_net(n_in, rate)
    for extra, label in [(0, 'an amount that exactly empties 30 bins is allowed'),
                         (1, 'one unit more needs a 31st bin and is refused')]:
        cases.append(dict(name=f'X->Y, {label}', binStep=20, activeId=a1, swapForY=True, mode='in',
                          amount=str(need30 + extra), fees=fees_of(static, quiet, 5_000, a1), bins=thirty))
    for c in cases:
        c['expected'] = walk(c)
    crossed = [c['expected'].get('binsCrossed') for c in cases]
    assert crossed[0] == 0 and crossed[1] == 1 and crossed[2] >= 3 and crossed[3] >= 3 and crossed[5] >= 3, crossed
    assert crossed[6] == 2 and crossed[7] == 0 and crossed[10] == 0, crossed
    assert cases[8]['expected'] == {'error': 'crosses too many bins'} and cases[9]['expected'] == {'error': 'bin not loaded'}
    assert cases[-2]['expected']['binsCrossed'] == 29 and cases[-1]['expected'] == {'error': 'crosses too many bins'}
    decayed = [c['expected']['fee'] for c in cases[-6:-2]]
    # Each boundary changes the fee, so the cases pin both comparisons.
    assert decayed[0] != decayed[1] and decayed[2] != decayed[3], decayed
    out['swaps'] = cases

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bin_math.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    for c in cases:
        print(c['name'], c['expected'])
    print('wrote', path)


if __name__ == '__main__':
    main()
