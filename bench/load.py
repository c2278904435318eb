"""`make bench-load` (also part of `make bench`): throughput and latency under load, side by side in one run.

Three set-ups, each started on free loopback ports:
- this project with its default settings (`make serve`: one Rasa worker, SQLite tracker store);
- this project with the scale-out settings (RASA_WORKERS=2, TRACKER_DB_URL on a PostgreSQL database created
  for the run and dropped after it, LOCK_STORE_URL on Redis; docs/scaling.md);
- a `rasa init --no-prompt` bot (Rasa's own example data and default config, trained in this run) at
  Rasa's defaults: `rasa run`, one process, in-memory tracker store.

Closed loop over the REST channel: each sender has its own conversation in one language, sends a held-out
question, waits for the answer, sends the next. Scenarios: 1 sender × 60 messages, 20 × 15, 50 × 10. The
single sender has one conversation in each language, one after another, and its "messages 51-60" figure is
the p95 of messages 51-60 over those conversations (ten conversations: 100 messages). Taken from one
conversation it was the slowest of ten messages, which one pause anywhere on the machine decided: 83, 133 and
113 ms in three runs of the same code, 59-80 ms re-sending that conversation (docs/measurements/latency.md).
Also per set-up: message 1 of 30 new conversations one after another, and the peak memory of every Rasa
process (a worker each). The machine may be shared: compare set-ups within one run (ratios), not
absolute figures across runs. With the scale-out set-up it also runs the gateway's bench
(bench/gateway.py: 50 people through the fake Bot API). Prints a table and merges the figures into
bench/latest.json under "load" (other keys are kept).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import requests

from scripts.launch import Services, wait_until_up
from tests.conftest import free_port
from wegweiser.maintenance.evaluation import heldout_examples, language_of

ROOT = Path(__file__).resolve().parent.parent

SCENARIOS: List[Tuple[int, int]] = [(1, 60), (20, 15), (50, 10)]
FIRST_MESSAGES = 30
WARM_UP = 12
SCALE_OUT = {"RASA_WORKERS": "2", "ACTION_WORKERS": "1"}
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
SETTINGS = ("TRACKER_DB_URL", "LOCK_STORE_URL", "RASA_WORKERS", "ACTION_WORKERS")


def messages_by_language() -> Dict[str, List[str]]:
    by_language: Dict[str, List[str]] = defaultdict(list)
    for _, text in heldout_examples():
        by_language[language_of(text)].append(text)
    return dict(sorted(by_language.items()))


def conversation(index: int, count: int, by_language: Dict[str, List[str]]) -> List[str]:
    """`count` questions in one language (the conversation's), starting at a different place for each."""
    languages = list(by_language)
    texts = by_language[languages[index % len(languages)]]
    start = index * 7
    return [texts[(start + k) % len(texts)] for k in range(count)]


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


EMPTY: List[str] = []  # senders' messages that got HTTP 200 with no message in it (filled by chat)


def chat(url: str, sender: str, texts: List[str]) -> List[float]:
    """Sends the texts one after another; the latency of each in ms (NaN when the request failed).

    An empty reply counts as handled (the `rasa init` bot has no fallback and stays silent on what it does
    not know) and is recorded in EMPTY."""
    latencies = []
    with requests.Session() as session:
        for text in texts:
            start = time.perf_counter()
            try:
                response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                        timeout=120)
                handled = response.status_code == 200
                if handled and not response.json():
                    EMPTY.append(sender)
            except requests.RequestException:
                handled = False
            latencies.append((time.perf_counter() - start) * 1000 if handled else float("nan"))
    return latencies


def closed_loop(url: str, senders: int, per_sender: int, by_language: Dict[str, List[str]]) -> dict:
    run = uuid.uuid4().hex[:8]
    work = [(f"load-{run}-{i}", conversation(i, per_sender, by_language)) for i in range(senders)]
    empty_before = len(EMPTY)
    start = time.perf_counter()
    with ThreadPoolExecutor(senders) as pool:
        results = list(pool.map(lambda item: chat(url, *item), work))
    seconds = time.perf_counter() - start
    latencies = [value for result in results for value in result if value == value]
    figures = {"messages": senders * per_sender, "failed": senders * per_sender - len(latencies),
               "empty_replies": len(EMPTY) - empty_before,
               "msg_per_s": round(len(latencies) / seconds, 1),
               "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 95), 1)}
    return figures


def single_sender(url: str, per_sender: int, by_language: Dict[str, List[str]]) -> dict:
    """One sender at a time: a conversation of `per_sender` messages in each language, one after another.

    Besides the figures over all messages: the p95 and the slowest of messages 51-60 over all conversations."""
    run = uuid.uuid4().hex[:8]
    empty_before = len(EMPTY)
    start = time.perf_counter()
    results = [chat(url, f"load-{run}-{i}", conversation(i, per_sender, by_language)) for i in range(len(by_language))]
    seconds = time.perf_counter() - start
    latencies = [value for result in results for value in result if value == value]
    tail = [value for result in results for value in result[50:60] if value == value]
    sent = len(by_language) * per_sender
    return {"messages": sent, "conversations": len(by_language), "failed": sent - len(latencies),
            "empty_replies": len(EMPTY) - empty_before, "msg_per_s": round(len(latencies) / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 95), 1),
            "messages_51_60_p95_ms": round(percentile(tail, 95), 1), "messages_51_60_max_ms": round(max(tail), 1)}


def first_messages(url: str, by_language: Dict[str, List[str]]) -> dict:
    latencies = [chat(url, f"first-{uuid.uuid4().hex[:8]}", conversation(i, 1, by_language))[0]
                 for i in range(FIRST_MESSAGES)]
    latencies = [value for value in latencies if value == value]
    return {"p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 95), 1)}


def process_tree(pid: int) -> List[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    found = [pid]
    if children.exists():
        for child in children.read_text().split():
            found += process_tree(int(child))
    return found


def peak_memory_mb(pid: int) -> List[int]:
    """Peak resident memory (VmHWM) of the process and each process it started, in MB."""
    peaks = []
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024))
        except OSError:
            pass
    return peaks


def measure(url: str, rasa_pid: int, by_language: Dict[str, List[str]]) -> dict:
    for index in range(WARM_UP):
        chat(url, f"warm-{uuid.uuid4().hex[:8]}", conversation(index, 1, by_language))
    figures: dict = {"message_1": first_messages(url, by_language)}
    for senders, per_sender in SCENARIOS:
        figures[f"{senders}x{per_sender}"] = (single_sender(url, per_sender, by_language) if senders == 1
                                              else closed_loop(url, senders, per_sender, by_language))
        print(f"  {senders} x {per_sender}: {figures[f'{senders}x{per_sender}']}", flush=True)
    peaks = peak_memory_mb(rasa_pid)
    # Sanic's workers are children of the process started; with one worker the process itself serves
    figures["rasa_peak_memory_mb_per_worker"] = peaks[1:] if len(peaks) > 1 else peaks
    return figures


@contextmanager
def environment(settings: Dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in SETTINGS}
    for name in SETTINGS:
        os.environ.pop(name, None)
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def fresh_database() -> Iterator[str]:
    import psycopg2

    name = f"wegweiser_bench_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def project(tmp: Path, settings: Dict[str, str], by_language: Dict[str, List[str]],
            then: Optional[Callable[[str], dict]] = None) -> dict:
    with environment(settings):
        services = Services(free_port(), free_port(), tmp / f"data-{uuid.uuid4().hex[:6]}", quiet=True)
        try:
            services.start()
            url = f"http://127.0.0.1:{services.rasa_port}"
            figures = measure(url, services.processes[1].pid, by_language)
            if then is not None:
                figures.update(then(url))
            return figures
        finally:
            services.stop()


def rasa_init(tmp: Path, by_language: Dict[str, List[str]]) -> dict:
    """`rasa init --no-prompt` (its example data, default config, trained here), served by `rasa run`."""
    folder = tmp / "rasa-init"
    folder.mkdir()
    rasa = str(ROOT / ".venv" / "rasa" / "bin" / "rasa")
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS and k != "PYTHONPATH"}
    start = time.monotonic()
    subprocess.run([rasa, "init", "--no-prompt", "--init-dir", str(folder)], cwd=tmp, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    training_s = round(time.monotonic() - start, 1)
    port = free_port()
    log = open(tmp / "rasa-init.log", "ab")
    server = subprocess.Popen([rasa, "run", "--model", "models", "-i", "127.0.0.1", "-p", str(port)], cwd=folder,
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/webhooks/rest/", server, 300, "the rasa init bot")
        figures = measure(f"http://127.0.0.1:{port}", server.pid, by_language)
        figures["init_and_training_s"] = training_s
        return figures
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def gateway(tracker_url: str) -> Callable[[str], dict]:
    """bench/gateway.py (bot virtualenv) against the running set-up: 50 people through the fake Bot API."""
    def run(url: str) -> dict:
        output = subprocess.run([str(ROOT / ".venv/bot/bin/python"), str(ROOT / "bench" / "gateway.py"),
                                 "--rasa-url", url, "--tracker-url", tracker_url], cwd=ROOT, check=True,
                                capture_output=True, text=True)
        return {"gateway": json.loads(output.stdout.strip().splitlines()[-1])}
    return run


def run_all() -> dict:
    by_language = messages_by_language()
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "load_average_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print("this project, default settings (1 Rasa worker, SQLite)", flush=True)
        results["this project, default"] = project(tmp, {}, by_language)
        print("this project, scale-out settings (RASA_WORKERS=2, PostgreSQL, Redis)", flush=True)
        with fresh_database() as database:
            settings = dict(SCALE_OUT, TRACKER_DB_URL=database, LOCK_STORE_URL=REDIS)
            with_gateway = os.environ.get("BENCH_LOAD_GATEWAY", "1") == "1"
            results["this project, scale-out"] = project(tmp, settings, by_language,
                                                         gateway(database) if with_gateway else None)
        print("rasa init bot, Rasa's defaults (1 process, in-memory tracker store)", flush=True)
        results["rasa init, defaults"] = rasa_init(tmp, by_language)
    results["load_average_after"] = os.getloadavg()[0]
    return results


def table(results: dict) -> str:
    setups = [name for name, value in results.items() if isinstance(value, dict) and "1x60" in value]
    lines = ["| set-up | message 1 p95 | " + " | ".join(f"{s} senders × {m}" for s, m in SCENARIOS)
             + " | peak memory per Rasa worker |", "|---|---|" + "---|" * len(SCENARIOS) + "---|"]
    for name in setups:
        row = results[name]
        cells = []
        for senders, per_sender in SCENARIOS:
            figures = row[f"{senders}x{per_sender}"]
            cell = f"{figures['msg_per_s']} msg/s, p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms"
            if "messages_51_60_p95_ms" in figures:
                cell += (f" (msgs 51-60 p95 {figures['messages_51_60_p95_ms']:.0f} ms, slowest"
                         f" {figures['messages_51_60_max_ms']:.0f} ms, {figures['conversations']} conversations)")
            if figures["failed"]:
                cell += f", {figures['failed']} failed"
            if figures["empty_replies"]:
                cell += f", {figures['empty_replies']} empty replies"
            cells.append(cell)
        memory = ", ".join(f"{mb:,} MB" for mb in row["rasa_peak_memory_mb_per_worker"])
        lines.append(f"| {name} | {row['message_1']['p95_ms']:.0f} ms | " + " | ".join(cells) + f" | {memory} |")
    baseline = results.get("rasa init, defaults")
    if baseline:
        for name in setups:
            if name != "rasa init, defaults":
                ratios = [results[name][f"{s}x{m}"]["msg_per_s"] / baseline[f"{s}x{m}"]["msg_per_s"]
                          for s, m in SCENARIOS]
                lines.append(f"throughput {name} / rasa init: " + ", ".join(
                    f"{s}×{m}: {ratio:.2f}×" for (s, m), ratio in zip(SCENARIOS, ratios)))
    return "\n".join(lines)


def merge_into_latest(load: dict) -> None:
    path = ROOT / "bench" / "latest.json"
    figures = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    figures["load"] = load
    path.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    results = run_all()
    merge_into_latest(results)
    print(table(results))


if __name__ == "__main__":
    main()
