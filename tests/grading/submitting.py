"""What the grading tests share: postures' key, running coroutines, queued attempts."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

from balise.catalogue import load_catalogue
from balise.grading.submissions import now_utc, write_submission
from balise.passwords import hash_password
from balise.store import Attempt, Person

COURSES = Path(__file__).resolve().parents[2] / "courses"
# Every graded item of postures answered right (the scenarios, then the quiz), from its key.
RIGHT = {item.id: item.right_answer
         for item in load_catalogue(COURSES)["postures"].graded_items}


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
        write_submission(balise.course_root, balise.data_path / "attempts", attempt_id, learner,
                         "postures", payload, when)
    with store.session() as s:
        s.add(Attempt(id=attempt_id, learner_id=learner, module_id="postures", number=1,
                      status="pending", submitted_at=when.replace(tzinfo=None)))
