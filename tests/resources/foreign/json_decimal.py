"""A small ledger: records built with dataclasses, money in Decimal, saved and loaded as JSON."""

import json
import random
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_EVEN, Decimal


@dataclass
class Entry:
    """One line of the ledger."""

    account: str
    amount: str
    memo: str


def make(n, seed=7):
    """n entries with random amounts, as strings like a bank export."""
    rng = random.Random(seed)
    accounts = [f"acct-{i:03d}" for i in range(50)]
    return [Entry(rng.choice(accounts), f"{rng.uniform(-500, 500):.2f}", "x" * rng.randint(0, 40))
            for _ in range(n)]


def balances(entries):
    """Per-account totals in Decimal, rounded half-even to cents."""
    totals = {}
    for entry in entries:
        totals[entry.account] = totals.get(entry.account, Decimal(0)) + Decimal(entry.amount)
    cent = Decimal("0.01")
    return {k: str(v.quantize(cent, rounding=ROUND_HALF_EVEN)) for k, v in sorted(totals.items())}


def main():
    entries = make(20_000)
    text = json.dumps([asdict(e) for e in entries])
    loaded = [Entry(**d) for d in json.loads(text)]
    result = balances(loaded)
    print(len(text), len(result), result["acct-000"])


if __name__ == "__main__":
    main()
