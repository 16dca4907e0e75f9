#!/usr/bin/env bash
# Sets up Sotto on a fresh Debian or Ubuntu machine (README's first command; .ci/run uses it too):
# the system packages Sotto runs with (tor and tor-gencert for the local test network, chromium
# and fonts-liberation for the desktop window and the e2e tests), then the npm packages.
#
#   bash scripts/setup.sh            install what is missing, then `npm ci`
#   bash scripts/setup.sh --start    the same, then `npm start`
#
# System packages need root: as root it installs them, with sudo it asks sudo; otherwise it stops
# and prints the one command to run. SOTTO_SETUP_FORCE_APT=1 treats every system package as
# missing (to try the install path, or the no-root path, on a machine that has them all).
set -euo pipefail
cd "$(dirname "$0")/.."

start=false
for arg in "$@"; do
  case "$arg" in
    --start) start=true ;;
    *) echo "usage: bash scripts/setup.sh [--start]" >&2; exit 2 ;;
  esac
done

# Node: 20.19 or newer runs and tests Sotto (package.json engines).
if ! command -v node >/dev/null 2>&1; then
  echo "Sotto needs Node.js 20.19 or newer and npm: https://nodejs.org/en/download (or your distribution's nodejs 20+)." >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Sotto needs Node.js 20.19 or newer; this is $(node --version): https://nodejs.org/en/download" >&2
  exit 1
fi

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
if [ "${SOTTO_SETUP_FORCE_APT:-}" = 1 ]; then
  need=(tor chromium fonts-liberation)
else
  { have_cmd tor && have_cmd tor-gencert; } || need+=(tor)
  { have_cmd chromium || have_cmd chromium-browser; } || need+=(chromium)
  have_pkg fonts-liberation || need+=(fonts-liberation)
fi

if [ "${#need[@]}" -gt 0 ]; then
  install="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    runner=()
  elif have_cmd sudo && sudo -n true 2>/dev/null; then
    runner=(sudo)
  elif have_cmd sudo && [ -t 0 ]; then
    echo "Sotto needs ${need[*]} from apt; sudo will ask for your password."
    runner=(sudo)
  else
    echo "Sotto needs these system packages: ${need[*]}. Install them as root, then run this again:" >&2
    echo "  sudo sh -c '$install'" >&2
    echo "(or, as root: $install)" >&2
    exit 1
  fi
  echo "installing ${need[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  "${runner[@]}" apt-get update -qq
  "${runner[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian's tor package starts a system tor; Sotto never uses it (each profile runs its own).
  if have_cmd systemctl; then "${runner[@]}" systemctl stop tor >/dev/null 2>&1 || true; fi
fi

echo "$(tor --version | head -1); node $(node --version); npm $(npm --version)"
npm ci --no-audit --no-fund

if [ "$start" = true ]; then
  exec npm start
fi
echo "ready: npm start (the desktop app) or npm run console (Sotto in this terminal)"
