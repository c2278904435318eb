"""`make handbook`: the knowledge base as a printable handbook, results/handbook/<language>.html.

--out DIR (default results/handbook), --edition YYYY-MM-DD (default today), --lang xx (one language),
--no-pdf. The t.me links need the assistant's Telegram name: TELEGRAM_BOT_USERNAME or `bot_username` in
content/multipliers.yml. A PDF per language is made by WeasyPrint when the Pango library is installed;
without it the HTML pages are still written (print them from a browser: A4 print stylesheet).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from wegweiser.maintenance.handbook import PdfUnavailable, bot_username, write_handbooks, write_pdf

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "handbook")
    parser.add_argument("--edition", type=dt.date.fromisoformat)
    parser.add_argument("--lang", action="append")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args(argv)
    if not bot_username():
        print("warning: no TELEGRAM_BOT_USERNAME / bot_username in content/multipliers.yml: no links or QR codes",
              file=sys.stderr)
    for path in write_handbooks(args.out, args.edition, args.lang):
        if args.no_pdf:
            print(path)
            continue
        try:
            print(f"{path}  ({write_pdf(path)} A4 pages as {path.with_suffix('.pdf').name})")
        except PdfUnavailable as error:
            print(f"{path}  ({error}; print the page from a browser)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
