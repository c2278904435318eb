"""The one way a sentence is looked up: a {language: template} mapping from a content/*.yml file, taken in
the person's language (else the default language), with its {placeholders} filled.

Every sentence source uses `localised`: the action messages below (content/messages.yml), the handoff
form (content/handoff.yml), the lookup's answer (content/lookup.yml), the gateway (content/gateway.yml)
and the counsellors' desk (content/desk.yml).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Optional

from wegweiser.content import default_language, read_yaml
from wegweiser.date_cases import join_date_endings
from wegweiser.paths import content_dir


def in_language(texts: Mapping[str, Any], language: str) -> Any:
    """The entry for `language`, else the default language's."""
    return texts.get(language) or texts[default_language()]


def localised(texts: Mapping[str, str], language: str, values: Optional[Mapping[str, Any]] = None) -> str:
    """`texts` in `language` with {placeholders} filled from `values`; as written when `values` is None."""
    template = in_language(texts, language)
    return join_date_endings(template.format_map(dict(values)), language) if values is not None else template


@lru_cache(maxsize=None)
def load_messages() -> Mapping[str, Mapping[str, str]]:
    """Sentences sent by custom actions: {message key: {language: text}}."""
    return read_yaml(content_dir() / "messages.yml")["messages"]


def message(key: str, language: str, values: Mapping[str, str] | None = None) -> str:
    """One action message in one language, with {placeholders} filled from `values`."""
    return localised(load_messages()[key], language, values)
