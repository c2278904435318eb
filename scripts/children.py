"""What each child process of scripts/launch.py is started with: its command line and its environment.

- **No secret in a command line.** Every local user can read every process's arguments (`ps`,
  /proc/<pid>/cmdline). Rasa 3.6 takes its HTTP API token only as `--auth-token` (no environment variable,
  no endpoints key), so Rasa is started through `scripts/rasa_server.py`, which reads the token from its
  own environment (readable by the same user only: /proc/<pid>/environ is mode 0400) and hands it to
  Rasa's command-line parser inside the process, where `ps` cannot see it.
- **Each child gets only what it needs.** The environment is built from an allow-list per child, and the
  secrets of the others are removed even when a prefix would let them through: Rasa and the action server
  never see TELEGRAM_TOKEN, PSEUDONYM_KEY, WEBHOOK_SECRET or the gateway's DATABASE_URL; the action
  server and the gateway never see RASA_API_TOKEN.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Mapping

ROOT = Path(__file__).resolve().parent.parent
RASA_VENV = ROOT / ".venv" / "rasa" / "bin"
BOT_VENV = ROOT / ".venv" / "bot" / "bin"

#: what any Python process needs from its surroundings (locale, paths, temporary files, time zone)
COMMON = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "USER", "LOGNAME", "SHELL",
          "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
COMMON_PREFIXES = ("LC_", "PYTHON", "TF_")
#: project settings read on the Rasa side (wegweiser/, actions/, components/)
WEGWEISER = ("WEGWEISER_DATA_DIR", "WEGWEISER_CONTENT_DIR", "CENTRE_FILE", "FACT_MAX_AGE_DAYS",
             "UNANSWERED_RETENTION_DAYS")

SECRETS_OF = {
    "gateway": ("TELEGRAM_TOKEN", "PSEUDONYM_KEY", "WEBHOOK_SECRET", "DATABASE_URL"),
    "rasa": ("RASA_API_TOKEN",),
}

ALLOWED = {
    # Rasa: its own RASA_*/SANIC_* settings, tracker and lock store URLs for endpoints.yml's ${...}
    "rasa": (COMMON + WEGWEISER + ("TRACKER_DB_URL", "LOCK_STORE_URL", "RASA_API_TOKEN"),
             COMMON_PREFIXES + ("RASA_", "SANIC_")),
    # the action server: rasa_sdk's ACTION_SERVER_* settings
    "actions": (COMMON + WEGWEISER, COMMON_PREFIXES + ("ACTION_",)),
}


def child_env(child: str, environ: Mapping[str, str], **extra: str) -> Dict[str, str]:
    """The environment for `child` ("rasa", "actions", "gateway", "terminal") taken from `environ`.

    Rasa and the action server get an allow-list; the gateway gets its settings (it reads many, see
    bot/settings.py) minus Rasa's API token; the terminal chat also loses the gateway's secrets.
    """
    if child in ALLOWED:
        names, prefixes = ALLOWED[child]
        env = {k: v for k, v in environ.items() if k in names or k.startswith(prefixes)}
        foreign = [s for owner, secrets in SECRETS_OF.items() if owner != child for s in secrets]
    elif child == "gateway":
        env = dict(environ)
        foreign = list(SECRETS_OF["rasa"])
    elif child == "terminal":
        env = dict(environ)
        foreign = [s for secrets in SECRETS_OF.values() for s in secrets]
    else:
        raise ValueError(f"unknown child process {child!r}")
    for name in foreign:
        env.pop(name, None)
    env.update(extra)
    return env


def actions_command(action_port: int) -> List[str]:
    """rasa_sdk's server through scripts/action_server.py (the same arguments; start-up heap frozen)."""
    return [str(RASA_VENV / "python"), str(ROOT / "scripts" / "action_server.py"), "--actions", "actions",
            "-p", str(action_port)]


def rasa_command(model: Path, endpoints: Path, rasa_port: int) -> List[str]:
    """`rasa run` on loopback with the HTTP API; the token comes from RASA_API_TOKEN in its environment."""
    return [str(RASA_VENV / "python"), str(ROOT / "scripts" / "rasa_server.py"), "run", "--model", str(model),
            "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
            "-i", "127.0.0.1", "-p", str(rasa_port), "--enable-api"]


def gateway_command(*arguments: str) -> List[str]:
    return [str(BOT_VENV / "python"), "-m", "bot", *arguments]


def terminal_command() -> List[str]:
    return [str(BOT_VENV / "python"), "-m", "bot.terminal"]
