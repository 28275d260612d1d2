#!/usr/bin/env bash
# Headless Neovim test of editors/nvim against the real docksense server.
#   bash editors/nvim/test/run.sh
# Needs nvim (0.7+; Debian: apt-get install -y neovim) and the server: `docksense` on PATH,
# or `python3 -m docksense` importable, or DOCKSENSE_CMD="..." (e.g. "python3 -m docksense serve").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
nvim_root="$(dirname "$here")"

if ! command -v nvim >/dev/null 2>&1; then
  echo "run.sh: nvim not found (Debian/Ubuntu: apt-get install -y neovim)" >&2
  exit 2
fi

# Keep the user's Neovim state out of it; the LSP log lands in the scratch folder.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
  XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache"
export DOCKSENSE_NVIM_ROOT="$nvim_root"

status=0
timeout "${DOCKSENSE_TEST_TIMEOUT:-180}" \
  nvim --headless -u NONE -i NONE -n -c "luafile $here/test_docksense.lua" </dev/null || status=$?
if [ "$status" -eq 124 ]; then
  echo "run.sh: timed out" >&2
fi
exit "$status"
