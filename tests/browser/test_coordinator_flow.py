"""A coordinator at 1280 x 800: sign in, filter the dashboard, one plan PDF, a bulk ZIP."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import LiveServer, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_coordinator_filters_downloads_one_pdf_and_a_bulk_zip(
    desktop: Page, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server, "coord-sakura")
    expect(desktop).to_have_url(re.compile(r"/coordinator/$"))
    expect(desktop.locator("html")).to_have_attribute("lang", "ja")
    screenshot(desktop, "dashboard-1280")
    everyone = desktop.locator("table.interns tbody tr").count()

    desktop.select_option("select[name=country]", "vn")
    desktop.click("form.filters button[type=submit]")
    expect(desktop).to_have_url(re.compile(r"country=vn"))
    rows = desktop.locator("table.interns tbody tr")
    assert 0 < rows.count() < everyone
    screenshot(desktop, "dashboard-filtered-1280")

    with_results = desktop.locator("table.interns tbody tr:has(.badge)").count()
    assert with_results > 0
    scored = desktop.locator("table.interns tbody tr:has(.badge) a").first
    scored.click()
    expect(desktop).to_have_url(re.compile(r"/coordinator/interns/\d+$"))
    screenshot(desktop, "coordinator-intern-1280")
    with desktop.expect_download() as download_info:
        desktop.click("a[href$='/plan.pdf'] >> nth=0")
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    desktop.go_back()
    desktop.click("#reports-form button[type=submit]")
    expect(desktop).to_have_url(re.compile(r"/coordinator/reports/\d+$"))
    link = desktop.locator("a[href$='/download']")
    expect(link).to_be_visible(timeout=120_000)  # the page reloads itself until done
    screenshot(desktop, "bulk-report-1280")
    with desktop.expect_download() as download_info:
        link.click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
        assert len(pdfs) == with_results  # one plan per intern the filter shows with a result
        assert all(archive.read(name).startswith(b"%PDF-") for name in pdfs)
