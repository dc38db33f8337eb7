"""Entry script of the packaged program (PyInstaller runs this file)."""
import sys

from desktop_cs.cli import main

sys.exit(main())
