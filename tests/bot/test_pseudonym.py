from __future__ import annotations

import hashlib
import hmac

from bot.pseudonym import pseudonym


def test_pseudonym_is_keyed_hmac_sha256_of_the_user_id():
    assert pseudonym("k" * 32, 12345) == hmac.new(b"k" * 32, b"12345", hashlib.sha256).hexdigest()
    assert pseudonym("k" * 32, 12345) != pseudonym("j" * 32, 12345)
    assert "12345" not in pseudonym("k" * 32, 12345)
