"""Reading cells: dates, money, probabilities and enum spellings (no database needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from dealplan.io import parse, profiles
from dealplan.io.vocab import ENUMS


def _run(parsed: parse.Parsed, cells: list[str | None]) -> list[tuple[Any, str | None]]:
    frame = pl.DataFrame({"raw": cells}, schema={"raw": pl.String})
    out = frame.select(parsed.value.alias("v"), parsed.problem.alias("p"))
    if parsed.fast is not None:  # the fast path must agree wherever it answers
        fast = frame.select(parsed.fast.alias("f")).get_column("f").to_list()
        for quick, full in zip(fast, out.get_column("v").to_list(), strict=True):
            assert quick is None or quick == full
    return list(out.iter_rows())


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2017-03-01", dt.date(2017, 3, 1)),
        ("2017-3-1", dt.date(2017, 3, 1)),
        ("03/01/2017", dt.date(2017, 3, 1)),
        ("3/1/2017", dt.date(2017, 3, 1)),
        ("01.03.2017", dt.date(2017, 3, 1)),
        ("1.3.2017", dt.date(2017, 3, 1)),
        ("2023-10-28 20:45:25", dt.date(2023, 10, 28)),
        ("2023-10-28T20:45:25.000+0000", dt.date(2023, 10, 28)),
        ("2016-02-29", dt.date(2016, 2, 29)),
    ],
)
def test_dates_read_in_iso_us_and_eu_forms(cell: str, day: dt.date) -> None:
    assert _run(parse.date(pl.col("raw")), [cell]) == [(day, None)]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("2017-02-30", 'impossible date: "2017-02-30" (no such day)'),
        ("2017-02-29", 'impossible date: "2017-02-29" (no such day)'),
        ("13/01/2017", 'impossible date: "13/01/2017" (no such day)'),
        ("31.04.2017", 'impossible date: "31.04.2017" (no such day)'),
        ("next tuesday", 'not a date: "next tuesday"'),
        ("2017-03-01 25:00", 'impossible time of day: "2017-03-01 25:00"'),
        ("0017-03-01", 'impossible date: "0017-03-01" (no such day)'),
    ],
)
def test_impossible_and_unreadable_dates_say_why(cell: str, problem: str) -> None:
    [(value, message)] = _run(parse.date(pl.col("raw")), [cell])
    assert value is None
    assert message is not None
    assert message.startswith(problem)


@pytest.mark.parametrize(
    ("cell", "moment"),
    [
        ("2023-10-28 20:45:25", dt.datetime(2023, 10, 28, 20, 45, 25)),
        ("2023-10-28T20:45:25.000+0100", dt.datetime(2023, 10, 28, 19, 45, 25)),
        ("2023-10-28T20:45:25Z", dt.datetime(2023, 10, 28, 20, 45, 25)),
        ("3/1/2017 2:30 PM", dt.datetime(2017, 3, 1, 14, 30)),
        ("3/1/2017 12:05 AM", dt.datetime(2017, 3, 1, 0, 5)),
        ("01.03.2017 09:15", dt.datetime(2017, 3, 1, 9, 15)),
        ("2017-03-01", dt.datetime(2017, 3, 1)),
    ],
)
def test_timestamps_keep_their_time_of_day_in_utc(cell: str, moment: dt.datetime) -> None:
    assert _run(parse.moment(pl.col("raw")), [cell]) == [(moment, None)]


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("$1,200.50", 1200.5),
        ("1200", 1200.0),
        ("€ 1.5", 1.5),
        ("USD 300", 300.0),
        ("300 EUR", 300.0),
        ("1,000,000", 1_000_000.0),
        ("£75", 75.0),
        ("0", 0.0),
        ("1.2e3", 1200.0),
        (None, None),
    ],
)
def test_money_strings_read_as_amounts(cell: str | None, amount: float | None) -> None:
    assert _run(parse.money(pl.col("raw")), [cell]) == [(amount, None)]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("-250", 'negative amount: "-250"'),
        ("(250)", 'negative amount: "(250)"'),
        ("-$5", 'negative amount: "-$5"'),
        ("lots", 'not an amount: "lots"'),
        ("1,2,3", 'not an amount: "1,2,3"'),
        ("nan", 'not an amount: "nan"'),
    ],
)
def test_negative_and_unreadable_amounts_are_problems(cell: str, problem: str) -> None:
    [(_, message)] = _run(parse.money(pl.col("raw")), [cell])
    assert message is not None
    assert message.startswith(problem)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("25%", 0.25), ("25", 0.25), ("0.25", 0.25), ("100", 1.0), ("1", 1.0), ("0", 0.0)],
)
def test_probabilities_read_as_fractions_or_percentages(cell: str, value: float) -> None:
    assert _run(parse.probability(pl.col("raw")), [cell]) == [(value, None)]


@pytest.mark.parametrize(
    ("kind", "cell", "value"),
    [
        ("role", "Economic Buyer", "economic_buyer"),
        ("role", "EB", "economic_buyer"),
        ("role", "technical-buyer", "technical_buyer"),
        ("forecast_category", "Best Case", "best_case"),
        ("forecast_category", "Not forecasted", "omitted"),
        ("outcome", "Closed Won", "won"),
        ("outcome", "Loss", "lost"),
        ("activity_type", "Phone call", "call"),
        ("engagement", "Warm", "warm"),
    ],
)
def test_enum_spellings_map_onto_the_stored_values(kind: str, cell: str, value: str) -> None:
    vocab, what, shown = ENUMS[kind]
    parsed = parse.choice(pl.col("raw"), allowed=vocab, what=what, shown=shown)
    assert _run(parsed, [cell]) == [(value, None)]


@pytest.mark.parametrize(
    ("header", "profile", "kind"),
    [
        (
            ["opportunity_id", "sales_agent", "deal_stage", "close_value"],
            "generic",
            "opportunities",
        ),
        (["Id", "Name", "StageName", "Amount", "CloseDate"], "salesforce", "opportunities"),
        (["Id", "OpportunityId", "CreatedDate", "StageName", "Amount"], "salesforce", "history"),
        (["Id", "Name", "BillingCity", "NumberOfEmployees"], "salesforce", "accounts"),
        (["Record ID", "Deal Name", "Deal Stage", "Amount"], "hubspot", "opportunities"),
    ],
)
def test_the_profile_and_kind_are_recognised_from_the_header(
    header: list[str], profile: str, kind: str
) -> None:
    assert profiles.detect_profile(header) == profile
    assert profiles.detect_kind(header) == kind


def test_headers_match_ignoring_case_spaces_and_underscores() -> None:
    found = profiles.match(
        ["Deal ID", "DEAL_STAGE", "Expected Close", "ACV"], "opportunities", "generic"
    )
    assert found == {"external_id": 0, "stage": 1, "close_date": 2, "amount": 3}
