#!/usr/bin/env bash
# Create a separate virtual environment holding the Label Studio *server* (used by the integration
# test and by annotators running it locally). The server pins Django, pyarrow<25 and more, so it
# never goes into the project's .venv; only label-studio-sdk belongs there.
#
# Usage: scripts/labelstudio_venv.sh [VENV_DIR]   (default: .ls-venv at the repo root; ~1 GB, ~70 s)
# Env:   LABEL_STUDIO_VERSION (default 1.23.2), PYTHON (default python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-${GOVREPORT_LS_VENV:-$ROOT/.ls-venv}}"
VERSION="${LABEL_STUDIO_VERSION:-1.23.2}"
PY="${PYTHON:-python3}"

if [[ -x "$VENV/bin/label-studio" ]] && "$VENV/bin/python" -c "import label_studio, sys; sys.exit(0 if label_studio.__version__ == '$VERSION' else 1)" 2>/dev/null; then
    echo "label-studio $VERSION already installed in $VENV"
    exit 0
fi

"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "label-studio==$VERSION"
echo "label-studio $VERSION installed in $VENV"
