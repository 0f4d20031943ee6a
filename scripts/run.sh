#!/usr/bin/env bash
# Start the dashboard on the bundled sample workspace (or the one given): http://localhost:8501
#   bash scripts/run.sh [--lan] [--port N] [WORKSPACE]
# By default only this machine can open it (127.0.0.1). --lan (or GEO_LAN=1) serves the
# office network without sign-in, and prints a warning saying who can then see what.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
exec .venv/bin/python -m dashboard.serve "$@"
