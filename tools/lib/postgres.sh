# Shared shell helpers for locating and running the local PostgreSQL binaries. Source it; it defines functions only.

# Prints the directory holding initdb/pg_ctl: PATH first, then `pg_config --bindir`, then the newest
# /usr/lib/postgresql/*/bin. Fails when none is found.
find_pg_bindir() {
  local candidate
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  if command -v pg_config >/dev/null 2>&1; then
    candidate="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -n $candidate && -x $candidate/initdb ]]; then echo "$candidate"; return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $candidate/initdb ]]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Runs a command as the postgres user when we are root (initdb and pg_ctl refuse to run as root), else as is.
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Prints a TCP port on 127.0.0.1 that is free right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
