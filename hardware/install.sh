#!/bin/sh
# Install (or update) the LAPOR! kiosk on Raspberry Pi OS / Debian 12, from this checkout.
#
#   sudo hardware/install.sh            then: sudo kiosk provision
#
# Code goes to /opt/lapor-kiosk (replaced on update), services to /etc/systemd/system.
# The queue and reports in /var/lib/lapor-kiosk and the configuration in /etc/lapor-kiosk
# are never touched: an update stops the services, replaces the code, and starts them again;
# the store migrates its schema by itself at start, keeping every report.
#
# For tests: --root DIR installs into DIR without users or systemctl; --no-venv skips the
# Python environment.
set -eu
root=/
make_venv=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --root) root="$2"; shift 2 ;;
        --no-venv) make_venv=no; shift ;;
        *) echo "usage: $0 [--root DIR] [--no-venv]" >&2; exit 2 ;;
    esac
done
source_dir=$(cd "$(dirname "$0")/.." && pwd -P)
prefix="${root%/}/opt/lapor-kiosk"
units="${root%/}/etc/systemd/system"
live=no
[ "$root" = "/" ] && live=yes

if [ "$live" = yes ]; then
    [ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
    # A fresh system may have no make (needed to read the package list from the Makefile).
    command -v make >/dev/null 2>&1 || "$source_dir/scripts/ensure-system-packages" make
    packages=$(make -s -C "$source_dir" -f Makefile --eval 'print-packages: ; @echo $(SYSTEM_PACKAGES)' print-packages)
    # shellcheck disable=SC2086
    "$source_dir/scripts/ensure-system-packages" $packages
    id kiosk >/dev/null 2>&1 || useradd --system --create-home --shell /usr/sbin/nologin \
        --groups audio,video,input,render,plugdev,lp kiosk
    systemctl stop lapor-kiosk.service lapor-kiosk-forwarder.service 2>/dev/null || true
fi

mkdir -p "$prefix.new" "$units"
# A git checkout: its files only (no .venv, caches or build output). Without git, or from a
# copy that is no checkout (a tarball, a USB stick), the whole folder.
if [ "$(cd "$source_dir" && git rev-parse --show-toplevel 2>/dev/null)" = "$source_dir" ]; then
    (cd "$source_dir" && git ls-files -z | xargs -0 -I{} cp --parents {} "$prefix.new/") 2>/dev/null \
        || cp -a "$source_dir/." "$prefix.new/"
else
    cp -a "$source_dir/." "$prefix.new/"
fi
rm -rf "$prefix.old"
[ -d "$prefix" ] && mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
if [ "$make_venv" = yes ]; then
    python3 -m venv "$prefix/.venv"
    "$prefix/.venv/bin/pip" install --quiet "$prefix"
    ln -sf "$prefix/.venv/bin/kiosk" "${root%/}/usr/local/bin/kiosk" 2>/dev/null || true
fi
cp "$source_dir"/hardware/systemd/*.service "$units/"
rm -rf "$prefix.old"

if [ "$live" = yes ]; then
    systemctl daemon-reload
    systemctl enable lapor-kiosk.service lapor-kiosk-forwarder.service
    if grep -q '^technician_pin_sha256' /etc/lapor-kiosk/kiosk.toml 2>/dev/null; then
        echo "Kiosk mode cannot be left until the technician PIN is set anew (a salted hash now):"
        echo "  sudo kiosk --config /etc/lapor-kiosk/kiosk.toml pin set"
    fi
    if [ -f /etc/lapor-kiosk/kiosk.toml ]; then
        systemctl start lapor-kiosk-forwarder.service lapor-kiosk.service
    else
        echo "Installed. Next: sudo kiosk provision, then sudo systemctl start lapor-kiosk"
    fi
fi
echo "LAPOR! kiosk installed in $prefix"
