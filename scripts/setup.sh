#!/usr/bin/env bash
# Create or reuse .venv at the repository root and install the pinned requirements.
# With --browser, also install what the tests need from Debian where it is missing: Chromium
# (browser tests), LibreOffice Writer (report PDF), fonts, PostgreSQL with PostGIS (store tests), and
# nginx (the office-network deployment's test).
# Safe to run again: it only reinstalls when requirements.txt changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
[ -n "$python_bin" ] || { echo "Cần Python 3.11 / Python 3.11 is required" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "Tạo môi trường .venv / creating .venv"
  "$python_bin" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Cài thư viện / installing requirements"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi
# make `import geo` work from anywhere in this environment (notebooks, scripts)
.venv/bin/python -c 'import pathlib, sys, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "geo_repo.pth").write_text(sys.argv[1] + "\n")' "$root"

if [ "${1:-}" = "--browser" ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
  fc-list 2>/dev/null | grep -qi "DejaVu Sans" || need+=(fonts-dejavu-core)
  # report PDFs are made with LibreOffice where it is installed; the tests exercise that path
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui fonts-liberation)
  # the store's tests start a throwaway PostgreSQL server with PostGIS (tests/postgis.py)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
  # the deployment's test runs deploy/nginx/tien-do-gpmb.conf in Debian's nginx (tests/test_deploy_nginx.py)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  # the role tests read the map PDF a user downloads for names (tests/test_browser_roles.py)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  if [ ${#need[@]} -gt 0 ]; then
    echo "Cài gói hệ thống / installing system packages: ${need[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
