#!/usr/bin/env bash
# Install the built bundle (dist/desktop-cs, made by installer/build.sh) with a menu entry and icons:
#   bash installer/install-linux.sh                 # this user: ~/.local/opt/desktop-cs, ~/.local/share/...
#   sudo bash installer/install-linux.sh            # all users: /opt/desktop-cs, /usr/local/share/...
#   bash installer/install-linux.sh --uninstall     # removes the program; the data folder is kept
# The target PC needs only the libgl1 and libegl1 packages (sudo apt-get install libgl1 libegl1).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  app=/opt/desktop-cs; share=/usr/local/share; bin=/usr/local/bin
else
  app="$HOME/.local/opt/desktop-cs"; share="${XDG_DATA_HOME:-$HOME/.local/share}"; bin="$HOME/.local/bin"
fi
icons="$share/icons/hicolor"
sizes="16 24 32 48 64 128 256 512"

rm -rf "$app" "$share/applications/desktop-cs.desktop" "$bin/desktop-cs"
for s in $sizes; do rm -f "$icons/${s}x${s}/apps/desktop-cs.png"; done
rm -f "$icons/scalable/apps/desktop-cs.svg"
if [ "${1:-}" = "--uninstall" ]; then
  echo "desktop-cs removed (the data folder is kept)"
  exit 0
fi

[ -x dist/desktop-cs/desktop-cs ] || { echo "build it first: bash installer/build.sh" >&2; exit 1; }
mkdir -p "$(dirname "$app")" "$share/applications" "$bin" "$icons/scalable/apps"
cp -a dist/desktop-cs "$app"
ln -s "$app/desktop-cs" "$bin/desktop-cs"
for s in $sizes; do
  install -D -m 644 "resources/icons/app-$s.png" "$icons/${s}x${s}/apps/desktop-cs.png"
done
install -m 644 resources/icons/app.svg "$icons/scalable/apps/desktop-cs.svg"
sed "s|^Exec=.*|Exec=$app/desktop-cs|" installer/desktop-cs.desktop > "$share/applications/desktop-cs.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" || true
echo "desktop-cs installed in $app (menu: Office > Customer Service Desk; command: $bin/desktop-cs)"
