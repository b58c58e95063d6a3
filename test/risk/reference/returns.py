"""Reference values for test/risk/returns.test.ts: simple/log returns (numpy) of a hand series and of SOL 2024-2025."""
import numpy as np
from _prices import closes

hand = np.array([100.0, 110.0, 99.0, 99.0, 120.0])
print('hand simple', [float(x) for x in hand[1:] / hand[:-1] - 1])
print('hand log', [float(x) for x in np.log(hand[1:] / hand[:-1])])

sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
simple = sol[1:] / sol[:-1] - 1
log = np.log(sol[1:] / sol[:-1])
print('sol n', len(sol), 'returns', len(simple))
print('sol simple[0], simple[-1], sum', float(simple[0]), float(simple[-1]), float(simple.sum()))
print('sol log[0], log[-1], sum', float(log[0]), float(log[-1]), float(log.sum()), 'ln(last/first)', float(np.log(sol[-1] / sol[0])))
print('sol growth prod(1+r)', float(np.prod(1 + simple)), 'last/first', float(sol[-1] / sol[0]))
