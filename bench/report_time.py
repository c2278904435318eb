"""The needs report's build time on a generated store of 100,000 conversations (`make bench-report`;
`make bench` includes it). Generates the demo store (bench/demo_store.py) into a temporary folder —
SQLite by default, or with --postgres URL a schema of its own in that PostgreSQL database (dropped
afterwards, so nothing else in the database is touched) — then times `build_report` + writing the HTML page and the CSV files, as `make report` does.

Prints the figures as JSON; with --save, adds them to bench/latest.json under "needs_report"
("needs_report_postgresql" with --postgres).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from sqlalchemy import create_engine, text

from bench.demo_store import generate
from wegweiser.maintenance.needs_report import build_report, period_for
from wegweiser.maintenance.report_page import write_report

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def own_schema(url: str) -> Iterator[str]:
    """A URL whose tables live in a new schema of the PostgreSQL database, dropped on the way out."""
    schema = f"report_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def report_bench(conversations: int = 100_000, postgres: Optional[str] = None) -> Dict[str, object]:
    if postgres:
        with own_schema(postgres) as url:
            return _bench(conversations, url, url, "postgresql")
    with tempfile.TemporaryDirectory() as tmp:
        return _bench(conversations, f"sqlite:///{tmp}/tracker.db", f"sqlite:///{tmp}/gateway.db", "sqlite")


def _bench(conversations: int, tracker: str, desk: str, store: str) -> Dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        began = time.monotonic()
        counts = generate(tracker, desk, conversations)
        generated = time.monotonic() - began
        began = time.monotonic()
        report = build_report(tracker, desk, period_for())
        built = time.monotonic() - began
        began = time.monotonic()
        files = write_report(report, Path(tmp) / "report")
        written = time.monotonic() - began
    return {"store": store, **counts,
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
        results["needs_report" if not args.postgres else "needs_report_postgresql"] = figures
        latest.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
