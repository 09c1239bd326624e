"""Allocates until the memory limit stops it."""

chunks = []
while True:
    chunks.append(bytearray(16 * 2**20))
