"""Writes 50 MiB to a disk-backed folder (the current one: on tmpfs `write_bytes` stays 0),
fsyncing every MiB, so that the bytes reach the storage layer before the script ends."""

import os
import tempfile

MIB = 2**20
fd, path = tempfile.mkstemp(dir=os.getcwd(), prefix=".reporter-writes-")
try:
    block = b"\1" * MIB
    for _ in range(50):
        os.write(fd, block)
        os.fsync(fd)
finally:
    os.close(fd)
    os.unlink(path)
