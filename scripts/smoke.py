"""Check a running readiness end to end, as docs/deploy.md's last step.

    .venv/bin/python scripts/smoke.py http://127.0.0.1:8000 COORDINATOR PASSWORD [KEY_OR_CODE]

It asks /readyz, signs in as the coordinator (password, then a code from the TOTP key;
an account not yet enrolled is enrolled with the enrolment code an admin or ``flask
demo`` gave, and its key printed for later runs), opens
the dashboard, starts a bulk report for every intern the dashboard shows, waits
until the PDF workers have built the ZIP, downloads it and checks that every file
in it is a PDF. Cookies are kept by hand, so it also works over plain HTTP on the
server itself, where a browser would refuse production's HTTPS-only cookies. Exits
1 with the reason.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import sys
import time
import urllib.parse
import zipfile
from http.cookies import SimpleCookie

import pyotp


class Visitor:
    """One browser: cookies kept by hand, redirects not followed."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        self.connection = connection_class(parts.netloc, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers), data


def token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1).decode()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"ok: {message}")


def pass_second_factor(visitor: Visitor, secret: str | None) -> None:
    """Type the current TOTP code; an account not yet enrolled is enrolled, and its key shown."""
    _, _, page = visitor.request("GET", "/auth/code")
    if b'name="enrolment_code"' in page:
        if secret is None:
            raise SystemExit("FAILED: not enrolled yet: pass the enrolment code (4th argument)")
        fields = {"csrf_token": token(page), "enrolment_code": secret}
        status, _, _ = visitor.request("POST", "/auth/code", fields)
        check(status == 303, "enrolment code accepted")
        _, _, page = visitor.request("GET", "/auth/code")
    shown = re.search(rb'<span class="secret">([A-Z2-7 ]+)</span>', page)
    if shown:
        secret = shown.group(1).decode().replace(" ", "")
        print(f"enrolled this account's authenticator: keep the key for later runs: {secret}")
    if secret is None:
        raise SystemExit("FAILED: this account has an authenticator: pass its key (4th argument)")
    fields = {"csrf_token": token(page), "code": pyotp.TOTP(secret).now()}
    status, headers, _ = visitor.request("POST", "/auth/code", fields)
    check(status == 303 and "/coordinator" in headers.get("Location", ""), "coordinator signs in")


def main(base: str, username: str, password: str, secret: str | None = None) -> None:
    visitor = Visitor(base)
    status, _, body = visitor.request("GET", "/readyz")
    check(status == 200, f"/readyz answers 200: {body.decode().strip()}")
    _, _, page = visitor.request("GET", "/auth/signin")
    fields = {"csrf_token": token(page), "username": username, "password": password}
    status, headers, _ = visitor.request("POST", "/auth/signin", fields)
    check(status == 303 and "/auth/code" in headers.get("Location", ""), "password accepted")
    pass_second_factor(visitor, secret)
    status, _, dashboard = visitor.request("GET", "/coordinator/")
    interns = len(set(re.findall(rb'href="/coordinator/interns/(\d+)"', dashboard)))
    check(status == 200 and interns > 0, f"the dashboard lists {interns} interns")
    status, headers, _ = visitor.request(
        "POST", "/coordinator/reports", {"csrf_token": token(dashboard)}
    )
    job = headers.get("Location", "")
    check(status == 303 and "/coordinator/reports/" in job, f"bulk report started: {job}")
    job_path = urllib.parse.urlsplit(job).path
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        _, _, html = visitor.request("GET", job_path)
        if f'href="{job_path}/download"'.encode() in html:
            break
        if b'http-equiv="refresh"' not in html:  # neither running nor done: it stopped
            raise SystemExit(f"FAILED: the bulk report stopped (see {job_path})")
        time.sleep(2)
    else:
        raise SystemExit("FAILED: the bulk report did not finish in 5 minutes (are workers up?)")
    status, _, archive = visitor.request("GET", f"{job_path}/download")
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    check(status == 200 and pdfs, f"ZIP downloaded: {len(pdfs)} PDFs, {len(archive):,} bytes")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        check(all(opened.read(n).startswith(b"%PDF") for n in pdfs), "every PDF opens as a PDF")
    print(json.dumps({"interns": interns, "pdfs": len(pdfs)}))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
