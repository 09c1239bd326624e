"""Never finishes on its own."""

import time

while True:
    time.sleep(0.05)
