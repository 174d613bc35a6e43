"""Column profiles: which file column feeds which field, per kind of record (PIPE-9).

The names are data, in `profiles.toml`. A header matches a name when both are equal ignoring
case and anything but letters and digits ("Deal Stage" = "deal_stage" = "DEALSTAGE"). Where
several names of a field are present, the first listed wins and the others are ignored.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

KINDS = ("opportunities", "accounts", "contacts", "activities", "history")
PROFILES = ("auto", "generic", "salesforce", "hubspot", "maven", "ibm")

Table = Mapping[str, tuple[str, ...]]

# The type of every field, per kind. Types are parsers in dealplan.io.parse (or the stage /
# enum steps of dealplan.io.prepare).
TYPES: dict[str, dict[str, str]] = {
    "opportunities": {
        "external_id": "text",
        "name": "text",
        "stage": "stage",
        "amount": "money",
        "created_date": "moment",
        "close_date": "date",
        "stage_date": "date",
        "outcome": "outcome",
        "is_closed": "boolean",
        "is_won": "boolean",
        "loss_reason": "text",
        "competitor": "text",
        "industry": "text",
        "source": "text",
        "owner": "text",
        "account": "text",
        "account_ref": "text",
        "product": "text",
        "cycle_days": "integer",
        "forecast_category": "forecast_category",
        "next_step": "text",
        "next_step_date": "date",
        "probability": "probability",
        "currency": "currency",
        "type": "text",
        "segment": "text",
        "region": "text",
        "last_activity_date": "date",
        "notes": "text",
        "map_exists": "boolean",
        "eb_engaged": "boolean",
        "terms_agreed": "boolean",
        "paper_process_known": "boolean",
        "timeline_confirmed": "boolean",
        "no_competing_priorities": "boolean",
        "champion_confident": "boolean",
        "explicit_yes": "boolean",
    },
    "accounts": {
        "external_id": "text",
        "name": "text",
        "industry": "text",
        "employees": "integer",
        "revenue": "money",
        "hq": "text",
        "hq_city": "text",
        "hq_state": "text",
        "hq_country": "text",
        "owner": "text",
        "subsidiary_of": "text",
        "tier": "tier",
        "arr": "money",
        "notes": "text",
        "created_at": "moment",
    },
    "contacts": {
        "external_id": "text",
        "account": "text",
        "account_ref": "text",
        "name": "text",
        "first_name": "text",
        "last_name": "text",
        "title": "text",
        "email": "text",
        "phone": "text",
        "location": "text",
        "linkedin": "text",
        "role": "role",
        "influence": "level",
        "support": "level",
        "engagement": "engagement",
        "relationship_depth": "depth",
        "reports_to": "text",
        "notes": "text",
        "domain": "text",
        "professional_win": "text",
        "personal_win": "text",
        "professional_risk": "text",
        "created_at": "moment",
    },
    "activities": {
        "external_id": "text",
        "deal": "text",
        "account": "text",
        "contact": "text",
        "type": "activity_type",
        "occurred_at": "moment",
        "summary": "text",
        "source": "text",
        "actor": "text",
    },
    "history": {
        "deal_ref": "text",
        "at": "moment",
        "stage": "stage",
        "amount": "money",
        "close_date": "date",
        "from_stage": "stage",
        "prev_amount": "money",
        "prev_close_date": "date",
        "actor": "text",
    },
}

# Each inner tuple: at least one of these fields must have a column.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "opportunities": (("stage",), ("external_id", "name", "account", "product")),
    "accounts": (("name",),),
    "contacts": (("name", "first_name", "last_name"),),
    "activities": (("type",), ("occurred_at",), ("deal", "account")),
    "history": (("deal_ref",), ("at",), ("stage", "amount", "close_date")),
}


@cache
def _tables() -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
    text = (resources.files(__package__) / "profiles.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {
        profile: {
            kind: {f: tuple(names) for f, names in fields.items()}
            for kind, fields in kinds.items()
            if kind in KINDS
        }
        for profile, kinds in data.items()
    }


@cache
def _raw() -> dict[str, Any]:
    text = (resources.files(__package__) / "profiles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def stage_map(profile: str) -> dict[str, str]:
    """Stage labels a profile's tool uses that the stage models do not know (label -> stage)."""
    return dict(_raw().get(profile, {}).get("stage_map", {}))


def deal_file_extras() -> dict[str, tuple[str, ...]]:
    """Column names of the fields only deal files (the analysis commands) read."""
    return {f: tuple(names) for f, names in _raw()["deal_files"]["extra"].items()}


# Headers, exactly as the tool writes them, that give a profile away (auto).
SIGNATURES: dict[str, tuple[str, ...]] = {
    "salesforce": (
        "StageName",
        "OpportunityId",
        "AccountId",
        "IsClosed",
        "IsWon",
        "ForecastCategoryName",
        "NumberOfEmployees",
        "BillingCity",
        "AnnualRevenue",
        "FirstName",
        "Opportunity Name",
        "Opportunity Owner",
    ),
    "hubspot": ("Deal Stage", "Deal Name", "Deal owner", "Company name", "Record ID"),
}
# When --kind is not given: (kind, headers that must all be there, headers that must not).
KIND_SIGNATURES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("history", ("OpportunityId", "StageName", "CreatedDate"), ("Name",)),
    ("accounts", ("Id", "Name", "BillingCity", "NumberOfEmployees"), ("StageName",)),
)


def normalise(header: str) -> str:
    """A header as compared with profile names: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", header.casefold())


def detect_kind(columns: Sequence[str]) -> str:
    """The kind a file's header gives away (a Salesforce history or account export)."""
    present = set(columns)
    for kind, needed, absent in KIND_SIGNATURES:
        if present.issuperset(needed) and present.isdisjoint(absent):
            return kind
    return "opportunities"


def detect_profile(columns: Sequence[str]) -> str:
    """The profile whose signature headers the file has most of; generic when none."""
    present = set(columns)
    scores = {name: len(present.intersection(heads)) for name, heads in SIGNATURES.items()}
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] else "generic"


def table(kind: str, profile: str) -> Table:
    """The column names of each field for `kind` in `profile` (generic where it has none)."""
    tables = _tables()
    return tables[profile].get(kind) or tables["generic"][kind]


def match(
    columns: Sequence[str], kind: str, profile: str, *, extra: Table | None = None
) -> dict[str, int]:
    """Field -> index of the file column feeding it, for the fields the file has.

    `extra`: more fields and their names, matched after the profile's own."""
    index: dict[str, int] = {}
    for i, name in enumerate(columns):
        index.setdefault(normalise(name), i)
    found: dict[str, int] = {}
    fields = {**(extra or {}), **table(kind, profile)}
    for fieldname, names in fields.items():
        for name in names:
            if normalise(name) in index:
                found[fieldname] = index[normalise(name)]
                break
    return found


def missing(found: Mapping[str, int], kind: str, profile: str) -> list[str]:
    """One line per required field group the file has no column for."""
    names = table(kind, profile)
    out = []
    for group in REQUIRED[kind]:
        if not any(f in found for f in group):
            accepted = [n for f in group for n in names.get(f, ())]
            fields = " or ".join(group)
            out.append(f"{fields} (a column named {', '.join(accepted)})")
    return out
