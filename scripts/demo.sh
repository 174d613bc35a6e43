#!/usr/bin/env bash
# Installs dealplan, creates the demo workspace in dealplan.db (SQLite) and shows its deals.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/dealplan demo --db dealplan.db --force
.venv/bin/dealplan deals --db dealplan.db --open
