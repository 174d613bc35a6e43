#!/usr/bin/env bash
# Installs what dealplan needs on a fresh Debian machine: system packages (PostgreSQL for the
# tests), uv, and the locked virtualenv in .venv. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || need_apt+=(postgresql)
command -v runuser >/dev/null || need_apt+=(util-linux)
# PDF documents (WeasyPrint needs Pango; pdftoppm/pdftotext check the pages) and fonts.
# Chromium for the page tests (Playwright drives /usr/bin/chromium; no browser downloads).
for pkg in libpango-1.0-0 libpangoft2-1.0-0 poppler-utils fonts-dejavu-core chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need_apt[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if ! "$PY" -m uv --version >/dev/null 2>&1; then
  echo "bootstrap: installing uv" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check uv
fi
export UV_PYTHON_DOWNLOADS=never
# Bytecode is compiled at install, as an installer would: where PYTHONDONTWRITEBYTECODE is
# set, Python would otherwise compile every module again on each start (about 1 s a command).
"$PY" -m uv sync --frozen --quiet --compile-bytecode --python "$PY"
.venv/bin/python -m compileall -q -j 0 src >/dev/null
