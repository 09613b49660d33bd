"""Sealed job payloads: what a queued job must carry raw (the sender's number, the message text) is
encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) before it reaches Redis.

The webhook can then acknowledge at once with no database work and still keep nothing raw at rest
(Redis's AOF, dead letters). The key is `INFLUENCER_OS_SECRET_KEY` (a Fernet key: set the same one
on every process of a deployment), else a key file made once under the data home, mode 0600
(every process of one machine shares it). A payload sealed with another key cannot be opened:
`Unsealable`, which fails the job into the dead letters rather than running it with wrong data.
"""

from __future__ import annotations

import functools
import json
import os
import time
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["seal", "unseal", "keyed_digest", "Unsealable"]


class Unsealable(ValueError):
    """A sealed payload that this key cannot open (another key, or tampered with)."""


@functools.cache
def _fernet() -> Fernet:
    key = os.environ.get("INFLUENCER_OS_SECRET_KEY")
    if not key:
        from store.settings import get_settings

        path = Path(get_settings().home_dir) / "secret.key"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: of several processes starting at once, one writes the key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
        for _ in range(100):  # another process may be writing it this instant
            key = path.read_text().strip()
            if key:
                break
            time.sleep(0.01)
        if not key:
            raise RuntimeError(f"the secret key file {path} is empty")
    return Fernet(key.encode())


def keyed_digest(text: str) -> str:
    """A short keyed hash of `text` (phone numbers are too few for a plain hash to hide them)."""
    import hashlib
    import hmac

    return hmac.new(_fernet()._signing_key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def seal(payload: dict[str, Any]) -> str:
    """The payload as an encrypted, authenticated token (text)."""
    return _fernet().encrypt(json.dumps(payload, ensure_ascii=False).encode("utf-8")).decode("ascii")


def unseal(token: str) -> dict[str, Any]:
    """The payload a token was sealed from; Unsealable when this key cannot open it."""
    try:
        return json.loads(_fernet().decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError) as exc:
        raise Unsealable("a sealed job payload could not be opened with this key") from exc
