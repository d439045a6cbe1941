"""Signed, expiring identity tokens handed to a module page's kernel.

The server signs ``{learner, module, expiry}`` when Voila launches the page's
kernel; the kernel sends the token back when the learner submits. The learner
never types or edits it, and cannot make one for somebody else without the
server's secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from balise import BaliseError


@dataclass(frozen=True)
class Identity:
    learner: str
    module: str
    expires: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_secret(path: Path) -> bytes:
    """The server's secret, created once (mode 0600) and kept with the data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex())
        return key


def sign(secret: bytes, learner: str, module: str, minutes: float, now: float | None = None) -> str:
    payload = {"sub": learner, "mod": module, "exp": (now or time.time()) + minutes * 60}
    body = _b64(json.dumps(payload, sort_keys=True).encode())
    mac = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(secret: bytes, token: str, now: float | None = None) -> Identity:
    """Return the identity a token carries, or raise BaliseError (forged, malformed, expired)."""
    try:
        body, mac = token.split(".")
        expected = hmac.new(secret, body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise ValueError("bad signature")
        payload = json.loads(_unb64(body))
        identity = Identity(str(payload["sub"]), str(payload["mod"]), float(payload["exp"]))
    except (ValueError, KeyError, TypeError):
        raise BaliseError("identity token not valid / jeton d'identité non valide") from None
    if identity.expires < (now or time.time()):
        raise BaliseError("identity token expired: reload the page / "
                          "jeton expiré : rechargez la page")
    return identity
