"""`python -m desktop_cs` runs the same entry point as the `desktop-cs` command."""
import sys

from desktop_cs.cli import main

sys.exit(main())
