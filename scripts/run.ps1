# Windows: start the dashboard on the sample store (or the workspace given).
# Usage: powershell -ExecutionPolicy Bypass -File scripts\run.ps1 [WORKSPACE] [-At N] [-Lan] [-Port N]
# By default only this machine can open it (127.0.0.1). -Lan serves the office network
# without sign-in, and prints a warning saying who can then see what.
param([string]$Workspace = "", [int]$At = 0, [switch]$Lan, [int]$Port = 0)
$ErrorActionPreference = "Stop"
& "$PSScriptRoot\setup.ps1"
Set-Location (Split-Path -Parent $PSScriptRoot)
# The sample as a store with four weeks of history (data\hoson.gpkg, not in git), made from the folder
# data\hoson (the source of truth, in git) on first run and again when a file of the folder is newer;
# the Python side checks that (and keeps an older store as data\hoson.gpkg.*.bak).
& .venv\Scripts\python.exe -m geo.sample_history data\hoson data\hoson.gpkg
$storeMade = ($LASTEXITCODE -eq 0)
if (-not $storeMade) {
    Write-Warning "Không tạo được kho mẫu; bảng điều khiển mở thư mục data\hoson / could not make the sample store; the dashboard opens the folder data\hoson instead"
}
if (-not $Workspace) {
    if ($env:GEO_WORKSPACE) { $Workspace = $env:GEO_WORKSPACE }
    elseif ($storeMade) { $Workspace = "data\hoson.gpkg" }
    else { $Workspace = "data\hoson" }
}
$serveArgs = @("-m", "dashboard.serve", $Workspace)
if ($At -gt 0) { $serveArgs += @("--at", "$At") }
if ($Lan) { $serveArgs += "--lan" }
if ($Port -gt 0) { $serveArgs += @("--port", "$Port") }
& .venv\Scripts\python.exe @serveArgs
