#!/usr/bin/env bash
# Start the dashboard on the sample store (or the workspace given): http://localhost:8501
#   bash scripts/run.sh [--lan] [--port N] [--at N] [WORKSPACE]
# By default only this machine can open it (127.0.0.1). --lan (or GEO_LAN=1) serves the
# office network without sign-in, and prints a warning saying who can then see what.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
# The sample as a store with four weeks of history (data/hoson.gpkg, not in git), made from the folder
# data/hoson (the source of truth, in git) on first run and again when a file of the folder is newer;
# the Python side checks that (and keeps an older store as data/hoson.gpkg.*.bak).
if .venv/bin/python -m geo.sample_history data/hoson data/hoson.gpkg; then
    export GEO_WORKSPACE="${GEO_WORKSPACE:-$root/data/hoson.gpkg}"
else
    echo "Không tạo được kho mẫu; bảng điều khiển mở thư mục data/hoson / could not make the sample store; the dashboard opens the folder data/hoson instead" >&2
fi
exec .venv/bin/python -m dashboard.serve "$@"
