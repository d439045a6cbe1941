"""A backup taken while the store is in use restores to the same data."""

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from shared import copy_built

from balise import BaliseError
from balise.demo import accounts as demo
from balise.store.backup import backup, restore
from balise.store.models import Store

BALISE = str(Path(sys.executable).parent / "balise")


def test_backup_while_open_then_restore(built_course, tmp_path):
    data = tmp_path / "data"
    copy_built(built_course.data_path, data)
    store = Store(f"sqlite:///{data / 'balise.db'}")
    demo.seed(store)                                    # the store stays open: online backup
    archive = backup(data, tmp_path / "backups", f"sqlite:///{data}/balise.db",
                     f"sqlite:///{data}/gradebook.db")
    store.dispose()
    target = tmp_path / "restored"
    restore(archive, target)
    again = Store(f"sqlite:///{target / 'balise.db'}")
    assert again.person("amina").name == "Amina Diallo"
    again.dispose()
    assert (target / "course" / "release" / "postures" / "postures.ipynb").exists()
    assert (target / "gradebook.db").read_bytes()[:15] == b"SQLite format 3"
    with pytest.raises(BaliseError, match="already holds"):
        restore(archive, target)


@pytest.mark.slow
def test_recordings_are_left_out_and_made_again_after_a_restore(built_course, tmp_path):
    """A backup holds no read-aloud recording; the next build records them again."""
    import os

    from balise.cli import build
    from balise.config import Balise

    data = copy_built(built_course.data_path, tmp_path / "data")
    Store(f"sqlite:///{data / 'balise.db'}").dispose()          # the store, as serve makes it
    archive = backup(data, tmp_path / "backups", f"sqlite:///{data}/balise.db",
                     f"sqlite:///{data}/gradebook.db")
    with tarfile.open(archive) as tar:
        assert not [m.name for m in tar.getmembers() if m.name.endswith(".wav")]
    assert archive.stat().st_size < 20_000_000
    target = tmp_path / "restored"
    restore(archive, target)
    build(Balise(data_dir=str(target), courses_dir=built_course.courses_dir),
          out=open(os.devnull, "w"))
    before = sorted(p.relative_to(data) for p in (data / "course").rglob("*.wav"))
    after = sorted(p.relative_to(target) for p in (target / "course").rglob("*.wav"))
    assert before and after == before


def test_postgres_is_sent_to_pg_dump(tmp_path):
    with pytest.raises(BaliseError, match="pg_dump"):
        backup(tmp_path, tmp_path, "postgresql+psycopg://x/y", "sqlite:///g.db")


def test_hostile_archive_is_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    (tmp_path / "x").write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(tmp_path / "x", arcname="../../etc/evil")
    with pytest.raises(BaliseError, match="not a Balise backup"):
        restore(evil, tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_command_line_backup(built_course, tmp_path):
    data = tmp_path / "data"
    copy_built(built_course.data_path, data)
    demo.seed(Store(f"sqlite:///{data / 'balise.db'}"))
    run = subprocess.run([BALISE, "backup", "--data", str(data), "--to", str(tmp_path / "b")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.strip()).exists()
    bad = subprocess.run([BALISE, "backup", "--data", str(tmp_path / "nothing")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "no Balise data here" in bad.stderr
