"""Keyword counts (ACC-10): importing them from a file, and reading an account's analysis.

The file is CSV (or a JSON array of objects) with one row per keyword, location and
department: `company, keyword, location, department, employees, collected_on`. Every row is
checked before anything is written; a bad file is refused whole with `file:line:column:
reason` for each problem. Importing replaces the account's earlier analysis of the same
collection date, so re-importing a corrected file is safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.account.models import Account, KeywordCount
from dealplan.config import Settings
from dealplan.engines.keywords import KeywordAnalysis, KeywordRow, analyse, latest_date
from dealplan.errors import NotFoundError
from dealplan.history.service import recording
from dealplan.io import parse
from dealplan.io.problems import Problem, clip, fail, fail_one
from dealplan.io.source import Source, read
from dealplan.methodology.thresholds import Thresholds

# Column -> the header names accepted for it (compared without case, spaces or underscores).
COLUMNS: dict[str, tuple[str, ...]] = {
    "company": ("company", "account", "company_name"),
    "keyword": ("keyword", "search_term", "term"),
    "location": ("location", "city", "region"),
    "department": ("department", "function", "team"),
    "employees": ("employees", "count", "results", "people"),
    "collected_on": ("collected_on", "collected", "date", "collected_at"),
}
REQUIRED = ("keyword", "employees", "collected_on")
MAX_TEXT = 200
MAX_EMPLOYEES = 10_000_000


@dataclass(frozen=True)
class KeywordImport:
    """What an import stored: rows per collection date, and rows of those dates replaced."""

    account: str
    path: str
    rows: int
    dates: list[dt.date]
    replaced: int
    keywords: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "file": self.path,
            "rows": self.rows,
            "collected_on": self.dates,
            "replaced_rows": self.replaced,
            "keywords": self.keywords,
        }


def find_account(*, session: Session, name: str) -> Account:
    """The account named `name` (exactly, else ignoring case); NotFoundError otherwise."""
    acc = session.scalar(select(Account).where(Account.name == name))
    if acc is None:
        acc = session.scalar(select(Account).where(func.lower(Account.name) == name.lower()))
    if acc is None:
        raise NotFoundError(f"no account named {name!r} (`dealplan accounts` lists them)")
    return acc


def _key(name: str) -> str:
    return name.casefold().replace(" ", "_").replace("-", "_")


def _match(columns: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, header in enumerate(columns):
        for name, names in COLUMNS.items():
            if _key(header) in names and name not in found:
                found[name] = i
    return found


def read_counts(
    path: Path, *, account: Account, as_of: dt.date, settings: Settings | None = None
) -> list[KeywordRow]:
    """The rows of the keyword file at `path` for `account`; InputError lists every problem.

    Problems: a required column missing, an empty keyword, a count that is not a whole number
    of 0 or more, an unreadable date or one after `as_of`, a company that is neither the
    account nor one of its subsidiaries, text over 200 characters, the same keyword, location
    and department twice for one date.
    """
    label = str(path)
    src = read(path, label, max_mb=(settings or Settings()).max_import_mb)
    if src.document is not None:
        raise fail_one(label, 1, 1, "this is a workspace document, not keyword counts")
    found = _match(src.columns)
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise fail_one(
            label,
            1,
            1,
            f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}; a keyword "
            "file has company, keyword, location, department, employees, collected_on. "
            f"The file has: {', '.join(src.columns) or 'no columns'}",
        )

    def col(name: str) -> pl.Expr:
        return pl.col(src.key(found[name])) if name in found else pl.lit(None, pl.String)

    typed = {
        "keyword": parse.text(col("keyword"), max_length=MAX_TEXT),
        "location": parse.text(col("location"), max_length=MAX_TEXT),
        "department": parse.text(col("department"), max_length=MAX_TEXT),
        "company": parse.text(col("company"), max_length=300),
        "employees": parse.integer(col("employees"), minimum=0, maximum=MAX_EMPLOYEES),
        "collected_on": parse.date(col("collected_on")),
    }
    frame = src.frame.select(
        pl.col("__row"),
        *(p.value.alias(n) for n, p in typed.items()),
        *(p.problem.alias(f"{n}!") for n, p in typed.items()),
    )
    problems: list[Problem] = []

    def at(row: int, name: str, message: str) -> None:
        line, column = src.locate(row, found.get(name))
        problems.append(Problem(line, column, message))

    for rec in frame.iter_rows(named=True):
        row = int(rec["__row"])
        for name in typed:
            if rec[f"{name}!"] is not None:
                at(row, name, f"{name}: {rec[f'{name}!']}")
        for name in REQUIRED:
            if rec[name] is None and rec[f"{name}!"] is None:
                at(row, name, f"{name} is empty")
    rows = _rows(frame, src, account, as_of, at)
    if problems:
        raise fail(label, problems)
    return rows


def _rows(
    frame: pl.DataFrame,
    src: Source,
    account: Account,
    as_of: dt.date,
    at: Any,
) -> list[KeywordRow]:
    companies = {account.name.casefold()} | {s.casefold() for s in account.subsidiaries or []}
    seen: dict[tuple[Any, ...], int] = {}
    out: list[KeywordRow] = []
    for rec in frame.iter_rows(named=True):
        row = int(rec["__row"])
        company = rec["company"]
        if company is not None and company.casefold() not in companies:
            at(
                row,
                "company",
                f'company "{clip(company)}" is not the account "{clip(account.name)}" '
                "or one of its subsidiaries",
            )
        day = rec["collected_on"]
        if day is not None and day > as_of:
            at(row, "collected_on", f"collected on {day.isoformat()}, after {as_of.isoformat()}")
        if rec["keyword"] is None or rec["employees"] is None or day is None:
            continue
        key = (
            rec["keyword"].casefold(),
            (rec["location"] or "").casefold(),
            (rec["department"] or "").casefold(),
            day,
        )
        if key in seen:
            first_line, _ = src.locate(seen[key], None)
            at(
                row,
                "keyword",
                f'"{clip(rec["keyword"])}" in {rec["location"] or "no location"} / '
                f"{rec['department'] or 'no department'} on {day.isoformat()} is already on "
                f"line {first_line}",
            )
            continue
        seen[key] = row
        out.append(
            KeywordRow(
                keyword=rec["keyword"],
                employees=int(rec["employees"]),
                collected_on=day,
                location=rec["location"],
                department=rec["department"],
            )
        )
    return out


def import_counts(
    *,
    session: Session,
    path: Path,
    account: Account,
    as_of: dt.date,
    actor: str,
    at: dt.datetime,
    settings: Settings | None = None,
) -> KeywordImport:
    """Check the file, then replace the account's counts of each date in it (in history as
    `actor` at `at`). Raises InputError, writing nothing, when any row is bad. Flushes; the
    caller commits."""
    rows = read_counts(path, account=account, as_of=as_of, settings=settings)
    dates = sorted({r.collected_on for r in rows})
    old = list(
        session.scalars(
            select(KeywordCount).where(
                KeywordCount.account_id == account.id, KeywordCount.collected_on.in_(dates)
            )
        )
    )
    with recording(session, actor=actor, at=at):
        for k in old:
            session.delete(k)
        session.flush()
        session.add_all(
            KeywordCount(
                account_id=account.id,
                keyword=r.keyword,
                location=r.location,
                department=r.department,
                employees=r.employees,
                collected_on=r.collected_on,
            )
            for r in rows
        )
        session.flush()
    return KeywordImport(
        account.name,
        str(path),
        len(rows),
        dates,
        len(old),
        list(dict.fromkeys(r.keyword for r in rows)),
    )


def stored_rows(*, session: Session, account_id: int) -> list[KeywordRow]:
    """Every keyword count stored for the account, all dates."""
    return [
        KeywordRow(k.keyword, k.employees, k.collected_on, k.location, k.department)
        for k in session.scalars(
            select(KeywordCount)
            .where(KeywordCount.account_id == account_id)
            .order_by(KeywordCount.collected_on, KeywordCount.id)
        )
    ]


def analysis(
    *,
    session: Session,
    account: Account,
    as_of: dt.date,
    t: Thresholds,
    collected_on: dt.date | None = None,
) -> KeywordAnalysis | None:
    """The account's analysis of `collected_on` (default: the newest on or before `as_of`);
    None when there is none."""
    rows = stored_rows(session=session, account_id=account.id)
    day = collected_on or latest_date(rows, as_of)
    chosen: Sequence[KeywordRow] = [r for r in rows if r.collected_on == day]
    if day is None or not chosen:
        return None
    return analyse(
        chosen, account=account.name, total_employees=account.employees, as_of=as_of, t=t
    )
