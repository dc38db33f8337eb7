"""The installer folder without building: the spec takes every resource and keeps every Qt part the program
uses, each bundled library has its licence in the About list, the icons, the .desktop file, the Inno Setup script."""
from __future__ import annotations

import ast
import os
import re
import struct
import sys
import tomllib
from pathlib import Path

import pytest

from desktop_cs import paths, third_party
from desktop_cs.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "desktop-cs.spec"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

#: the spec's helpers and tables (the spec itself only runs inside PyInstaller)
_SPEC_NAMES = {"NAME", "RESOURCE_SKIP_SUFFIXES", "resource_files", "OPENCC_CONFIGS", "opencc_files", "OPENCC_DATA",
               "OPENCC_KEEP", "EXCLUDES", "DROP_QT_LIBRARIES", "DROP_PLUGIN_FOLDERS", "DROP_PLUGINS",
               "KEEP_QT_TRANSLATIONS", "DROP_SYSTEM_LIBRARIES", "_stem", "keep"}


def _spec(windows: bool = False) -> dict:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    wanted = [node for node in tree.body
              if (isinstance(node, ast.FunctionDef) and node.name in _SPEC_NAMES)
              or (isinstance(node, ast.Assign) and any(getattr(t, "id", None) in _SPEC_NAMES for t in node.targets))]
    namespace = {"os": os, "sys": sys, "ROOT": str(ROOT), "WINDOWS": windows, "LANGUAGES": LANGUAGES}
    exec(compile(ast.Module(wanted, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in (ROOT / "desktop_cs").rglob("*.py")}


def test_spec_bundles_every_resource_the_program_reads():
    bundled = {str(Path(dest) / Path(src).name).replace(os.sep, "/") for src, dest in _spec()["resource_files"]()}
    for needed in ("resources/fonts/wqy-microhei.ttc", "resources/fonts/LICENSE-wqy-microhei.txt",
                   "resources/fonts/LICENSE-Apache-2.0.txt",
                   "resources/translations/zh_CN/LC_MESSAGES/desktop_cs.mo",
                   "resources/icons/app.png", "resources/icons/app.ico",
                   "resources/licenses/LGPL-3.0.txt", "resources/licenses/GPL-3.0.txt",
                   "resources/licenses/Python-LICENSE.txt"):
        assert needed in bundled
    assert not [name for name in bundled if name.endswith((".po", ".pot"))]
    # every licence text the About list names is a bundled resource
    for part in third_party.PARTS:
        for rel in part.resource_licences:
            assert f"resources/{rel}" in bundled


def test_spec_takes_our_modules_the_metadata_and_the_libraries_data():
    text = SPEC.read_text(encoding="utf-8")
    assert 'collect_submodules("desktop_cs")' in text        # the tabs are imported by name
    assert 'copy_metadata("desktop-cs")' in text             # the version in About and --version
    assert "third_party.distributions()" in text             # each bundled part's version and licence files
    for library in ("pypinyin", "stdnum", "holidays"):
        assert f'collect_data_files("{library}"' in text
    assert '"holidays.countries.china"' in text and 'collect_submodules("phonenumbers")' in text
    assert '"_rl_accel"' in text


def test_spec_takes_the_opencc_conversions_the_program_uses():
    spec = _spec()
    used = {m for text in _sources().values() for m in re.findall(r'OpenCC\("([^"]+)"\)', text)}
    assert used and used <= set(spec["OPENCC_CONFIGS"])
    names = {Path(src).name for src, _dest in spec["OPENCC_DATA"]}
    assert {"t2s.json", "TSCharacters.ocd2", "TSPhrases.ocd2"} <= names
    assert all(Path(src).is_file() for src, _dest in spec["OPENCC_DATA"])


def test_spec_excludes_no_qt_module_the_program_imports():
    spec = _spec()
    imported = {m for text in _sources().values() for m in re.findall(r"PySide6\.(Qt\w+)", text)}
    imported |= {m for text in _sources().values()
                 for names in re.findall(r"from PySide6 import ([\w, ()]+)", text) for m in re.findall(r"Qt\w+", names)}
    assert {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtPdf"} <= imported
    excluded = {name.split(".", 1)[1] for name in spec["EXCLUDES"] if name.startswith("PySide6.")}
    assert not imported & excluded
    # nor a library module the program imports
    plain = {name for name in spec["EXCLUDES"] if not name.startswith(("PySide6.", "PIL."))}
    for path, text in _sources().items():
        for name in plain:
            assert not re.search(rf"^\s*(import|from) {re.escape(name)}\b", text, re.M), f"{path} imports {name}"


@pytest.mark.parametrize("windows", [False, True])
def test_spec_keeps_the_qt_parts_the_program_uses(windows):
    keep = _spec(windows)["keep"]
    lib, plugins, translations = ("PySide6", "PySide6/plugins", "PySide6/translations") if windows else (
        "PySide6/Qt/lib", "PySide6/Qt/plugins", "PySide6/Qt/translations")
    name = (lambda base: f"{base}.dll") if windows else (lambda base: f"lib{base}.so.6")
    plugin = (lambda base: f"{base}.dll") if windows else (lambda base: f"lib{base}.so")
    for module in ("Qt6Core", "Qt6Gui", "Qt6Widgets", "Qt6PrintSupport", "Qt6Pdf", "Qt6PdfWidgets", "Qt6Network",
                   "Qt6DBus", "Qt6Svg"):
        assert keep(f"{lib}/{name(module)}"), module
    for module in ("Qt6Qml", "Qt6Quick", "Qt6VirtualKeyboard"):
        assert not keep(f"{lib}/{name(module)}"), module
    for folder, base in (("platforms", "qxcb"), ("platforms", "qwayland"), ("platforms", "qoffscreen"),
                         ("platforms", "qwindows"), ("printsupport", "cupsprintersupport"),
                         ("imageformats", "qjpeg"), ("imageformats", "qico"), ("iconengines", "qsvgicon"),
                         ("platforminputcontexts", "ibusplatforminputcontextplugin"),
                         ("platformthemes", "qxdgdesktopportal")):
        assert keep(f"{plugins}/{folder}/{plugin(base)}"), base
    for folder, base in (("platforminputcontexts", "qtvirtualkeyboardplugin"), ("platforms", "qeglfs"),
                         ("platforms", "qvnc"), ("egldeviceintegrations", "qeglfs-x11-integration"),
                         ("platformthemes", "qgtk3")):
        assert not keep(f"{plugins}/{folder}/{plugin(base)}"), base
    for code in LANGUAGES:
        if code != "en":
            assert keep(f"{translations}/qtbase_{code}.qm")
    assert not keep(f"{translations}/qtbase_de.qm")
    assert keep("libcups.so.2") == windows      # Linux: the PC's own libcups serves Qt's CUPS plugin
    assert keep("resources/translations/zh_CN/LC_MESSAGES/desktop_cs.mo")


def test_every_runtime_dependency_has_its_licence_in_the_about_list():
    with open(ROOT / "pyproject.toml", "rb") as f:
        dependencies = tomllib.load(f)["project"]["dependencies"]
    names = [re.match(r"[A-Za-z0-9_.-]+", d).group() for d in dependencies]
    assert third_party.unlisted(names) == []
    assert third_party.unlisted(["some-new-library"]) == ["some-new-library"]


def test_every_listed_part_has_a_licence_text():
    for part in third_party.PARTS:
        assert third_party.licence_files(part), part.name
        if part.distributions:
            assert third_party.version(part), part.name


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_icon_in_every_size_and_in_the_windows_ico():
    assert (ICONS / "app.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in ICON_SIZES:
        assert _png_size((ICONS / f"app-{size}.png").read_bytes()) == (size, size)
    assert _png_size((ICONS / "app.png").read_bytes()) == (256, 256)      # the window icon (app.py)
    data = (ICONS / "app.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        width, height, _colors, _res, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i:22 + 16 * i])
        side = width or 256
        assert _png_size(data[offset:offset + length]) == (side, side)
        sizes.add(side)
    assert {16, 24, 32, 48, 256} <= sizes


def test_the_linux_desktop_file():
    entries = dict(line.split("=", 1) for line in (INSTALLER / "desktop-cs.desktop").read_text(
        encoding="utf-8").splitlines() if "=" in line)
    assert entries["Type"] == "Application" and entries["Exec"] == "desktop-cs"
    assert entries["Icon"] == "desktop-cs" and entries["Name[zh_CN]"] == "客服工作台"
    assert entries["Terminal"] == "false"
    installer = (INSTALLER / "install-linux.sh").read_text(encoding="utf-8")
    assert "apps/desktop-cs.png" in installer and "desktop-cs.desktop" in installer


def test_the_inno_setup_script():
    text = (INSTALLER / "desktop-cs.iss").read_text(encoding="utf-8-sig")
    spec = SPEC.read_text(encoding="utf-8")
    assert f'#define AppExe "{_spec()["NAME"]}.exe"' in text and "console=not WINDOWS" in spec   # no console
    assert r"..\dist\desktop-cs" in text and r"..\resources\icons\app.ico" in text
    assert "{group}" in text and "{autodesktop}" in text and "desktopicon" in text
    assert "GetFileVersionString" in text and "windows_version_info()" in spec
    # the uninstaller asks before deleting the data folder, No is the default, a silent uninstall keeps it
    assert "usPostUninstall" in text and "MB_DEFBUTTON2" in text and "UninstallSilent" in text


def test_the_data_folder_fallback_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert paths._fallback_data_dir() == tmp_path / "Roaming" / "desktop-cs" / "desktop-cs"
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths._fallback_data_dir() == tmp_path / "xdg" / "desktop-cs" / "desktop-cs"


def test_resources_are_found_frozen_and_unfrozen(monkeypatch, tmp_path):
    assert paths.resources_dir() == ROOT / "resources"
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    assert paths.font_path() == tmp_path / "resources" / "fonts" / "wqy-microhei.ttc"
