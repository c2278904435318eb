"""`make handbook`: the knowledge base as a printable handbook, results/handbook/<language>.html.

--out DIR (default results/handbook), --edition YYYY-MM-DD (default today), --lang xx (one language).
The t.me links need the assistant's Telegram name: TELEGRAM_BOT_USERNAME or `bot_username` in
content/multipliers.yml. No PDF: print the page from a browser (the print stylesheet is A4); see docs/report.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wegweiser.handbook import bot_username, write_handbooks  # noqa: E402


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "handbook")
    parser.add_argument("--edition", type=dt.date.fromisoformat)
    parser.add_argument("--lang", action="append")
    args = parser.parse_args(argv)
    if not bot_username():
        print("warning: no TELEGRAM_BOT_USERNAME / bot_username in content/multipliers.yml: no links or QR codes",
              file=sys.stderr)
    for path in write_handbooks(args.out, args.edition, args.lang):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
