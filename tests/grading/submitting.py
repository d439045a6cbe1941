"""What the grading tests share: postures' key, running coroutines, queued attempts."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

from balise.catalogue.draw import drawn, right_answers
from balise.catalogue.modules import load_catalogue
from balise.grading.submissions import now_utc, write_submission
from balise.passwords import hash_password
from balise.store.models import Attempt, Person

COURSES = Path(__file__).resolve().parents[2] / "courses"
POSTURES = load_catalogue(COURSES)["postures"]
# Graded cells of postures: its scenarios and the quiz's slots (the questions drawn).
TOTAL = len(POSTURES.grade_names)


def right(learner: str, attempt: int = 1) -> dict:
    """Every item of the learner's attempt answered right, from postures' key."""
    return right_answers(POSTURES, learner, attempt)


def full_key(learner: str, attempt: int = 1) -> dict:
    """Everything a cheater would want the sheet to say: right answers and filled slots."""
    key = right(learner, attempt)
    key.update({slot: [qid, key[qid]] for slot, qid in
                zip(POSTURES.slots, drawn(POSTURES, learner, attempt))})
    return key


def wrong(answers: dict, learner: str, *ranks: int, attempt: int = 1) -> tuple[dict, list[str]]:
    """``answers`` with the drawn questions at ``ranks`` (0-based) answered wrong; their ids."""
    ids = [drawn(POSTURES, learner, attempt)[r] for r in ranks]
    out = dict(answers)
    for qid in ids:
        q = POSTURES.question(qid)
        out[qid] = next(o["id"] for o in q.options if o["id"] != q.answer)
    return out, ids


def run(coro):
    """asyncio.run in a thread of its own: Playwright's sync API may hold this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def add_learners(store, ids: list[str]) -> list[str]:
    hashed = hash_password("x")                      # one hash: argon2 is slow on purpose
    with store.session() as s:
        for pid in ids:
            s.add(Person(id=pid, name=pid, role="learner", site_id="lyon-logistique",
                         password_hash=hashed))
    return ids


def queue(balise, store, learner, attempt_id, payload) -> None:
    """A new learner whose archived submission (notebook or raw bytes) is recorded pending.

    Written as the server would, but without its checks: how a tampered or
    broken submission reaches the grading worker.
    """
    add_learners(store, [learner])
    when = now_utc()
    if isinstance(payload, bytes):
        archive = balise.data_path / "attempts"
        archive.mkdir(parents=True, exist_ok=True)
        (archive / f"{attempt_id}.ipynb").write_bytes(payload)
    else:
        # The server numbers each submission (DrawQuiz re-draws its questions from it).
        payload.metadata.setdefault("balise", {}).setdefault("attempt", 1)
        write_submission(balise.course_root, balise.data_path / "attempts", attempt_id, learner,
                         "postures", payload, when)
    with store.session() as s:
        s.add(Attempt(id=attempt_id, learner_id=learner, module_id="postures", number=1,
                      status="pending", submitted_at=when.replace(tzinfo=None)))
