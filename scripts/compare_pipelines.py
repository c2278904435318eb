"""Cross-validates this project's NLU pipeline against the same pipeline with Rasa's plain
WhitespaceTokenizer instead of the multilingual spaCy tokenizer, per language.

    .venv/rasa/bin/python scripts/compare_pipelines.py --folds 3

Stratified k-fold over the training examples (data/nlu), then both pipelines trained on all of it and
scored on the held-out set; a prediction counts as right when the full retrieval intent (faq/<topic>)
is right. Writes a Markdown table to docs/measurements/pipelines.md.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
def load_examples():
    examples, responses = [], {}
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        responses.update(data.get("responses") or {})
        for block in data.get("nlu") or []:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    examples.append((block["intent"], line.strip()[2:].strip()))
    return examples, responses


def folds(examples, k, seed=42):
    by_intent = defaultdict(list)
    for example in examples:
        by_intent[example[0]].append(example)
    parts = [[] for _ in range(k)]
    rng = random.Random(seed)
    for items in by_intent.values():
        rng.shuffle(items)
        for i, item in enumerate(items):
            parts[i % k].append(item)
    return parts


def write_nlu(path: Path, examples, responses) -> None:
    grouped = defaultdict(list)
    for intent, text in examples:
        grouped[intent].append(text)
    data = {"version": "3.1", "nlu": [{"intent": i, "examples": "".join(f"- {t}\n" for t in ts)}
                                      for i, ts in grouped.items()], "responses": responses}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def whitespace_config(tmp: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"][0] = {"name": "WhitespaceTokenizer"}
    path = tmp / "config-whitespace.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def evaluate(model: str, test, language_of, record=None):
    """Right and total per language; `record`, a list, also receives (expected, got, language, text) per message."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    right, total = defaultdict(int), defaultdict(int)
    loop = asyncio.new_event_loop()
    for intent, text in test:
        parse = loop.run_until_complete(agent.parse_message(text))
        got = parse["intent"]["name"]
        if got == "faq":
            got = parse["response_selector"]["faq"]["response"]["intent_response_key"]
        language = language_of(text)
        total[language] += 1
        right[language] += got == intent
        if record is not None:
            record.append((intent, got, language, text))
    loop.close()
    return right, total


def main() -> None:
    from rasa.model_training import train_nlu

    from wegweiser.maintenance.evaluation import heldout_examples
    from wegweiser.nlu.language import best_guess

    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()
    examples, responses = load_examples()
    parts = folds(examples, args.folds)
    results, heldout = {}, {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        configs = {"spaCy (this project)": ROOT / "config.yml", "whitespace": whitespace_config(tmp)}
        for name, config in configs.items():
            right, total, seconds = defaultdict(int), defaultdict(int), 0.0
            for i in range(args.folds):
                train = [e for j, p in enumerate(parts) if j != i for e in p]
                fold_dir = tmp / f"{name[:5]}-{i}"
                fold_dir.mkdir()
                write_nlu(fold_dir / "nlu.yml", train, responses)
                start = time.monotonic()
                model = train_nlu(str(config), str(fold_dir / "nlu.yml"), str(fold_dir / "models"),
                                  domain=str(ROOT / "domain"))
                seconds += time.monotonic() - start
                r, t = evaluate(model, parts[i], lambda text: best_guess(text) or "??")
                for language in t:
                    right[language] += r[language]
                    total[language] += t[language]
                print(f"{name} fold {i + 1}/{args.folds} done", flush=True)
            results[name] = (right, total, seconds / args.folds)
            # and the held-out set (tests/nlu/heldout), trained on all of data/nlu
            full_dir = tmp / f"{name[:5]}-full"
            full_dir.mkdir()
            write_nlu(full_dir / "nlu.yml", examples, responses)
            model = train_nlu(str(config), str(full_dir / "nlu.yml"), str(full_dir / "models"),
                              domain=str(ROOT / "domain"))
            heldout[name] = evaluate(model, list(heldout_examples()), lambda text: best_guess(text) or "??")
            print(f"{name} held-out done", flush=True)
    languages = sorted({l for _, t, _ in results.values() for l in t if l != "??"})
    lines = [f"# NLU pipeline comparison ({args.folds}-fold cross-validation, {time.strftime('%Y-%m-%d')})", "",
             "Full retrieval-intent accuracy per language on the training data (data/nlu), stratified by intent.",
             "Produced by `.venv/rasa/bin/python scripts/compare_pipelines.py`.", "",
             "| pipeline | " + " | ".join(languages) + " | all | train s/fold |",
             "|---|" + "---|" * (len(languages) + 2)]
    for name, (right, total, seconds) in results.items():
        cells = [f"{right[l] / total[l]:.1%}" for l in languages]
        overall = sum(right.values()) / sum(total.values())
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {overall:.1%} | {seconds:.0f} |")
    lines += ["", "Held-out set (tests/nlu/heldout, never trained on), model trained on all of data/nlu; "
              "counted after the fallback thresholds, as the person would be answered:", "",
              "| pipeline | " + " | ".join(languages) + " | all |", "|---|" + "---|" * (len(languages) + 1)]
    for name, (right, total) in heldout.items():
        cells = [f"{right[l] / total[l]:.1%}" for l in languages]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {sum(right.values()) / sum(total.values()):.1%} |")
    out = ROOT / "docs" / "measurements" / "pipelines.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
