# Windows: run ruff, the formatter check and mypy, then every test. The browser tests need Chromium or
# Chrome: set CHROMIUM_PATH to its .exe.
# Usage: powershell -ExecutionPolicy Bypass -File scripts\test.ps1
$ErrorActionPreference = "Stop"
& "$PSScriptRoot\setup.ps1"
Set-Location (Split-Path -Parent $PSScriptRoot)
& .venv\Scripts\ruff.exe check .
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
& .venv\Scripts\ruff.exe format --check .
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
# mypy: the files and settings are pyproject.toml's [tool.mypy]; any finding stops the run
& .venv\Scripts\mypy.exe
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
& .venv\Scripts\python.exe -m pytest @args
exit $LASTEXITCODE
