#!/usr/bin/env bash
# Run the linter, the formatter check and the type check (mypy), then every test (unit, contract, real
# data, app, browser, notebooks), on all cores.
# Installs what the tests need first: .venv, and Chromium for the browser tests.
#   bash scripts/test.sh [pytest arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --browser
echo "ruff check, ruff format --check"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# mypy: the files and settings are pyproject.toml's [tool.mypy]; any finding exits non-zero (set -e stops here)
echo "mypy"
.venv/bin/mypy
# both cores: pytest-xdist (-n auto in pytest.ini)
exec .venv/bin/python -m pytest "$@"
