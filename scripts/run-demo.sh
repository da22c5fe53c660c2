#!/usr/bin/env bash
# Installs what is missing, builds Clinic, and opens it on the demo clinic (created on first run in the
# OS app-data folder "Clinic Demo"; sign in as shown on the screen). Extra arguments go to the app, e.g.
# `--data-dir DIR`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "Building the UI and the app (the first build takes several minutes)..."
(cd ui && npm run build --silent)
cargo build -p clinic-app -p clinic-cli
exec target/debug/clinic-app --demo "$@"
