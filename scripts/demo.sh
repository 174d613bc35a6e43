#!/usr/bin/env bash
# Installs dealplan, creates the demo workspace in dealplan.db (SQLite), lists its open deals,
# then serves the web app on http://127.0.0.1:8000 (seller login and a buyer room link are
# printed first). Stop it with Ctrl-C. Extra arguments go to `dealplan serve` (e.g. --port).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/dealplan demo --db dealplan.db --force
.venv/bin/dealplan deals --db dealplan.db --open
exec .venv/bin/dealplan serve --db dealplan.db "$@"
