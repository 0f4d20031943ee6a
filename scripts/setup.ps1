# Windows: create or reuse .venv at the repository root and install the pinned requirements.
# Usage: powershell -ExecutionPolicy Bypass -File scripts\setup.ps1
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root
if (-not (Test-Path ".venv\Scripts\python.exe")) {
    Write-Host "Tạo môi trường .venv / creating .venv"
    py -3.11 -m venv .venv
    if ($LASTEXITCODE -ne 0) { python -m venv .venv }
}
$want = (Get-FileHash requirements.txt -Algorithm SHA256).Hash
$stamp = ".venv\.requirements.sha256"
if (-not (Test-Path $stamp) -or (Get-Content $stamp) -ne $want) {
    Write-Host "Cài thư viện / installing requirements"
    & .venv\Scripts\python.exe -m pip install --quiet --disable-pip-version-check -r requirements.txt
    if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
    Set-Content $stamp $want
}
# make `import geo` work from anywhere in this environment (notebooks, scripts)
& .venv\Scripts\python.exe -c 'import pathlib, sys, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "geo_repo.pth").write_text(sys.argv[1] + "\n")' $root
# Streamlit reads the configuration beside the app; on Windows a git symlink may arrive as a text file.
Copy-Item streamlit_config.toml dashboard\.streamlit\config.toml -Force
