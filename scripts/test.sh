#!/usr/bin/env bash
# The whole test suite, as CI runs it: UI lint, types and unit tests; Rust format, lints and tests (real
# SQLCipher files, a real Secret Service keyring), the server's again on PostgreSQL; then the real app
# end to end under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== UI: lint, type-check, unit tests, build"
(cd ui && npm run lint && npm run typecheck && npm test && npm run build)

echo "== Rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust: tests (including: generated TypeScript bindings are up to date)"
scripts/with-keyring.sh cargo test --workspace --locked

echo "== The clinic server's tests again, its store in PostgreSQL (a cluster of the tests' own)"
scripts/with-postgres.sh scripts/with-keyring.sh cargo test -p clinic-server --test main --locked

echo "== End to end: the real app through tauri-driver"
cargo build -p clinic-app -p clinic-cli -p clinic-server --locked
scripts/test-e2e.sh
