"""Child process of bench/review.py: `review` over a workspace, timed in the process.

Run as `python -m bench.timed_review URL`; prints seconds and the number of deals rated.
The clock covers `health_service.review`: learning stage norms, reading every open deal with
its records and history, deciding every deal's level and risk, and ranking them. The deals'
reasons, next actions and playbook drafts are built when they are shown (for `--json`, as
each deal is printed), so they count in bench/review.py's whole-command figure, not here.
"""

from __future__ import annotations

import sys
import time

from bench.gen_workspace import AS_OF
from dealplan.database import make_engine, session_factory
from dealplan.deal.health_service import bulk_work, review


def main() -> None:
    engine = make_engine(sys.argv[1])
    # As `dealplan review` runs it: the whole command is one `bulk_work` block.
    with bulk_work(), session_factory(engine)() as session:
        started = time.perf_counter()
        rated = review(session=session, as_of=AS_OF)
        took = time.perf_counter() - started
    engine.dispose()
    print(f"{took:.3f} {len(rated)}")


if __name__ == "__main__":
    main()
