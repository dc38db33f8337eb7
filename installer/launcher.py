"""Entry script of the packaged program (PyInstaller runs this file)."""
import os
import sys

# Chinese input on Linux: the bundled Qt has the ibus input plugin but not fcitx's (the PC's fcitx plugin is built
# against the PC's Qt and cannot load into this one). fcitx5 also serves the ibus protocol, so ask for that; with
# fcitx 4 nothing is lost (its plugin would not load either).
if sys.platform.startswith("linux") and os.environ.get("QT_IM_MODULE", "").startswith("fcitx"):
    os.environ["QT_IM_MODULE"] = "ibus"

from desktop_cs.cli import main  # noqa: E402

sys.exit(main())
