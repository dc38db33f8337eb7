"""The third-party parts shipped inside the program: their licences and where the licence texts are.

One list serves three readers: the About dialog shows it, the PyInstaller spec copies the
package metadata (version and licence files) of every distribution named here into the
bundle, and the spec refuses to build a bundle holding a Python package that is missing here,
so the list cannot fall behind the dependencies. No Qt import: the spec and the tests read it.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from desktop_cs import paths


@dataclass(frozen=True)
class Part:
    """A shipped component: NAME as shown, its LICENCE as shown, the Python DISTRIBUTIONS it comes in
    (their versions and licence files are read from the package metadata) and licence texts under resources/."""

    name: str
    licence: str
    distributions: tuple[str, ...] = ()
    resource_licences: tuple[str, ...] = ()
    note: str = ""


#: Qt and its Python binding: LGPL v3; the libraries lie as separate files in the program folder (replaceable)
QT = Part("Qt / Qt for Python (PySide6)", "GNU LGPL v3",
          ("PySide6-Essentials", "PySide6-Addons", "shiboken6"),
          ("licenses/LGPL-3.0.txt", "licenses/GPL-3.0.txt"))
FONT = Part("WenQuanYi Micro Hei (文泉驿微米黑)", "Apache License 2.0",
            resource_licences=("fonts/LICENSE-wqy-microhei.txt", "fonts/LICENSE-Apache-2.0.txt"))

PARTS: tuple[Part, ...] = (
    QT,
    FONT,
    Part("Python", "PSF License 2.0", resource_licences=("licenses/Python-LICENSE.txt",)),
    Part("ReportLab", "BSD 3-Clause", ("reportlab", "rl_accel")),
    Part("Pillow", "MIT-CMU (HPND)", ("pillow",)),
    Part("charset-normalizer", "MIT", ("charset-normalizer",)),
    Part("peewee", "MIT", ("peewee",)),
    Part("argon2-cffi", "MIT", ("argon2-cffi", "argon2-cffi-bindings")),
    Part("cffi", "MIT-0", ("cffi",)),
    Part("pypinyin", "MIT", ("pypinyin",)),
    Part("OpenCC", "Apache License 2.0", ("OpenCC",)),
    # LGPL: its Python files lie unpacked in the program folder (module_collection_mode "py"), so they can be replaced
    Part("python-stdnum", "GNU LGPL v2.1 or later", ("python-stdnum",)),
    Part("email-validator", "The Unlicense", ("email-validator",)),
    Part("dnspython", "ISC", ("dnspython",)),
    Part("idna", "BSD 3-Clause", ("idna",)),
    Part("holidays", "MIT", ("holidays",)),
    Part("python-dateutil", "Apache License 2.0 or BSD 3-Clause", ("python-dateutil",)),
    Part("six", "MIT", ("six",)),
    Part("phonenumbers", "Apache License 2.0", ("phonenumbers",)),
    Part("openpyxl", "MIT", ("openpyxl", "et_xmlfile")),
    Part("xlrd", "BSD 3-Clause", ("xlrd",)),
    Part("defusedxml", "PSF License 2.0", ("defusedxml",)),
    Part("cryptography (with OpenSSL)", "Apache License 2.0 or BSD 3-Clause", ("cryptography",)),
    # team server. LGPL: psycopg's Python files lie unpacked in the program folder, its compiled part is a
    # separate library (both replaceable). psycopg-binary carries libpq (PostgreSQL Licence), OpenSSL, MIT
    # Kerberos, OpenLDAP and Cyrus SASL; their notices are in its licence file.
    Part("psycopg (PostgreSQL driver, libpq)", "GNU LGPL v3; libpq: PostgreSQL Licence", ("psycopg", "psycopg-binary")),
    Part("typing_extensions", "PSF License 2.0", ("typing-extensions",)),
    Part("keyring", "MIT", ("keyring", "jaraco.classes", "jaraco.functools", "jaraco.context", "more-itertools",
                            "backports.tarfile")),
    Part("SecretStorage", "BSD 3-Clause", ("SecretStorage",)),
    Part("jeepney", "MIT", ("jeepney",)),
    Part("importlib_metadata", "Apache License 2.0", ("importlib-metadata", "lazy-importer")),
    Part("zipp", "MIT", ("zipp",)),
)

#: the Python packages of the bundle that belong to no distribution of PARTS and need no entry
NOT_THIRD_PARTY = frozenset({"desktop-cs", "pyinstaller"})


def distributions() -> list[str]:
    """Every distribution named in PARTS (the spec copies their metadata into the bundle)."""
    return [name for part in PARTS for name in part.distributions]


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def unlisted(distribution_names, among=None) -> list[str]:
    """The names among DISTRIBUTION_NAMES missing from AMONG (default: the distributions of PARTS and
    NOT_THIRD_PARTY). The spec refuses to build a bundle holding an unlisted one."""
    if among is None:
        among = [*distributions(), *NOT_THIRD_PARTY]
    known = {_normalise(n) for n in among}
    return sorted({n for n in distribution_names if _normalise(n) not in known})


def version(part: Part) -> str:
    """The version of PART's first distribution from its metadata ("" when it has none or it is not installed)."""
    if part is FONT:
        return ""
    if not part.distributions:
        return ".".join(str(v) for v in sys.version_info[:3]) if part.name == "Python" else ""
    try:
        return metadata.version(part.distributions[0])
    except metadata.PackageNotFoundError:
        return ""


def licence_files(part: Part) -> list[Path]:
    """PART's licence texts that exist here: the resources' own, then those in its distributions' metadata."""
    found = [paths.resources_dir() / rel for rel in part.resource_licences]
    for name in part.distributions:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            parts = file.parts
            if any(p.endswith((".dist-info", ".egg-info")) for p in parts[:-1]) and (
                    "licenses" in parts or parts[-1].upper().startswith(("LICENSE", "LICENCE", "COPYING"))):
                found.append(Path(dist.locate_file(file)))
    return [p for p in dict.fromkeys(found) if p.is_file()]


def system_libraries_note_applies() -> bool:
    """A Linux bundle carries system libraries of the build machine (GLib, fontconfig, CUPS...)."""
    return bool(getattr(sys, "frozen", False)) and sys.platform.startswith("linux")
