#!/usr/bin/env bash
# Runs a command beside a PostgreSQL server of its own: a new cluster in a temporary folder, listening on
# 127.0.0.1 at a free port, run by an unprivileged user (nobody, when this runs as root), stopped and
# removed when the command ends. Its collation is ICU's en-US, as a clinic's database may well have (the
# server compares bytes itself). The command finds it in CLINIC_TEST_POSTGRES (no database name: the
# tests create one per clinic server).
set -euo pipefail
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if [ ! -x "$bin/initdb" ]; then
    echo "with-postgres: PostgreSQL's server programs are missing (scripts/setup.sh installs them)" >&2
    exit 1
fi
dir="$(mktemp -d -t clinic-pg.XXXXXX)"
as=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$dir"
    as=(runuser -u nobody --)
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
stop() {
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -U clinic --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --locale-provider=icu --icu-locale=en-US >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start >/dev/null
export CLINIC_TEST_POSTGRES="postgresql://clinic@127.0.0.1:$port"
"$@"
