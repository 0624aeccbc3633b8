#!/usr/bin/env bash
# Print a Python >= 3.12 for the local server's venv (xpublish-tiles 0.12 and icechunk 2 need it).
# Debian 12 has only 3.11, so look at the usual places (pyenv, deadsnakes-style installs) too.
set -u
candidates=(python3.12 python3.13 /usr/bin/python3.12 /usr/bin/python3.13 /usr/local/bin/python3.12 /usr/local/bin/python3.13)
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for dir in "$root"/versions/3.12* "$root"/versions/3.13*; do
  [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
done
for py in "${candidates[@]}"; do
  if "$py" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    "$py" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "No Python >= 3.12 found (needed by the local Flux server: xpublish-tiles 0.12, icechunk 2)." >&2
echo "Install one (for example with pyenv) and run make again." >&2
exit 1
