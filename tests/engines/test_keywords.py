"""ACC-10: keyword density, concentrations, outliers, fit, and the analysis warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from dealplan.engines.keywords import KeywordResult, KeywordRow, analyse, fit_of, latest_date
from dealplan.methodology.thresholds import default_thresholds

T = default_thresholds()
DAY = dt.date(2026, 6, 2)
AS_OF = dt.date(2026, 6, 30)


def row(keyword: str, n: int, location: str | None, department: str | None) -> KeywordRow:
    return KeywordRow(keyword, n, DAY, location, department)


ROWS = [
    # SRE: 50 people in a 1,000-person company
    row("SRE", 40, "London", "Engineering"),
    row("SRE", 6, "Berlin", "Engineering"),
    row("SRE", 4, "London", "IT"),
    # DevOps: 40 people over three departments
    row("DevOps", 30, "London", "Engineering"),
    row("DevOps", 6, "Berlin", "IT"),
    row("DevOps", 4, "Berlin", "Operations"),
    # Kubernetes: 9 people, no location or department given
    row("Kubernetes", 9, None, None),
]


def by_keyword(total: int | None = 1000) -> dict[str, KeywordResult]:
    a = analyse(ROWS, account="Globex", total_employees=total, as_of=AS_OF, t=T)
    return {k.keyword: k for k in a.keywords}


def test_density_is_the_keyword_people_over_the_account_employees() -> None:
    k = by_keyword()
    assert [(name, r.employees, r.density) for name, r in k.items()] == [
        ("SRE", 50, 0.05),
        ("DevOps", 40, 0.04),
        ("Kubernetes", 9, 0.009),
    ]


def test_fit_weighs_the_count_and_the_density_and_shows_the_numbers() -> None:
    k = by_keyword()
    assert {name: r.fit for name, r in k.items()} == {
        "SRE": "strong",  # 50 people, 5%: at least 50 and 0.5%
        "DevOps": "moderate",  # 40 people: under 50
        "Kubernetes": "weak",  # 9 people: under 10
    }
    assert k["SRE"].reason.message == (
        "SRE: strong fit: 50 people, 5.00% of 1,000 employees (at least 50 people and 0.50%)"
    )
    assert k["SRE"].reason.evidence["density"] == 0.05


@pytest.mark.parametrize(
    ("people", "total", "fit"),
    [
        (50, 10_000, "strong"),  # 0.50% exactly
        (50, 10_001, "moderate"),  # 0.49995%
        (49, 1_000, "moderate"),
        (10, 10_000, "moderate"),  # 0.10% exactly
        (10, 10_001, "weak"),
        (9, 100, "weak"),
        (120, None, "strong"),  # size unknown: the count alone, and the reason says so
        (0, 5_000, "weak"),
    ],
)
def test_fit_boundaries(people: int, total: int | None, fit: str) -> None:
    got, reason = fit_of("DevOps", people, total, T)
    assert got == fit
    if total is None:
        assert "density unknown" in reason.message


def test_concentrations_give_each_location_and_department_its_share() -> None:
    sre = by_keyword()["SRE"]
    assert [(s.name, s.employees, s.share) for s in sre.locations] == [
        ("London", 44, 0.88),
        ("Berlin", 6, 0.12),
    ]
    kube = by_keyword()["Kubernetes"]
    assert [s.name for s in kube.locations] == ["(unspecified)"]


def test_a_department_holding_twice_the_average_share_is_an_outlier() -> None:
    devops = by_keyword()["DevOps"]
    # Three departments: average share 1/3; Engineering holds 30/40 = 75% >= 2 x 33%.
    flagged = [(s.name, s.outlier) for s in devops.departments]
    assert flagged == [("Engineering", True), ("IT", False), ("Operations", False)]
    [reason] = devops.outliers
    assert reason.evidence == {
        "keyword": "DevOps",
        "department": "Engineering",
        "employees": 30,
        "share": 0.75,
        "average_share": 0.3333,
        "groups": 3,
    }
    # Two groups: a share of 2 x 50% is impossible, so London's 88% of SRE is no outlier.
    assert by_keyword()["SRE"].outliers == ()


def test_analysis_wide_concentrations_count_keyword_matches() -> None:
    a = analyse(ROWS, account="Globex", total_employees=1000, as_of=AS_OF, t=T)
    assert [(s.name, s.employees) for s in a.by_location] == [
        ("London", 74),
        ("Berlin", 16),
        ("(unspecified)", 9),
    ]


def _keywords(n: int) -> list[KeywordRow]:
    return [row(f"kw{i}", 10, "London", "IT") for i in range(n)]


@pytest.mark.parametrize(
    ("n", "warning"),
    [(7, "too_few_keywords"), (8, None), (10, None), (11, "too_many_keywords")],
)
def test_an_analysis_outside_eight_to_ten_keywords_is_warned(n: int, warning: str | None) -> None:
    a = analyse(_keywords(n), account="Globex", total_employees=1000, as_of=AS_OF, t=T)
    assert [w.code for w in a.warnings] == ([warning] if warning else [])


@pytest.mark.parametrize(("age", "stale"), [(92, False), (93, True)])
def test_an_analysis_older_than_a_quarter_is_stale(age: int, stale: bool) -> None:
    as_of = DAY + dt.timedelta(days=age)
    a = analyse(_keywords(9), account="Globex", total_employees=1000, as_of=as_of, t=T)
    assert a.age_days == age
    assert a.stale is stale
    assert ("analysis_stale" in [w.code for w in a.warnings]) is stale


def test_one_analysis_has_one_collection_date() -> None:
    rows = [*_keywords(8), KeywordRow("late", 3, DAY + dt.timedelta(days=1))]
    with pytest.raises(ValueError, match="one collection date"):
        analyse(rows, account="Globex", total_employees=1000, as_of=AS_OF, t=T)
    assert latest_date(rows, DAY) == DAY
    assert latest_date(rows, AS_OF) == DAY + dt.timedelta(days=1)
    assert latest_date(rows, DAY - dt.timedelta(days=1)) is None
