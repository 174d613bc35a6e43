"""Child process of bench/import.py: `import_file` into a new SQLite workspace, timed.

Run as `python -m bench.timed_import CSV DB`; prints the seconds from the start of the import
to the commit. Like the bare baseline, the clock excludes interpreter start-up and creating
the empty schema; unlike it, the clock includes reading, parsing and validating the file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from dealplan.database import make_engine, migrate, session_factory
from dealplan.io.importer import import_file


def main() -> None:
    csv, db = Path(sys.argv[1]), Path(sys.argv[2])
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with session_factory(engine)() as session:
        started = time.perf_counter()
        import_file(session=session, path=csv)
        session.commit()
        print(f"{time.perf_counter() - started:.3f}")
    engine.dispose()


if __name__ == "__main__":
    main()
