#!/usr/bin/env bash
# The sync benchmarks with the server's store in SQLite, then in PostgreSQL (a cluster of their own), so
# the two can be read side by side. Settings: see crates/clinic-server/benches/sync.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/with-keyring.sh cargo bench -p clinic-server --bench sync
scripts/with-postgres.sh scripts/with-keyring.sh cargo bench -p clinic-server --bench sync
