"""`make bench`: NLU accuracy against two baselines, training time (full and after changing only an answer),
model size and load time, Rasa server memory, REST latency, and the Telegram gateway's end-to-end latency
with 50 simulated people (bench/gateway.py), and the load table of bench/load.py (also `make bench-load`).

Prints a table and writes bench/latest.json. Figures, not pass/fail: targets are compared in the
README. Runs everything on loopback: its own Rasa and action servers on free ports. Took 2 h 10 min and
1 h 37 min in two runs on an idle 2-core machine (2026-12-06), most of it training the `rasa init` baseline with Rasa's defaults (100 epochs of
DIET and of the ResponseSelector); `RASA_INIT_EPOCHS=20 make bench` took 32 min (2026-12-06) and says so in
the table. A machine shared with other jobs takes up to 2.5 times as long.
"""
from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.report_time import report_bench  # (the needs report on 100,000 generated conversations)
from scripts.launch import Services
from tests.conftest import free_port
from wegweiser.maintenance.evaluation import heldout_examples

ROOT = Path(__file__).resolve().parent.parent

MESSAGES = 240
CONCURRENT = 20


def train(project: Path, out: Path, name: str, force: bool) -> float:
    """`rasa train` on a copy of the project; without `force` Rasa reuses what its cache holds."""
    start = time.monotonic()
    subprocess.run([str(ROOT / ".venv/rasa/bin/rasa"), "train", "--domain", str(project / "domain"), "--data",
                    str(project / "data"), "--config", str(project / "config.yml"), "--out", str(out),
                    "--fixed-model-name", name, "--quiet", "--skip-validation"] + (["--force"] if force else []),  # as `make train`
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def copy_project(target: Path) -> Path:
    for folder in ("domain", "data"):
        shutil.copytree(ROOT / folder, target / folder)
    shutil.copyfile(ROOT / "config.yml", target / "config.yml")
    return target


def change_first_answer(path: Path) -> None:
    """Edits the wording of one answer, as a maintainer would."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(text: ")', r"\1Bench: ", text, count=1), encoding="utf-8")


def nlu_comparison(full_model: Path, tmp: Path, results: dict) -> None:
    from bench.nlu import (accuracy_per_language, model_predictions, nearest_neighbour_predictions, rasa_init_epochs,
                           rasa_init_label, train_rasa_init)
    from scripts.compare_pipelines import load_examples

    heldout = list(heldout_examples())
    start = time.monotonic()
    ours = model_predictions(full_model, heldout)
    results["model_load_and_heldout_parse_s"] = round(time.monotonic() - start, 1)
    examples, _ = load_examples()
    table = {"this project": accuracy_per_language(ours),
             "TF-IDF nearest neighbour": accuracy_per_language(nearest_neighbour_predictions(examples, heldout))}
    results["heldout_accuracy_percent"] = dict(table)
    epochs = rasa_init_epochs()
    results["rasa_init_epochs"] = epochs
    print(f"training the rasa init baseline: {epochs} epochs of DIET and of the ResponseSelector, about "
          f"{round(epochs * 1.24 + 3)} min on 2 idle cores (RASA_INIT_EPOCHS sets the epochs)", flush=True)
    rasa_init_model, seconds = train_rasa_init(ROOT, tmp, epochs)
    results["rasa_init_nlu_training_s"] = round(seconds, 1)
    theirs = model_predictions(rasa_init_model, heldout)
    table[rasa_init_label(epochs)] = accuracy_per_language(theirs)
    results["heldout_accuracy_percent"] = table
    # the same two models without a confidence threshold: whether the baseline loses by ranking or by confidence
    results["heldout_top_intent_percent"] = {"this project": accuracy_per_language(ours, "best"),
                                             rasa_init_label(epochs): accuracy_per_language(theirs, "best")}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed_send(url: str, sender: str, text: str) -> float:
    start = time.perf_counter()
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return (time.perf_counter() - start) * 1000


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def gateway_bench(rasa_url: str, tracker_db: Path) -> dict:
    """The Telegram gateway's figures (bench/gateway.py in the bot virtualenv, against this Rasa)."""
    output = subprocess.run([str(ROOT / ".venv/bot/bin/python"), str(ROOT / "bench" / "gateway.py"), "--rasa-url",
                             rasa_url, "--tracker-url", f"sqlite:///{tracker_db.resolve()}"], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


class Figures(dict):
    """The results, each printed as soon as it is measured (a long run shows its progress)."""

    def __setitem__(self, key: str, value: object) -> None:
        super().__setitem__(key, value)
        print(f"{key}: {value}", flush=True)


def main() -> None:
    texts = [text for _, text in heldout_examples()][:MESSAGES]
    results = Figures({"date": time.strftime("%Y-%m-%d"), "machine": f"{os.cpu_count()} cores, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.machine()}",
               "messages": len(texts)})
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        results["training_s"] = round(train(project, Path(tmp) / "models", "full", force=True), 1)
        full_model = Path(tmp) / "models" / "full.tar.gz"
        results["model_size_mb"] = round(full_model.stat().st_size / 2**20, 1)
        change_first_answer(project / "data" / "nlu" / "faq" / "basics.yml")
        results["training_after_faq_answer_change_s"] = round(train(project, Path(tmp) / "models", "faq", False), 1)
        change_first_answer(project / "domain" / "responses.yml")
        results["training_after_core_response_change_s"] = round(
            train(project, Path(tmp) / "models", "core", False), 1)
        nlu_comparison(full_model, Path(tmp), results)
        services = Services(free_port(), free_port(), Path(tmp) / "data", quiet=True)
        start = time.monotonic()
        services.start()
        results["server_start_and_model_load_s"] = round(time.monotonic() - start, 1)
        url = f"http://127.0.0.1:{services.rasa_port}"
        try:
            for text in texts[:10]:  # warm-up
                timed_send(url, "warmup", text)
            sequential = [timed_send(url, f"seq-{i % 20}", text) for i, text in enumerate(texts)]
            with ThreadPoolExecutor(CONCURRENT) as pool:
                concurrent = list(pool.map(lambda it: timed_send(url, f"con-{it[0] % CONCURRENT}", it[1]),
                                           enumerate(texts)))
            rasa_pid = services.processes[1].pid
            results["rasa_peak_memory_mb"] = round(peak_rss_mb(rasa_pid))
            results["action_server_peak_memory_mb"] = round(peak_rss_mb(services.processes[0].pid))
            gateway = gateway_bench(url, Path(tmp) / "data" / "tracker.db")  # after the memory peaks: 50 more senders
        finally:
            services.stop()
    for name, values in (("sequential", sequential), (f"{CONCURRENT}_concurrent", concurrent)):
        results[f"rest_{name}_median_ms"] = round(statistics.median(values), 1)
        results[f"rest_{name}_p95_ms"] = round(percentile(values, 95), 1)
    results.update(gateway)
    results["needs_report_100k_build_s"] = report_bench()["total_s"]
    from bench.load import run_all, table

    print("load: this project default / scale-out settings vs a rasa init bot (bench/load.py)", flush=True)
    results["load"] = run_all()
    (ROOT / "bench" / "latest.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    width = max(map(len, results))
    for key, value in results.items():
        if not isinstance(value, dict):
            print(f"{key:<{width}}  {value}")
    for title, key in (("held-out accuracy (%)", "heldout_accuracy_percent"),
                       ("top-ranked intent, no threshold (%)", "heldout_top_intent_percent")):
        rows = results[key]
        languages = sorted({language for row in rows.values() for language in row})
        label = max(map(len, rows)) + 2
        print(f"\n{title:<{label}}" + "".join(f"{language:>7}" for language in languages))
        for name, row in rows.items():
            print(f"{name:<{label}}" + "".join(f"{row.get(language, float('nan')):>7.1f}" for language in languages))
    print("\nunder load (closed loop, REST channel):\n" + table(results["load"]))


if __name__ == "__main__":
    main()
