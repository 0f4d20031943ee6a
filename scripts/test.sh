#!/usr/bin/env bash
# Run every test (unit, contract, real data, app, browser, notebooks).
# Installs what the tests need first: .venv, and Chromium for the browser tests.
#   bash scripts/test.sh [pytest arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --browser
exec .venv/bin/python -m pytest "$@"
