"""Scoring a model on the held-out set, and comparing it with the previous model.

Plain functions over lists of predictions ({"text", "expected", "got", "language"}), so the comparison
is testable without training. `scripts/evaluate.py` (make evaluate), the held-out test and the bench use
them; the quality floors live here and nowhere else.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from wegweiser.content import read_yaml
from wegweiser.nlu.language import best_guess
from wegweiser.paths import PROJECT_ROOT

#: the minimum held-out accuracy (full FAQ topic, after fallback) `make test` and `make evaluate` enforce, per
#: language: issue 15's target of 93 % for the six languages served first, issue 21's 90 % for the four added
#: on 2026-12-06 (Spanish, Georgian, Albanian, Macedonian). Reached on 2026-12-07 with the new examples in those
#: four languages and at English topic boundaries: ar 94.6, de 97.0, en 93.9, fa 93.9, ru 93.7, tr 97.5, es 92.2,
#: ka 91.3, mk 91.2, sq 93.3 %. The classifier moves by about one message per language with any change of the
#: data (one message is 0.3-1.3 points), so a change that costs a language its floor is seen in `make test`.
#: English was one message short (92.9 %, 274/295) until 206 more English examples at the topic boundaries that
#: cross-validation on the training data showed confused (2026-12-07, session 5): 93.2-94.2 %, so every one of the
#: six has the 93 % floor now.
DEFAULT_FLOOR = 0.93
FLOORS: Mapping[str, float] = {"es": 0.90, "ka": 0.90, "mk": 0.90, "sq": 0.90}
#: what every language should reach (issue 15); reported by `make evaluate`
TARGET = 0.93
#: the held-out set must have at least this many messages in a language for its score to count
MIN_MESSAGES = 10
HELDOUT_DIR = PROJECT_ROOT / "tests" / "nlu" / "heldout"

Prediction = Dict[str, str]


def floor(language: str) -> float:
    return FLOORS.get(language, DEFAULT_FLOOR)


def heldout_examples() -> Iterator[Tuple[str, str]]:
    """(intent, text) for every held-out message; never used for training."""
    for path in sorted(HELDOUT_DIR.glob("*.yml")):
        for block in read_yaml(path).get("nlu") or []:
            for line in block["examples"].splitlines():
                text = line.strip()
                if text.startswith("- "):
                    yield block["intent"], text[2:].strip()


def predicted_intent(parse: dict) -> Optional[str]:
    """The answer the person gets: for FAQs the full retrieval intent (`faq/travel_costs`)."""
    intent = (parse.get("intent") or {}).get("name")
    if intent == "faq":
        # a ResponseSelector without `retrieval_intent` (Rasa's default) answers under "default", and Rasa's
        # ActionRetrieveResponse then uses that one
        selectors = parse.get("response_selector") or {}
        selected = selectors.get(intent) or selectors.get("default") or {}
        return (selected.get("response") or {}).get("intent_response_key") or intent
    return intent


def best_intent(parse: dict) -> Optional[str]:
    """The answer the person would get if no confidence threshold applied: the highest-ranked intent other
    than `nlu_fallback` (an under-trained model shows as many fallbacks in `predicted_intent`, not here)."""
    ranking = [entry.get("name") for entry in parse.get("intent_ranking") or []]
    intent = next((name for name in ranking if name and name != "nlu_fallback"), None)
    if intent is None:
        return predicted_intent(parse)
    return predicted_intent(dict(parse, intent={"name": intent}))


def language_of(text: str) -> str:
    return best_guess(text) or "??"


@dataclass
class LanguageScore:
    language: str
    right: int
    total: int
    macro_f1: float
    errors: List[Prediction] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def macro_f1(pairs: Sequence[Tuple[str, str]]) -> float:
    """Macro F1 over the intents expected in `pairs` ((expected, got) tuples)."""
    labels = sorted({expected for expected, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(1 for e, g in pairs if e == label and g == label)
        fp = sum(1 for e, g in pairs if e != label and g == label)
        fn = sum(1 for e, g in pairs if e == label and g != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def score(predictions: Sequence[Prediction]) -> Dict[str, LanguageScore]:
    by_language: Dict[str, List[Prediction]] = defaultdict(list)
    for prediction in predictions:
        by_language[prediction["language"]].append(prediction)
    return {
        language: LanguageScore(
            language=language,
            right=sum(p["got"] == p["expected"] for p in items),
            total=len(items),
            macro_f1=macro_f1([(p["expected"], str(p["got"])) for p in items]),
            errors=[p for p in items if p["got"] != p["expected"]],
        )
        for language, items in sorted(by_language.items())
    }


@dataclass
class Comparison:
    """The new predictions against the previous ones, on the messages both have."""

    worse: List[Tuple[Prediction, Prediction]]   # (previous, new): right before, wrong now
    better: List[Tuple[Prediction, Prediction]]  # wrong before, right now
    changed: List[Tuple[Prediction, Prediction]]  # wrong before and now, but a different wrong answer
    delta_points: Dict[str, float]              # per language: new accuracy - previous, in points


def compare(previous: Sequence[Prediction], new: Sequence[Prediction]) -> Comparison:
    before = {(p["text"], p["expected"]): p for p in previous}
    common = [(before[(p["text"], p["expected"])], p) for p in new if (p["text"], p["expected"]) in before]
    worse = [(b, n) for b, n in common if b["got"] == b["expected"] and n["got"] != n["expected"]]
    better = [(b, n) for b, n in common if b["got"] != b["expected"] and n["got"] == n["expected"]]
    changed = [(b, n) for b, n in common if b["got"] != n["got"] and b["got"] != b["expected"]
               and n["got"] != n["expected"]]
    old_scores, new_scores = score([b for b, _ in common]), score([n for _, n in common])
    delta = {language: round(100 * (new_scores[language].accuracy - old_scores[language].accuracy), 2)
             for language in new_scores}
    return Comparison(worse, better, changed, delta)


def failures(scores: Mapping[str, LanguageScore], comparison: Optional[Comparison], max_drop_points: float) -> List[str]:
    """Why this model must not be published; empty when it may."""
    problems = []
    for language, result in scores.items():
        if language == "??":
            continue
        if result.total < MIN_MESSAGES:
            problems.append(f"{language}: only {result.total} held-out messages (need {MIN_MESSAGES})")
        elif result.accuracy < floor(language):
            problems.append(f"{language}: accuracy {result.accuracy:.1%} is below the floor {floor(language):.0%}")
    if comparison is not None:
        for language, delta in comparison.delta_points.items():
            if language != "??" and -delta > max_drop_points:
                problems.append(f"{language}: {-delta:.1f} points worse than the previous model "
                                f"(allowed: {max_drop_points:g})")
    return problems


def quiet_rasa() -> None:
    """Rasa logs every parsed message (with its text) at debug level unless told otherwise."""
    # Rasa takes seconds to import: only the functions that run a model load it
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def predict(agent, examples: Sequence[Tuple[str, str]]) -> List[Prediction]:
    """Parses each held-out message with a loaded Rasa Agent (rasa.core.agent.Agent)."""
    quiet_rasa()
    loop = asyncio.new_event_loop()
    try:
        predictions = []
        for intent, text in examples:
            parse = loop.run_until_complete(agent.parse_message(text))
            predictions.append({"text": text, "expected": intent, "language": language_of(text),
                                "got": str(predicted_intent(parse)), "best": str(best_intent(parse))})
        return predictions
    finally:
        loop.close()
