# A tunnel between the installed wgdesk and wireguard-go for Windows on loopback (Windows CI job):
# wireguard-go opens its own Wintun adapter "wgpeer" and is configured over its UAPI pipe; wgdesk
# imports t1.conf (PersistentKeepalive = 1, so it handshakes without traffic) and brings it up; the
# handshake must show on wireguard-go's side. If this runner cannot create a Wintun adapter at all,
# the script says SKIPPED and exits 0. The keys are throwaway test keys.
param([Parameter(Mandatory = $true)] [string] $WireguardGo, [Parameter(Mandatory = $true)] [string] $WintunDll)
$ErrorActionPreference = 'Stop'
function Fail([string] $m) { Write-Host "FAIL: $m"; exit 1 }
function Hex([string] $b64) { ([BitConverter]::ToString([Convert]::FromBase64String($b64))).Replace('-', '').ToLower() }
$wgdesk = Join-Path (Join-Path $env:ProgramFiles 'wgdesk') 'wgdesk-cli.exe'
$wgdeskPriv = 'WPnmLUhnqYMEWdd3s4DR+QYyYNPf9KYlyyC3ris9t2s='
$wgdeskPub = 'K8RBVWDbDILj2HfsP+7JsK3DIy9f6JVmDpzo4Sqenwg='
$peerPriv = '6OAXDSU0LMeB6V2VmqUXz1Mcmi5twIgomGFzmLLTc0s='
$peerPub = 'xUZxjxcT+iXoGzHHFJpjdHt6xy+QMosRADDtNk1xtwk='
$pipe = 'ProtectedPrefix\Administrators\WireGuard\wgpeer'

function Invoke-Uapi([string] $Text) {
  $c = [System.IO.Pipes.NamedPipeClientStream]::new('.', $pipe, [System.IO.Pipes.PipeDirection]::InOut)
  $c.Connect(5000)
  $bytes = [Text.Encoding]::ASCII.GetBytes($Text)
  $c.Write($bytes, 0, $bytes.Length)
  $c.Flush()
  $r = [System.IO.StreamReader]::new($c, [Text.Encoding]::ASCII)
  $lines = @()
  while ($true) { $l = $r.ReadLine(); if ($null -eq $l -or $l -eq '') { break }; $lines += $l }
  $c.Dispose()
  return $lines
}

Copy-Item $WintunDll (Split-Path $WireguardGo)
$wg = Start-Process -FilePath $WireguardGo -ArgumentList 'wgpeer' -PassThru -NoNewWindow `
  -RedirectStandardOutput wireguard-go.out -RedirectStandardError wireguard-go.err
try {
  for ($i = 0; $i -lt 50 -and -not (Test-Path "\\.\pipe\$pipe"); $i++) { Start-Sleep -Milliseconds 200 }
  if (-not (Test-Path "\\.\pipe\$pipe")) {
    Get-Content wireguard-go.out, wireguard-go.err -ErrorAction SilentlyContinue
    Write-Host 'SKIPPED: wireguard-go could not open a Wintun adapter on this runner'
    exit 0
  }
  $set = Invoke-Uapi ("set=1`nprivate_key=$(Hex $peerPriv)`nlisten_port=51821`nreplace_peers=true`n" +
    "public_key=$(Hex $wgdeskPub)`nallowed_ip=10.99.0.1/32`n`n")
  if (-not ($set -contains 'errno=0')) { Fail "wireguard-go UAPI set: $set" }

  @"
[Interface]
PrivateKey = $wgdeskPriv
Address = 10.99.0.1/32

[Peer]
PublicKey = $peerPub
AllowedIPs = 10.99.0.0/24
Endpoint = 127.0.0.1:51821
PersistentKeepalive = 1
"@ | Set-Content -Encoding ascii t1.conf
  & $wgdesk import t1.conf; if ($LASTEXITCODE -ne 0) { Fail "wgdesk import: $LASTEXITCODE" }
  & $wgdesk up t1; if ($LASTEXITCODE -ne 0) { Fail "wgdesk up: $LASTEXITCODE" }
  $handshake = 0
  for ($i = 0; $i -lt 30 -and $handshake -eq 0; $i++) {
    Start-Sleep -Seconds 1
    $get = Invoke-Uapi "get=1`n`n"
    $line = $get | Where-Object { $_ -like 'last_handshake_time_sec=*' } | Select-Object -First 1
    if ($line) { $handshake = [long]($line.Split('=')[1]) }
  }
  & $wgdesk show t1
  if ($handshake -eq 0) { Fail 'no handshake between wgdesk and wireguard-go within 30 s' }
  Write-Host "tunnel-test: handshake at $handshake (unix time) with wireguard-go"
  & $wgdesk down t1; if ($LASTEXITCODE -ne 0) { Fail "wgdesk down: $LASTEXITCODE" }
  & $wgdesk remove t1; if ($LASTEXITCODE -ne 0) { Fail "wgdesk remove: $LASTEXITCODE" }
  if (Get-NetAdapter -Name t1 -ErrorAction SilentlyContinue) { Fail 'the adapter t1 is left after wgdesk down' }
  Write-Host 'tunnel-test: OK'
} finally {
  Stop-Process -Id $wg.Id -Force -ErrorAction SilentlyContinue
}
