"""Fill empty translations of the Chinese catalog from a JSON file {msgid: msgstr}; list what is still empty.

Usage: python scripts/po_fill.py [translations.json]   (without a file: only list the empty ones)
"""
import json
import sys

from babel.messages.pofile import read_po, write_po

PO = "resources/translations/zh_CN/LC_MESSAGES/desktop_cs.po"

with open(PO, "rb") as f:
    catalog = read_po(f, locale="zh_CN")
table = json.load(open(sys.argv[1], encoding="utf-8")) if len(sys.argv) > 1 else {}
for message in catalog:
    if not message.id:
        continue
    key = message.id if isinstance(message.id, str) else message.id[0]
    if key in table:
        value = table[key]
        message.string = value if isinstance(message.id, str) else tuple([value] * 1)
        message.flags.discard("fuzzy")
empty = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
with open(PO, "wb") as f:
    write_po(f, catalog, width=100, omit_header=False, sort_output=True)
print(json.dumps(empty, ensure_ascii=False, indent=0))
