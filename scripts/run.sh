#!/usr/bin/env bash
# Start the dashboard on the bundled sample workspace (or the one given): http://localhost:8501
#   bash scripts/run.sh [--lan] [--port N] [WORKSPACE]
# By default only this machine can open it (127.0.0.1). --lan (or GEO_LAN=1) serves the
# office network without sign-in, and prints a warning saying who can then see what.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
# The sample as a store (data/hoson.gpkg, not in git): made from the folder on first run, and again
# whenever a file of the folder is newer (the old store is kept as data/hoson.gpkg.*.bak).
sample_store="data/hoson.gpkg"
if [ ! -f "$sample_store" ] || [ -n "$(find data/hoson -type f -newer "$sample_store" -print -quit)" ]; then
    echo "Đang tạo kho dữ liệu mẫu có lịch sử (một lần) / making the sample store with its history (once) …"
    if ! .venv/bin/python -m geo.sample_history data/hoson "$sample_store"; then
        echo "Không tạo được kho mẫu; bảng điều khiển vẫn mở thư mục / could not make the sample store; the dashboard still opens the folder" >&2
    fi
fi
exec .venv/bin/python -m dashboard.serve "$@"
