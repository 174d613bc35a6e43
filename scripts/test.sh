#!/usr/bin/env bash
# Installs everything, then runs ruff, mypy --strict and the whole test suite on SQLite and on
# a PostgreSQL server the tests start themselves. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DEALPLAN_TEST_DATABASES=${DEALPLAN_TEST_DATABASES:-sqlite,postgresql}
echo "== ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
echo "== mypy --strict"
.venv/bin/mypy
echo "== pytest (databases: $DEALPLAN_TEST_DATABASES)"
# pytest exits 5 when it collected no tests: that fails here like any other failure.
.venv/bin/pytest -n 2 "$@"
