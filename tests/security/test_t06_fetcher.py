"""Checklist items T5 and T6 of docs/security.md: WeasyPrint reads only regular files
under static/ (section 2)."""

from __future__ import annotations

import os
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import weasyprint

from readiness.reports.fetcher import StaticFileFetcher
from tests.fixtures.pdf import pdf_has_attachments, pdf_text


@pytest.fixture
def static(tmp_path: Path) -> Path:
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "ok.css").write_text("p { color: green }")
    return folder


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    secret = tmp_path / "canary.txt"
    secret.write_text("CANARY-7f3a")
    return secret


def test_t6_serves_a_static_file(static: Path) -> None:
    fetcher = StaticFileFetcher(static)
    response = fetcher.fetch((static / "ok.css").as_uri())
    assert response.read() == b"p { color: green }"
    assert response.content_type == "text/css"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "make_url",
    [
        lambda static, canary: canary.as_uri(),
        lambda static, canary: static.as_uri() + "/../canary.txt",
        lambda static, canary: static.as_uri() + "/%2e%2e/canary.txt",
        lambda static, canary: "file:///etc/passwd",
        lambda static, canary: "file://evil.example/etc/passwd",
        lambda static, canary: "data:text/css,p{color:red}",
        lambda static, canary: "ftp://127.0.0.1/x",
        lambda static, canary: "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_t6_refuses_everything_else(static: Path, canary: Path, make_url) -> None:
    fetcher = StaticFileFetcher(static)
    url = make_url(static, canary)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_t6_refuses_loopback_http_and_sends_nothing(
    static: Path,
    counting_server: ThreadingHTTPServer,
) -> None:
    fetcher = StaticFileFetcher(static)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(f"http://127.0.0.1:{counting_server.server_port}/a.css")
    assert counting_server.hits == []  # type: ignore[attr-defined]


def test_t6_refuses_a_symlink_out_of_static(static: Path, canary: Path) -> None:
    (static / "link.txt").symlink_to(canary)
    fetcher = StaticFileFetcher(static)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch((static / "link.txt").as_uri())


def test_t6_refuses_fifos_and_oversized_files(static: Path) -> None:
    """A FIFO would hang a reader; a huge file would fill memory."""
    os.mkfifo(static / "pipe")
    (static / "big.css").write_bytes(b"x" * 2048)
    fetcher = StaticFileFetcher(static, max_bytes=1024)
    for name in ("pipe", "big.css"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch((static / name).as_uri())


def test_t6_weasyprint_with_this_fetcher_fetches_nothing_outside(
    static: Path,
    canary: Path,
    counting_server: ThreadingHTTPServer,
) -> None:
    """Raw HTML that tries every trick (T5): no hit, no canary text, no attachment."""
    port = counting_server.server_port
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">
      <style>@import url(http://127.0.0.1:{port}/b.css);
             body {{ background: url(http://127.0.0.1:{port}/c.png) }}</style></head><body>
      <p>visible</p><img src="{canary.as_uri()}"><img src="http://127.0.0.1:{port}/d.png">
      <object data="{canary.as_uri()}"></object><embed src="{canary.as_uri()}">
      <a rel="attachment" href="{canary.as_uri()}">x</a>
      <svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:{port}/e.png"/></svg>
      <link rel="attachment" href="{canary.as_uri()}"></body></html>"""
    fetcher = StaticFileFetcher(static)
    pdf = weasyprint.HTML(
        string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf()
    assert counting_server.hits == []  # type: ignore[attr-defined]
    assert b"CANARY-7f3a" not in pdf
    assert "CANARY" not in pdf_text(pdf)
    assert not pdf_has_attachments(pdf)
    assert len(fetcher.refused) >= 6
    assert all("127.0.0.1" in url or url.startswith("file:") for url in fetcher.refused)


def test_t6_weasyprint_is_70_or_later() -> None:
    """Earlier versions let redirects and stylesheets bypass a custom fetcher (advisories)."""
    major = int(weasyprint.__version__.split(".")[0])
    assert major >= 70
