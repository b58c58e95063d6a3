"""Reference values for test/venues/saros/baseline.test.ts, written to baseline.json next to this script.

Fees and HODL of a position since its baseline (src/venues/saros/baseline.ts), with Python big integers:
  value of s shares of a bin at its own price, Y base units x 2^64:  floor(s * (rx * P + ry * 2^64) / ts)
  fees_y  = floor( sum over bins of max(0, value_now - value_then) / 2^64 )
  hodl_x  = sum floor(s * rx_then / ts_then),  hodl_y likewise
where P is the program's Q64.64 bin price (price_q64 of bin_math.py, itself checked against exact powers there).
Each case is built the way a pool moves: swaps inside a bin at the bin's exact price (they must add no fee), fees
added to a bin's reserves, deposits minting shares at the bin's value per share. `exact_fees_y` is the same sum with
Fractions and the exact price (1 + binStep/1e4)^n: the implementation's result must be within a few base units of it.

Run: python3 test/venues/saros/reference/baseline.py   (seeded; rewrites baseline.json)
"""
import json
import os
import random
from fractions import Fraction

from bin_math import OFFSET, price_q64

ONE = 1 << 64


def value_q64(s, b, p):
    rx, ry, ts = b
    return 0 if ts == 0 else (s * (rx * p + (ry << 64))) // ts


def since(shares, lower, bin_step, now, then):
    fees = 0
    hx = hy = 0
    unrecorded = []
    exact = Fraction(0)
    for k, s in enumerate(shares):
        if s == 0:
            continue
        bid = lower + k
        b1 = now[bid]
        b0 = then.get(bid)
        if b0 is None or b0[2] == 0:
            unrecorded.append(bid)
            hx += s * b1[0] // b1[2] if b1[2] else 0
            hy += s * b1[1] // b1[2] if b1[2] else 0
            continue
        p = price_q64(bid, bin_step)
        g = value_q64(s, b1, p) - value_q64(s, b0, p)
        if g > 0:
            fees += g
        pe = Fraction(ONE + (bin_step << 64) // 10_000, ONE) ** (bid - OFFSET)  # the program's base, exact power
        ge = Fraction(s) * ((b1[0] * pe + b1[1]) / b1[2] - (b0[0] * pe + b0[1]) / b0[2])
        if ge > 0:
            exact += ge
        hx += s * b0[0] // b0[2]
        hy += s * b0[1] // b0[2]
    return {'fees_y': str(fees >> 64), 'hodl_x': str(hx), 'hodl_y': str(hy), 'unrecorded': unrecorded,
            'exact_fees_y': str(exact.numerator // exact.denominator)}


def main():
    rng = random.Random(20261207)
    cases = []
    for n in range(40):
        bin_step = rng.choice([1, 5, 10, 20, 25, 50, 100])
        active = OFFSET + rng.randint(-3000, 3000) // max(1, bin_step // 5)
        width = rng.randint(1, 12)
        lower = active - rng.randint(0, width - 1)
        then, now, shares = {}, {}, []
        for k in range(width):
            bid = lower + k
            p = price_q64(bid, bin_step)
            ts = rng.randint(10**9, 10**15)
            rx = rng.randint(0, 10**12) if bid >= active else 0
            ry = rng.randint(0, 10**12) if bid <= active else 0
            then[bid] = (rx, ry, ts)
            # A swap inside the bin at its price: X in, Y out (or the reverse), value at the bin price unchanged
            # up to the floor of the converted side.
            if rx and ry and rng.random() < 0.5:
                dx = rng.randint(0, rx // 2)
                dy = (dx * p) >> 64
                if dy <= ry:
                    rx, ry = rx + dx, ry - dy
            # Fees compounded into the reserves.
            if rng.random() < 0.7:
                if rx:
                    rx += rng.randint(0, rx // 100)
                if ry:
                    ry += rng.randint(0, ry // 100)
            # A deposit by someone: shares minted at the bin's value per share (no fee), reserves grow in step.
            if rng.random() < 0.3:
                mint = rng.randint(0, ts)
                rx, ry, ts = rx + rx * mint // ts, ry + ry * mint // ts, ts + mint
            now[bid] = (rx, ry, ts)
            shares.append(rng.randint(0, ts // 2) if rng.random() < 0.9 else 0)
        # Some bins were never recorded (first seen now).
        for bid in list(then):
            if rng.random() < 0.1:
                del then[bid]
        cases.append({
            'binStep': bin_step, 'lowerBinId': lower, 'shares': [str(s) for s in shares],
            'now': {str(b): [str(x) for x in v] for b, v in now.items()},
            'then': {str(b): [str(x) for x in v] for b, v in then.items()},
            'expect': since(shares, lower, bin_step, now, then),
        })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'baseline.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'baseline.py', 'cases': cases}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
