"""Taking a submission in: check the answers, build the notebook, write it durably.

A submission is written before anything else, archived under
``attempts/<attempt id>.ipynb`` (fsynced: what a learner was told is taken in
survives a power cut), and copied in nbgrader's ``submitted/<learner>/<module>/``
layout with its ``timestamp.txt``, which a later attempt replaces. That copy is
not fsynced: the worker compares it with the archive, byte for byte, before
grading, and writes it again from the archive when it is not this attempt's (a
power cut, another attempt in between), as nbgrader's own outputs are not
fsynced either. Three waits on the disk fewer in a learner's submit.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from balise import BaliseError
from balise.catalogue.kinds import Invalid
from balise.catalogue.modules import Module

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# nbgrader's own format (ExchangeSubmit.timestamp_format); written here, not
# left to chance, because a malformed one crashes autograde.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


def check_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise BaliseError(f"{what} is not valid / {what} non valide")
    return value


def check_answer(module: Module, item: object, answer: object):
    """One answer in its stored form: a question's option, or a scenario's own ids."""
    question = module.question(item) if isinstance(item, str) else None
    scenario = module.scenario(item) if isinstance(item, str) else None
    if question is None and scenario is None:
        raise BaliseError(f"unknown question / question inconnue: {str(item)[:40]!r}")
    if question is not None:
        if not isinstance(answer, str) or answer not in {o["id"] for o in question.options}:
            raise BaliseError(f"unknown option for {item} / option inconnue pour {item}")
        return answer
    try:
        return scenario.clean(answer)
    except Invalid:
        raise BaliseError(f"unknown answer for {item} / réponse inconnue pour {item}") from None


def check_answers(module: Module, answers: object) -> dict:
    """Only known questions and scenarios, each answered with its own ids."""
    if not isinstance(answers, dict):
        raise BaliseError("answers must be a mapping / les réponses sont mal formées")
    return {item: check_answer(module, item, answer) for item, answer in answers.items()}


def submission_notebook(release: Path, answers: dict[str, str],
                        attempt: int | None = None) -> nbformat.NotebookNode:
    """What a learner hands in: the release's answer sheet, filled in, and its graded cells.

    A learner submits answers, not a notebook, so the submission holds what
    nbgrader grades and nothing else: the teaching cells (intro, scenarios,
    the quiz's display) stay in the release, where they run in the learner's
    page. ``answers`` holds only ids checked by :func:`check_answers`, so
    ``repr`` of it is a plain literal: nothing the learner typed runs as code.
    """
    try:
        # Built and checked by `balise build`; nbgrader validates the submission it grades.
        nb = read_notebook(release)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise BaliseError(f"{release}: the release cannot be read ({type(err).__name__}); "
                          "rebuild the course with `balise build --force`.") from None
    sheet = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answers"]
    if len(sheet) != 1:
        raise BaliseError(f"{release}: the release has no answer sheet; rebuild the course.")
    sheet[0].source = f"ANSWERS = {answers!r}"
    if attempt is not None:
        # Which questions this attempt asked is re-drawn from it at grading (DrawQuiz).
        nb.metadata.setdefault("balise", {})["attempt"] = attempt
    nb.cells = [c for c in nb.cells if c is sheet[0] or c.metadata.get("nbgrader", {}).get("grade")]
    return nb


def keep_answers(archive: Path, attempt_id: str, learner: str, module: str,
                 answers: dict) -> Path:
    """The learner's answers as sent, written before anything can fail."""
    archive.mkdir(parents=True, exist_ok=True)
    path = archive / f"{attempt_id}.answers.json"
    _write_atomic(path, json.dumps({"learner": learner, "module": module,
                                    "answers": answers}).encode())
    return path


def _write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    if not durable:
        # Renamed over an existing file, ext4 starts writing the new one to disk before the
        # rename returns (auto_da_alloc; 0.19 ms against 0.03 here, more while the archive's
        # fsyncs keep the disk busy): the wait this copy is meant to skip.
        path.unlink(missing_ok=True)
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stamp(when: datetime) -> str:
    """nbgrader's timestamp; a naive time is UTC (as the store keeps it), never local time."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def _write_nbgrader_copy(course_root: Path, learner: str, module: str, data: bytes,
                         when: datetime) -> Path:
    """nbgrader's copy, made from the archive: renamed into place, not fsynced (see above)."""
    folder = course_root / "submitted" / learner / module
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / f"{module}.ipynb", data, durable=False)
    _write_atomic(folder / "timestamp.txt", _stamp(when).encode(), durable=False)
    return folder


def write_submission(course_root: Path, archive: Path, attempt_id: str, learner: str,
                     module: str, nb: nbformat.NotebookNode, when: datetime) -> Path:
    """Archive copy first, fsynced then renamed; then nbgrader's copy and timestamp."""
    # Written as JSON without another schema check: the release was checked when it
    # was built, only its answer sheet's text changed, and nbgrader validates it at
    # grading (a check here was 1.5 ms of a learner's wait).
    data = nbformat.v4.writes(nb).encode()
    archive.mkdir(parents=True, exist_ok=True)
    _write_atomic(archive / f"{attempt_id}.ipynb", data)
    _fsync_dir(archive)
    return _write_nbgrader_copy(course_root, learner, module, data, when)


def read_notebook(path) -> nbformat.NotebookNode:
    """A notebook as nbformat nodes, without schema validation (nbgrader validates later)."""
    from nbformat.v4.rwbase import rejoin_lines

    with open(path, encoding="utf-8") as fh:
        return rejoin_lines(nbformat.from_dict(json.load(fh)))


def restore_submission(course_root: Path, archive: Path, attempt_id: str, learner: str,
                       module: str, when: datetime) -> nbformat.NotebookNode:
    """The archived attempt, put back in nbgrader's layout if that copy is not this one's.

    nbgrader's copy is this attempt's when its bytes and its timestamp are the
    archive's; otherwise (a copy lost or cut short, another attempt in between)
    it is written again from the archive.
    """
    from nbformat.v4.rwbase import rejoin_lines

    data = (archive / f"{attempt_id}.ipynb").read_bytes()
    nb = rejoin_lines(nbformat.from_dict(json.loads(data)))
    folder = course_root / "submitted" / learner / module
    try:
        same = ((folder / "timestamp.txt").read_text() == _stamp(when)
                and (folder / f"{module}.ipynb").read_bytes() == data)
    except OSError:
        same = False
    if not same:
        _write_nbgrader_copy(course_root, learner, module, data, when)
    return nb


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
