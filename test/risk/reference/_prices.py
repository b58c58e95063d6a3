"""Reads real daily closes in place from ../shared/data/prices (project root) or $VIGIL_SHARED_DIR; never copies them."""
import csv
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
SHARED = os.environ.get('VIGIL_SHARED_DIR') or os.path.join(ROOT, '..', 'shared')


def closes(symbol, start, end):
    """Daily closes of `symbol` (e.g. 'SOL') with start <= date <= end (ISO strings), ascending, as floats."""
    path = os.path.join(SHARED, 'data', 'prices', f'{symbol}-USD.daily.csv')
    with open(path, newline='') as f:
        return [float(r['close']) for r in csv.DictReader(f) if start <= r['date'] <= end]
