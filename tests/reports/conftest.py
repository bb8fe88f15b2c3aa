"""Helpers to read PDFs the way a person would: text, fonts, and a picture of page one."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    """The base font names embedded in the PDF (subset prefixes removed)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def pdf_has_attachments(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    return bool(reader.attachments)


def save_first_page_png(pdf: bytes, name: str) -> Path:
    """Write page one as PNG under test-artifacts/ so a person can look at it."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm missing: scripts/check-system.sh installs it (poppler-utils)"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / f"{name}.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(ARTIFACTS / name),
        ],
        check=True,
        timeout=60,
    )
    return ARTIFACTS / f"{name}.png"


class _CountingHandler(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *_args: object) -> None:
        """Quiet: the test reads the hit list instead."""


@pytest.fixture
def counting_server() -> Iterator[ThreadingHTTPServer]:
    """A loopback HTTP server that records every request it gets (it should get none)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


FONT_STYLES = {"Bold", "Italic", "Light", "Medium", "Regular", "Oblique", "SemiBold", "Black"}


def embedded_font_files(pdf: bytes) -> dict[str, tuple[str, int]]:
    """The system font file (path, index in a collection) of each font embedded in the PDF.

    WeasyPrint names an embedded font after its family and style with dashes
    ("Noto-Sans-Myanmar", "Noto-Sans-Bold"); fontconfig finds the full font that the
    subset was cut from.
    """
    fc_match = shutil.which("fc-match")
    assert fc_match, "fc-match missing: scripts/check-system.sh installs fontconfig"
    files = {}
    for name in pdf_fonts(pdf):
        words = name.split("-")
        styles = [w for w in words if w in FONT_STYLES]
        family = " ".join(w for w in words if w not in FONT_STYLES)
        pattern = f"{family}:style={' '.join(styles)}" if styles else family
        found = subprocess.run(
            [fc_match, "-f", "%{family}|%{file}|%{index}", pattern],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        families, path, index = found.split("|")
        assert family in families.split(","), f"fontconfig has no font '{family}' ({families})"
        files[name] = (path, int(index))
    return files


def uncovered_characters(pdf: bytes, text: str) -> set[str]:
    """Characters of ``text`` that none of the PDF's embedded fonts has (missing-glyph boxes).

    The full fonts' character maps are read, not the embedded subsets: shaping complex
    scripts (Burmese, Khmer, Devanagari) keeps glyphs whose characters a subset cannot map.
    """
    covered: set[int] = set()
    for path, index in embedded_font_files(pdf).values():
        font = TTFont(path, fontNumber=index, lazy=True)
        covered |= set(font.getBestCmap())
        font.close()
    ignorable = {0x200B, 0x200C, 0x200D, 0xFEFF}  # zero-width joiners and spaces
    return {c for c in text if not c.isspace() and ord(c) not in covered | ignorable}
