"""Each child process's command line and environment (issue 18: no secret in a process's arguments, each
child only the settings it needs). The last test starts Rasa through its wrapper and reads /proc."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import rasa_server
from scripts.children import actions_command, child_env, gateway_command, rasa_command, terminal_command

SECRETS = {"TELEGRAM_TOKEN": "7000000001:tg-secret", "PSEUDONYM_KEY": "pseudonym-secret-key-0123",
           "WEBHOOK_SECRET": "webhook-secret", "RASA_API_TOKEN": "rasa-api-secret",
           "DATABASE_URL": "postgresql://gw:db-password@127.0.0.1/gw"}
ENVIRON = {**SECRETS, "PATH": "/usr/bin", "HOME": "/home/x", "LC_ALL": "C.UTF-8", "PYTHONPATH": "/p",
           "RASA_PORT": "5005", "SANIC_WORKERS": "2", "ACTION_SERVER_SANIC_WORKERS": "2",
           "WEGWEISER_DATA_DIR": "/d", "CENTRE_FILE": "/c.yml", "TRACKER_DB_URL": "sqlite:////d/t.db",
           "AWS_SECRET_ACCESS_KEY": "unrelated", "RETENTION_DAYS": "30"}


def test_no_command_line_holds_a_secret():
    commands = [actions_command(5055), rasa_command(Path("/m.tar.gz"), Path("/e.yml"), 5005),
                gateway_command(), gateway_command("--check"), terminal_command()]
    for command in commands:
        joined = " ".join(command)
        assert "--auth-token" not in joined
        for value in SECRETS.values():
            assert value not in joined


@pytest.mark.parametrize("child", ["rasa", "actions"])
def test_rasa_and_the_action_server_get_no_gateway_secret_and_nothing_unrelated(child):
    env = child_env(child, ENVIRON)
    for name in ("TELEGRAM_TOKEN", "PSEUDONYM_KEY", "WEBHOOK_SECRET", "DATABASE_URL", "AWS_SECRET_ACCESS_KEY",
                 "RETENTION_DAYS"):
        assert name not in env, name
    assert {"PATH", "HOME", "LC_ALL", "PYTHONPATH", "WEGWEISER_DATA_DIR", "CENTRE_FILE"} <= set(env)


def test_only_rasa_gets_its_api_token():
    assert child_env("rasa", ENVIRON)["RASA_API_TOKEN"] == "rasa-api-secret"
    assert child_env("rasa", ENVIRON)["SANIC_WORKERS"] == "2"
    assert child_env("rasa", ENVIRON)["TRACKER_DB_URL"] == "sqlite:////d/t.db"
    for child in ("actions", "gateway", "terminal"):
        assert "RASA_API_TOKEN" not in child_env(child, ENVIRON), child
    assert child_env("actions", ENVIRON)["ACTION_SERVER_SANIC_WORKERS"] == "2"
    assert "TRACKER_DB_URL" not in child_env("actions", ENVIRON)


def test_the_gateway_keeps_its_settings_and_the_terminal_chat_gets_no_secret():
    gateway = child_env("gateway", ENVIRON, RASA_URL="http://127.0.0.1:5005")
    assert gateway["TELEGRAM_TOKEN"] == SECRETS["TELEGRAM_TOKEN"] and gateway["DATABASE_URL"] == SECRETS["DATABASE_URL"]
    assert gateway["RETENTION_DAYS"] == "30" and gateway["RASA_URL"] == "http://127.0.0.1:5005"
    terminal = child_env("terminal", ENVIRON)
    assert not set(SECRETS) & set(terminal)


def test_the_wrapper_adds_the_token_inside_the_process_and_refuses_one_on_the_command_line():
    environ = {"RASA_API_TOKEN": "t0k"}
    assert rasa_server.arguments(["run", "-p", "1"], environ) == ["run", "-p", "1", "--auth-token=t0k"]
    assert "RASA_API_TOKEN" not in environ
    assert rasa_server.arguments(["run"], {}) == ["run"]
    with pytest.raises(SystemExit):
        rasa_server.arguments(["run", "--auth-token", "x"], {"RASA_API_TOKEN": "t"})


def test_the_wrapper_hands_the_token_to_rasas_parser_without_showing_it_in_proc(tmp_path):
    """`rasa_server.py --help`-like probe: a tiny stand-in for Rasa's main prints what its parser got."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sys, os, time, runpy\n"
        "sys.path.insert(0, sys.argv.pop(1))\n"
        "from scripts import rasa_server\n"
        "sys.argv = ['rasa', *rasa_server.arguments(sys.argv[1:], os.environ)]\n"
        "print(' '.join(sys.argv), flush=True)\n"
        "time.sleep(30)\n", encoding="utf-8")
    root = str(Path(rasa_server.__file__).resolve().parent.parent)
    process = subprocess.Popen([sys.executable, str(probe), root, "run", "--enable-api"],
                               env={"PATH": os.environ["PATH"], "RASA_API_TOKEN": "proc-secret-123"},
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip().endswith("--auth-token=proc-secret-123")
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert b"proc-secret-123" not in cmdline and b"run" in cmdline
    finally:
        process.kill()
        process.wait()


def test_a_token_that_starts_with_a_dash_is_still_one_argument():
    """secrets.token_urlsafe can start with "-": Rasa's argument parser must not read it as an option."""
    import argparse

    argv = rasa_server.arguments(["run"], {"RASA_API_TOKEN": "-Abc_123"})
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("-t", "--auth-token")
    assert parser.parse_args(argv).auth_token == "-Abc_123"
