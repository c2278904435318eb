"""The only identity Rasa and the databases see: an HMAC-SHA256 of the Telegram user id.

Keyed, so nobody without PSEUDONYM_KEY can test a known Telegram id against the tracker store.
"""
from __future__ import annotations

import hashlib
import hmac


def pseudonym(key: bytes | str, telegram_user_id: int) -> str:
    secret = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(secret, str(int(telegram_user_id)).encode("ascii"), hashlib.sha256).hexdigest()
