# Windows: start the dashboard on the sample workspace (or the one given).
# Usage: powershell -ExecutionPolicy Bypass -File scripts\run.ps1 [WORKSPACE] [-Lan] [-Port N]
# By default only this machine can open it (127.0.0.1). -Lan serves the office network
# without sign-in, and prints a warning saying who can then see what.
param([string]$Workspace = "data\hoson", [switch]$Lan, [int]$Port = 0)
$ErrorActionPreference = "Stop"
& "$PSScriptRoot\setup.ps1"
Set-Location (Split-Path -Parent $PSScriptRoot)
# The sample as a store (data\hoson.gpkg, not in git): made from the folder on first run, and again
# whenever a file of the folder is newer (the old store is kept as data\hoson.gpkg.*.bak).
$sampleStore = "data\hoson.gpkg"
$stale = -not (Test-Path $sampleStore)
if (-not $stale) {
    $made = (Get-Item $sampleStore).LastWriteTime
    $stale = [bool](Get-ChildItem "data\hoson" -File -Recurse | Where-Object { $_.LastWriteTime -gt $made })
}
if ($stale) {
    Write-Host "Đang tạo kho dữ liệu mẫu có lịch sử (một lần) / making the sample store with its history (once) ..."
    & .venv\Scripts\python.exe -m geo.sample_history data\hoson $sampleStore
    if ($LASTEXITCODE -ne 0) {
        Write-Warning "Không tạo được kho mẫu; bảng điều khiển vẫn mở thư mục / could not make the sample store; the dashboard still opens the folder"
    }
}
$serveArgs = @("-m", "dashboard.serve", $Workspace)
if ($Lan) { $serveArgs += "--lan" }
if ($Port -gt 0) { $serveArgs += @("--port", "$Port") }
& .venv\Scripts\python.exe @serveArgs
