"""The needs report's build time on a generated store of 100,000 conversations (`make bench-report`;
`make bench` includes it). Generates the demo store (bench/demo_store.py) into a temporary folder —
SQLite by default, or the PostgreSQL database given with --postgres URL (its `events` and desk tables are
replaced) — then times `build_report` + writing the HTML page and the CSV files, as `make report` does.

Prints the figures as JSON; with --save, adds them to bench/latest.json under "needs_report".
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_store import generate  # noqa: E402
from wegweiser.needs_report import build_report, period_for  # noqa: E402
from wegweiser.report_page import write_report  # noqa: E402


def report_bench(conversations: int = 100_000, postgres: Optional[str] = None) -> Dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        tracker = postgres or f"sqlite:///{tmp}/tracker.db"
        desk = postgres or f"sqlite:///{tmp}/gateway.db"
        began = time.monotonic()
        counts = generate(tracker, desk, conversations)
        generated = time.monotonic() - began
        began = time.monotonic()
        report = build_report(tracker, desk, period_for())
        built = time.monotonic() - began
        began = time.monotonic()
        files = write_report(report, Path(tmp) / "report")
        written = time.monotonic() - began
    return {"store": "postgresql" if postgres else "sqlite", **counts,
            "conversations_in_period": report.conversations, "generate_s": round(generated, 1),
            "build_s": round(built, 1), "write_s": round(written, 1), "total_s": round(built + written, 1),
            "files": len(files)}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL to generate into instead of a SQLite file")
    parser.add_argument("--save", action="store_true", help="add the figures to bench/latest.json")
    args = parser.parse_args(argv)
    figures = report_bench(args.conversations, args.postgres)
    print(json.dumps(figures, indent=1))
    if args.save:
        latest = ROOT / "bench" / "latest.json"
        results = json.loads(latest.read_text(encoding="utf-8")) if latest.exists() else {}
        results["needs_report"] = figures
        latest.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
