"""The evaluation's verdict: floors per language and the comparison with the previous model."""
from __future__ import annotations

from wegweiser.maintenance.evaluation import DEFAULT_FLOOR, compare, failures, floor, macro_f1, score


def predictions(language: str, right: int, wrong: int, prefix: str = "q") -> list:
    """`right` messages answered with their intent, then `wrong` answered with another one."""
    items = []
    for i in range(right + wrong):
        expected = f"faq/topic_{i % 3}"
        got = expected if i < right else "faq/other"
        items.append({"text": f"{prefix}{language}{i}", "expected": expected, "got": got, "language": language})
    return items


def test_a_model_at_the_floor_passes():
    good = predictions("de", 19, 1) + predictions("en", 20, 0)
    assert failures(score(good), compare(good, good), max_drop_points=1) == []


def test_a_worse_model_is_flagged_with_the_messages_that_got_worse():
    previous = predictions("de", 20, 0) + predictions("en", 20, 0)
    worse = [dict(p) for p in previous]
    worse[3]["got"] = "faq/travel_costs"  # one German message now wrong: 100 % -> 95 %, still above the floor
    comparison = compare(previous, worse)
    assert [n["text"] for _, n in comparison.worse] == ["qde3"]
    assert comparison.better == []
    assert comparison.delta_points == {"de": -5.0, "en": 0.0}
    assert failures(score(worse), comparison, max_drop_points=1) == [
        "de: 5.0 points worse than the previous model (allowed: 1)"]
    assert failures(score(worse), comparison, max_drop_points=5) == []


def test_better_and_changed_messages_are_listed():
    previous = predictions("ru", 18, 2)
    new = [dict(p) for p in previous]
    new[18]["got"] = new[18]["expected"]      # fixed
    new[19]["got"] = "faq/another_wrong_one"  # still wrong, differently
    comparison = compare(previous, new)
    assert [n["text"] for _, n in comparison.better] == ["qru18"]
    assert [n["text"] for _, n in comparison.changed] == ["qru19"]
    assert comparison.worse == []
    assert comparison.delta_points["ru"] == 5.0


def test_below_the_floor_fails_even_without_a_previous_model():
    below = predictions("tr", 18, 2)  # 90 %: the floor of a new language, below the six languages' 93 %
    assert DEFAULT_FLOOR == 0.93 and floor("ka") == 0.90
    assert failures(score(below), None, max_drop_points=1) == ["tr: accuracy 90.0% is below the floor 93%"]
    assert failures(score(predictions("ka", 18, 2)), None, max_drop_points=1) == []


def test_too_few_messages_in_a_language_fail():
    assert failures(score(predictions("fa", 5, 0)), None, 1) == ["fa: only 5 held-out messages (need 10)"]


def test_only_messages_in_both_sets_are_compared():
    previous = predictions("de", 10, 0)
    new = predictions("de", 10, 0) + predictions("de", 0, 10, prefix="new")
    assert compare(previous, new).delta_points == {"de": 0.0}


def test_macro_f1():
    assert macro_f1([("a", "a"), ("b", "b")]) == 1.0
    # a: tp 1, fn 1 -> 2/3; b: tp 1, fp 1 -> 2/3
    assert abs(macro_f1([("a", "a"), ("a", "b"), ("b", "b")]) - 2 / 3) < 1e-9


def test_best_intent_skips_the_fallback_and_keeps_the_faq_answer():
    from wegweiser.maintenance.evaluation import best_intent, predicted_intent

    parse = {"intent": {"name": "nlu_fallback"},
             "intent_ranking": [{"name": "nlu_fallback"}, {"name": "faq"}, {"name": "greet"}],
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/travel_costs"}}}}
    assert predicted_intent(parse) == "nlu_fallback"
    assert best_intent(parse) == "faq/travel_costs"
    assert best_intent({"intent": {"name": "greet"}, "intent_ranking": [{"name": "greet"}]}) == "greet"
    assert best_intent({"intent": {"name": "nlu_fallback"}, "intent_ranking": []}) == "nlu_fallback"


def test_the_answer_of_rasas_default_response_selector_counts():
    from wegweiser.maintenance.evaluation import predicted_intent

    parse = {"intent": {"name": "faq"}, "response_selector": {
        "all_retrieval_intents": ["faq"],
        "default": {"response": {"intent_response_key": "faq/documents", "utter_action": "utter_faq/documents"}}}}
    assert predicted_intent(parse) == "faq/documents"
    assert predicted_intent({"intent": {"name": "faq"}, "response_selector": {}}) == "faq"
