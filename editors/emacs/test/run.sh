#!/usr/bin/env bash
# Batch test of editors/emacs/docksense.el (eglot end to end, lsp-mode registration).
#   bash editors/emacs/test/run.sh
# Needs Emacs 28+ with eglot (Debian 12: apt-get install -y emacs-nox elpa-eglot [elpa-lsp-mode])
# and the server (`docksense` on PATH, or DOCKSENSE_CMD="python3 -m docksense serve").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v emacs >/dev/null 2>&1 || { echo "run.sh: emacs not found (apt-get install -y emacs-nox elpa-eglot)" >&2; exit 2; }
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
HOME="$home" timeout "${DOCKSENSE_TEST_TIMEOUT:-180}" emacs --batch -l "$here/test-docksense.el"
