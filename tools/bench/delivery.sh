#!/usr/bin/env bash
# Bridge delivery benchmark: builds Release, starts the server on an empty SQLite database on a free loopback port, and
# runs `FhirBridge.Bench delivery`, which registers an in-process fake EHR as a connected system, gives a client's consent
# to it, creates CarePlans and measures change→delivered latency (p50/p95) and delivered plans per second. Writes the
# "## Bridge delivery" section of docs/benchmarks.md (replacing an earlier one). Settings (environment):
#   DELIVERY_COUNT plans (200)  DELIVERY_CONCURRENCY writers (4)  BENCH_OUTPUT (docs/benchmarks.md)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo_root="$(pwd)"
# shellcheck source=../lib/postgres.sh
source "$repo_root/tools/lib/postgres.sh"

count="${DELIVERY_COUNT:-200}"
writers="${DELIVERY_CONCURRENCY:-4}"
output="$(realpath -m "${BENCH_OUTPUT:-docs/benchmarks.md}")"
server_dir="$repo_root/src/FhirBridge.Server/bin/Release/net10.0"
bench_dll="$repo_root/tools/bench/FhirBridge.Bench/bin/Release/net10.0/FhirBridge.Bench.dll"
issuer="https://bench.fhirbridge.invalid"
audience="fhirbridge-bench"
key_id="bench-$$"
controller_oid="1.2.246.10.12345678"

work="$(mktemp -d /tmp/fhirbridge-delivery.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "[delivery] building (Release)" >&2
dotnet build "$repo_root/src/FhirBridge.Server" -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; exit 1; }
dotnet build "$repo_root/tools/bench/FhirBridge.Bench" -c Release -v quiet -nologo >>"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; exit 1; }

key_file="$work/signing-key.b64"
(umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$key_file")
port="$(free_port)"
url="http://127.0.0.1:$port"
(cd "$server_dir" && exec env "ASPNETCORE_ENVIRONMENT=Production" "Logging__LogLevel__Default=Warning" \
  "Auth__Issuer=$issuer" "Auth__Audience=$audience" "Auth__SigningKeys__0__Id=$key_id" "Auth__SigningKeys__0__Key=$(cat "$key_file")" \
  "AccessLog__Controller=$controller_oid" "Storage__Provider=sqlite" "Storage__SqlitePath=$work/fhirbridge.db" \
  "Bridge__Delivery__PollInterval=00:00:00.100" \
  dotnet FhirBridge.Server.dll --urls "$url") >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/fhir/metadata" || true) == 200 ]]; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { tail -n 40 "$work/server.log" >&2; exit 1; }
  sleep 0.5
done

dotnet "$bench_dll" delivery --url "$url" --key-file "$key_file" --key-id "$key_id" --issuer "$issuer" --audience "$audience" \
  --organization "$controller_oid" --count "$count" --concurrency "$writers" --output "$output" \
  --command "DELIVERY_COUNT=$count DELIVERY_CONCURRENCY=$writers tools/bench/delivery.sh"
