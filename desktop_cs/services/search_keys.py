"""Derived search keys of a customer: simplified name, pinyin (full and initials), numbers, email, tags."""
from __future__ import annotations

import functools
import itertools
import unicodedata

SEPARATOR = "\u001f"   # never typed, so a query cannot match across two parts


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalize_query(text: str) -> str:
    """What a typed query is compared as: NFKC, lower case, simplified Chinese, no spaces."""
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    text = "".join(text.split())
    # ASCII has no traditional forms: no converter (loading it costs ~20 ms, e.g. the list's first empty query)
    return text if text.isascii() else to_simplified(text)


@functools.lru_cache(maxsize=65536)
def _pinyin_variants(name: str) -> tuple[str, ...]:
    """Full pinyin and initials of a name; every reading of the surname (单: shan, dan, chan).

    Cached: names repeat a lot, and pypinyin costs ~40 µs a name (an import of 100,000 rows).
    """
    from pypinyin import Style, lazy_pinyin, pinyin

    han = [ch for ch in name if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return ()
    rest = lazy_pinyin(han[1:]) if len(han) > 1 else []
    readings = pinyin(han[0], style=Style.NORMAL, heteronym=True)[0][:3]
    variants = []
    for first in readings:
        syllables = [first, *rest]
        variants.append("".join(syllables))
        variants.append("".join(s[0] for s in syllables if s))
    return tuple(dict.fromkeys(variants))


def customer_search_key(name: str, mobile: str | None = None, id_number: str | None = None,
                        email: str | None = None, im_id: str | None = None,
                        tags: list[str] | tuple[str, ...] = ()) -> str:
    """The text a customer is found by (any part of it)."""
    simplified = normalize_query(name)
    parts = itertools.chain([simplified], _pinyin_variants(simplified),
                            [mobile or "", (id_number or "").lower(), (email or "").lower(), (im_id or "").lower()],
                            [normalize_query(t) for t in tags])
    return SEPARATOR.join(p for p in parts if p)
