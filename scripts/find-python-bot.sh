#!/usr/bin/env bash
# Prints a Python >= 3.11 for the Telegram gateway (it faces the internet: no end-of-life interpreter).
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)' 2>/dev/null; }
if [ -n "${PYTHON_BOT:-}" ] && ok "$PYTHON_BOT"; then echo "$PYTHON_BOT"; exit 0; fi
for c in python3 python3.13 python3.12 python3.11; do
  if p=$(command -v "$c" 2>/dev/null) && ok "$p"; then echo "$p"; exit 0; fi
done
echo "The Telegram gateway needs Python 3.11 or newer; install one or set PYTHON_BOT=/path/to/python." >&2
exit 1
