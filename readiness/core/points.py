"""How many points a rule can give, and how scores are rounded: one place for both, so
the checks, the scorer and everything that shows a score agree."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def whole(score: float) -> int:
    """A score as everyone sees it: rounded half up to a whole number (49.5 is 50).

    Dimension scores are rounded so, and their band is chosen from the rounded number;
    the overall score is the weighted mean of the rounded dimension scores, rounded the
    same way. The page, the PDF, the CSV and ``flask score`` all show these numbers.
    """
    return math.floor(score + 0.5)


def reachable_points(
    points: Mapping[Any, float], multi: bool, exclusive: str | None, cap: float | None
) -> float:
    """The most points a choice rule's answers can really give.

    One answer: its best option. Several (multiple choice): the positive points added
    up, or the exclusive option's alone when that is more, and never above ``cap``.
    """
    if not multi:
        return max(points.values(), default=0.0)
    together = math.fsum(p for option, p in points.items() if p > 0 and option != exclusive)
    alone = points.get(exclusive, 0.0) if exclusive is not None else 0.0
    best = max(together, alone)
    return min(best, cap) if cap is not None else best
