#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter for Rasa 3.6 (which runs on 3.8-3.10 only), or explains
# what to install. Looks at python3.10 on PATH, then pyenv.
set -euo pipefail
is310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }
if [ -n "${PYTHON310:-}" ] && is310 "$PYTHON310"; then echo "$PYTHON310"; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -t. -k3 -n -r); do
    p="$(pyenv root)/versions/$v/bin/python"
    if is310 "$p"; then echo "$p"; exit 0; fi
  done
fi
for c in python3.10 python3; do
  if p=$(command -v "$c" 2>/dev/null) && is310 "$p"; then echo "$p"; exit 0; fi
done
cat >&2 <<'MSG'
Rasa 3.6 needs Python 3.10, and none was found.
Install one, for example:  pyenv install 3.10.13   or   apt-get install python3.10 python3.10-venv
or point PYTHON310=/path/to/python3.10 at it, then run make again.
MSG
exit 1
