"""Starts a long-lived subprocess, says its pid, and exits without waiting for it."""

import subprocess
import sys

child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
