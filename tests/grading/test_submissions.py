from datetime import datetime, timezone

import nbformat
import pytest

from balise import BaliseError
from balise.catalogue.modules import load_catalogue
from balise.grading.submissions import (
    check_answers,
    check_id,
    submission_notebook,
    write_submission,
)


@pytest.fixture(scope="module")
def module(built_course):
    return load_catalogue(built_course.courses_path)["postures"]


def test_unknown_question_or_option_is_refused(module):
    with pytest.raises(BaliseError, match="unknown question"):
        check_answers(module, {"q99": "a"})
    with pytest.raises(BaliseError, match="unknown option"):
        check_answers(module, {"q1": "__import__('os').system('true')"})
    with pytest.raises(BaliseError):
        check_answers(module, ["q1", "a"])


@pytest.mark.parametrize("bad", ["../amina", "a/b", "a\x00b", "x" * 65, "", None, 3, "é"])
def test_ids_with_path_parts_are_refused(bad):
    with pytest.raises(BaliseError):
        check_id(bad, "learner id")


def test_answer_sheet_is_a_plain_literal(built_course, module):
    release = built_course.course_root / "release" / "postures" / "postures.ipynb"
    nb = submission_notebook(release, check_answers(module, {"q1": "b", "q2": "a"}))
    sheet = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answers")
    assert sheet.source == "ANSWERS = {'q1': 'b', 'q2': 'a'}"
    graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
    # The teaching cells stay in the page: only the sheet and the graded cells are handed in.
    assert graded == ["answers"] + module.grade_names


def test_submission_is_written_in_nbgrader_layout(tmp_path, built_course):
    from nbgrader.utils import parse_utc

    nb = nbformat.v4.new_notebook()
    when = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
    folder = write_submission(tmp_path / "course", tmp_path / "attempts", "att1", "amina",
                              "postures", nb, when)
    assert folder == tmp_path / "course" / "submitted" / "amina" / "postures"
    assert (folder / "postures.ipynb").exists() and (tmp_path / "attempts" / "att1.ipynb").exists()
    assert parse_utc((folder / "timestamp.txt").read_text()) == when.replace(tzinfo=None)
    assert not list(folder.glob(".*tmp"))


@pytest.mark.parametrize("text", ["{ not json", "[]", '{"cells": 3}', '{"cells": [1]}'])
def test_unreadable_release_is_a_plain_error(tmp_path, module, text):
    broken = tmp_path / "postures.ipynb"
    broken.write_text(text)
    with pytest.raises(BaliseError, match="cannot be read"):
        submission_notebook(broken, {"q1": "b"})


def test_answers_are_kept_even_when_the_release_is_broken(built_course, tmp_path):
    import json

    from shared import copy_built

    from balise.catalogue.modules import load_catalogue
    from balise.grading import GradingService
    from balise.store.models import Store

    data = tmp_path / "data"
    copy_built(built_course.data_path, data)
    (data / "course" / "release" / "postures" / "postures.ipynb").write_text("{ broken")
    store = Store(f"sqlite:///{data / 'balise.db'}")
    service = GradingService(store, load_catalogue(built_course.courses_path), data / "course",
                             data / "attempts", 10)
    with pytest.raises(BaliseError):
        service.accept("amina", "postures", "s1", {"q1": "b"})
    kept = json.loads((data / "attempts" / "s1.answers.json").read_text())
    assert kept == {"learner": "amina", "module": "postures", "answers": {"q1": "b"}}
    store.dispose()


def test_restore_rewrites_nbgrader_copy_only_when_it_is_not_this_attempts(tmp_path):
    from datetime import datetime

    from balise.grading.submissions import restore_submission

    nb = nbformat.v4.new_notebook()
    when = datetime(2026, 11, 25, 9, 30)                     # naive, as the store keeps it: UTC
    folder = write_submission(tmp_path / "course", tmp_path / "attempts", "a1", "amina",
                              "postures", nb, when)
    copy = folder / "postures.ipynb"
    before = copy.stat().st_mtime_ns
    assert restore_submission(tmp_path / "course", tmp_path / "attempts", "a1", "amina",
                              "postures", when) == nb
    assert copy.stat().st_mtime_ns == before                 # already this attempt's: untouched
    assert (folder / "timestamp.txt").read_text() == "2026-11-25 09:30:00.000000 UTC"
    copy.unlink()
    (folder / "timestamp.txt").unlink()
    restore_submission(tmp_path / "course", tmp_path / "attempts", "a1", "amina", "postures",
                       when)
    assert copy.exists() and (folder / "timestamp.txt").exists()


def test_a_cut_short_nbgrader_copy_is_written_again_from_the_archive(tmp_path):
    """nbgrader's copy is not fsynced: a power cut may leave it cut short under this
    attempt's timestamp. The worker grades the archive's bytes all the same."""
    from balise.grading.submissions import restore_submission

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("ANSWERS = {'q1': 'b'}"))
    when = datetime(2026, 11, 25, 9, 30)
    folder = write_submission(tmp_path / "course", tmp_path / "attempts", "a1", "amina",
                              "postures", nb, when)
    copy = folder / "postures.ipynb"
    copy.write_bytes(copy.read_bytes()[:40])
    assert restore_submission(tmp_path / "course", tmp_path / "attempts", "a1", "amina",
                              "postures", when) == nb
    assert copy.read_bytes() == (tmp_path / "attempts" / "a1.ipynb").read_bytes()


def test_the_archive_is_fsynced_before_the_attempt_is_recorded(tmp_path, monkeypatch):
    import os

    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(
        f"/proc/self/fd/{fd}")), real(fd))[1])
    write_submission(tmp_path / "course", tmp_path / "attempts", "a1", "amina", "postures",
                     nbformat.v4.new_notebook(), datetime(2026, 11, 25, 9, 30))
    archive = str(tmp_path / "attempts")
    assert f"{archive}/.a1.ipynb.tmp" in synced and archive in synced
    assert not [path for path in synced if "/submitted/" in path]     # nbgrader's copy: not
