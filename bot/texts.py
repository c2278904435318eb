"""The gateway's own sentences (content/gateway.yml) and which language to send them in."""
from __future__ import annotations

from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Tuple

from babel.numbers import format_decimal

from wegweiser.content import default_language, language_codes, load_languages, load_safety, normalise_hint, read_yaml
from wegweiser.paths import content_dir
from wegweiser.render import centre_values
from wegweiser.texts import localised, message


@lru_cache(maxsize=None)
def load_gateway_messages() -> Mapping[str, Mapping[str, str]]:
    return read_yaml(content_dir() / "gateway.yml")["messages"]


def text(key: str, language: str, **values: object) -> str:
    if "retention_days" in values:
        values["retention_days"] = format_decimal(values["retention_days"], locale=language)
    return localised(load_gateway_messages()[key], language, values or None)


@lru_cache(maxsize=None)
def _contact_values(language: str) -> Dict[str, str]:
    values = dict(centre_values(language))
    values.update({name: str(number) for name, number in load_safety()["numbers"].items()})
    return values


def unavailable(language: str) -> str:
    """The apology with the counselling centre's contacts, sent when Rasa does not answer."""
    return message("service_unavailable", language, _contact_values(language))


def language_choices() -> List[Tuple[str, str]]:
    """(code, name in that language) for the language keyboard."""
    return [(language.code, language.native) for language in load_languages()]


def pick_language(chosen: Optional[str], rasa_language: Optional[str], telegram_code: Optional[str]) -> str:
    """An explicit choice, else the language Rasa last answered in, else Telegram's, else the default."""
    codes = set(language_codes())
    for candidate in (chosen, rasa_language, normalise_hint(telegram_code)):
        if candidate in codes:
            return str(candidate)
    return default_language()
