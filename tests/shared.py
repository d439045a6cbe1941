"""What several test folders share, importable by its own name.

A plain module beside the root conftest (pytest puts this folder on sys.path):
`tests.` imports would break whenever an installed distribution ships a
top-level `tests` package of its own (textstat 0.7.13's wheel does).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
