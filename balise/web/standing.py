"""Every learner's status and certification for the coordinator's pages, worked out again only
when what it rests on has changed.

The coordinator's page (its table by site, the certificates it issues) and the summary of
who expires by site need every learner's status: nbgrader's sums for every learner and
module, every attempt, every learner-module pair. That took 0.35-1 s of each view at
1,300 people (``benchmarks/report.py``), for figures that change when someone is graded,
signed off or edited, a few times an hour.

:func:`everyone` keeps the last answer of :meth:`balise.context.BaliseContext.status`
beside a fingerprint of what it was worked out from, and works it out again when the
fingerprint differs:

- the day (a pass expires at midnight) and the context (its catalogue and routes);
- the people and the field validations, read whole and hashed (a few thousand rows);
- Balise's attempts: per state, how many, the last submitted and graded, their scores'
  sums; a grade written, a new attempt, a state changed or an erasure changes these;
- nbgrader's gradebook: how many submissions, and the last one's time. Grades change there
  only by autograding a submission, stamped with its attempt's time (nbgrader's formgrader
  is closed, :mod:`balise.web.app`), or by an erasure, which removes submissions. Summing
  every grade as well took 0.15-0.23 s, most of what was saved.

The fingerprint is read before the status, so a write between the two makes the next view
work it out again. One answer is kept per process (the last), shared read-only by the
pages: callers filter and merge the frames, never change them. What a page works out
from them can be kept the same way (:func:`derived`).
"""

from __future__ import annotations

import hashlib
import threading
from datetime import date
from typing import Callable

import pandas as pd
from sqlalchemy import func, select

from balise.grading.coursedir import ensure_tools_on_path
from balise.grading.gradebook import SharedGradebook
from balise.store.models import Attempt

_lock = threading.Lock()
_last: tuple[str, tuple[pd.DataFrame, pd.DataFrame]] | None = None
_derived: dict[str, tuple[str, object]] = {}


def _frame(frame: pd.DataFrame, digest) -> None:
    digest.update(repr((list(frame.columns), frame.shape)).encode())
    try:
        digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
    except TypeError:                      # a cell pandas cannot hash: its text
        digest.update(frame.to_csv(index=False).encode())


def fingerprint(ctx, today: date, people: pd.DataFrame) -> str:
    """What every learner's status rests on, as one string (see the module)."""
    ensure_tools_on_path()
    from nbgrader.api import SubmittedAssignment

    digest = hashlib.sha256(f"{id(ctx)}|{today.isoformat()}|".encode())
    _frame(people, digest)
    _frame(ctx.validations(), digest)
    attempts = (select(Attempt.status, func.count(), func.max(Attempt.submitted_at),
                       func.max(Attempt.graded_at), func.sum(Attempt.score),
                       func.sum(Attempt.max_score))
                .group_by(Attempt.status).order_by(Attempt.status))
    with ctx.store.engine.connect() as conn:
        digest.update(repr(conn.execute(attempts).all()).encode())
    with SharedGradebook(ctx.config.gradebook_url) as gb:
        digest.update(repr(gb.db.execute(select(
            func.count(), func.max(SubmittedAssignment.timestamp))).all()).encode())
    return digest.hexdigest()


def everyone(ctx, today: date, people: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``ctx.status(today, people=people)``, worked out again only when its data changed."""
    return _status(ctx, today, people, fingerprint(ctx, today, people))


def _status(ctx, today: date, people: pd.DataFrame, key: str):
    global _last
    with _lock:
        if _last is not None and _last[0] == key:
            return _last[1]
    answer = ctx.status(today, people=people)
    with _lock:
        _last = (key, answer)
    return answer


def derived(name: str, ctx, today: date, people: pd.DataFrame, frames: list[pd.DataFrame],
            compute: Callable[[pd.DataFrame, pd.DataFrame], object]) -> object:
    """``compute(status, cert)`` from :func:`everyone`'s frames, kept beside them under
    ``name`` (one answer per name) until they or ``frames`` (what else ``compute`` reads,
    e.g. the sites' names) change. The coordinator's table by site took twice the status'
    own reading once it was kept."""
    key = fingerprint(ctx, today, people)
    digest = hashlib.sha256(f"{key}|{name}|".encode())
    for frame in frames:
        _frame(frame, digest)
    mine = digest.hexdigest()
    with _lock:
        if _derived.get(name, ("",))[0] == mine:
            return _derived[name][1]
    answer = compute(*_status(ctx, today, people, key))
    with _lock:
        _derived[name] = (mine, answer)
    return answer


def forget() -> None:
    """Drop the kept answer (tests; the next view works it out)."""
    global _last
    with _lock:
        _last = None
        _derived.clear()
