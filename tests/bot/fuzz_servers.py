"""The fuzz test's two fake servers (tests/bot/test_fuzz.py), run in a child process of their own.

Telegram and Rasa are other processes in production; in the test's own process the servers' threads
would share the interpreter lock with the gateway's event loop (about 15 % of the run's CPU went to them,
docs/measurements/faults.md), and the run would measure them as the gateway's time. The child is driven
over a pipe: updates in, the Bot API call log and Rasa's received messages out.
"""
from __future__ import annotations

import collections
import json
import multiprocessing
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any, Dict, List, Tuple

from fuzz_updates import token_of
from tests.fakes.telegram_api import Call, FakeTelegram


class FakeRasa:
    """Rasa's REST channel on 127.0.0.1, answering at once: "answer <token>" (+ a button now and then)."""

    def __init__(self) -> None:
        self.received: collections.Counter = collections.Counter()
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Rasa's server
            disable_nagle_algorithm = True  # else every answer waits ~40 ms for a delayed ACK

            def log_message(self, *args):  # noqa: D401 - quiet
                pass

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                sender, message = body["sender"], body["message"]
                with lock:
                    received[(sender, message)] += 1
                token = token_of(sender, message)
                reply = [{"recipient_id": sender, "text": f"answer {token}"}]
                if int(token, 16) % 5 == 0:
                    reply[0]["buttons"] = [{"title": "Mehr 🙂", "payload": "/faq/travel_costs"},
                                           {"title": "x" * 300, "payload": '/inform{"a": "' + "y" * 80 + '"}'}]
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _serve(connection: Connection) -> None:
    rasa = FakeRasa()
    with FakeTelegram() as telegram:
        connection.send((telegram.base_url, rasa.url))
        while True:
            command, args = connection.recv()
            if command == "queue":
                for update in args:
                    telegram.queue_update(update)
                connection.send(len(args))
            elif command == "all_confirmed":
                connection.send(telegram.all_confirmed())
            elif command == "calls":
                with telegram._cond:
                    connection.send(list(telegram.call_log))
            elif command == "rasa_received":
                connection.send(dict(rasa.received))
            else:
                rasa.stop()
                connection.send(None)
                return


class SeparateServers:
    """The fake Bot API and the fake Rasa in a child process (spawned: nothing of the test is inherited)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        self.lock = threading.Lock()
        self.telegram_url, self.rasa_url = self.connection.recv()

    def call(self, command: str, *args: Any) -> Any:
        with self.lock:
            self.connection.send((command, args))
            return self.connection.recv()

    def queue_updates(self, updates: List[dict]) -> int:
        return self.call("queue", *updates)

    def all_confirmed(self) -> bool:
        return self.call("all_confirmed")

    def call_log(self) -> List[Call]:
        return self.call("calls")

    def rasa_received(self) -> Dict[Tuple[str, str], int]:
        return self.call("rasa_received")

    def __enter__(self) -> "SeparateServers":
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("stop")
        finally:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()
