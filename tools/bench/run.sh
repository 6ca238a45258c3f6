#!/usr/bin/env bash
# Benchmarks the server in one run and writes docs/benchmarks.md: builds Release, starts a throw-away PostgreSQL
# cluster (default settings, fsync on), starts the server on SQLite and then on PostgreSQL (loopback, free ports, with
# the /bench/noop baseline endpoint), measures noop/create/read/search on each with the access log on, then restarts it
# with AccessLog:Enabled=false (the access rules still apply) and measures create/read/search again ("<backend>, log
# off"); then raw Npgsql inserts of the same JSON, then the search-index extraction and validation micro-benchmarks.
# Every server start gets an empty database. FHIR requests carry a bearer token of a system integration of the
# controller organisation, signed with an HS256 key generated for this run. Each scenario: one warm-up, then
# BENCH_REPEAT measured repetitions. With the defaults the whole run takes about 6 minutes. Settings (environment):
#   BENCH_CONCURRENCY (8)  BENCH_DURATION seconds per repetition (5)  BENCH_WARMUP seconds (3)  BENCH_REPEAT (3)
#   BENCH_BACKENDS ("sqlite postgres"; empty: only the raw-insert baseline)  BENCH_OUTPUT (docs/benchmarks.md)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo_root="$(pwd)"
# shellcheck source=../lib/postgres.sh
source "$repo_root/tools/lib/postgres.sh"

concurrency="${BENCH_CONCURRENCY:-8}"
duration="${BENCH_DURATION:-5}"
warmup="${BENCH_WARMUP:-3}"
repeat="${BENCH_REPEAT:-3}"
backends="${BENCH_BACKENDS-sqlite postgres}"
output="$(realpath -m "${BENCH_OUTPUT:-docs/benchmarks.md}")"
command_line="BENCH_CONCURRENCY=$concurrency BENCH_DURATION=$duration BENCH_WARMUP=$warmup BENCH_REPEAT=$repeat tools/bench/run.sh"

server_dir="$repo_root/src/FhirBridge.Server/bin/Release/net10.0"
bench_dll="$repo_root/tools/bench/FhirBridge.Bench/bin/Release/net10.0/FhirBridge.Bench.dll"
# Every scenario: warm-up + repetitions + seeding/grace; a bench process running longer than this is stuck.
bench_timeout=$(( (warmup + duration * repeat + 20) * 5 + 60 ))

log() { echo "[bench] $*" >&2; }
fail() { log "$*"; exit 1; }

work="$(mktemp -d /tmp/fhirbridge-bench.XXXXXX)"
chmod 755 "$work"
pg_home="$work/pg"
pg_bindir=""
server_pid=""
results="$work/results.jsonl"
extraction="$work/extraction.jsonl"
validation="$work/validation.jsonl"
status=0
server_count=0
server_database=""

# The bench caller and the server's trust in it: a key that lives only as long as this run.
auth_issuer="https://bench.fhirbridge.invalid"
auth_audience="fhirbridge-bench"
auth_key_id="bench-$$"
controller_oid="1.2.246.10.12345678"
key_file="$work/signing-key.b64"
(umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$key_file")

stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

cleanup() {
  stop_server
  if [[ -n $pg_bindir && -f $pg_home/data/postmaster.pid ]]; then
    as_postgres "$pg_bindir/pg_ctl" -D "$pg_home/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_postgres() {
  pg_bindir="$(find_pg_bindir)" || fail "PostgreSQL binaries not found: apt-get install -y postgresql"
  pg_port="$(free_port)"
  mkdir -p "$pg_home/socket"
  [[ $(id -u) -ne 0 ]] || chown -R postgres: "$pg_home"
  as_postgres "$pg_bindir/initdb" -D "$pg_home/data" -U postgres --auth=trust -E UTF8 --locale=C >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; fail "initdb failed"; }
  as_postgres "$pg_bindir/pg_ctl" -D "$pg_home/data" -l "$pg_home/postgres.log" -w -t 60 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_home/socket" start >/dev/null \
    || { cat "$pg_home/postgres.log" >&2; fail "PostgreSQL did not start"; }
  as_postgres "$pg_bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres fhirbridge
  pg_connection="Host=127.0.0.1;Port=$pg_port;Database=fhirbridge;Username=postgres"
  log "PostgreSQL $("$pg_bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
}

# start_server <backend> <access log: true|false>: runs the Release server on an empty database on a free loopback
# port and waits until /bench/noop answers.
start_server() {
  local backend="$1" access_log="$2" port database
  server_database=""
  port="$(free_port)"
  server_url="http://127.0.0.1:$port"
  server_count=$((server_count + 1))
  database="fhirbridge_$server_count"
  local -a env=(
    "ASPNETCORE_URLS=$server_url" "ASPNETCORE_ENVIRONMENT=Production" "Logging__LogLevel__Default=Warning"
    "FhirServer__BenchmarkNoopEndpoint=true"
    "Auth__Issuer=$auth_issuer" "Auth__Audience=$auth_audience"
    "Auth__SigningKeys__0__Id=$auth_key_id" "Auth__SigningKeys__0__Key=$(cat "$key_file")"
    "AccessLog__Controller=$controller_oid" "AccessLog__Enabled=$access_log"
  )
  if [[ $backend == postgres ]]; then
    as_postgres "$pg_bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$database"
    server_database="${pg_connection/Database=fhirbridge/Database=$database}"
    env+=("FHIRBRIDGE_POSTGRES=$server_database")
  else
    mkdir -p "$work/sqlite"
    env+=("Storage__Provider=sqlite" "Storage__SqlitePath=$work/sqlite/$database.db")
  fi
  (cd "$server_dir" && exec env "${env[@]}" dotnet FhirBridge.Server.dll --urls "$server_url") >"$work/server-$database.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 40 "$work/server-$database.log" >&2
      fail "the server ($backend) exited during start-up"
    fi
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$server_url/bench/noop" || true) == 204 ]]; then
      log "server ($backend) ready at $server_url"
      return 0
    fi
    sleep 0.5
  done
  tail -n 40 "$work/server-$database.log" >&2
  fail "the server ($backend) did not answer GET /bench/noop with 204 within 60 s"
}

# The load generator shares the cores with the server and PostgreSQL: its idle thread-pool workers block at once
# instead of spinning, so that it takes as little CPU from them as it can (the same for every scenario and baseline).
bench() {
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 timeout "$bench_timeout" dotnet "$bench_dll" run --results "$results" \
    --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --repeat "$repeat" \
    --key-file "$key_file" --key-id "$auth_key_id" --issuer "$auth_issuer" --audience "$auth_audience" \
    --organization "$controller_oid" "$@" || status=1
}

# bench_server <label> <scenarios>: runs the scenarios against the running server; on PostgreSQL the tool also records
# its database's write transactions, WAL bytes and log rows.
bench_server() {
  local -a probe=()
  [[ -z $server_database ]] || probe=(--postgres "$server_database")
  bench --url "$server_url" --label "$1" --scenarios "$2" "${probe[@]}"
}

log "building Release"
dotnet build "$repo_root/src/FhirBridge.Server" -c Release -v quiet -nologo >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "building the server failed"; }
dotnet build "$repo_root/tools/bench/FhirBridge.Bench" -c Release -v quiet -nologo >>"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "building the benchmark tool failed"; }

start_postgres
for backend in $backends; do
  start_server "$backend" true
  bench_server "$backend" noop,create,read,search
  stop_server
  # The label suffix ", log off" pairs these with the rows above in the report's "Access log cost" section.
  start_server "$backend" false
  bench_server "$backend, log off" create,read,search
  stop_server
done
bench --postgres "$pg_connection" --label postgres --scenarios raw-insert
log "search-index extraction micro-benchmark"
timeout 300 dotnet "$bench_dll" extraction --examples "$repo_root/tests/FhirBridge.Server.Tests/Examples" --results "$extraction" || status=1
log "profile validation micro-benchmark"
timeout 300 dotnet "$bench_dll" validation --profiles "$repo_root/profiles" --results "$validation" || status=1

report_args=(--results "$results" --output "$output" --command "$command_line")
[[ ! -s $extraction ]] || report_args+=(--extraction "$extraction")
[[ ! -s $validation ]] || report_args+=(--validation "$validation")
# The sections other measurements write at the end of the file (tools/bench/delivery.sh, the seed run) survive the rewrite.
kept="$work/kept.md"
if [[ -f $output ]]; then awk '/^## (Bridge delivery|Seed|Search at scale)$/ { keep = 1 } keep' "$output" >"$kept"; fi
dotnet "$bench_dll" report "${report_args[@]}"
if [[ -s $kept ]]; then { echo; cat "$kept"; } >>"$output"; fi
log "done in $SECONDS s"
exit "$status"
