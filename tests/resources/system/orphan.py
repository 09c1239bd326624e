"""Leaves a grandchild behind: its parent exits at once, and it would sleep for a minute."""

import subprocess
import sys
import time

subprocess.run([sys.executable, "-c", "import os, time\nif os.fork() == 0: time.sleep(60)"],
               check=True)
time.sleep(0.3)
