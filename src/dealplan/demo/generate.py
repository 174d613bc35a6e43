"""The whole demo planned as a script: pure, the same seed and day give the same plan."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from dealplan.demo.accounts import (
    AccountPlan,
    Team,
    emit_account,
    expansion_fields,
    make_team,
    plan_accounts,
)
from dealplan.demo.committee import emit_committee
from dealplan.demo.deals import (
    DealPlan,
    emit_close,
    emit_close_dates,
    emit_deal,
    emit_risks,
    plan_deal,
)
from dealplan.demo.mutual import emit_map
from dealplan.demo.script import Script
from dealplan.demo.signals import emit_signals, emit_touches
from dealplan.demo.timeline import Timeline, closed_timeline, open_timeline
from dealplan.demo.world import World, days

# What a demo deal is meant to show; "new" deals are open in Pipeline Generation, no MAP yet.
ARCHETYPES = ("healthy", "middling", "dying", "new", "won", "lost")
# Where open deals of each archetype stand: weights for Discovery .. Paper Process.
STAGE_WEIGHTS = {
    "healthy": (10, 25, 25, 20, 20),
    "middling": (35, 25, 20, 12, 8),
    "dying": (10, 30, 30, 22, 8),
}
# Which account temperatures each archetype's deals go to, with weights.
HOMES = {
    "healthy": {"hot": 1},
    "dying": {"cold": 1},
    "middling": {"warm": 5, "hot": 1},
    "new": {"warm": 3, "hot": 1},
    "won": {"hot": 4, "warm": 5},
    "lost": {"cold": 4, "warm": 5, "hot": 1},
}


@dataclass
class Plan:
    script: Script
    team: Team
    accounts: list[AccountPlan]
    deals: list[DealPlan]


def _counts(rng: random.Random) -> dict[str, int]:
    healthy, dying, new = rng.randint(20, 26), rng.randint(20, 26), rng.randint(8, 12)
    open_total = rng.randint(116, 124)
    won = rng.randint(32, 40)
    total = rng.randint(195, 205)
    return {
        "healthy": healthy,
        "middling": open_total - healthy - dying - new,
        "dying": dying,
        "new": new,
        "won": won,
        "lost": total - open_total - won,
    }


def _homes(
    w: World, counts: dict[str, int], accounts: list[AccountPlan]
) -> list[tuple[str, AccountPlan]]:
    """(archetype, account) for every deal; dealt round-robin so every account has deals."""
    by_temp: dict[str, list[AccountPlan]] = {}
    for acc in accounts:
        by_temp.setdefault(acc.temperature, []).append(acc)
    dealt = {t: 0 for t in by_temp}
    out: list[tuple[str, AccountPlan]] = []
    for arch in ARCHETYPES:
        temps = sorted(HOMES[arch])
        weights = [HOMES[arch][t] for t in temps]
        for _ in range(counts[arch]):
            temp = w.rng.choices(temps, weights)[0]
            pool = by_temp[temp]
            out.append((arch, pool[dealt[temp] % len(pool)]))
            dealt[temp] += 1
    return out


def plan_demo(seed: int, today: dt.date) -> Plan:
    """Plan the demo workspace whose "now" is the start of `today`."""
    rng = random.Random(seed)
    start = today - days(rng.randint(195, 265))
    w = World(rng, Script(until=dt.datetime.combine(today, dt.time())), today, start)
    team = make_team(w)
    temps = {"hot": rng.randint(9, 11), "cold": rng.randint(7, 9)}
    temps["warm"] = rng.randint(38, 42) - temps["hot"] - temps["cold"]
    accounts = plan_accounts(w, team, temps)
    for acc in accounts:
        if acc.temperature == "cold":
            acc.dark = w.days_ago(rng.randint(30, 52))
    homes = _homes(w, _counts(rng), accounts)
    timelines: list[tuple[str, AccountPlan, Timeline]] = []
    for arch, acc in homes:
        if arch in ("won", "lost"):
            tl = closed_timeline(w, arch)
        elif arch == "new":
            tl = open_timeline(w, arch, 0, None)
        else:
            stage = rng.choices((1, 2, 3, 4, 5), STAGE_WEIGHTS[arch])[0]
            tl = open_timeline(w, arch, stage, acc.dark)
        timelines.append((arch, acc, tl))
    # Deals are numbered in the order they were created, like a CRM's ids.
    timelines.sort(key=lambda t: t[2].created)
    taken: set[str] = set()
    deals = [
        plan_deal(w, i + 1, arch, acc, tl, taken) for i, (arch, acc, tl) in enumerate(timelines)
    ]
    for prev, d in zip([None, *deals], deals, strict=False):
        if prev is not None and prev.tl.created == d.tl.created:
            d.same_day = prev.same_day + 1
        acc = d.account
        acc.first_touch = min(acc.first_touch, d.tl.created)
    used: set[str] = set(team.sellers) | {team.admin, team.manager}
    for acc in accounts:
        setup = start + days(rng.randint(0, 20))
        acc.created = max(start, min(setup, acc.first_touch - days(rng.randint(2, 6))))
    eligible = [a for a in accounts if not a.customer and a.first_touch <= w.days_ago(30)]
    for acc in rng.sample(eligible, min(len(eligible), rng.randint(3, 5))):
        acc.late_plan = True
    for acc in sorted(accounts, key=lambda a: a.created):
        emit_account(w, acc)
        emit_committee(w, acc, used)
    for d in deals:
        emit_deal(w, team, d)
        emit_map(w, d)
        emit_touches(w, d)
        emit_signals(w, d)
        emit_risks(w, team, d)
        emit_close_dates(w, d)
        if d.tl.closed is not None:
            emit_close(w, d)
    _account_wins(w, deals)
    return Plan(w.script, team, accounts, deals)


def _account_wins(w: World, deals: list[DealPlan]) -> None:
    """Each win adds to the account's ARR and products (ACC-9), in the order they closed."""
    won = sorted((d for d in deals if d.tl.outcome == "won"), key=lambda d: d.tl.end)
    for d in won:
        acc = d.account
        assert d.close_at is not None
        assert acc.key is not None
        first = not acc.customer and not acc.products
        acc.arr += d.final_amount
        if d.product not in acc.products:
            acc.products.append(d.product)
        values: dict[str, object] = {"arr": acc.arr, "products_owned": list(acc.products)}
        if first:
            values |= expansion_fields(w, acc)
        w.script.update(d.close_at, d.owner, acc.key, **values)
