"""`make bench-languages`: what more languages cost (issue 21, item 6): training time, model size, the Rasa
model's load time, memory and parse latency, and the action server's memory for language detection.

Each figure is measured in a process of its own, on a copy of a checkout's domain/, data/ and config.yml
(ROOT=<checkout> measures another one, e.g. `main` with six languages, from its own code and content), and
written to bench/languages-<label>.json. With BEFORE=<file> the run is compared with an earlier one and
every figure more than 20 % worse is marked (issue 21: ten languages may not cost more than 20 % on any).

  make bench-languages                                  # this checkout
  make bench-languages ROOT=/path/to/main LABEL=before  # another checkout, e.g. six languages
  make bench-languages BEFORE=bench/languages-before.json
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent.parent
#: the figures compared, and whether a higher value is worse
FIGURES = {"training_s": True, "training_cpu_s": True, "model_size_mb": True, "model_load_s": True, "rasa_peak_memory_mb": True,
           "parse_median_ms": True, "parse_p95_ms": True, "parse_cpu_median_ms": True, "action_server_detection_peak_memory_mb": True,
           "detection_median_ms": True}
#: the largest increase allowed (issue 21)
MAX_INCREASE = 0.20
#: Rasa's parse result of each held-out message (parse_worker), the action server's input (detection_worker),
#: one JSON object a line; relative to the workers' working directory, the run's temporary folder
PARSES = Path("parses.jsonl")


def _env(root: Path, tmp: Path) -> Dict[str, str]:
    # Rasa's training cache goes to the temporary folder, never into the measured checkout
    return dict(os.environ, PYTHONPATH=str(root), RASA_CACHE_DIRECTORY=str(tmp / "cache"), TF_CPP_MIN_LOG_LEVEL="2")


def train(root: Path, tmp: Path) -> Dict[str, float]:
    project = tmp / "project"
    for folder in ("domain", "data"):
        shutil.copytree(root / folder, project / folder)
    shutil.copyfile(root / "config.yml", project / "config.yml")
    start, cpu = time.monotonic(), _children_cpu()
    subprocess.run([str(root / ".venv/rasa/bin/rasa"), "train", "--domain", str(project / "domain"), "--data",
                    str(project / "data"), "--config", str(project / "config.yml"), "--out", str(tmp / "models"),
                    "--fixed-model-name", "bench", "--quiet", "--force", "--skip-validation"],  # as `make train`
                   cwd=tmp, check=True, stdout=subprocess.DEVNULL, env=_env(root, tmp))
    seconds, cpu = time.monotonic() - start, _children_cpu() - cpu
    model = tmp / "models" / "bench.tar.gz"
    return {"training_s": round(seconds, 1), "training_cpu_s": round(cpu, 1),
            "model_size_mb": round(model.stat().st_size / 2**20, 1)}


def _children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes: on a shared machine a steadier measure of
    the work than wall-clock time."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def worker(kind: str, root: Path, tmp: Path, model: Path) -> Dict[str, float]:
    """Runs this file's `--worker` in `root`'s virtualenv and code; its figures as a dict."""
    output = subprocess.run([str(root / ".venv/rasa/bin/python"), str(Path(__file__).resolve()), "--worker", kind,
                             "--root", str(root), "--model", str(model)],
                            cwd=tmp, check=True, capture_output=True, text=True, env=_env(root, tmp))
    return json.loads(output.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return float("nan")


def texts_of(root: Path) -> List[str]:
    from wegweiser.maintenance.evaluation import heldout_examples

    return [text for _, text in heldout_examples()]


def percentiles(values: List[float]) -> Dict[str, float]:
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 1),
            "p95": round(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], 1)}


def parse_worker(root: Path, model: Path) -> Dict[str, float]:
    """The Rasa model loaded and every held-out message parsed (NLU only), one at a time."""
    import asyncio

    texts = texts_of(root)
    from rasa.core.agent import Agent

    start = time.monotonic()
    agent = Agent.load(str(model))
    load_s = time.monotonic() - start

    async def run() -> List[Tuple[float, float]]:
        for text in texts[:10]:  # warm-up
            await agent.parse_message(text)
        times = []
        for text in texts:
            begin, cpu = time.perf_counter(), time.process_time()
            parse = await agent.parse_message(text)
            times.append(((time.perf_counter() - begin) * 1000, (time.process_time() - cpu) * 1000))
            parses.write(json.dumps(parse, ensure_ascii=False) + "\n")  # for detection_worker, not kept
        return times

    with PARSES.open("w", encoding="utf-8") as parses:
        times = asyncio.run(run())
    latency, cpu = percentiles([wall for wall, _ in times]), percentiles([used for _, used in times])
    return {"messages": len(texts), "model_load_s": round(load_s, 1), "parse_median_ms": latency["median"],
            "parse_p95_ms": latency["p95"], "parse_cpu_median_ms": cpu["median"], "rasa_peak_memory_mb": peak_rss_mb()}


def detection_worker(root: Path) -> Dict[str, float]:
    """What the action server does with each message's language: wegweiser.dialogue.turn.slot_updates, given
    the message as the action server gets it (the tracker's latest message: Rasa's parse result, written by
    parse_worker, with the metadata the gateway adds). A checkout whose Rasa passes no language on detects it
    in this process, as its action server does."""
    from wegweiser.dialogue.turn import slot_updates

    def messages():  # one at a time, as the action server gets them (not all 2,000 parse results at once)
        with PARSES.open(encoding="utf-8") as lines:
            for line in lines:
                yield {**json.loads(line), "metadata": {}}

    for latest, _ in zip(messages(), range(10)):
        slot_updates({}, latest)
    times = []
    for latest in messages():
        begin = time.perf_counter()
        slot_updates({}, latest)
        times.append((time.perf_counter() - begin) * 1000)
    return {"detection_median_ms": percentiles(times)["median"],
            "action_server_detection_peak_memory_mb": peak_rss_mb()}


def compare(before: Dict[str, float], after: Dict[str, float]) -> List[str]:
    """One line per figure: before, after, the change, and `OVER` where it is more than MAX_INCREASE worse."""
    lines = [f"{'figure':<40}{'before':>10}{'after':>10}{'change':>9}"]
    for name, higher_is_worse in FIGURES.items():
        if name not in before or name not in after or not before[name]:
            continue
        change = (after[name] - before[name]) / before[name]
        over = (change if higher_is_worse else -change) > MAX_INCREASE
        lines.append(f"{name:<40}{before[name]:>10}{after[name]:>10}{change:>+9.0%}" + ("  OVER 20 %" if over else ""))
    return lines


def languages_of(root: Path) -> List[str]:
    import yaml

    data = yaml.safe_load((root / "content" / "languages.yml").read_text(encoding="utf-8"))
    return [item["code"] for item in data["languages"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to measure (default: this one)")
    parser.add_argument("--label", default="", help="names the result file bench/languages-<label>.json")
    parser.add_argument("--before", type=Path, help="an earlier result file to compare with")
    parser.add_argument("--worker", choices=["parse", "detection"], help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    root = args.root.resolve()
    if args.worker:
        figures = parse_worker(root, args.model) if args.worker == "parse" else detection_worker(root)
        print(json.dumps(figures))
        return
    results: Dict[str, object] = {"date": time.strftime("%Y-%m-%d %H:%M"), "root": str(root),
                                  "languages": languages_of(root), "machine": f"{os.cpu_count()} cores"}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        results.update(train(root, tmp))
        results.update(worker("parse", root, tmp, tmp / "models" / "bench.tar.gz"))
        results.update(worker("detection", root, tmp, tmp / "models" / "bench.tar.gz"))
    label = args.label or f"{len(results['languages'])}-languages"
    out = HERE / "bench" / f"languages-{label}.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    for key, value in results.items():
        print(f"{key:<40}{value}")
    print(f"written to {out.relative_to(HERE)}")
    if args.before:
        print("\n" + "\n".join(compare(json.loads(args.before.read_text(encoding="utf-8")), results)))


if __name__ == "__main__":
    main()
