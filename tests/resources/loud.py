"""Writes megabytes to stdout and stderr, some of it not valid UTF-8."""

import sys

for _ in range(2_000):
    sys.stdout.write("x" * 2_000 + "\n")
    sys.stderr.buffer.write(b"\xff\xfe not utf-8 \xc3\x28 " * 100 + b"\n")
sys.stderr.buffer.write(b"the last line\n")
