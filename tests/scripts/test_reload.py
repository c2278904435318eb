"""`make reload`: a model swap in the running server while several people keep writing — every message
gets an answer, conversations continue, and rollback brings the previous model back."""
from __future__ import annotations

import shutil
import threading
import time

import requests

from scripts.launch import MODEL, api_token, served_model
from scripts.reload import ReloadError, previous_model, reload, rollback

MESSAGES = ["Wer zahlt das Flugticket?", "What is voluntary return?", "Ist die Beratung kostenlos?",
            "Сколько денег дают на дорогу?", "Danışmanlık ücretsiz mi?"]
SENDERS = 4


def keep_writing(url: str, sender: str, stop: threading.Event, log: list) -> None:
    index = 0
    while not stop.is_set():
        sent = time.monotonic()
        try:
            response = requests.post(f"{url}/webhooks/rest/webhook", timeout=120,
                                     json={"sender": sender, "message": MESSAGES[index % len(MESSAGES)]})
            answered = response.status_code == 200 and bool(response.json())
        except requests.RequestException:
            answered = False
        log.append((sender, sent, time.monotonic(), answered))
        index += 1


def test_messages_sent_during_a_reload_all_get_answers(rasa_services, tmp_path, capsys):
    url = f"http://127.0.0.1:{rasa_services.rasa_port}"
    token = api_token(rasa_services.data_dir)
    new_model = tmp_path / "new.tar.gz"
    shutil.copyfile(MODEL, new_model)
    stop, log = threading.Event(), []
    threads = [threading.Thread(target=keep_writing, args=(url, f"reload-{n}", stop, log)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        swap_start = time.monotonic()
        reload(url, rasa_services.data_dir, token, model=new_model)
        swap_end = time.monotonic()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=150)
    assert log and all(answered for *_, answered in log), [entry for entry in log if not entry[3]]
    during = [entry for entry in log if entry[1] < swap_end and entry[2] > swap_start]
    with capsys.disabled():
        print(f"\nreload: model swapped in {swap_end - swap_start:.1f} s; {len(log)} messages from {SENDERS} senders, "
              f"{len(during)} in flight during the swap, all answered (slowest {max(e[2] - e[1] for e in log):.1f} s)")
    assert len(during) >= SENDERS  # every sender had a message in flight while the model was swapped
    assert {entry[0] for entry in log if entry[1] > swap_end}  # and wrote on afterwards
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
