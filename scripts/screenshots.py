"""Screenshot the main pages at phone (360 px) and desktop (1280 px) width with Debian's chromium.

Usage: start the app with demo data (``make run``), then
    .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]
Needs the ``playwright`` Python package; the browser is /usr/bin/chromium (no download).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/auth/signin")
    page.fill("#username", username)
    page.fill("#password", "demo-password")
    page.click("button[type=submit].primary")


def shoot(base: str, out: Path, width: int) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": 740 if width < 500 else 800})
        page.goto(base)
        page.screenshot(path=out / f"index-{width}.png", full_page=True)
        sign_in(page, base, "demo-halfway")
        page.goto(f"{base}/me")
        page.click("a.button:has-text('Continue')")
        page.screenshot(path=out / f"page-{width}.png", full_page=True)
        page.click(".buttons button[value=next]")  # empty page: shows its messages
        page.screenshot(path=out / f"page-errors-{width}.png", full_page=True)
        page.context.clear_cookies()
        sign_in(page, base, "demo-submitted")
        page.goto(f"{base}/me")
        page.click(".results a >> nth=0")
        page.screenshot(path=out / f"result-{width}.png", full_page=True)
        browser.close()


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "test-artifacts/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        shoot(base, out, width)
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
