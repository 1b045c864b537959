# Installs the MSI quietly and checks what the installer promises (Windows CI job, as an
# administrator): the files, the service registered (automatic, Nsi + TcpIp) and running, the
# wgdesk-users group, and the CLI talking to the helper over \\.\pipe\wgdesk-helper.
param([Parameter(Mandatory = $true)] [string] $Msi)
$ErrorActionPreference = 'Stop'
function Fail([string] $m) { Write-Host "FAIL: $m"; exit 1 }
$app = Join-Path $env:ProgramFiles 'wgdesk'

$p = Start-Process msiexec.exe -ArgumentList @('/i', "`"$Msi`"", '/qn', '/l*v', 'msi-install.log') -Wait -PassThru
if ($p.ExitCode -ne 0) { Get-Content msi-install.log -Tail 100; Fail "msiexec /i exited with $($p.ExitCode)" }
foreach ($f in 'wgdesk.exe', 'wgdesk-cli.exe', 'wgdesk-helper.exe', 'wintun.dll') {
  if (-not (Test-Path (Join-Path $app $f))) { Get-ChildItem -Recurse $app | Select-Object -First 50; Fail "$f is not in $app" }
}

$running = $false
for ($i = 0; $i -lt 30; $i++) {
  if ((sc.exe query wgdesk-helper | Out-String) -match 'RUNNING') { $running = $true; break }
  Start-Sleep -Seconds 1
}
$qc = sc.exe qc wgdesk-helper | Out-String
Write-Host $qc
if (-not $running) { sc.exe query wgdesk-helper; Fail 'the service wgdesk-helper is not running' }
if ($qc -notmatch 'AUTO_START') { Fail 'the service does not start automatically' }
if ($qc -notmatch 'Nsi' -or $qc -notmatch 'TcpIp') { Fail 'the service does not depend on Nsi and TcpIp' }
if ($qc -notmatch 'wgdesk-helper.exe" helper') { Fail 'the service command line is not "...wgdesk-helper.exe" helper' }
sc.exe qfailure wgdesk-helper

net localgroup wgdesk-users | Out-Null
if ($LASTEXITCODE -ne 0) { Fail 'the group wgdesk-users was not created' }

& (Join-Path $app 'wgdesk-cli.exe') list
if ($LASTEXITCODE -ne 0) { Fail "wgdesk list (over the pipe) exited with $LASTEXITCODE" }
Write-Host 'install-test: OK'
