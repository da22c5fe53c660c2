#!/usr/bin/env bash
# End-to-end tests of the real app: a built binary under Xvfb, driven by tauri-driver + WebKitWebDriver,
# with a real Secret Service keyring. Expects target/debug/clinic-app and target/debug/clinic to be built
# (scripts/test.sh builds them). Screenshots land in tests/e2e/artifacts/. Arguments: test files to run
# (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CLINIC_KEYRING_SESSION:-}" ]; then
    exec scripts/with-keyring.sh xvfb-run --auto-servernum --server-args="-screen 0 1366x860x24" "$0" "$@"
fi
rm -rf tests/e2e/artifacts
export TAURI_DRIVER="${TAURI_DRIVER:-$CARGO_HOME/bin/tauri-driver}"
# The test files given as arguments (e.g. front-desk.test.mjs), or all of them.
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(smoke.test.mjs security.test.mjs front-desk.test.mjs patients.test.mjs disks.test.mjs sync.test.mjs)
# A hard limit, so that a hung driver can never stall CI.
cd tests/e2e && timeout --kill-after=10 2100 node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}"
