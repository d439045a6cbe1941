"""What the security cases share: a plain refusal, "nothing changed", a page's kernel.

Importable by its own name (pytest puts this folder on sys.path), like
``tests/grading/submitting.py``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import html
import json
import re
import sqlite3
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

from balise import tokens

REPO = Path(__file__).resolve().parents[2]
# Folders whose content another test's grading may still be writing (feedback is
# generated in a side process after the score); everything else must stay put.
BUSY = ("feedback", "audio-cache")
# Files of the running processes, not data: SQLite's journals, the grading worker's lock
# and its warm-up folder (a hidden one at the top of the data folder).
RUNTIME = ("-wal", "-shm", "-journal", ".lock", ".pid")


def refused(r: requests.Response, *statuses: int) -> str:
    """Assert a plain refusal: one of ``statuses``, no traceback, no path of the server."""
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    text = html.unescape(r.text)
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    for internal in (str(REPO), "/tmp/", "site-packages", "/work/", ".venv"):
        assert internal not in text, (internal, text[:500])
    return text


def bilingual(text: str, fr: str, en: str) -> None:
    assert fr in text and en in text, text[:500]


def _tables(db: Path) -> dict[str, str]:
    if not db.exists():
        return {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for name in names:
            rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{name}"'))
            out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out


def _watched(data: Path, path: Path) -> bool:
    parts = path.relative_to(data).parts
    return (path.is_file() and not path.name.endswith(RUNTIME) and not parts[0].startswith(".")
            and not (parts[0] == "course" and len(parts) > 1 and parts[1] in BUSY))


def snapshot(data: Path) -> dict:
    """Every row of the store and the gradebook, and every file of the data folder."""
    files = {str(p.relative_to(data)): p.stat().st_size for p in data.rglob("*")
             if _watched(data, p)}
    return {"store": _tables(data / "balise.db"), "gradebook": _tables(data / "gradebook.db"),
            "files": files}


@contextmanager
def unchanged(server, settle: float = 0.0):
    """Nothing written while the block runs: no row, no score, no file."""
    before = snapshot(server.data)
    yield
    time.sleep(settle)
    after = snapshot(server.data)
    for part in ("store", "gradebook"):
        changed = [t for t in set(before[part]) | set(after[part])
                   if before[part].get(t) != after[part].get(t)]
        assert not changed, f"{part} changed: {changed}"
    assert before["files"] == after["files"], set(after["files"]) ^ set(before["files"])


def secret(server) -> bytes:
    return tokens.load_secret(server.data / "secret.key")


def token(server, learner: str, module: str = "postures", minutes: float = 10,
          now: float | None = None) -> str:
    return tokens.sign(secret(server), learner, module, minutes, now=now)


def api(server, path: str, tok: str | None, body=None, raw: bytes | None = None):
    headers = {"Authorization": f"Bearer {tok}"} if tok else {}
    if raw is not None:
        return requests.post(server.url + path, data=raw, headers=headers)
    return requests.post(server.url + path, json=body, headers=headers)


def submission(module: str = "postures", **extra) -> dict:
    return {"module": module, "submission_id": uuid.uuid4().hex, "answers": {}, **extra}


def run(coro):
    """asyncio.run in a thread of its own: Playwright's sync API may hold this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --- a module page's kernel, reached the way the page's browser reaches it ------

def open_page(s: requests.Session, server, module: str = "postures") -> str:
    """Open a module page as the session's person; the id of the kernel Voila started."""
    r = s.get(server.url + f"voila/render/{module}/{module}.ipynb")
    assert r.status_code == 200, r.status_code
    return re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', r.text).group(1)


def message(msg_type: str, content: dict, channel: str = "shell",
            metadata: dict | None = None) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "page",
              "session": "attack", "version": "5.3", "date": ""}
    return {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content,
            "channel": channel, "buffers": []}


def execute(code: str) -> dict:
    return message("execute_request", {"code": code, "silent": False, "store_history": True,
                                       "user_expressions": {}, "allow_stdin": False})


async def converse(server, s: requests.Session, kernel_id: str, sent: list[dict],
                   listen: float = 3.0, subprotocol: str | None = None) -> list[dict]:
    """Send ``sent`` over the kernel's websocket with the session's cookie; what came back."""
    import websockets
    from jupyter_server.services.kernels.connection.base import (
        deserialize_msg_from_ws_v1,
        serialize_msg_to_ws_v1,
    )

    cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())
    url = server.url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id=x"
    received = []
    async with websockets.connect(url, additional_headers={"Cookie": cookie},
                                  subprotocols=[subprotocol] if subprotocol else None) as ws:
        for msg in sent:
            if isinstance(msg, (int, float)):          # a pause, as a browser's would be
                await asyncio.sleep(msg)
                continue
            if subprotocol:
                parts = [json.dumps(msg[k]).encode() for k in
                         ("header", "parent_header", "metadata", "content")]
                await ws.send(serialize_msg_to_ws_v1(parts, msg["channel"]))
            else:
                await ws.send(json.dumps(msg))
        deadline = time.monotonic() + listen
        while time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(ws.recv(), deadline - time.monotonic())
            except (asyncio.TimeoutError, websockets.ConnectionClosed):
                break
            if isinstance(raw, bytes):
                channel, parts = deserialize_msg_from_ws_v1(raw)
                got = {k: json.loads(p) for k, p in zip(
                    ("header", "parent_header", "metadata", "content"), parts)}
                got["channel"] = channel
            else:
                got = json.loads(raw)
            received.append(got)
    return received


def texts(received: list[dict]) -> str:
    return "\n".join(m["content"].get("text", "") for m in received
                     if m["header"]["msg_type"] == "stream")


def kinds(received: list[dict]) -> set[str]:
    return {m["header"]["msg_type"] for m in received}
