#!/bin/sh
# Starts the app (CLINIC_APP_UNDER_TEST) with the folder after --data-dir mounted read-only, in a mount
# namespace of its own (`unshare -rm`: no root needed where user namespaces are allowed).
set -eu
dir=""
previous=""
for arg in "$@"; do
    [ "$previous" = "--data-dir" ] && dir="$arg"
    previous="$arg"
done
[ -n "$dir" ] || { echo "read-only-app.sh: no --data-dir" >&2; exit 2; }
exec unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$CLINIC_APP_UNDER_TEST" "$@"' sh "$dir" "$@"
