"""`make bench`: training time from scratch, model load time, Rasa server memory, REST latency, and the
Telegram gateway's end-to-end latency with 50 simulated people (bench/gateway.py).

Prints a table and writes bench/latest.json. Figures, not pass/fail: targets are compared in the
README. Runs everything on loopback: its own Rasa and action servers on free ports.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.launch import Services  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.test_nlu_heldout import heldout_examples  # noqa: E402

MESSAGES = 240
CONCURRENT = 20


def train_from_scratch(out: Path) -> float:
    start = time.monotonic()
    subprocess.run([str(ROOT / ".venv/rasa/bin/rasa"), "train", "--domain", "domain", "--data", "data",
                    "--config", "config.yml", "--out", str(out), "--force", "--quiet"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return time.monotonic() - start


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
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    texts = [text for _, text in heldout_examples()][:MESSAGES]
    results = {"date": time.strftime("%Y-%m-%d"), "machine": f"{os.cpu_count()} cores, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.machine()}",
               "messages": len(texts)}
    with tempfile.TemporaryDirectory() as tmp:
        results["training_s"] = round(train_from_scratch(Path(tmp) / "models"), 1)
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
    (ROOT / "bench" / "latest.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
