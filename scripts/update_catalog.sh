#!/usr/bin/env bash
# Extract our strings into the template, merge them into the Chinese catalog, and compile it.
#   bash scripts/update_catalog.sh      (then translate the empty msgstr entries and run it again)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
T=resources/translations
"$PY" -m babel.messages.frontend extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location \
  --sort-output --project desktop-cs --copyright-holder "desktop_cs" -o "$T/desktop_cs.pot" desktop_cs >/dev/null
if [ -f "$T/zh_CN/LC_MESSAGES/desktop_cs.po" ]; then
  "$PY" -m babel.messages.frontend update -i "$T/desktop_cs.pot" -d "$T" -D desktop_cs -l zh_CN \
    --no-fuzzy-matching --ignore-obsolete >/dev/null
else
  "$PY" -m babel.messages.frontend init -i "$T/desktop_cs.pot" -d "$T" -D desktop_cs -l zh_CN >/dev/null
fi
"$PY" -m babel.messages.frontend compile -d "$T" -D desktop_cs --statistics
