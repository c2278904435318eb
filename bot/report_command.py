"""/report in the counsellors' group: the anonymous needs report (docs/report.md) as an HTML file plus
its tables as a ZIP of CSV files. Counsellors only (the desk's own check); anyone else gets no answer
from here and the gateway treats the command like any unknown one.

The report is built by scripts/report.py in Rasa's virtualenv, as a subprocess: it needs matplotlib and
scikit-learn (the not-understood grouping of `make review`), which live there; putting them into the
gateway's virtualenv too would add ~100 MB and a second copy to keep in step, for a command used a few
times a month. The subprocess reads the same databases the gateway uses (TRACKER_DB_URL, DATABASE_URL).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, List, Optional, Tuple

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, ContextTypes

from bot.desk.core import desk_of, is_counsellor
from bot.desk.texts import desk

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
REPORT_SCRIPT = ROOT / "scripts" / "report.py"
#: the report on 100,000 conversations takes ~15 s on 2 shared cores (docs/report.md); this leaves room
TIMEOUT_S = 300
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def report_python() -> str:
    """Rasa's virtualenv's Python (REPORT_PYTHON overrides it, e.g. in tests)."""
    return os.environ.get("REPORT_PYTHON") or str(ROOT / ".venv" / "rasa" / "bin" / "python")


def parse_arguments(words: List[str]) -> Optional[Tuple[List[str], str]]:
    """['2026-09-01', '2026-11-30', 'en'] -> (['--from', .., '--to', ..], 'en'); None when not understood."""
    language = "de"
    days = []
    for word in words:
        if word.lower() in ("de", "en"):
            language = word.lower()
        elif _DAY.match(word):
            try:
                days.append(dt.date.fromisoformat(word).isoformat())
            except ValueError:
                return None
        else:
            return None
    if len(days) not in (0, 2):
        return None
    return (["--from", days[0], "--to", days[1]] if days else []), language


async def build(out: Path, arguments: List[str], language: str, tracker_url: Optional[str], desk_url: str,
                k: Optional[int] = None) -> List[Path]:
    """Runs scripts/report.py; returns report.html and the CSV files, or raises RuntimeError."""
    command = [report_python(), str(REPORT_SCRIPT), "--out", str(out), "--lang", language, "--desk", desk_url,
               *arguments]
    if tracker_url:
        command += ["--tracker", tracker_url]
    if k:
        command += ["--k", str(k)]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        _, error = await asyncio.wait_for(process.communicate(), TIMEOUT_S)
    except asyncio.TimeoutError:
        process.kill()
        raise RuntimeError("the report took too long") from None
    if process.returncode != 0:
        # only the exception's type: an error message may quote an SQL parameter, e.g. a question's text
        last = (error.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"exit code {process.returncode}: {last.split(':', 1)[0][:100]}")
    return sorted(out.glob("*.csv")) + [out / "report.html"]


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [from to] [en]: the anonymous needs report, for counsellors."""
    d = desk_of(context)
    user = update.effective_user
    if user is None or not await is_counsellor(context.bot, d.config, user.id):
        return  # not a counsellor: the gateway answers it like any unknown command
    message = update.effective_message
    parsed = parse_arguments(list(context.args or []))
    if parsed is None:
        await message.reply_text(desk("report_usage"))
        raise ApplicationHandlerStop
    arguments, language = parsed
    settings: Any = context.application.bot_data["report_settings"]
    await message.reply_text(desk("report_working"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        try:
            files = await build(out, arguments, language, settings.TRACKER_DB_URL, settings.DATABASE_URL,
                                getattr(settings, "REPORT_K", None))
        except (RuntimeError, OSError) as error:
            log.error("/report failed: %s", error)
            await message.reply_text(desk("report_failed"))
            raise ApplicationHandlerStop
        first, last, k = _summary(out)
        archive = Path(tmp) / "report-csv.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in files[:-1]:
                zipped.write(path, path.name)
        caption = desk("report_caption", first=first, last=last, k=k)
        with open(files[-1], "rb") as page, open(archive, "rb") as tables:
            await message.reply_document(page, filename=f"bedarfsauswertung-{first}-{last}.html", caption=caption[:1024])
            await message.reply_document(tables, filename=f"bedarfsauswertung-{first}-{last}-csv.zip")
    raise ApplicationHandlerStop


def _summary(out: Path) -> Tuple[str, str, str]:
    """Period and k from summary.csv (written by scripts/report.py)."""
    import csv

    with open(out / "summary.csv", encoding="utf-8") as handle:
        row = list(csv.DictReader(handle))[0]
    return row["period_start"], row["period_end"], row["k"]


def register(application: Application, settings: Any, group: int) -> None:
    """Adds /report to the desk's handler group; needs the desk (bot/desk/) registered first."""
    application.bot_data["report_settings"] = settings
    application.add_handler(CommandHandler("report", report_command), group=group)


__all__ = ["register", "report_command", "parse_arguments", "build"]
