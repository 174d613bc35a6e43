"""Keyword analysis (ACC-10): how much of an account works on what we sell, and where.

The counts are imported (people at the company whose profile matches a keyword, by location
and department, on the day they were collected); nothing is scraped. Each row is a disjoint
slice: a keyword's count is the sum of its rows. Density compares a keyword's count with the
account's employees (the seed's "compare counts to total employee count"); concentrations
show where the people sit; an outlier is a location or department holding far more than the
keyword's average share; the fit verdict weighs both the count and the density.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds

RULE = "ACC-10"
UNSPECIFIED = "(unspecified)"


@dataclass(frozen=True)
class KeywordRow:
    """People matching `keyword` in one location and department, counted on `collected_on`."""

    keyword: str
    employees: int
    collected_on: dt.date
    location: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class Share:
    """A location's or department's people, and their share of the total it is part of."""

    name: str
    employees: int
    share: float
    outlier: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "employees": self.employees,
            "share": round(self.share, 4),
            "outlier": self.outlier,
        }


@dataclass(frozen=True)
class KeywordResult:
    """One keyword: its count, density, fit verdict (with the numbers), and concentrations."""

    keyword: str
    employees: int
    density: float | None
    fit: str
    reason: Reason
    locations: tuple[Share, ...]
    departments: tuple[Share, ...]
    outliers: tuple[Reason, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "keyword": self.keyword,
            "employees": self.employees,
            "density": None if self.density is None else round(self.density, 6),
            "fit": self.fit,
            "reason": self.reason.as_dict(),
            "locations": [s.as_dict() for s in self.locations],
            "departments": [s.as_dict() for s in self.departments],
            "outliers": [r.as_dict() for r in self.outliers],
        }


@dataclass(frozen=True)
class KeywordAnalysis:
    """An account's keyword analysis of one collection date, as of a day."""

    account: str
    total_employees: int | None
    collected_on: dt.date
    as_of: dt.date
    keywords: tuple[KeywordResult, ...]
    by_location: tuple[Share, ...]
    by_department: tuple[Share, ...]
    warnings: tuple[Reason, ...]

    @property
    def age_days(self) -> int:
        return (self.as_of - self.collected_on).days

    @property
    def stale(self) -> bool:
        return any(w.code == "analysis_stale" for w in self.warnings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "total_employees": self.total_employees,
            "collected_on": self.collected_on,
            "as_of": self.as_of,
            "age_days": self.age_days,
            "stale": self.stale,
            "keywords": [k.as_dict() for k in self.keywords],
            "by_location": [s.as_dict() for s in self.by_location],
            "by_department": [s.as_dict() for s in self.by_department],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def latest_date(rows: Iterable[KeywordRow], as_of: dt.date) -> dt.date | None:
    """The newest collection date on or before `as_of` (None when there is none)."""
    return max((r.collected_on for r in rows if r.collected_on <= as_of), default=None)


def _shares(counts: dict[str, int], total: int) -> list[tuple[str, int, float]]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    return [(name, n, n / total if total else 0.0) for name, n in ordered]


def concentrations(
    counts: dict[str, int], keyword: str, what: str, t: Thresholds
) -> tuple[tuple[Share, ...], tuple[Reason, ...]]:
    """Shares of a keyword's people by `what` (location or department), and the outliers.

    With k groups the average share is 1/k; a named group holding at least
    `keywords.outlier_factor` times that, and at least `keywords.outlier_min_employees`
    people, is an outlier. One group alone is never an outlier.
    """
    total = sum(counts.values())
    factor = float(t.get("keywords.outlier_factor"))
    minimum = int(t.get("keywords.outlier_min_employees"))
    k = len(counts)
    average = 1 / k if k else 0.0
    shares: list[Share] = []
    outliers: list[Reason] = []
    for name, n, share in _shares(counts, total):
        flagged = k >= 2 and name != UNSPECIFIED and n >= minimum and share >= factor * average
        shares.append(Share(name, n, share, flagged))
        if flagged:
            outliers.append(
                Reason(
                    RULE,
                    f"{what}_outlier",
                    Level.GREEN,
                    f"{keyword}: {name} holds {share:.0%} of the {total:,} people "
                    f"({n:,}), {share / average:.1f}x the average share of {average:.0%} "
                    f"across {k} {what}s",
                    {
                        "keyword": keyword,
                        what: name,
                        "employees": n,
                        "share": round(share, 4),
                        "average_share": round(average, 4),
                        "groups": k,
                    },
                    f"target {name}: that is where the {keyword} people are",
                )
            )
    return tuple(shares), tuple(outliers)


def fit_of(keyword: str, employees: int, total: int | None, t: Thresholds) -> tuple[str, Reason]:
    """Strong, moderate or weak fit from the count and the density, with the numbers."""
    strong_n = int(t.get("keywords.strong_min_employees"))
    strong_d = float(t.get("keywords.strong_min_density"))
    mod_n = int(t.get("keywords.moderate_min_employees"))
    mod_d = float(t.get("keywords.moderate_min_density"))
    density = employees / total if total else None
    # Without the account's size only the count can be judged; the reason says so.
    d = density if density is not None else 1.0
    if employees >= strong_n and d >= strong_d:
        fit, level = "strong", Level.GREEN
        rule = f"at least {strong_n} people and {strong_d:.2%}"
    elif employees >= mod_n and d >= mod_d:
        fit, level = "moderate", Level.YELLOW
        rule = (
            f"at least {mod_n} people and {mod_d:.2%}; strong needs {strong_n} and {strong_d:.2%}"
        )
    else:
        fit, level = "weak", Level.RED
        rule = f"below {mod_n} people or {mod_d:.2%}"
    if density is None:
        numbers = (
            f"{employees:,} people; density unknown (the account's employees are not recorded)"
        )
    else:
        numbers = f"{employees:,} people, {density:.2%} of {total:,} employees"
    message = f"{keyword}: {fit} fit: {numbers} ({rule})"
    evidence = {
        "keyword": keyword,
        "employees": employees,
        "total_employees": total,
        "density": None if density is None else round(density, 6),
    }
    action = {
        "strong": f"lead with the {keyword} value proposition",
        "moderate": f"mention {keyword} where it fits; do not lead with it",
        "weak": f"do not lead with {keyword}: the team is not there yet",
    }[fit]
    return fit, Reason(RULE, f"fit_{fit}", level, message, evidence, action)


def analyse(
    rows: Sequence[KeywordRow],
    *,
    account: str,
    total_employees: int | None,
    as_of: dt.date,
    t: Thresholds,
) -> KeywordAnalysis:
    """The analysis of `rows`, which must all share one collection date (ValueError if not,
    or if there are none). Keywords come strongest first (by density, then count)."""
    dates = {r.collected_on for r in rows}
    if len(dates) != 1:
        raise ValueError(f"one analysis has one collection date; got {len(dates)}")
    collected = dates.pop()
    by_kw: dict[str, list[KeywordRow]] = defaultdict(list)
    for r in rows:
        by_kw[r.keyword].append(r)
    results: list[KeywordResult] = []
    all_loc: dict[str, int] = defaultdict(int)
    all_dep: dict[str, int] = defaultdict(int)
    for keyword, kw_rows in by_kw.items():
        locs: dict[str, int] = defaultdict(int)
        deps: dict[str, int] = defaultdict(int)
        for r in kw_rows:
            locs[r.location or UNSPECIFIED] += r.employees
            deps[r.department or UNSPECIFIED] += r.employees
            all_loc[r.location or UNSPECIFIED] += r.employees
            all_dep[r.department or UNSPECIFIED] += r.employees
        count = sum(r.employees for r in kw_rows)
        fit, reason = fit_of(keyword, count, total_employees, t)
        loc_shares, loc_out = concentrations(dict(locs), keyword, "location", t)
        dep_shares, dep_out = concentrations(dict(deps), keyword, "department", t)
        results.append(
            KeywordResult(
                keyword,
                count,
                count / total_employees if total_employees else None,
                fit,
                reason,
                loc_shares,
                dep_shares,
                loc_out + dep_out,
            )
        )
    results.sort(key=lambda k: (-(k.density or 0), -k.employees, k.keyword.casefold()))
    matches = sum(all_loc.values())
    return KeywordAnalysis(
        account=account,
        total_employees=total_employees,
        collected_on=collected,
        as_of=as_of,
        keywords=tuple(results),
        by_location=tuple(Share(n, c, s) for n, c, s in _shares(dict(all_loc), matches)),
        by_department=tuple(Share(n, c, s) for n, c, s in _shares(dict(all_dep), matches)),
        warnings=tuple(_warnings(len(results), collected, as_of, t)),
    )


def _warnings(n: int, collected: dt.date, as_of: dt.date, t: Thresholds) -> list[Reason]:
    out: list[Reason] = []
    low, high = int(t.get("keywords.min_keywords")), int(t.get("keywords.max_keywords"))
    if not low <= n <= high:
        few = n < low
        out.append(
            Reason(
                RULE,
                "too_few_keywords" if few else "too_many_keywords",
                Level.YELLOW,
                f"{n} keyword{'s' if n != 1 else ''} in this analysis; {low}-{high} is the norm",
                {"keywords": n, "min": low, "max": high},
                "add category terms, technical roles and workflow keywords"
                if few
                else "keep the 8-10 keywords that tell you the most; drop near-duplicates",
            )
        )
    age = (as_of - collected).days
    stale = int(t.get("keywords.stale_days"))
    if age > stale:
        out.append(
            Reason(
                RULE,
                "analysis_stale",
                Level.YELLOW,
                f"the analysis is {age} days old (collected {collected.isoformat()}), past "
                f"the {stale}-day limit (a quarter): hiring trends change quarterly",
                {"collected_on": collected, "age_days": age, "stale_days": stale},
                "collect the counts again and import them",
            )
        )
    return out
