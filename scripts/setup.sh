#!/usr/bin/env bash
# Installs what Clinic needs to build, run and test, on Debian 12 or Ubuntu: system packages (with sudo
# when not root), tauri-driver for the end-to-end tests, and the UI's npm packages. Safe to re-run: it
# only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
    build-essential pkg-config curl file                                    # compilers, for SQLCipher too
    libssl-dev libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev  # Tauri
    xvfb xauth webkit2gtk-driver                                            # end-to-end tests
    gnome-keyring dbus-x11 dbus                                             # a real Secret Service in tests
    poppler-utils imagemagick                                               # looking at PDFs and screens
    postgresql postgresql-client                                            # the server on PostgreSQL
)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
    echo "setup: Rust is missing; install it with rustup (see the Rust website), then run this again" >&2
    exit 1
fi
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "setup: Node.js 20.19 or newer is needed for the UI (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
fi

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
if [ ! -x "$CARGO_BIN/tauri-driver" ]; then
    echo "setup: installing tauri-driver"
    cargo install tauri-driver --locked --quiet
fi

# The UI's packages, exactly as locked; reinstalled only when the lock file changed.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    echo "setup: installing the UI's npm packages"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
