# Windows: start the dashboard on the sample workspace (or the one given).
# Usage: powershell -ExecutionPolicy Bypass -File scripts\run.ps1 [WORKSPACE] [-Lan] [-Port N]
# By default only this machine can open it (127.0.0.1). -Lan serves the office network
# without sign-in, and prints a warning saying who can then see what.
param([string]$Workspace = "data\hoson", [switch]$Lan, [int]$Port = 0)
$ErrorActionPreference = "Stop"
& "$PSScriptRoot\setup.ps1"
Set-Location (Split-Path -Parent $PSScriptRoot)
$serveArgs = @("-m", "dashboard.serve", $Workspace)
if ($Lan) { $serveArgs += "--lan" }
if ($Port -gt 0) { $serveArgs += @("--port", "$Port") }
& .venv\Scripts\python.exe @serveArgs
