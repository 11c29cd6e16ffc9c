#!/usr/bin/env bash
# Refresh constraints.txt on purpose: resolve the newest releases that pyproject.toml allows for the
# package with its test and notebook extras, in a fresh virtual environment, and pin them all.
# Published numbers are reproduced with these pins (README, "Set-up"); review the diff, rerun the
# test suite and regenerate what the changes move (docs, figures) before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Build from a copy: an in-tree build leaves build/ behind, and later wheels would pick up its stale files.
mkdir "$work/source"
cp -r model params pyproject.toml README.md LICENSE "$work/source/"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$work/source[test,notebooks]"
version="$("$work/venv/bin/python" -c 'import platform; print(platform.python_version())')"
{
    echo "# Every package CI installs, pinned; refreshed on purpose with scripts/refresh_constraints.sh."
    echo "# Resolved for Python $version on $(date -u +%Y-%m-%d)."
    "$work/venv/bin/pip" freeze --exclude manpower-model
} > constraints.txt
echo "Wrote constraints.txt ($(grep -vc '^#' constraints.txt) pins)"
