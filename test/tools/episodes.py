"""Measure each asset's cumulative move over the worst real market episodes; prints src/app/stress-episodes.ts.

Usage: python3 test/tools/episodes.py > src/app/stress-episodes.ts   (reads ../shared/data/prices in place, or
$VIGIL_SHARED_DIR). Move = close(end) / close(start) - 1 on daily closes; an asset without both closes is left out.
"""
import csv
import os
import sys
from pathlib import Path

ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'JTO', 'PYTH', 'RAY', 'WIF', 'USDC', 'USDT', 'MSOL', 'BNSOL']
# (id, name, start close date, end close date, what happened). Windows chosen as the worst BTC/SOL 1-, 3- and 7-day
# moves in the files, plus the best-known Solana-specific and market-wide events.
EPISODES = [
    ('covid-2020', 'March 2020 crash', '2020-03-05', '2020-03-12', 'COVID panic: BTC -47% in a week, -39% on 12 March'),
    ('may-2021', 'May 2021 crash', '2021-05-12', '2021-05-19', 'China mining ban and leverage flush'),
    ('luna-2022', 'LUNA collapse', '2022-05-05', '2022-05-12', 'Terra/UST depeg and contagion'),
    ('ftx-2022', 'FTX week', '2022-11-05', '2022-11-12', 'FTX/Alameda collapse: SOL -60% in a week'),
    ('aug-2024', 'August 2024 unwind', '2024-08-02', '2024-08-05', 'Yen carry-trade unwind'),
    ('oct-2025', 'October 2025 cascade', '2025-10-09', '2025-10-10', 'Market-wide liquidation cascade'),
]


def shared_dir() -> Path:
    env = os.environ.get('VIGIL_SHARED_DIR')
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / 'shared'


def closes(asset: str) -> dict[str, str]:
    path = shared_dir() / 'data' / 'prices' / f'{asset}-USD.daily.csv'
    with path.open() as f:
        rows = list(csv.reader(f))[1:]
    return {r[0]: r[1] for r in rows}


def main() -> None:
    data = {a: closes(a) for a in ASSETS}
    out = [
        '/**',
        ' * Real market episodes replayed by /stress: each asset\'s move from the daily close on `from` to the close on `to`',
        ' * (fractions), measured from ../shared/data/prices; regenerate with',
        ' * `python3 test/tools/episodes.py > src/app/stress-episodes.ts`. Assets that had no price then are absent; the',
        ' * stress engine fills them from SOL\'s move scaled by relative volatility and says so.',
        ' */',
        'export interface Episode {',
        '  readonly id: string;',
        '  readonly name: string;',
        '  readonly from: string;',
        '  readonly to: string;',
        '  readonly description: string;',
        '  readonly moves: Readonly<Record<string, number>>;',
        '}',
        '',
        'export const EPISODES: readonly Episode[] = [',
    ]
    for eid, name, start, end, desc in EPISODES:
        moves = []
        for a in ASSETS:
            s, e = data[a].get(start), data[a].get(end)
            if s is not None and e is not None:
                moves.append(f'{a}: {float(e) / float(s) - 1:.6f}')
        out.append(f"  {{ id: '{eid}', name: '{name}', from: '{start}', to: '{end}', description: '{desc}',")
        out.append(f"    moves: {{ {', '.join(moves)} }} }},")
    out.append('];')
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
