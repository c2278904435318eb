"""The anonymous needs report: which tables it has and how the stores' counts become their rows.

`build_report` asks wegweiser/maintenance/report_store.py for aggregates, labels them in German or English
(content/report.yml, Babel's CLDR names for languages, countries, weekdays) and returns `Report`, whose
tables only ever show counts through the k-suppression of wegweiser/maintenance/report_tables.py. Rendering to
HTML and CSV: wegweiser/maintenance/report_page.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date

from wegweiser.content import load_topics, read_yaml
from wegweiser.maintenance.report_store import (
    COUNTRY_SLOT,
    HANDOFF_OUTCOME,
    HOUR,
    WEEK,
    DeskCounts,
    Period,
    TrackerCounts,
    as_mapping,
)
from wegweiser.maintenance.report_tables import DEFAULT_K, Table, shown, suppressed
from wegweiser.paths import content_dir
from wegweiser.unanswered import Question, grouped, scrub

CENTRE_TZ = ZoneInfo("Europe/Berlin")
REPORT_LANGUAGES = ("de", "en")
#: at most this many distinct not-understood texts are grouped, the most-asked first (make review's
#: clustering holds a dense matrix of texts × character n-grams, which grows with the square of the texts)
GROUPING_LIMIT = 500
GROUP_EXAMPLES = 3
LOOKUP_FORM, HANDOFF_FORM = "support_form", "handoff_form"
CRISIS, LEGAL_OWN_CASE = "crisis", "legal_own_case"
WAIT_BUCKETS = ("under_1h", "h1_4", "h4_24", "d1_3", "over_3d", "not_taken")


@lru_cache(maxsize=None)
def report_texts() -> Mapping[str, Any]:
    return read_yaml(content_dir() / "report.yml")["report"]


@lru_cache(maxsize=None)
def load_multipliers() -> Mapping[str, Mapping[str, Any]]:
    """{deep-link code: {"name": organisation, ...}} from content/multipliers.yml."""
    path = content_dir() / "multipliers.yml"
    return read_yaml(path)["multipliers"] if path.exists() else {}


def phrase(path: str, language: str, **values: Any) -> str:
    node: Any = report_texts()
    for part in path.split("."):
        node = node[part]
    return str(node[language]).format(**values) if values else str(node[language])


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when that month is shorter)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(candidate, day.day))
        except ValueError:
            continue
    raise ValueError(day)


def period_for(first: Optional[dt.date] = None, last: Optional[dt.date] = None, *,
               today: Optional[dt.date] = None, months: int = 3) -> Period:
    """Whole days in the centre's time zone, `first` to `last` inclusive; by default the last 3 months."""
    today = today or dt.datetime.now(CENTRE_TZ).date()
    last = last or today
    first = first or months_back(last, months) + dt.timedelta(days=1)
    if first > last:
        raise ValueError("the period starts after it ends")
    start = dt.datetime.combine(first, dt.time(), CENTRE_TZ)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), CENTRE_TZ)
    return Period(start, end)


@dataclass
class Report:
    language: str
    k: int
    period: Period
    made: dt.date
    conversations: int
    messages: int
    handoffs: int
    retention_days: int
    tables: List[Table] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.conversations == 0

    def summary(self) -> str:
        share = (phrase("share_hidden", self.language) if suppressed(self.handoffs, self.k)
                 else f"{100 * self.handoffs / self.conversations:.0f} %")
        return phrase("total", self.language, conversations=shown(self.conversations, self.k),
                      messages=shown(self.messages, self.k), handoffs=shown(self.handoffs, self.k), share=share)


def _day(moment: dt.datetime, language: str) -> str:
    return format_date(moment.astimezone(CENTRE_TZ).date(), format="medium", locale=language)


def _language_name(code: Optional[str], language: str) -> str:
    return Locale.parse(language).languages.get(code or "", code or phrase("rows.other", language))


def _country_name(code: Optional[str], language: str) -> str:
    if code in ("stateless", "skipped"):
        return phrase(f"rows.{code}", language)
    return Locale.parse(language).territories.get(code or "", phrase("rows.other", language))


def _sorted(rows: Mapping[str, int]) -> List[Tuple[str, Tuple[Optional[int], ...]]]:
    return [(label, (count,)) for label, count in sorted(rows.items(), key=lambda item: (-item[1], item[0]))]


def _merge(rows: Sequence[Tuple[Any, ...]], name: Callable[[Any], str]) -> Dict[str, int]:
    """Counts per label; values that get the same label (e.g. unknown codes) are added up."""
    merged: Dict[str, int] = {}
    for value, count in rows:
        merged[name(value)] = merged.get(name(value), 0) + int(count or 0)
    return merged


def _weekly_rows(period: Period, rows: Sequence[Tuple[Any, ...]], language: str) -> List[Tuple[str, Tuple[Optional[int], ...]]]:
    by_week = {int(week): tuple(int(v or 0) for v in values) for week, *values in rows}
    weeks = int((period.end - period.origin).total_seconds() // WEEK) + 1
    result = []
    for week in range(weeks):
        begin = period.origin + dt.timedelta(weeks=week)
        if begin >= period.end:
            break
        result.append((_day(max(begin, period.start), language), by_week.get(week, (0, 0))))
    return result


def _families(rows: Sequence[Tuple[Any, ...]], language: str) -> List[Tuple[str, Tuple[Optional[int], ...]]]:
    sizes: Dict[int, int] = {}
    for adults, children, people in rows:
        if adults is None and children is None:
            continue
        size = int(float(adults or 0)) + int(float(children or 0))
        if size < 1:
            continue
        sizes[min(size, 6)] = sizes.get(min(size, 6), 0) + int(people)
    return [(phrase("rows.six_or_more", language) if size == 6 else str(size), (sizes.get(size, 0),))
            for size in range(1, 7)]


def _hours_and_weekdays(period: Period, rows: Sequence[Tuple[Any, ...]], language: str) -> Tuple[list, list]:
    hours = [0] * 24
    weekdays = [0] * 7
    origin = period.origin.astimezone(dt.timezone.utc)
    for bucket, messages in rows:
        local = (origin + dt.timedelta(seconds=int(bucket) * HOUR)).astimezone(CENTRE_TZ)
        hours[local.hour] += int(messages)
        weekdays[local.weekday()] += int(messages)
    names = Locale.parse(language).days["format"]["wide"]
    return ([(f"{hour:02d}:00", (count,)) for hour, count in enumerate(hours)],
            [(names[day], (count,)) for day, count in enumerate(weekdays)])


def _not_understood_groups(tracker: TrackerCounts, period: Period, k: int, language: str) -> List[Tuple[str, Tuple[Optional[int], ...]]]:
    """make review's grouping over the period's not-understood messages (scrubbed); a group is shown only
    when at least k different people asked something in it."""
    texts = tracker.not_understood_texts(period, GROUPING_LIMIT)
    if not texts:
        return []
    originals: Dict[str, List[str]] = {}
    for original, _people in texts:
        originals.setdefault(scrub(str(original or "")), []).append(str(original or ""))
    questions = [Question("", None, None, kept) for kept in originals if kept]
    rows = []
    for group in grouped(questions):
        asked = [original for question in group for original in originals[question.text]]
        people = tracker.not_understood_people(period, asked)
        if people >= k:
            rows.append((" · ".join(q.text for q in group[:GROUP_EXAMPLES]), (people,)))
    return sorted(rows, key=lambda row: -int(row[1][0] or 0))[:20]


def build_report(tracker_url: str, desk_url: Optional[str], period: Period, *, language: str = "de",
                 k: int = DEFAULT_K, retention_days: int = 30, today: Optional[dt.date] = None) -> Report:
    if language not in REPORT_LANGUAGES:
        raise ValueError(f"the report is written in {' or '.join(REPORT_LANGUAGES)}")
    if k < 1:
        raise ValueError("k must be at least 1")
    tracker = TrackerCounts(tracker_url)
    desk = DeskCounts(desk_url) if desk_url else None
    try:
        conversations, messages = tracker.totals(period)
        handoffs = as_mapping(tracker.slot_people(period, HANDOFF_OUTCOME)).get("send", 0)
        report = Report(language, k, period, today or dt.datetime.now(CENTRE_TZ).date(), conversations, messages,
                        handoffs, retention_days)
        if report.empty:
            return report
        report.tables = _tables(tracker, desk, period, language, k)
        return report
    finally:
        tracker.close()
        if desk:
            desk.close()


def _tables(tracker: TrackerCounts, desk: Optional[DeskCounts], period: Period, language: str, k: int) -> List[Table]:
    def title(key: str) -> str:
        return phrase(f"tables.{key}", language)

    def col(*keys: str) -> List[str]:
        return [phrase(f"columns.{key}", language) for key in keys]

    tables = [Table("weekly", title("weekly"), col("week", "conversations", "messages"),
                    _weekly_rows(period, tracker.weekly(period), language), chart="column")]
    tables.append(Table("languages", title("languages"), col("language", "people"),
                        _sorted(_merge(tracker.slot_people(period, "language"), lambda c: _language_name(c, language)))))
    topics = load_topics()
    faq = _merge(tracker.faq_topics(period), lambda name: (topics.get(str(name or "").split("/", 1)[-1]) or {}).get(
        language) or phrase("rows.other", language))
    forms = as_mapping(tracker.actions(period, [LOOKUP_FORM, HANDOFF_FORM]))
    intents = as_mapping(tracker.intents(period))
    faq.update({phrase("rows.lookup", language): forms.get(LOOKUP_FORM, 0),
                phrase("rows.handoff", language): forms.get(HANDOFF_FORM, 0),
                phrase("rows.legal_own_case", language): intents.get(LEGAL_OWN_CASE, 0)})
    topic_rows = _sorted({label: count for label, count in faq.items() if count})
    topic_rows.append((phrase("rows.crisis", language), (intents.get(CRISIS, 0),)))
    tables.append(Table("topics", title("topics"), col("topic", "people"), topic_rows))
    tables.append(Table("countries", title("countries"), col("country", "people"),
                        _sorted(_merge(tracker.slot_people(period, COUNTRY_SLOT), lambda c: _country_name(c, language)))))
    tables.append(Table("family", title("family"), col("family", "people"), _families(tracker.families(period), language),
                        chart="column"))
    if desk is not None and desk.present:
        def handoff_label(group: str) -> Callable[[Any], str]:
            def label(value: Any) -> str:
                if group == "language":
                    return _language_name(value, language)
                labels = report_texts()["handoff_topics"] if group == "topic" else report_texts()["rows"]
                return str((labels.get(str(value)) or {}).get(language) or phrase("rows.other", language))
            return label

        for group, column in (("topic", "topic"), ("language", "language"), ("contact", "contact")):
            tables.append(Table(f"handoff_{group}", title(f"handoff_{group}"), col(column, "requests"),
                                _sorted(_merge(desk.cases_by(group, period), handoff_label(group)))))
        waits = as_mapping(desk.waits(period))
        tables.append(Table("handoff_wait", title("handoff_wait"), col("waited", "requests"),
                            [(phrase(f"rows.{b}", language), (waits.get(b, 0),)) for b in WAIT_BUCKETS], chart="column"))
        appointment_rows = desk.appointments(period)
        values = [int(v or 0) for v in appointment_rows[0]] if appointment_rows else [0, 0, 0, 0]
        tables.append(Table("appointments", title("appointments"), col("state", "appointments"),
                            [(phrase(f"rows.{name}", language), (value,)) for name, value in
                             zip(("proposed", "booked", "cancelled", "reminded"), values)], chart="column"))
    tables.append(Table("not_understood", title("not_understood"), col("week", "people", "messages"),
                        _weekly_rows(period, tracker.not_understood_weekly(period), language), chart="column"))
    tables.append(Table("not_understood_groups", title("groups"), col("group", "people"),
                        _not_understood_groups(tracker, period, k, language), chart=None, drop_below_k=True,
                        note=phrase("no_groups", language, k=k)))
    hours, weekdays = _hours_and_weekdays(period, tracker.hourly(period), language)
    tables.append(Table("hours", title("hours"), col("hour", "messages"), hours, chart="column"))
    tables.append(Table("weekdays", title("weekdays"), col("weekday", "messages"), weekdays, chart="column"))
    multipliers = load_multipliers()

    def organisation(code: Any) -> str:
        if code is None:
            return phrase("rows.no_source", language)
        entry = multipliers.get(str(code))
        return str(entry["name"]) if entry else phrase("rows.unknown_code", language)

    tables.append(Table("sources", title("sources"), col("organisation", "people"),
                        _sorted(_merge(tracker.sources(period), organisation))))
    return tables
