"""make bench-languages: the before/after comparison marks what costs more than 20 %."""
from __future__ import annotations

from bench.languages import compare, percentiles


def test_an_increase_over_twenty_percent_is_marked_and_others_are_not():
    before = {"training_s": 100.0, "model_size_mb": 20.0, "rasa_peak_memory_mb": 900, "parse_median_ms": 50.0}
    after = {"training_s": 119.0, "model_size_mb": 25.0, "rasa_peak_memory_mb": 850, "parse_median_ms": 50.0}
    lines = {line.split()[0]: line for line in compare(before, after)[1:]}
    assert "OVER" not in lines["training_s"] and "+19%" in lines["training_s"]
    assert lines["model_size_mb"].endswith("OVER 20 %") and "+25%" in lines["model_size_mb"]
    assert "OVER" not in lines["rasa_peak_memory_mb"] and "-6%" in lines["rasa_peak_memory_mb"]


def test_figures_missing_on_one_side_are_left_out():
    assert [line.split()[0] for line in compare({"training_s": 10.0}, {"model_size_mb": 2.0})] == ["figure"]


def test_percentiles():
    assert percentiles([float(n) for n in range(1, 101)]) == {"median": 50.5, "p95": 95.0}


def test_the_detection_worker_gets_rasas_parse_results_one_per_line(tmp_path, monkeypatch):
    """The action server's input is Rasa's parse result: with the language in it, no lingua detector is run."""
    import json

    from bench import languages
    from wegweiser.nlu import language

    def no_detector(*args, **kwargs):
        raise AssertionError("lingua was asked")

    monkeypatch.setattr(language, "_lingua", no_detector)
    parses = tmp_path / "parses.jsonl"
    parses.write_text("".join(json.dumps({"text": text, "intent": {"name": "faq"}, "entities": [],
                                          "language_detection": {"language": code, "confidence": 1.0}}) + "\n"
                              for text, code in [("Wer zahlt das Ticket?", "de"), ("who pays the ticket", "en")] * 6),
                      encoding="utf-8")
    monkeypatch.setattr(languages, "PARSES", parses)
    figures = languages.detection_worker(tmp_path)
    assert set(figures) == {"detection_median_ms", "action_server_detection_peak_memory_mb"}
