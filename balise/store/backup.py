"""Backing up and restoring the embedded data folder, while the server runs.

The two SQLite files are copied with SQLite's online backup API (a
consistent copy even while the server and the grading worker write); the
course folder, the attempts archive and the secret are copied as files. The
result is one .tar.gz. PostgreSQL deployments use pg_dump instead.

The read-aloud recordings (``*.wav``, about 420 MB for twelve modules) are
left out: they hold nothing personal and nothing that cannot be made again,
and with them every backup weighed 545 MB instead of about 3. `balise serve`
(or `balise build`) records them again after a restore, from the courses.
"""

from __future__ import annotations

import shutil
import sqlite3
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from balise import BaliseError

DATABASES = ("balise.db", "gradebook.db")
FOLDERS = ("course", "attempts")
FILES = ("secret.key",)
REMADE = shutil.ignore_patterns("*.wav")     # read-aloud recordings: rebuilt, not kept


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite file that others may be writing (online backup API)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup(data: Path, into: Path, store_url: str, gradebook_url: str) -> Path:
    """Write ``balise-backup-<UTC time>.tar.gz`` into ``into``; return its path."""
    for url in (store_url, gradebook_url):
        if not url.startswith("sqlite"):
            raise BaliseError(f"{url.split('://')[0]} database: back it up with pg_dump; "
                              "`balise backup` copies the embedded SQLite store only.")
    if not (data / "balise.db").exists():
        raise BaliseError(f"{data}: no Balise data here (balise.db missing).")
    into.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    target = into / f"balise-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "data"
        staging.mkdir()
        for name in DATABASES:
            if (data / name).exists():
                copy_sqlite(data / name, staging / name)
        for name in FOLDERS:
            if (data / name).is_dir():
                shutil.copytree(data / name, staging / name, ignore=REMADE)
        for name in FILES:
            if (data / name).exists():
                shutil.copy2(data / name, staging / name)
        with tarfile.open(target, "w:gz") as tar:
            tar.add(staging, arcname="data")
    return target


def restore(archive: Path, data: Path, force: bool = False) -> None:
    """Unpack a backup into ``data``; an existing store is kept unless ``force``."""
    if (data / "balise.db").exists() and not force:
        raise BaliseError(f"{data} already holds Balise data: stop the server and use "
                          "--force to replace it, or restore into an empty folder.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            if any(not m.name.startswith("data") or ".." in Path(m.name).parts
                   or m.issym() or m.islnk() for m in members):
                raise BaliseError(f"{archive}: not a Balise backup (unexpected paths inside).")
            with tempfile.TemporaryDirectory() as tmp:
                tar.extractall(tmp, members=members, filter="data")
                data.mkdir(parents=True, exist_ok=True)
                for item in (Path(tmp) / "data").iterdir():
                    dest = data / item.name
                    if dest.is_dir():
                        shutil.rmtree(dest)
                    elif dest.exists():
                        dest.unlink()
                    shutil.move(str(item), dest)
    except (tarfile.TarError, OSError) as err:
        raise BaliseError(f"{archive}: cannot be read as a Balise backup ({err}).") from None
