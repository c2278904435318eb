"""The knowledge base as a printable handbook for multipliers, one HTML page per language.

Every FAQ answer is rendered the way the assistant sends it, by the same code: Rasa's own interpolation
fills the answer's {placeholders} with the slot values the action server sets (`rendered_values`), and
the note after it ("as of …; a counsellor confirms") is the action server's `fact_note` with the same
topic → programme table (`actions.answers.topic_programmes`). So a change to either shows here.

Also in it: how to reach the assistant (a t.me deep link and QR code per multiplier organisation from
content/multipliers.yml, so the needs report can count arrivals per organisation), every programme fact
with its sources and checked date, the counselling centre's details and the edition date. Arabic and
Farsi pages are right-to-left. The print stylesheet puts each part on its own page.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import segno
from babel import Locale
from babel.dates import format_date
from jinja2 import Environment

from actions.answers import topic_programmes
from wegweiser.content import language_codes, load_topics, read_yaml
from wegweiser.dialogue.turn import fact_note, rendered_values
from wegweiser.facts import all_facts, load_programmes
from wegweiser.date_cases import join_date_endings
from wegweiser.faq import FAQ_DIR, PREFIX, variations_by_language
from wegweiser.maintenance.needs_report import load_multipliers
from wegweiser.paths import content_dir
from wegweiser.render import centre_values, format_fact

TELEGRAM = "https://t.me/{bot}?start={code}"


@lru_cache(maxsize=None)
def handbook_texts() -> Mapping[str, Any]:
    return read_yaml(content_dir() / "handbook.yml")["handbook"]


def say(path: str, language: str, **values: Any) -> str:
    node: Any = handbook_texts()
    for part in path.split("."):
        node = node[part]
    return str(node[language]).format(**values) if values else str(node[language])


def faq_groups() -> List[Tuple[str, List[Tuple[str, Dict[str, str]]]]]:
    """[(group, [(topic, {language: answer template})])] in the order of data/nlu/faq/*.yml."""
    groups = []
    for path in sorted(FAQ_DIR.glob("*.yml")):
        responses = read_yaml(path).get("responses") or {}
        topics = [(name[len(PREFIX):], variations_by_language(variations))
                  for name, variations in responses.items() if name.startswith(PREFIX)]
        if topics:
            groups.append((path.stem, topics))
    return groups


def spoken_answer(topic: str, template: str, language: str) -> Tuple[str, Optional[str]]:
    """The answer and its note exactly as the assistant sends them (the action server's own functions)."""
    # Rasa takes seconds to import: only the answers' text needs its interpolator
    from rasa.core.nlg.interpolator import interpolate_text

    text = join_date_endings(interpolate_text(template, dict(rendered_values(language))), language)
    return text, fact_note(topic, language, topic_programmes())


def bot_username() -> Optional[str]:
    """TELEGRAM_BOT_USERNAME, else `bot_username` in content/multipliers.yml (None when neither is set)."""
    path = content_dir() / "multipliers.yml"
    configured = read_yaml(path).get("bot_username") if path.exists() else None
    name = os.environ.get("TELEGRAM_BOT_USERNAME") or configured
    return str(name).lstrip("@") if name else None


def deep_links() -> List[Tuple[str, str]]:
    """[(organisation, t.me link)] for every code in content/multipliers.yml; [] without a bot name."""
    bot = bot_username()
    if not bot:
        return []
    return [(str(entry["name"]), TELEGRAM.format(bot=bot, code=code)) for code, entry in load_multipliers().items()]


def qr_svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=3, border=2)


@dataclass
class Answer:
    topic: str
    question: str
    text: str
    note: Optional[str]


@dataclass
class FactRow:
    name: str
    value: str
    sources: str
    checked: str
    verified: bool


def handbook_content(language: str) -> Dict[str, Any]:
    """Everything one language's page shows, rendered (the template only lays it out)."""
    titles = load_topics()
    groups = []
    for group, topics in faq_groups():
        answers = []
        for topic, templates in topics:
            text, note = spoken_answer(topic, templates[language], language)
            answers.append(Answer(topic, (titles.get(topic) or {}).get(language, topic), text, note))
        groups.append({"key": group, "title": say(f"groups.{group}", language), "answers": answers})
    sources = read_yaml(content_dir() / "sources.yml")["sources"]
    facts = all_facts()
    programmes = []
    for programme_id, programme in load_programmes().items():
        rows = []
        for key in programme.facts:
            fact = facts[f"{programme_id}_{key}"]
            rows.append(FactRow(f"{programme_id}_{key}", format_fact(fact, language),
                                "; ".join(str(sources.get(s, s)) for s in fact.sources),
                                format_date(fact.checked, "long", locale=language), fact.verified))
        programmes.append({"name": programme.name, "facts": rows})
    centre = centre_values(language)
    centre_rows = [(say(f"centre.{key}", language), centre[f"centre_{key}"])
                   for key in ("name", "address", "phone", "email", "hours", "languages")]
    return {"groups": groups, "programmes": programmes, "centre": centre_rows,
            "links": [(name, link, qr_svg(link)) for name, link in deep_links()]}


PAGE = """<!DOCTYPE html>
<html lang="{{ language }}" dir="{{ direction }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }}</title>
<style>
body { font-family: system-ui, "Segoe UI", "Noto Sans", "Noto Naskh Arabic", Tahoma, Arial, sans-serif;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #3b6ea5; }
h3 { margin-top: 1.8rem; color: #3b6ea5; } h4 { margin: 1.4rem 0 .3rem; }
.answer p { margin: .3rem 0; white-space: pre-line; } .note { font-size: .9em; color: #444; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; vertical-align: top; text-align: start; }
td code { font-size: .85em; } .unverified { color: #8a4b00; }
.links { display: flex; flex-wrap: wrap; gap: 1.2rem; } .link { break-inside: avoid; text-align: center; width: 13rem; }
.link a { word-break: break-all; font-size: .85em; }
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; }
  nav a::after { content: ""; }
  section.part { break-before: page; }
  h2, h3, h4 { break-after: avoid; } .answer, tr { break-inside: avoid; }
}
</style>
</head>
<body>
<h1>{{ t.title }}</h1>
<p>{{ t.edition }}</p>
<p>{{ t.intro }}</p>
<nav><h2>{{ t.contents }}</h2><ol>
<li><a href="#use">{{ t.section_use }}</a></li>
<li><a href="#faq">{{ t.section_faq }}</a><ol>{% for g in c.groups %}<li><a href="#g-{{ g.key }}">{{ g.title }}</a></li>{% endfor %}</ol></li>
<li><a href="#facts">{{ t.section_facts }}</a></li>
<li><a href="#centre">{{ t.section_centre }}</a></li>
</ol></nav>
<section class="part" id="use"><h2>{{ t.section_use }}</h2>
<p>{{ t.use_steps }}</p>
{% if c.links %}<p>{{ t.links_intro }}</p>
<div class="links">{% for name, link, qr in c.links %}<div class="link">{{ qr | safe }}<div><strong>{{ name }}</strong></div><a href="{{ link }}" dir="ltr">{{ link }}</a></div>{% endfor %}</div>
{% else %}<p>{{ t.no_link }}</p>{% endif %}
</section>
<section class="part" id="faq"><h2>{{ t.section_faq }}</h2>
{% for g in c.groups %}<h3 id="g-{{ g.key }}">{{ g.title }}</h3>
{% for a in g.answers %}<div class="answer" id="faq-{{ a.topic }}"><h4>{{ a.question }}</h4><p>{{ a.text }}</p>{% if a.note %}<p class="note">{{ a.note }}</p>{% endif %}</div>
{% endfor %}{% endfor %}
</section>
<section class="part" id="facts"><h2>{{ t.section_facts }}</h2>
<p>{{ t.facts_intro }}</p>
{% for p in c.programmes %}<h3>{{ p.name }}</h3>
<table><thead><tr><th>{{ t.col_name }}</th><th>{{ t.col_value }}</th><th>{{ t.col_sources }}</th><th>{{ t.col_checked }}</th></tr></thead><tbody>
{% for f in p.facts %}<tr id="fact-{{ f.name }}"><td><code dir="ltr">{{ f.name }}</code></td><td>{{ f.value }}{% if not f.verified %}<br><span class="unverified">{{ t.unverified }}</span>{% endif %}</td><td dir="ltr">{{ f.sources }}</td><td>{{ f.checked }}</td></tr>
{% endfor %}</tbody></table>
{% endfor %}
</section>
<section class="part" id="centre"><h2>{{ t.section_centre }}</h2>
<table><tbody>{% for label, value in c.centre %}<tr><th>{{ label }}</th><td>{{ value }}</td></tr>{% endfor %}</tbody></table>
</section>
</body>
</html>
"""


def render_handbook(language: str, edition: Optional[dt.date] = None) -> str:
    edition = edition or dt.date.today()
    texts = {key: say(key, language) for key in ("title", "intro", "contents", "section_use", "use_steps",
                                                  "links_intro", "no_link", "section_faq", "section_facts",
                                                  "facts_intro", "unverified", "section_centre")}
    texts["edition"] = say("edition", language, date=format_date(edition, "long", locale=language))
    texts.update({f"col_{key}": say(f"fact_columns.{key}", language) for key in ("name", "value", "sources", "checked")})
    direction = "rtl" if Locale.parse(language).character_order == "right-to-left" else "ltr"
    return Environment(autoescape=True).from_string(PAGE).render(
        language=language, direction=direction, t=texts, c=handbook_content(language))


def write_handbooks(folder: Path, edition: Optional[dt.date] = None,
                    languages: Optional[List[str]] = None) -> List[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for language in languages or language_codes():
        path = folder / f"{language}.html"
        path.write_text(render_handbook(language, edition), encoding="utf-8")
        written.append(path)
    return written


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here (it needs the Pango library, a system package)."""


def write_pdf(page: Path) -> int:
    """<language>.pdf beside the HTML page, laid out by WeasyPrint with the print stylesheet; returns the
    number of pages. WeasyPrint is Python, but it draws text with Pango (right-to-left, Arabic shaping),
    which a machine without it lacks: then PdfUnavailable, and the HTML page is printed from a browser."""
    try:
        from weasyprint import HTML  # needs the system's Pango; without it the handbook is HTML only
    except (ImportError, OSError) as error:
        raise PdfUnavailable(f"no PDF: {error}") from None
    document = HTML(filename=str(page)).render()
    document.write_pdf(page.with_suffix(".pdf"))
    return len(document.pages)
