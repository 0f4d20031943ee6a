#!/usr/bin/env bash
# Start the dashboard on the bundled sample workspace (or the one given): http://localhost:8501
#   bash scripts/run.sh [WORKSPACE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
exec .venv/bin/streamlit run dashboard/app.py -- --workspace "${1:-data/hoson}"
