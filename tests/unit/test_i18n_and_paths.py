"""The message catalog is complete and compiled; the data folder and resources are where they should be."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from desktop_cs import i18n, paths

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "resources/translations/zh_CN/LC_MESSAGES/desktop_cs.po"
MO = PO.with_suffix(".mo")


def _catalog():
    with open(PO, "rb") as f:
        return read_po(f, locale="zh_CN")


def _is_translated(message) -> bool:
    return bool(message.string) if isinstance(message.string, str) else all(message.string)


def test_every_catalog_string_has_a_chinese_translation():
    missing = [m.id for m in _catalog() if m.id and not _is_translated(m)]
    fuzzy = [m.id for m in _catalog() if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_every_string_in_the_source_is_in_the_catalog(tmp_path):
    """Extract the source afresh: a new _() string without a translation fails here."""
    pot = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "--no-location", "-o", str(pot),
                    str(ROOT / "desktop_cs")], check=True, capture_output=True)
    with open(pot, "rb") as f:
        source_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog() if m.id and _is_translated(m)}
    assert sorted(source_ids - translated) == []


def _plain(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalog_matches_the_po_file():
    with open(MO, "rb") as f:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(f) if m.id}
    source = {_plain(m.id): _plain(m.string) for m in _catalog() if m.id}
    assert compiled == source, "run scripts/update_catalog.sh to recompile the .mo"


def test_chinese_is_the_default_and_english_is_available():
    assert i18n.set_language(None) == "zh_CN"
    assert i18n._("Customer Service Desk") != "Customer Service Desk"
    i18n.set_language("en")
    assert i18n._("Customer Service Desk") == "Customer Service Desk"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    paths.set_data_dir(None)
    assert paths.data_dir() == (tmp_path / "env").resolve()
    paths.set_data_dir(tmp_path / "flag")
    assert paths.data_dir() == (tmp_path / "flag").resolve()
    paths.set_data_dir(None)
    monkeypatch.delenv(paths.DATA_DIR_ENV)
    default = paths.data_dir()
    assert "desktop-cs" in str(default)     # QStandardPaths.AppDataLocation of our app


def test_ensure_data_dir_creates_the_folders(tmp_path):
    paths.set_data_dir(tmp_path / "new")
    root = paths.ensure_data_dir()
    for sub in ("backups", "logs", "pdf"):
        assert (root / sub).is_dir()


def test_bundled_resources_exist():
    assert paths.font_path().stat().st_size > 1_000_000
    assert (paths.resources_dir() / "fonts" / "LICENSE-wqy-microhei.txt").exists()
    assert MO.exists()


def test_translations_keep_every_placeholder():
    """A translation that drops or renames {name} or %s would raise or print nonsense at run time."""
    import re
    pattern = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sd]")
    wrong = []
    for m in _catalog():
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[0]
        for text in ([m.string] if isinstance(m.string, str) else list(m.string)):
            if text and sorted(pattern.findall(source)) != sorted(pattern.findall(text)):
                wrong.append((source, text))
    assert wrong == []


def _marked_strings() -> set[str]:
    """Every literal passed to _() / N_() / ngettext() in our code, f-strings included (Babel misses those)."""
    import ast
    found: set[str] = set()
    for path in (ROOT / "desktop_cs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args \
                    and node.func.id in ("_", "N_", "ngettext") and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def test_every_marked_string_is_translated_even_inside_f_strings():
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog() if m.id and _is_translated(m)}
    assert sorted(_marked_strings() - translated) == []
