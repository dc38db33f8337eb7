"""One gettext catalog for all our strings (views, services, reports, command line) plus Qt's own translations."""
from __future__ import annotations

import gettext
import logging

from desktop_cs import paths

DOMAIN = "desktop_cs"
DEFAULT_LANGUAGE = "zh_CN"
#: language code -> its own name, as offered in the settings dialog and ``--lang``
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}

log = logging.getLogger(__name__)

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(code: str | None) -> str:
    """Load the catalog for CODE (``zh_CN`` or ``en``; None means the default) and return the code in force."""
    global _translation, _language
    code = code or DEFAULT_LANGUAGE
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; choose one of {', '.join(LANGUAGES)}")
    if code == "en":
        _translation = gettext.NullTranslations()  # our source strings are English
    else:
        try:
            _translation = gettext.translation(DOMAIN, str(paths.translations_dir()), languages=[code])
        except OSError:
            log.error("translation catalog for %s is missing in %s", code, paths.translations_dir())
            _translation = gettext.NullTranslations()
    _language = code
    return code


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate MESSAGE into the language in force (looked up at call time)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark MESSAGE for extraction without translating it now (module-level tables)."""
    return message


def install_qt_translators(app) -> list:
    """Install Qt's own translations (standard dialogs and buttons) for the language in force.

    Returns the translators so the caller keeps them alive for the application's life.
    """
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if _language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return []
    QLocale.setDefault(QLocale(_language))
    installed = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for base in ("qtbase",):
        translator = QTranslator(app)
        if translator.load(f"{base}_{_language}", qt_dir):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation %s_%s not found in %s", base, _language, qt_dir)
    return installed
