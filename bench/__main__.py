"""``python -m bench [--only NAME] [--json FILE]``: run the benchmarks and print the table."""
import sys

from bench.core import main

sys.exit(main())
