"""Redirect targets that stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(candidate: str | None, fallback: str) -> str:
    """Accept only a path on this site (``/x``), never ``//host``, ``/\\host`` or a scheme."""
    if not candidate or len(candidate) > 2000:
        return fallback
    if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in candidate):
        return fallback
    return candidate
