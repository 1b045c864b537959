# Uninstalls the MSI quietly and checks that nothing is left: no service, no wgdesk Wintun
# adapter, no installation directory (Windows CI job, as an administrator).
param([Parameter(Mandatory = $true)] [string] $Msi)
$ErrorActionPreference = 'Stop'
function Fail([string] $m) { Write-Host "FAIL: $m"; exit 1 }
$app = Join-Path $env:ProgramFiles 'wgdesk'

$p = Start-Process msiexec.exe -ArgumentList @('/x', "`"$Msi`"", '/qn', '/l*v', 'msi-uninstall.log') -Wait -PassThru
if ($p.ExitCode -ne 0) { Get-Content msi-uninstall.log -Tail 100; Fail "msiexec /x exited with $($p.ExitCode)" }

sc.exe query wgdesk-helper | Out-Null
if ($LASTEXITCODE -ne 1060) { sc.exe query wgdesk-helper; Fail "the service is still there (sc query: $LASTEXITCODE, 1060 expected)" }
$adapters = @(Get-NetAdapter -IncludeHidden -ErrorAction SilentlyContinue | Where-Object { $_.InterfaceDescription -like 'wgdesk*' })
if ($adapters.Count -gt 0) { $adapters | Format-Table -AutoSize; Fail 'wgdesk Wintun adapters are left' }
if (Test-Path $app) { Get-ChildItem -Recurse $app; Fail "$app is left" }
$state = Join-Path $env:ProgramData 'wgdesk'
if (Test-Path $state) { Write-Host "kept on purpose (configurations, like wireguard-windows): $state"; Get-ChildItem $state }
Write-Host 'uninstall-test: OK'
