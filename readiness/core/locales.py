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

from babel import Locale, UnknownLocaleError
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
        LocaleInfo("ja_easy", "やさしい日本語", complete=True, reviewed=False),
        LocaleInfo("en", "English", complete=True, reviewed=True),
        LocaleInfo("vi", "Tiếng Việt", complete=True, reviewed=False),
        LocaleInfo("id", "Bahasa Indonesia", complete=True, reviewed=False),
        LocaleInfo("fil", "Filipino", complete=True, reviewed=False),
        LocaleInfo("my", "မြန်မာ", complete=True, reviewed=False),
        LocaleInfo("ne", "नेपाली", complete=True, reviewed=False),
        LocaleInfo("km", "ខ្មែរ", complete=True, reviewed=False),
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
    """The UI catalogue of ``locale``, read with Babel (no Flask); English needs none.

    A variant such as easy Japanese (``ja_easy``) falls back to its base language's
    catalogue for messages it does not have.
    """
    found = Translations.load(str(TRANSLATIONS), [locale])
    base = locale.split("_")[0]
    own = any(Path(name).parts[-3] == locale for name in getattr(found, "files", []))
    if base != locale and own and isinstance(found, Translations):
        found.add_fallback(translations(base))
    return found


@lru_cache(maxsize=32)
def babel_code(locale: str) -> str:
    """The locale Babel formats dates and numbers in: itself, or its base language."""
    try:
        return str(Locale.parse(locale))  # "ja_easy" parses as Japanese
    except (UnknownLocaleError, ValueError):
        return locale.split("_")[0]
