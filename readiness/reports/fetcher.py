"""The only way WeasyPrint may read anything: regular files under ``static/``.

WeasyPrint's stock fetcher opens file:, http(s):, ftp: and data: URLs and follows
redirects (docs/security.md, T5 and T6). This fetcher maps a ``file:`` URL to a
path, resolves symlinks, and serves it only when it is a regular file under
the static folder and below a size cap. Everything else is refused and logged,
and the refusal is remembered so tests can prove nothing was fetched.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

LOGGER = logging.getLogger("readiness.reports.fetcher")
MAX_STATIC_BYTES = 5 * 1024 * 1024


class StaticFileFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Serve regular files below ``static_root``; refuse every other URL."""

    def __init__(self, static_root: Path, max_bytes: int = MAX_STATIC_BYTES) -> None:
        super().__init__(
            timeout=2, allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False
        )
        self.root = static_root.resolve()
        self.max_bytes = max_bytes
        #: URLs refused during this fetcher's life (for logs and tests).
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            LOGGER.warning("refused to fetch %r while rendering a PDF", url[:200])
            raise ValueError(f"refused: only files under static/ are allowed ({url[:80]})")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def _static_path(self, url: str) -> Path | None:
        """The real path a URL names, if it is an allowed static file; else None."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        if path.stat().st_size > self.max_bytes:
            return None
        return path
