"""Child process of bench/review.py: `review` over a workspace, timed in the process.

Run as `python -m bench.timed_review URL`; prints seconds and the number of deals rated.
The clock covers what `dealplan review --json` does after start-up: learning stage norms,
loading every open deal with its records and history, rating and ranking them.
"""

from __future__ import annotations

import sys
import time

from bench.gen_workspace import AS_OF
from dealplan.database import make_engine, session_factory
from dealplan.deal.health_service import review


def main() -> None:
    engine = make_engine(sys.argv[1])
    with session_factory(engine)() as session:
        started = time.perf_counter()
        rated = review(session=session, as_of=AS_OF)
        took = time.perf_counter() - started
    engine.dispose()
    print(f"{took:.3f} {len(rated)}")


if __name__ == "__main__":
    main()
