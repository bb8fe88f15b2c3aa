"""Which new passwords are too easy to guess (ASVS 6.2.4, NIST SP 800-63B 3.1.1.2).

No composition rules: a long phrase of any characters is fine. Refused are the passwords
guessers try first (``data/common-passwords.txt``, offline), one character repeated, and
passwords that contain the user name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def guessable(password: str, username: str = "") -> bool:
    """Whether ``password`` is among the first guesses for this account."""
    lowered = password.strip().lower()
    name = username.strip().lower()
    return (
        lowered in common_passwords()
        or len(set(lowered)) <= 1
        or (len(name) >= 3 and name in lowered)
    )
