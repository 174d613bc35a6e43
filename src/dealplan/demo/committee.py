"""Buying committees (ACC-2, ACC-3): org charts, personal wins, who warms up and who goes dark.

The committee belongs to the account, so all its open deals share it: "hot" accounts end with
four or more engaged contacts, "warm" ones with two or three, and in "cold" ones the champion
goes dark and nobody has met the economic buyer.
"""

from __future__ import annotations

from dealplan.demo import names
from dealplan.demo.accounts import AccountPlan, Person
from dealplan.demo.script import Key
from dealplan.demo.texts import (
    EB_DOMAIN,
    MOTIVATIONS,
    PERSONAL_WINS,
    PROFESSIONAL_RISKS,
    PROFESSIONAL_WINS,
    ROLES,
    WIN_QUESTIONS,
)
from dealplan.demo.world import World, days
from dealplan.enums import CommitteeRole as R


def _roles(w: World, temp: str) -> list[R]:
    extra = [R.COACH, R.INFLUENCER, R.BLOCKER, R.PROCUREMENT, R.LEGAL]
    if temp == "hot":
        # Procurement is always there: hot accounts' deals reach the proposal, where QUAL-5
        # wants procurement or legal engaged.
        return [
            R.ECONOMIC_BUYER,
            R.CHAMPION,
            R.TECHNICAL_BUYER,
            R.USER_BUYER,
            R.COACH,
            R.PROCUREMENT,
            *w.rng.sample([R.INFLUENCER, R.BLOCKER, R.LEGAL], w.rng.randint(0, 2)),
        ]
    if temp == "warm":
        more = [R.TECHNICAL_BUYER, R.USER_BUYER, *extra]
        return [R.ECONOMIC_BUYER, R.CHAMPION, *w.rng.sample(more, w.rng.randint(2, 5))]
    return [
        R.CHAMPION,
        R.TECHNICAL_BUYER,
        R.USER_BUYER,
        *w.rng.sample([R.INFLUENCER, R.BLOCKER], w.rng.randint(0, 1)),
    ]


# who each role reports to, first present wins (None: a root of the org chart)
MANAGERS: dict[R, tuple[R, ...]] = {
    R.ECONOMIC_BUYER: (),
    R.CHAMPION: (R.ECONOMIC_BUYER,),
    R.TECHNICAL_BUYER: (R.ECONOMIC_BUYER,),
    R.INFLUENCER: (R.ECONOMIC_BUYER,),
    R.USER_BUYER: (R.CHAMPION,),
    R.COACH: (R.USER_BUYER, R.CHAMPION),
    R.BLOCKER: (R.TECHNICAL_BUYER, R.ECONOMIC_BUYER),
    R.PROCUREMENT: (),
    R.LEGAL: (),
}


def emit_committee(w: World, acc: AccountPlan, used: set[str]) -> None:
    """Create the account's contacts (org chart first-line up) and plan how they warm up."""
    roles = _roles(w, acc.temperature)
    late = {R.PROCUREMENT, R.LEGAL} if acc.temperature == "hot" else set()
    # Managers are created before their reports, so the org chart links resolve.
    roles.sort(key=lambda r: list(MANAGERS).index(r))
    made: dict[R, Person] = {}
    for role in roles:
        name = _unique_name(w, used)
        if role == R.ECONOMIC_BUYER:
            title, domain, influence, support = (
                w.pick(("CFO", "CTO", "Chief Information Officer", "SVP Engineering")),
                EB_DOMAIN,
                "high",
                w.pick(("high", "low")),
            )
        else:
            titles, domain, influence, support = ROLES[role]
            title = w.pick(titles)
        day = acc.created
        if role in late:
            # New stakeholders appear as the deals reach the paper process.
            day = w.clamp(w.days_ago(w.rng.randint(25, 50)), acc.created + days(1))
        boss = next((made[m] for m in MANAGERS[role] if m in made), None)
        first, last = name.lower().split(" ", 1)
        at = w.at(day, 9) if day != acc.created else w.script.created_at(_k(acc))
        handle = f"{first}-{last}-{w.rng.randrange(16**6):06x}".replace(" ", "-")
        as_customer = acc.customer and role in (R.CHAMPION, R.USER_BUYER, R.ECONOMIC_BUYER)
        key = w.script.create(
            at,
            acc.owner,
            "contact",
            account_id=acc.key,
            name=name,
            title=title,
            location=acc.city if w.chance(0.75) else w.pick(names.CITIES)[0],
            linkedin=f"https://www.linkedin.com/in/{handle}",
            email=f"{first}.{last}@{acc.domain}".replace(" ", ""),
            phone=f"{acc.phone}{w.rng.randrange(100, 999)}",
            notes=w.pick(NOTES) if w.chance(0.4) else None,
            domain=domain,
            reports_to_id=boss.key if boss else None,
            role=role.value,
            influence=influence,
            support=support,
            engagement="engaged" if as_customer else "cold",
            relationship_depth=3 if as_customer else 1,
            created_at=at,
            **(_win(w) if as_customer else {}),
        )
        person = Person(key, name, title, role, day)
        made[role] = person
        acc.people.append(person)
        _warm_up(w, acc, person, as_customer)


NOTES = (
    "Prefers short written updates over calls",
    "Weekly 1:1 with the CTO on Thursdays",
    "Came from a company that used us",
    "Travels a lot; book meetings two weeks ahead",
    "Ex-consultant; wants numbers, not slides",
)


def _k(acc: AccountPlan) -> Key:
    assert acc.key is not None
    return acc.key


def _unique_name(w: World, used: set[str]) -> str:
    while True:
        name = f"{w.pick(names.FIRST_NAMES)} {w.pick(names.LAST_NAMES)}"
        if name not in used:
            used.add(name)
            return name


def _win(w: World) -> dict[str, object]:
    """ACC-3 personal win map for one stakeholder."""
    prof, pers, risk = (
        w.pick(PROFESSIONAL_WINS),
        w.pick(PERSONAL_WINS),
        w.pick(PROFESSIONAL_RISKS),
    )
    return {
        "professional_win": prof,
        "personal_win": pers,
        "professional_risk": risk,
        "motivations": w.rng.sample(MOTIVATIONS, w.rng.randint(1, 2)),
        "personal_win_answers": {WIN_QUESTIONS[0]: prof, WIN_QUESTIONS[1]: risk},
    }


# (first warm, first engaged) days after first touch, by temperature and role; None: never
WARMING: dict[str, dict[R, tuple[tuple[int, int], tuple[int, int] | None]]] = {
    "hot": {
        R.CHAMPION: ((1, 4), (5, 15)),
        R.ECONOMIC_BUYER: ((8, 20), (20, 45)),
        R.TECHNICAL_BUYER: ((5, 15), (12, 35)),
        R.USER_BUYER: ((5, 15), (12, 35)),
        R.COACH: ((6, 20), (15, 40)),
        R.INFLUENCER: ((15, 40), None),
        R.BLOCKER: ((20, 50), None),
        R.PROCUREMENT: ((2, 6), (6, 14)),
        R.LEGAL: ((3, 8), None),
    },
    "warm": {
        R.CHAMPION: ((1, 4), (6, 20)),
        R.ECONOMIC_BUYER: ((20, 50), None),
        R.TECHNICAL_BUYER: ((8, 25), (20, 45)),
        R.USER_BUYER: ((8, 25), None),
        R.COACH: ((10, 30), None),
        R.INFLUENCER: ((25, 60), None),
    },
    "cold": {
        R.CHAMPION: ((1, 4), (5, 12)),
        R.TECHNICAL_BUYER: ((10, 25), None),
    },
}


def _warm_up(w: World, acc: AccountPlan, p: Person, customer: bool) -> None:
    """Plan the seller's committee updates: warm, engaged, and for cold accounts, dark."""
    plan = WARMING[acc.temperature].get(p.role)
    if plan is None or customer:
        if customer and acc.dark is not None and p.role == R.CHAMPION:
            _go_dark(w, acc, p)
        return
    base = max(acc.first_touch, p.created + days(1))
    if base > w.latest() - days(3):
        return
    stop = (acc.dark - days(3)) if acc.dark is not None else w.latest() - days(2)
    win = w.chance(0.85)
    warm_day = min(base + days(w.rng.randint(*plan[0])), stop - days(2))
    if warm_day <= p.created:
        return
    w.script.update(
        w.at(warm_day, 17),
        acc.owner,
        p.key,
        engagement="warm",
        relationship_depth=2,
        **(_win(w) if win else {}),
    )
    if plan[1] is not None:
        engaged_day = base + days(w.rng.randint(*plan[1]))
        engaged_day = min(max(engaged_day, warm_day + days(w.rng.randint(2, 6))), stop)
        if engaged_day > warm_day:
            w.script.update(
                w.at(engaged_day, 17),
                acc.owner,
                p.key,
                engagement="engaged",
                relationship_depth=w.rng.randint(3, 5),
            )
    if acc.dark is not None and p.role == R.CHAMPION:
        _go_dark(w, acc, p)


def _go_dark(w: World, acc: AccountPlan, p: Person) -> None:
    assert acc.dark is not None
    w.script.update(
        w.at(acc.dark + days(w.rng.randint(8, 12)), 17),
        acc.owner,
        p.key,
        engagement="cold",
        notes=f"No reply since {acc.dark:%B %d}; three follow-ups unanswered",
    )
