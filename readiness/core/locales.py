"""The languages readiness speaks, and how far each one is.

A *complete* locale must have every text: `flask check` fails when a questionnaire,
rules, plan or catalogue text, or a UI message, has no translation in it. Other locales
are offered to users and fall back to English, then Japanese, where text is missing.
*Reviewed* records whether a native speaker has checked the text (docs/translations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations


@dataclass(frozen=True)
class LocaleInfo:
    code: str
    #: The language's name in that language, for the language menu.
    name: str
    complete: bool
    reviewed: bool


#: In menu order. English is the source language of every text.
LOCALES: dict[str, LocaleInfo] = {
    info.code: info
    for info in (
        LocaleInfo("ja", "日本語", complete=True, reviewed=False),
        LocaleInfo("en", "English", complete=True, reviewed=True),
        LocaleInfo("vi", "Tiếng Việt", complete=True, reviewed=False),
        LocaleInfo("id", "Bahasa Indonesia", complete=True, reviewed=False),
    )
}
COMPLETE_LOCALES: tuple[str, ...] = tuple(code for code, info in LOCALES.items() if info.complete)

#: The UI's gettext catalogues, one folder per locale (messages.po and the compiled .mo).
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a message for extraction (``make translations``); it is translated where shown."""
    return message


@lru_cache(maxsize=32)
def translations(locale: str) -> NullTranslations:
    """The UI catalogue of ``locale``, read with Babel (no Flask); English needs none."""
    return Translations.load(str(TRANSLATIONS), [locale])
