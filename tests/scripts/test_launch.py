"""`make run` with TELEGRAM_TOKEN: launch.py starts the action server, Rasa and the gateway, and SIGTERM
stops all three. The gateway talks to the fake Bot API server; Rasa loads the trained model (about 30 s)."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from scripts.launch import MODEL, ROOT
from tests.conftest import free_port
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="needs a trained model: make train")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def descendants(pid: int) -> list:
    children = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat_file.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def process_view(pid: int):
    """(command line, environment variable names) of a process, as /proc shows them."""
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    names = {entry.split(b"=", 1)[0].decode() for entry in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if entry}
    return cmdline, names


def test_run_with_a_token_starts_three_processes_and_sigterm_stops_them(tmp_path):
    rasa_port, action_port = free_port(), free_port()
    with FakeTelegram() as fake:
        env = dict(os.environ, TELEGRAM_TOKEN="7000000001:launch-test", PSEUDONYM_KEY="launch-test-pseudonym-key",
                   TELEGRAM_BASE_URL=fake.base_url, DATABASE_URL=f"sqlite:///{tmp_path / 'gateway.db'}",
                   RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), WEGWEISER_DATA_DIR=str(tmp_path / "data"))
        launcher = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "launch.py"), "run"], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            fake.wait_for(lambda f: f.calls_of("getUpdates"), timeout=240)  # the gateway is polling
            assert answers(f"http://127.0.0.1:{rasa_port}/webhooks/rest/") and answers(
                f"http://127.0.0.1:{action_port}/health")
            assert {c.get("language_code") for c in fake.calls_of("setMyCommands")} >= {"de", "ar"}
            # no secret in any process's arguments; Rasa and the action server without the gateway's secrets
            api_token = (tmp_path / "data" / "api-token").read_text().strip()
            views = {pid: process_view(pid) for pid in descendants(launcher.pid)}
            assert len(views) >= 3
            for cmdline, names in views.values():
                for secret in (api_token, "launch-test-pseudonym-key", "7000000001:launch-test"):
                    assert secret not in cmdline
                if "rasa_server.py" in cmdline or "action_server.py" in cmdline:
                    assert not names & {"TELEGRAM_TOKEN", "PSEUDONYM_KEY", "DATABASE_URL"}, cmdline
                if "action_server.py" in cmdline or " -m bot" in cmdline:
                    assert "RASA_API_TOKEN" not in names, cmdline
            assert any("rasa_server.py" in c for c, _ in views.values())
            assert any("action_server.py" in c for c, _ in views.values())
            # the API token still reaches Rasa: its HTTP API answers with it and refuses without it
            assert answers(f"http://127.0.0.1:{rasa_port}/status?token={api_token}")
            assert not answers(f"http://127.0.0.1:{rasa_port}/status")
            launcher.send_signal(signal.SIGTERM)
            assert launcher.wait(timeout=60) == 0
        finally:
            if launcher.poll() is None:
                launcher.kill()
        output = launcher.stdout.read().decode()
        assert "Telegram gateway" in output and "Application.stop() complete" in output
        assert not answers(f"http://127.0.0.1:{rasa_port}/webhooks/rest/")
        assert not answers(f"http://127.0.0.1:{action_port}/health")
        # everything the run created in the data dir is owner-only (tracker.db, logs, model, api-token, ...)
        created = [tmp_path / "data", *(tmp_path / "data").rglob("*")]
        assert len(created) > 5
        for path in created:
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path, oct(path.stat().st_mode))


def test_run_without_pseudonym_key_says_so_before_starting_rasa(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PSEUDONYM_KEY"}
    env.update(TELEGRAM_TOKEN="7000000001:launch-test", WEGWEISER_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "launch.py"), "run"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "PSEUDONYM_KEY: missing" in result.stderr + result.stdout
    assert not (tmp_path / "data" / "endpoints.yml").exists()  # Rasa was never started
