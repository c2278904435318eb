"""Programme facts: the schema of content/programmes/*.yml, content/sources.yml and content/centre.yml.

Every fact carries its sources, the date it was last checked and its status (verified: an official
source says so; probable: press or NGO sources only; unverified: sources conflict, are cut off or not
current — answers built from it hedge). Every source carries its own date as printed on it (or says it is
undated): answers say how current a fact is from that date, never from the day it was typed in. Loading
validates everything and reports each problem with its file and fact, so a typo fails loudly at start-up.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

try:  # the action server runs pydantic 1 (Rasa's pin), the gateway pydantic 2
    from pydantic.v1 import BaseModel, Field, ValidationError, root_validator, validator
except ImportError:  # pragma: no cover - depends on the installed pydantic
    from pydantic import BaseModel, Field, ValidationError, root_validator, validator  # type: ignore

import pycountry

from wegweiser.content import read_yaml
from wegweiser.paths import centre_file, content_dir

KINDS = ("eur", "number", "date", "text", "countries")
STATUSES = ("verified", "probable", "unverified")
UNDATED = "undated"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


#: Codes CLDR uses for places ISO 3166 has not (yet) assigned: Kosovo.
USER_ASSIGNED_COUNTRIES = {"XK"}


def known_country(code: str) -> bool:
    """An ISO 3166 alpha-2 code (pycountry), or a user-assigned code CLDR names (Kosovo)."""
    return code in USER_ASSIGNED_COUNTRIES or pycountry.countries.get(alpha_2=code) is not None


class ProgrammeDataError(ValueError):
    """Programme or centre data does not match the schema; the message lists every problem."""


class Fact(BaseModel):
    value: Any
    kind: str
    sources: List[str] = Field(..., min_items=1)
    checked: dt.date
    status: str
    note: Optional[str] = None
    #: for country lists: false when the source's list is known to be incomplete (the rules then never
    #: conclude anything from a country's absence)
    complete: bool = True

    class Config:
        extra = "forbid"

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @validator("status")
    def _known_status(cls, status: str) -> str:  # noqa: N805
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        return status

    @validator("kind")
    def _known_kind(cls, kind: str) -> str:  # noqa: N805
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        return kind

    @root_validator(skip_on_failure=True)
    def _value_matches_kind(cls, values: Dict[str, Any]) -> Dict[str, Any]:  # noqa: N805
        kind, value = values["kind"], values["value"]
        items = value if isinstance(value, list) else [value]
        if not items:
            raise ValueError("value must not be empty")
        if kind in ("eur", "number") and not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in items
        ):
            raise ValueError(f"{kind} values must be non-negative numbers, got {value!r}")
        if kind == "eur" and isinstance(value, list) and values.get("status") == "verified":
            raise ValueError("several amounts are only allowed for facts whose status is not verified")
        if kind == "date" and not isinstance(value, dt.date):
            raise ValueError(f"date values are written YYYY-MM-DD, got {value!r}")
        if kind == "countries":
            unknown = [v for v in items if not known_country(str(v))]
            if unknown:
                raise ValueError(f"unknown ISO 3166 country codes: {', '.join(map(str, unknown))}")
        if kind == "text" and not all(isinstance(v, str) and v.strip() for v in items):
            raise ValueError("text values must be non-empty strings")
        return values


@dataclass(frozen=True)
class SourceDate:
    """A source's own date, as precise as the source prints it (year; year and month; or a day)."""

    year: int
    month: Optional[int] = None
    day: Optional[int] = None

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day the date can mean: a source of "2024" may be from 31 December 2024."""
        if self.day:
            return self.earliest
        if self.month:
            return (dt.date(self.year + self.month // 12, self.month % 12 + 1, 1) - dt.timedelta(days=1))
        return dt.date(self.year, 12, 31)


def parse_source_date(value: Any) -> Optional[SourceDate]:
    """`2024-04-08`, `2023-03`, `2024` or `undated` (None); anything else raises ValueError."""
    if isinstance(value, dt.date):
        return SourceDate(value.year, value.month, value.day)
    if isinstance(value, int) and 1900 < value < 2200:
        return SourceDate(value)
    text = str(value).strip()
    if text == UNDATED:
        return None
    parts = text.split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return SourceDate(int(parts[0]), int(parts[1]))
    raise ValueError(f"date must be YYYY-MM-DD, YYYY-MM, YYYY or {UNDATED!r}, got {value!r}")


class Source(BaseModel):
    url: str
    publisher: str
    #: the source's own date; written `undated` when the page prints none (never left out)
    date: Any = Field(...)

    class Config:
        extra = "forbid"

    @validator("date", pre=True)
    def _date(cls, value: Any) -> Any:  # noqa: N805
        parse_source_date(value)
        return value

    @property
    def own_date(self) -> Optional[SourceDate]:
        return parse_source_date(self.date)


class Programme(BaseModel):
    id: str = Field(..., regex=r"^[a-z][a-z0-9]*$")
    name: str
    facts: Dict[str, Fact]

    class Config:
        extra = "forbid"


class CentreValue(BaseModel):
    value: Optional[str] = None
    verified: bool = True
    source: Optional[str] = None


class OpeningHours(BaseModel):
    days: List[str]
    start: dt.time = Field(..., alias="from")
    end: dt.time = Field(..., alias="to")

    @validator("days", each_item=True)
    def _known_day(cls, day: str) -> str:  # noqa: N805
        if day not in DAYS:
            raise ValueError(f"days are written {', '.join(DAYS)}")
        return day


class Centre(BaseModel):
    name: str
    #: the German federal state (Land) the centre serves; programmes limited to some Länder check it
    state: Optional[str] = None
    address: CentreValue
    phone: CentreValue
    email: CentreValue
    hours: List[OpeningHours] = []
    languages: List[str]


def _validate(model: type, data: Any, where: str) -> Any:
    try:
        return model.parse_obj(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ProgrammeDataError(f"{where}: {problems}") from None


def load_programmes_from(folder: Path, known_sources: Optional[set] = None) -> Dict[str, Programme]:
    programmes: Dict[str, Programme] = {}
    problems: List[str] = []
    for path in sorted(folder.glob("*.yml")):
        try:
            programme = _validate(Programme, read_yaml(path), str(path))
        except ProgrammeDataError as error:
            problems.append(str(error))
            continue
        if programme.id in programmes:
            problems.append(f"{path}: programme id {programme.id!r} is used twice")
        for key, fact in programme.facts.items():
            missing = [s for s in fact.sources if known_sources is not None and s not in known_sources]
            if missing:
                problems.append(f"{path}: facts.{key}: unknown sources {missing} (add them to sources.yml)")
        programmes[programme.id] = programme
    if problems:
        raise ProgrammeDataError("\n".join(problems))
    return programmes


def load_sources_from(path: Path) -> Dict[str, Source]:
    problems: List[str] = []
    sources: Dict[str, Source] = {}
    for key, data in (read_yaml(path).get("sources") or {}).items():
        try:
            sources[key] = _validate(Source, data, f"{path}: sources.{key}")
        except ProgrammeDataError as error:
            problems.append(str(error))
    if problems:
        raise ProgrammeDataError("\n".join(problems))
    return sources


@lru_cache(maxsize=None)
def load_sources() -> Dict[str, Source]:
    return load_sources_from(content_dir() / "sources.yml")


@lru_cache(maxsize=None)
def load_programmes() -> Dict[str, Programme]:
    return load_programmes_from(content_dir() / "programmes", set(load_sources()))


@lru_cache(maxsize=None)
def load_centre() -> Centre:
    path = centre_file()
    return _validate(Centre, read_yaml(path), str(path))


def all_facts() -> Dict[str, Fact]:
    """Every fact by its placeholder name, `<programme id>_<fact key>`."""
    return {
        f"{programme.id}_{key}": fact
        for programme in load_programmes().values()
        for key, fact in programme.facts.items()
    }


def stale_facts(max_age_days: int, today: Optional[dt.date] = None) -> Dict[str, Fact]:
    """Facts last checked longer ago than `max_age_days`."""
    limit = (today or dt.date.today()) - dt.timedelta(days=max_age_days)
    return {name: fact for name, fact in all_facts().items() if fact.checked < limit}


def source_date(fact: Fact, sources: Optional[Dict[str, Source]] = None) -> Optional[SourceDate]:
    """How current a fact is: the newest own date among its sources (None when all are undated)."""
    sources = sources if sources is not None else load_sources()
    dates = [d for d in (sources[key].own_date for key in fact.sources if key in sources) if d]
    return max(dates, key=lambda d: d.latest) if dates else None

