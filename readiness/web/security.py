"""Security headers on every response, and no caching of pages with personal data."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:  # a view may set its own (e.g. a stricter policy)
            headers[name] = value
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure and current_app.config.get("READINESS_ENV") == "production":
        # HTTPS as seen through ProxyFix (READINESS_PROXY_HOPS) when behind a proxy.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops:
        # Trust X-Forwarded-For/-Proto/-Host from this many proxies in front of the app only.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask documents this
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
