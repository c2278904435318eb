"""CPU time per message of the Rasa server and the action server, at message 1 and at messages 41-60.

CPU time (from /proc, user + system) does not depend on what else runs on the machine, unlike latency, so
it shows the per-message work even on a shared machine. Starts the default set-up (`make serve`) on free
ports, or measures a running one (`--url` with `--pids rasa_pid,action_pid`). Message 1: 60 new
conversations, one message each, languages in turn. Messages 41-60: one conversation per language, 60
held-out questions of that language, CPU time over the last 20. Prints one JSON object.

    .venv/rasa/bin/python bench/cpu.py
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Dict, List

import requests

from bench.load import conversation, messages_by_language
from scripts.launch import Services
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK * 1000


def measure(url: str, pids: Dict[str, int]) -> dict:
    by_language = messages_by_language()
    session = requests.Session()

    def send(sender: str, text: str) -> None:
        session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                     timeout=120).raise_for_status()

    def per_message(texts: List[tuple]) -> Dict[str, float]:
        before = {name: cpu_ms(pid) for name, pid in pids.items()}
        for sender, text in texts:
            send(sender, text)
        return {name: round((cpu_ms(pid) - before[name]) / len(texts), 1) for name, pid in pids.items()}

    for index in range(6):
        send(f"warm-{uuid.uuid4().hex[:8]}", conversation(index, 1, by_language)[0])
    figures: dict = {"message_1": per_message([(f"cpu-{uuid.uuid4().hex[:8]}", conversation(i, 1, by_language)[0])
                                                for i in range(60)])}
    for index, language in enumerate(by_language):
        sender = f"cpu-long-{uuid.uuid4().hex[:8]}"
        texts = (by_language[language] * 3)[:60]
        for text in texts[:40]:
            send(sender, text)
        figures[f"messages_41_60_{language}"] = per_message([(sender, text) for text in texts[40:]])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--pids", help="rasa_pid,action_pid of the running set-up given by --url")
    args = parser.parse_args()
    if args.url:
        rasa, action = (int(pid) for pid in args.pids.split(","))
        print(json.dumps(measure(args.url, {"rasa_ms": rasa, "action_server_ms": action})))
        return
    with tempfile.TemporaryDirectory() as folder:
        services = Services(free_port(), free_port(), Path(folder), quiet=True)
        try:
            services.start()
            pids = {"rasa_ms": services.processes[1].pid, "action_server_ms": services.processes[0].pid}
            print(json.dumps(measure(f"http://127.0.0.1:{services.rasa_port}", pids)))
        finally:
            services.stop()


if __name__ == "__main__":
    main()
