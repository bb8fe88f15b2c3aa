"""The catalogue as a programme officer reviews it: entries per country and kind, where the
facts come from, and the gaps (a country without a loan, a training or a network; entries
without an official page, without steps to apply, or past their review date).

Plain Python: the ``flask catalogue`` command prints it; it needs no app.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from readiness.core.plan.model import ANY, Catalogue, Resource

#: What an intern needs in every country, as groups of catalogue kinds.
GROUPS: dict[str, tuple[str, ...]] = {
    "money": ("loan", "grant"),
    "training": ("training", "seminar", "mentoring", "test"),
    "network": ("network", "association"),
    "information": ("information",),
}
#: The groups every country should have at least one entry of.
NEEDED = ("money", "training", "network")


def group_of(kind: str) -> str:
    return next(name for name, kinds in GROUPS.items() if kind in kinds)


def source_site(reference: str) -> str:
    """The web site a source is on ("owwa.gov.ph"), or the reference itself if not a link."""
    host = urlsplit(reference).hostname if reference.startswith(("http://", "https://")) else None
    if not host:
        return reference
    with suppress(UnicodeError):  # internationalised names as people read them, not punycode
        host = host.encode("ascii").decode("idna")
    return host.removeprefix("www.")


@dataclass
class CountryRow:
    """One country's entries (``any`` is the row of programmes open to every country)."""

    country: str
    label: str
    by_group: Counter[str] = field(default_factory=Counter)
    #: Entries per group that a TITP/SSW returnee may use (returnee: yes or uncertain).
    open_by_group: Counter[str] = field(default_factory=Counter)
    official: int = 0
    sites: Counter[str] = field(default_factory=Counter)
    entries: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def missing(self) -> list[str]:
        if self.country == ANY:
            return []
        return [group for group in NEEDED if not self.by_group[group]]

    @property
    def closed(self) -> list[str]:
        """Groups the country has entries of, none of which a returnee can use."""
        if self.country == ANY:
            return []
        return [g for g in NEEDED if self.by_group[g] and not self.open_by_group[g]]

    @property
    def gaps(self) -> str:
        found = [f"no {group}" for group in self.missing]
        found += [f"{group} closed to returnees" for group in self.closed]
        return ", ".join(found) or "-"


@dataclass
class CatalogueReport:
    rows: list[CountryRow]
    #: Entries with something a reader misses, by id: what it is.
    problems: dict[str, list[str]]
    total: int

    def lines(self) -> list[str]:
        """The report as text, widths fitted to the content."""
        header = ["country", "entries", *GROUPS, "official", "gaps", "sources (sites)"]
        body = [
            [
                f"{row.label} ({row.country})",
                str(row.total),
                *(str(row.by_group[group]) for group in GROUPS),
                f"{row.official}/{row.total}",
                row.gaps,
                ", ".join(site for site, _ in row.sites.most_common(4))
                + (f" +{len(row.sites) - 4}" if len(row.sites) > 4 else ""),
            ]
            for row in self.rows
        ]
        widths = [max(len(line[k]) for line in [header, *body]) for k in range(len(header) - 1)]
        out = [
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
            + "  "
            + line[-1]
            for line in [header, *body]
        ]
        countries = [row for row in self.rows if row.country != ANY]
        gaps = sum(1 for row in countries if row.missing or row.closed)
        out.append(
            f"{self.total} entries; {len(countries)} countries, {gaps} with a gap "
            f"(each needs: {', '.join(NEEDED)})"
        )
        for entry, what in sorted(self.problems.items()):
            out.append(f"  {entry}: {'; '.join(what)}")
        return out


def _problems(resource: Resource, today: dt.date, stale_after_days: int) -> list[str]:
    found = []
    if not resource.official:
        found.append("no official page among its sources")
    if not resource.how_to_apply:
        found.append("no steps to apply")
    if resource.returnee == "uncertain":
        found.append("returnees' eligibility uncertain")
    review = resource.review_date(stale_after_days)
    if today > review:
        found.append(f"review was due {review.isoformat()}")
    return found


def catalogue_report(
    catalogue: Catalogue,
    countries: dict[str, str],
    today: dt.date,
    stale_after_days: int = 365,
) -> CatalogueReport:
    """Entries per country (``countries``: option id -> label, in the questionnaire's order)
    and kind group, with source sites and the gaps a programme officer should close."""
    rows = {code: CountryRow(code, label) for code, label in countries.items()}
    rows[ANY] = CountryRow(ANY, "every country")
    problems: dict[str, list[str]] = {}
    for resource in catalogue.resources:
        for code in resource.countries:
            row = rows.setdefault(code, CountryRow(code, code))
            row.entries.append(resource.id)
            row.by_group[group_of(resource.kind)] += 1
            row.open_by_group[group_of(resource.kind)] += resource.returnee != "no"
            row.official += resource.official
            row.sites.update({source_site(url) for url in resource.source_urls})
        found = _problems(resource, today, stale_after_days)
        if found:
            problems[resource.id] = found
    return CatalogueReport(list(rows.values()), problems, len(catalogue.resources))
