"""Users and accounts (ACC-1 summary, ACC-9 expansion) of the demo.

Each account has a temperature ("hot", "warm", "cold") that all its open deals share, because
the buying committee belongs to the account (see `committee`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dealplan.demo import names
from dealplan.demo.script import Key
from dealplan.demo.world import World, days, money
from dealplan.enums import CommitteeRole as R
from dealplan.enums import UserRole

SYSTEM = "system"


@dataclass
class Team:
    admin: str
    manager: str
    sellers: list[str]


@dataclass
class Person:
    """A committee member as planned: when they exist and how engaged they become."""

    key: Key
    name: str
    title: str
    role: R
    created: dt.date

    @property
    def buyer(self) -> str:
        """How the history names this person when they act in the deal room."""
        return f"{self.name} (buyer)"


@dataclass
class AccountPlan:
    name: str
    domain: str
    industry: str
    segment: str
    employees: int
    city: str
    country: str
    phone: str
    temperature: str
    owner: str
    customer: bool
    created: dt.date = dt.date.min
    key: Key | None = None
    dark: dt.date | None = None
    people: list[Person] = field(default_factory=list)
    first_touch: dt.date = dt.date.max
    products: list[str] = field(default_factory=list)
    arr: float = 0.0
    # ACC-1: the "how can we help" hypothesis was written only after the first meeting.
    late_plan: bool = False

    def who(self, role: R, day: dt.date) -> Person | None:
        """The account's `role` as known on `day`."""
        return next((p for p in self.people if p.role == role and p.created < day), None)

    def known(self, day: dt.date) -> list[Person]:
        return [p for p in self.people if p.created < day]

    def lead(self, day: dt.date) -> Person:
        """Who the seller deals with: the champion, else whoever is known first."""
        return self.who(R.CHAMPION, day) or self.known(day)[0]


def make_team(w: World) -> Team:
    """An admin, a sales manager and 4-6 sellers, created on the first day."""
    pool = list(names.USER_NAMES)
    w.rng.shuffle(pool)
    sellers = pool[2 : 2 + w.rng.randint(4, 6)]
    at = w.at(w.start, 8)
    for name, role in [(pool[0], UserRole.ADMIN), (pool[1], UserRole.MANAGER)] + [
        (s, UserRole.SELLER) for s in sellers
    ]:
        w.script.create(
            at,
            SYSTEM,
            "user",
            email=_email(name, names.VENDOR_DOMAIN),
            name=name,
            role=role.value,
            created_at=at,
        )
    return Team(pool[0], pool[1], sellers)


def _email(name: str, domain: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "") + "@" + domain


def plan_accounts(w: World, team: Team, counts: dict[str, int]) -> list[AccountPlan]:
    """`counts` accounts per temperature, in a shuffled order, owners dealt round-robin."""
    temps = [t for t, n in counts.items() for _ in range(n)]
    w.rng.shuffle(temps)
    stems = w.rng.sample(names.COMPANY_STEMS, len(temps))
    out: list[AccountPlan] = []
    for i, (stem, temp) in enumerate(zip(stems, temps, strict=True)):
        industry = w.pick(sorted(names.INDUSTRIES))
        suffix = w.pick(names.INDUSTRIES[industry][0])
        employees = int(round(w.rng.lognormvariate(8.6, 1.1), -2))
        employees = max(600, min(employees, 140_000))
        segment = (
            "Strategic"
            if employees >= 20_000
            else "Enterprise"
            if employees >= 2_500
            else "Mid-Market"
        )
        city, country, phone = w.pick(names.CITIES)
        out.append(
            AccountPlan(
                name=f"{stem} {suffix}",
                domain=f"{stem}{suffix}".lower() + ".example",
                industry=industry,
                segment=segment,
                employees=employees,
                city=city,
                country=country,
                phone=phone,
                temperature=temp,
                owner=team.sellers[i % len(team.sellers)],
                customer=w.chance(0.4 if temp != "cold" else 0.2),
            )
        )
    return out


def emit_account(w: World, acc: AccountPlan) -> None:
    """Create the account with its summary; a few get their hypothesis only after meeting."""
    ind = names.INDUSTRIES[acc.industry]
    late_plan = acc.late_plan
    hyp_day = acc.created
    first_meeting = min(acc.first_touch + days(w.rng.randint(0, 3)), w.latest())
    if acc.customer:
        first_meeting = w.start - days(w.rng.randint(400, 1100))
        hyp_day = first_meeting - days(w.rng.randint(7, 30))
        acc.products = w.rng.sample(names.PRODUCTS, w.rng.randint(1, 2))
        acc.arr = money(w.rng.uniform(40_000, 600_000), 1000)
    hypothesis = (
        f"{acc.name} is pushing '{ind[1][0].lower()}'; {names.VENDOR} can help their "
        f"{w.pick(('platform', 'operations', 'security', 'data'))} team get there with fewer "
        "incidents and less tooling spend."
    )
    revenue = money(acc.employees * w.rng.uniform(150_000, 450_000), 1_000_000)
    subs = [
        f"{acc.name.split()[0]} {s}" for s in w.rng.sample(SUBSIDIARY_SUFFIXES, w.rng.randint(0, 3))
    ]
    initiatives = [
        {"initiative": text, "source": w.pick(names.INITIATIVE_SOURCES)}
        for text in w.rng.sample(ind[1], w.rng.randint(1, 3))
    ]
    landscape = "; ".join(
        [w.pick(names.CLOUDS), w.pick(names.PLATFORMS), *w.rng.sample(names.TOOLS, 3)]
    )
    tier = {"Strategic": 1, "Enterprise": 2, "Mid-Market": 3}[acc.segment]
    fit = not (acc.segment == "Mid-Market" and w.chance(0.3))
    values: dict[str, object] = {
        "external_id": None,
        "name": acc.name,
        "owner": acc.owner,
        "hq": f"{acc.city}, {acc.country}",
        "employees": acc.employees,
        "revenue": revenue,
        "industry": acc.industry,
        "subsidiaries": subs or None,
        "technical_landscape": landscape,
        "initiatives": initiatives,
        "arr": acc.arr or None,
        "products_owned": list(acc.products) or None,
        "hypothesis": None if late_plan else hypothesis,
        "hypothesis_date": None if late_plan else hyp_day,
        "first_meeting_date": first_meeting if acc.customer else None,
        "tier": tier if fit else 4,
        "strategic_fit": fit,
        "created_at": None,
    }
    if acc.customer:
        values |= expansion_fields(w, acc)
    at = w.at(acc.created, 9)
    values["created_at"] = at
    acc.key = w.script.create(at, acc.owner, "account", **values)
    if not acc.customer and first_meeting > acc.created:
        w.script.update(
            w.at(first_meeting, 17), acc.owner, acc.key, first_meeting_date=first_meeting
        )
    if late_plan:
        # ACC-1: the plan was written only after the first meeting.
        day = w.clamp(first_meeting + days(w.rng.randint(4, 15)), first_meeting + days(1))
        w.script.update(
            w.at(day, 17), acc.owner, acc.key, hypothesis=hypothesis, hypothesis_date=day
        )


SUBSIDIARY_SUFFIXES = ("Europe GmbH", "Labs", "Services Ltd", "Asia Pte", "Digital", "Holdings")


def expansion_fields(w: World, acc: AccountPlan) -> dict[str, object]:
    """ACC-9 fields for a customer: whitespace, opportunities, goals, NRR."""
    missing = [p for p in names.PRODUCTS if p not in acc.products]
    return {
        "whitespace": money(acc.employees * w.rng.uniform(20, 60), 1000),
        "expansion_opportunities": ", ".join(f"{names.VENDOR} {p}" for p in missing[:3]),
        "goal_90_days": f"Land {missing[0]} with the {w.pick(names.DIVISIONS)} team",
        "goal_12_months": f"Standardise on {names.VENDOR} across {acc.name.split()[0]}",
        "nrr": float(w.rng.choice((94, 98, 104, 108, 112, 118, 125, 134))),
    }
