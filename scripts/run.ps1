# Windows: start the dashboard on the sample workspace (or the one given).
# Usage: powershell -ExecutionPolicy Bypass -File scripts\run.ps1 [WORKSPACE]
param([string]$Workspace = "data\hoson")
$ErrorActionPreference = "Stop"
& "$PSScriptRoot\setup.ps1"
Set-Location (Split-Path -Parent $PSScriptRoot)
& .venv\Scripts\streamlit.exe run dashboard\app.py -- --workspace $Workspace
