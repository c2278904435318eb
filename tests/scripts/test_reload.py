"""`make reload`: a model swap in the running server while several people keep writing — every message
gets an answer, conversations continue, and rollback brings the previous model back."""
from __future__ import annotations

import itertools
import shutil
import threading

import requests

from scripts.launch import MODEL, api_token, served_model
from scripts.reload import ReloadError, previous_model, reload, rollback

MESSAGES = ["Wer zahlt das Flugticket?", "What is voluntary return?", "Ist die Beratung kostenlos?",
            "Сколько денег дают на дорогу?", "Danışmanlık ücretsiz mi?"]
SENDERS = 4


class Moments:
    """A logical clock: the order in which things happened, never how long they took (the machine is shared)."""

    def __init__(self) -> None:
        self._next = itertools.count()
        self.changed = threading.Condition()

    def now(self) -> int:
        with self.changed:
            return next(self._next)

    def wait_until(self, condition, timeout: float = 600) -> None:
        """Until condition() holds; re-checked whenever an answer is logged (the timeout only ends a hang)."""
        with self.changed:
            assert self.changed.wait_for(condition, timeout), "the senders stopped getting answers"


def keep_writing(url: str, sender: str, stop: threading.Event, log: list, moments: Moments) -> None:
    index = 0
    while not stop.is_set():
        sent = moments.now()
        try:
            response = requests.post(f"{url}/webhooks/rest/webhook", timeout=120,
                                     json={"sender": sender, "message": MESSAGES[index % len(MESSAGES)]})
            answered = response.status_code == 200 and bool(response.json())
        except requests.RequestException:
            answered = False
        with moments.changed:
            log.append((sender, sent, moments.now(), answered))
            moments.changed.notify_all()
        index += 1


def test_messages_sent_during_a_reload_all_get_answers(rasa_services, tmp_path, capsys):
    url = f"http://127.0.0.1:{rasa_services.rasa_port}"
    token = api_token(rasa_services.data_dir)
    new_model = tmp_path / "new.tar.gz"
    shutil.copyfile(MODEL, new_model)
    stop, log, moments = threading.Event(), [], Moments()
    threads = [threading.Thread(target=keep_writing, args=(url, f"reload-{n}", stop, log, moments))
               for n in range(SENDERS)]

    def answered_after(moment: int) -> set:
        return {sender for sender, sent, _, answered in log if sent > moment and answered}

    for thread in threads:
        thread.start()
    try:
        moments.wait_until(lambda: len(answered_after(-1)) == SENDERS)  # every sender is talking
        swap_start = moments.now()
        reload(url, rasa_services.data_dir, token, model=new_model)
        swap_end = moments.now()
        moments.wait_until(lambda: len(answered_after(swap_end)) == SENDERS)  # and wrote on afterwards
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=150)
    assert log and all(answered for *_, answered in log), [entry for entry in log if not entry[3]]
    during = [entry for entry in log if entry[1] < swap_end and entry[2] > swap_start]
    with capsys.disabled():
        print(f"\nreload: {len(log)} messages from {SENDERS} senders, {len(during)} in flight during the swap, "
              "all answered")
    assert len(during) >= SENDERS  # every sender had a message in flight while the model was swapped
    assert answered_after(swap_end) == {f"reload-{n}" for n in range(SENDERS)}
    assert previous_model(rasa_services.data_dir).exists()
    # the conversations went on: the tracker holds every message of a sender, before and after
    tracker = requests.get(f"{url}/conversations/reload-0/tracker", params={"token": token}, timeout=30).json()
    users = [event for event in tracker["events"] if event["event"] == "user"]
    assert len(users) == sum(1 for entry in log if entry[0] == "reload-0")


def test_rollback_swaps_back_and_the_api_needs_the_token(rasa_services):
    url = f"http://127.0.0.1:{rasa_services.rasa_port}"
    token = api_token(rasa_services.data_dir)
    current, previous = served_model(rasa_services.data_dir), previous_model(rasa_services.data_dir)
    if not previous.exists():
        shutil.copyfile(current, previous)
    before = (current.stat().st_ino, previous.stat().st_ino)
    rollback(url, rasa_services.data_dir, token)
    assert (previous.stat().st_ino, current.stat().st_ino) == before
    assert requests.put(f"{url}/model", json={"model_file": str(current)}, timeout=30).status_code == 401
    assert requests.put(f"{url}/model", params={"token": "wrong"}, json={"model_file": str(current)},
                        timeout=30).status_code == 401
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": "after-rollback", "message": "Hallo"},
                             timeout=60)
    assert response.status_code == 200 and response.json()


def test_a_broken_model_is_refused_and_the_old_one_keeps_serving(rasa_services, tmp_path):
    url = f"http://127.0.0.1:{rasa_services.rasa_port}"
    token = api_token(rasa_services.data_dir)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a model")
    current = served_model(rasa_services.data_dir)
    served = current.read_bytes()
    try:
        reload(url, rasa_services.data_dir, token, model=broken)
    except (ReloadError, requests.RequestException):
        pass
    else:
        raise AssertionError("a broken model was accepted")
    assert current.read_bytes() == served
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": "after-broken", "message": "Hallo"},
                             timeout=60)
    assert response.status_code == 200 and response.json()
