#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring (a real Secret
# Service), in a throwaway HOME, so tests exercise the OS keyring without touching the user's own.
set -euo pipefail
if [ -z "${CLINIC_KEYRING_SESSION:-}" ]; then
    exec env CLINIC_KEYRING_SESSION=1 dbus-run-session -- "$0" "$@"
fi
# Keep the toolchains and caches of the real HOME; only the keyring gets a fresh home.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
HOME="$(mktemp -d -t clinic-keyring-home.XXXXXX)"
export HOME
unset XDG_DATA_HOME XDG_CONFIG_HOME
eval "$(printf 'pw\n' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
exec "$@"
