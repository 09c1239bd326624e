"""`python -m reporter`: the command line."""

from reporter.cli import main

raise SystemExit(main())
