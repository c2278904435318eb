"""No update lost when the gateway is killed while updates wait for a processing slot.

The real gateway (`python -m bot`, a child process) with CONCURRENT_UPDATES=4 polls the fake Telegram; 20
people write at once while the fake Rasa holds every answer, so 4 updates are being handled (stuck at
Rasa) and 16 wait behind them. Once Telegram counts all 20 as delivered (a getUpdates offset passed them),
the gateway is killed with SIGKILL, Rasa starts answering, and the gateway is started again. Asserted:
each of the 20 people gets the answer to their message, exactly once. (Before updates were stored in the
update queue's put(), the 16 waiting ones were lost: stored only when their slot came.)
"""
from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import create_engine, text as sql

from test_fuzz import EVENTS
from scripts.launch import stop_gracefully
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 20
SLOTS = 4


class HoldingRasa:
    """Rasa's REST channel: "answer to <message>", held back while `hold` is set."""

    def __init__(self) -> None:
        self.hold = threading.Event()
        self.hold.set()
        self.received: collections.Counter = collections.Counter()
        lock, hold, received = threading.Lock(), self.hold, self.received

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):  # noqa: D401 - quiet
                pass

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    received[body["message"]] += 1
                deadline = time.monotonic() + 120
                while hold.is_set() and time.monotonic() < deadline:
                    time.sleep(0.05)
                data = json.dumps([{"recipient_id": body["sender"], "text": f"answer to {body['message']}"}]).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the killed gateway's connection is gone
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def total(self) -> int:
        return sum(self.received.values())

    def stop(self) -> None:
        self.hold.clear()
        self.server.shutdown()
        self.server.server_close()


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_updates_queued_behind_the_slots_survive_a_sigkill(tmp_path):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(sql(EVENTS))
    engine.dispose()
    rasa = HoldingRasa()
    log = tmp_path / "gateway.log"
    people = {30_000_000 + i: f"Frage {i}" for i in range(PEOPLE)}
    with FakeTelegram() as fake:
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "PSEUDONYM_KEY")}
        env.update(TELEGRAM_TOKEN="7000000001:queued", PSEUDONYM_KEY="queued-test-pseudonym-key-0123",
                   TELEGRAM_BASE_URL=fake.base_url, DATABASE_URL=f"sqlite:///{tmp_path / 'gateway.db'}",
                   TRACKER_DB_URL=tracker_url, RASA_URL=rasa.url, RASA_TIMEOUT="100",
                   CONCURRENT_UPDATES=str(SLOTS), WEGWEISER_DATA_DIR=str(tmp_path / "data"),
                   PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]))

        def start() -> subprocess.Popen:
            return subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                                    stdout=open(log, "ab"), stderr=subprocess.STDOUT)

        gateway = start()
        try:
            wait_until(lambda: fake.calls_of("getUpdates"), 60, "the gateway to poll")
            for user_id, text in people.items():
                fake.user_message(user_id, text)
            wait_until(fake.all_confirmed, 60, "Telegram to count every update as delivered")
            wait_until(lambda: rasa.total() >= SLOTS, 60, "the slots to fill")
            time.sleep(1.0)
            # the precondition: all 20 confirmed to Telegram, only 4 in hand, none answered
            assert fake.all_confirmed() and rasa.total() == SLOTS
            assert not [m for m in fake.sent() if m["text"].startswith("answer to")]
            gateway.send_signal(signal.SIGKILL)
            gateway.wait(timeout=30)
            rasa.hold.clear()
            gateway = start()
            wait_until(lambda: all(any(m["text"] == f"answer to {text}" for m in fake.sent(user_id))
                                   for user_id, text in people.items()), 90, "every person's answer")
            time.sleep(1.0)  # an answer sent twice would arrive now
        finally:
            stop_gracefully(gateway, 30)
            rasa.stop()
        answers = {user_id: [m["text"] for m in fake.sent(user_id) if m["text"].startswith("answer to")]
                   for user_id in people}
    assert answers == {user_id: [f"answer to {text}"] for user_id, text in people.items()}
    assert "Traceback" not in log.read_text(errors="replace")
