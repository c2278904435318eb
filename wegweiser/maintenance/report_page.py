"""The needs report as one self-contained HTML page (charts inlined as SVG) and one CSV file per table.

Charts are drawn with matplotlib (Agg, SVG with text kept as text: small, sharp in print). A bar whose
count is below k is not drawn; "< k" stands in its place, so a chart never shows more than the table
beside it. The page is escaped by Jinja2's autoescaping; it loads nothing from the network.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import List, Optional

from babel.dates import format_date
from jinja2 import Environment

from wegweiser.maintenance.needs_report import Report, phrase
from wegweiser.maintenance.report_tables import Table, shown, suppressed

PAGE = """<!DOCTYPE html>
<html lang="{{ r.language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .6rem 0; min-width: 24rem; }
th, td { border: 1px solid #bbb; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.meta { color: #444; } .chart svg { max-width: 100%; height: auto; }
section { break-inside: avoid-page; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } nav { display: none; }
               h2 { break-after: avoid; } @page { size: A4; margin: 15mm; } }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="meta">{{ period }}<br>{{ made }}<br>{{ rule }}<br>{{ retention }}</p>
{% if r.empty %}
<p><strong>{{ empty }}</strong></p>
{% else %}
<p><strong>{{ summary }}</strong> {{ csv }}</p>
<nav><h2>{{ contents }}</h2><ol>{% for t in tables %}<li><a href="#{{ t.key }}">{{ t.title }}</a></li>{% endfor %}</ol></nav>
{% for t in tables %}
<section id="{{ t.key }}">
<h2>{{ t.title }}</h2>
{% if t.chart %}<div class="chart">{{ t.chart | safe }}</div>{% endif %}
{% if t.cells %}
<table><thead><tr>{% for c in t.columns %}<th{% if not loop.first %} class="n"{% endif %}>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in t.cells %}<tr>{% for cell in row %}<td{% if not loop.first %} class="n"{% endif %}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% elif t.note %}<p>{{ t.note }}</p>{% endif %}
</section>
{% endfor %}
{% endif %}
</body>
</html>
"""


def chart_svg(table: Table, k: int, language: str) -> Optional[str]:
    """The table's first count column as an SVG bar chart (None: no chart for this table)."""
    rows = table.visible_rows(k)
    if not table.chart or not rows:
        return None
    import matplotlib  # the Agg backend must be chosen before pyplot is imported

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "wegweiser"})
    labels = [label for label, _ in rows]
    values = [0 if suppressed(v[0], k) else int(v[0]) for _, v in rows]
    hidden = [suppressed(v[0], k) for _, v in rows]
    if table.chart == "bar":
        figure, axes = plt.subplots(figsize=(7.5, 0.3 * len(rows) + 0.8))
        bars = axes.barh(range(len(rows)), values, color="#3b6ea5")
        axes.set_yticks(range(len(rows)))
        axes.set_yticklabels(labels)
        axes.invert_yaxis()
    else:
        figure, axes = plt.subplots(figsize=(7.5, 2.8))
        bars = axes.bar(range(len(rows)), values, color="#3b6ea5")
        axes.set_xticks(range(len(rows)))
        axes.set_xticklabels(labels, rotation=60 if len(rows) > 8 else 0, ha="right" if len(rows) > 8 else "center")
    for bar, hide in zip(bars, hidden):
        if hide:  # no height to show: the label "< k" stands where the bar would start
            x, y = (bar.get_x() + bar.get_width() / 2, 0) if table.chart != "bar" else (0, bar.get_y() + bar.get_height() / 2)
            axes.annotate(f"< {k}", (x, y), fontsize=7, color="#777", rotation=90 if table.chart != "bar" else 0,
                          ha="center" if table.chart != "bar" else "left", va="bottom" if table.chart != "bar" else "center")
    if any(hidden):
        axes.set_title(phrase("suppressed_chart", language, k=k), fontsize=8, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def render_html(report: Report) -> str:
    language, k = report.language, report.k
    last_day = report.period.end.date() - timedelta(days=1)  # the end is midnight after the last day
    period = phrase("period", language, start=format_date(report.period.start.date(), "long", locale=language),
                    end=format_date(last_day, "long", locale=language))
    tables = [{"key": t.key, "title": t.title, "columns": t.columns, "cells": t.cells(k), "note": t.note,
               "chart": chart_svg(t, k, language)} for t in report.tables]
    environment = Environment(autoescape=True)
    return environment.from_string(PAGE).render(
        r=report, title=phrase("title", language), period=period,
        made=phrase("made", language, day=format_date(report.made, "long", locale=language)),
        rule=phrase("rule", language, k=k), retention=phrase("retention", language, days=report.retention_days),
        empty=phrase("empty", language), summary=report.summary(), csv=phrase("csv", language),
        contents=phrase("contents", language), tables=tables)


def write_report(report: Report, folder: Path) -> List[Path]:
    """report.html and one CSV per table into `folder` (old CSV files of this report are replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    summary = folder / "summary.csv"
    with open(summary, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period_start", "period_end", "conversations", "messages", "handoffs", "k"])
        writer.writerow([report.period.start.date().isoformat(), (report.period.end.date() - timedelta(days=1)).isoformat(),
                         shown(report.conversations, report.k), shown(report.messages, report.k),
                         shown(report.handoffs, report.k), report.k])
    written = [summary, *(table.write_csv(folder, report.k) for table in report.tables)]
    page = folder / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    return [page, *written]
