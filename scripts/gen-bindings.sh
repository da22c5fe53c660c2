#!/usr/bin/env bash
# Regenerates ui/src/bindings.ts (the TypeScript types of every IPC command and DTO) from the Rust types.
set -euo pipefail
cd "$(dirname "$0")/.."
CLINIC_UPDATE_BINDINGS=1 cargo test -p clinic-app --lib bindings_are_up_to_date --quiet
echo "wrote ui/src/bindings.ts"
