"""Dashboard benchmark: a coordinator's filtered table of 5,000 interns against hello world.

Both measured the same way in one run: Flask's test client, and HTTP on a
Werkzeug server with a keep-alive client. Usage: .venv/bin/python bench/dashboard.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
from pathlib import Path

from run import against_hello_world

from readiness import create_app
from readiness.extensions import db
from readiness.models import INTERN, LatestScore, User
from readiness.services.accounts import create_user
from readiness.services.organisations import create_organisation

INTERNS = 5000
COUNTRIES = ["vn", "id", "ph", "np", "mm", "kh"]
FIELDS = ["construction", "food_manufacturing", "nursing_care", "agriculture"]
BANDS = [(20, "not_yet"), (55, "developing"), (80, "ready")]
DIMENSIONS = ["skills", "language", "financing", "business_idea", "network"]


def populate(organisation_id: int) -> None:
    """5,000 interns with profiles and latest scores, inserted in bulk (not through the web)."""
    rng = random.Random(5000)  # noqa: S311 - benchmark data
    today = dt.date.today()
    users = [
        {
            "username": f"bench-{n:05d}",
            "password_hash": "!",
            "role": INTERN,
            "organisation_id": organisation_id,
            "display_name": f"Intern {n:05d}",
            "home_country": rng.choice(COUNTRIES),
            "field": rng.choice(FIELDS),
            "programme": rng.choice(["titp2", "ssw1"]),
            "session_nonce": f"n{n}",
            "planned_return": today + dt.timedelta(days=rng.randint(10, 900)),
            "assessment_status": "submitted",
            "latest_overall": rng.uniform(10, 95),
        }
        for n in range(INTERNS)
    ]
    db.session.execute(User.__table__.insert(), users)
    ids = db.session.scalars(db.select(User.id).where(User.organisation_id == organisation_id))
    scores = []
    for user_id in ids:
        for dimension in DIMENSIONS:
            score, band = rng.choice(BANDS)
            scores.append(
                {
                    "user_id": user_id,
                    "organisation_id": organisation_id,
                    "dimension": dimension,
                    "score": score,
                    "band": band,
                    "change": None,
                }
            )
    db.session.execute(LatestScore.__table__.insert(), scores)
    db.session.commit()


def _organisation_with_coordinator() -> int:
    """The bench organisation and its coordinator (bench-coordinator / bench-password)."""
    organisation = create_organisation("Bench")
    create_user(
        "bench-coordinator", "bench-password", role="coordinator", organisation_id=organisation.id
    )
    db.session.commit()
    return organisation.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    seconds = parser.parse_args().seconds
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'b.db'}",
                "SECRET_KEY": "bench-" + "x" * 32,
                # These measure pages, not signing in: no second factor (tests/security has it).
                "TOTP_REQUIRED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            populate(_organisation_with_coordinator())
        client = app.test_client()
        client.post(
            "/auth/signin", data={"username": "bench-coordinator", "password": "bench-password"}
        )
        url = (
            "/coordinator/?country=vn&dimension=financing&band=not_yet&returning_within=12"
            "&sort=financing&order=desc&page=2"
        )
        assert client.get(url).status_code == 200
        hello_rate, page_rate, hello_http_rate, page_http_rate = against_hello_world(
            app, client, url, seconds
        )
        with app.app_context():
            db.engine.dispose()
    print(f"dashboard of {INTERNS:,} interns, filtered (country, band, return) and sorted:")
    print(
        f"  test client: hello {hello_rate:8,.0f}/s  dashboard {page_rate:6,.0f}/s "
        f"-> {hello_rate / page_rate:.1f}x hello-world time"
    )
    print(
        f"  HTTP:        hello {hello_http_rate:8,.0f}/s  dashboard {page_http_rate:6,.0f}/s "
        f"-> {hello_http_rate / page_http_rate:.1f}x hello-world time (aim: <= 10x)"
    )


if __name__ == "__main__":
    main()
