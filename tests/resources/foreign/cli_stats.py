"""A small command-line tool: argparse options, CSV in memory, statistics, textwrap output."""

import argparse
import csv
import io
import statistics
import textwrap


def table(rows):
    """A CSV document of rows of (name, score)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "score"])
    writer.writerows(rows)
    return out.getvalue()


def summarise(text):
    """Mean, median and stdev of the score column."""
    scores = [float(r["score"]) for r in csv.DictReader(io.StringIO(text))]
    return statistics.mean(scores), statistics.median(scores), statistics.stdev(scores)


def main(argv=None):
    parser = argparse.ArgumentParser(description="score statistics")
    parser.add_argument("--rows", type=int, default=30_000)
    args = parser.parse_args(argv)
    text = table((f"student{i}", (i * 37) % 101) for i in range(args.rows))
    mean, median, stdev = summarise(text)
    print(textwrap.fill(f"{args.rows} rows: mean {mean:.2f}, median {median}, stdev {stdev:.2f}",
                        width=60))


if __name__ == "__main__":
    main()
