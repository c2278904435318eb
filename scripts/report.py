"""`make report`: the anonymous needs report (results/report/report.html + CSV files), docs/report.md.

Options (all optional): --from/--to YYYY-MM-DD (default: the last 3 months up to today), --lang de|en,
--k N (smallest count shown, default REPORT_K or 5), --out DIR, --tracker URL (default TRACKER_DB_URL or
the tracker `make run` writes), --desk URL (default DATABASE_URL or .data/gateway.db; "none" leaves the
desk's tables out). Prints the written files; the gateway's /report runs this script and sends the page.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from wegweiser.maintenance.needs_report import build_report, period_for
from wegweiser.maintenance.report_page import write_report
from wegweiser.maintenance.report_store import default_desk_url, default_tracker_url
from wegweiser.maintenance.report_tables import DEFAULT_K

ROOT = Path(__file__).resolve().parent.parent


def arguments(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="first", type=dt.date.fromisoformat)
    parser.add_argument("--to", dest="last", type=dt.date.fromisoformat)
    parser.add_argument("--lang", default=os.environ.get("REPORT_LANG", "de"), choices=("de", "en"))
    parser.add_argument("--k", type=int, default=int(os.environ.get("REPORT_K", DEFAULT_K)))
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "report")
    parser.add_argument("--tracker", default=None)
    parser.add_argument("--desk", default=None)
    return parser.parse_args(argv)


def main(argv: list) -> int:
    args = arguments(argv)
    desk = None if args.desk == "none" else (args.desk or default_desk_url())
    report = build_report(args.tracker or default_tracker_url(), desk, period_for(args.first, args.last),
                          language=args.lang, k=args.k, retention_days=int(os.environ.get("RETENTION_DAYS", 30)))
    for path in write_report(report, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
