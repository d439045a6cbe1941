"""Which questions an attempt asks: a subset of the module's bank, drawn reproducibly.

A learner who retakes a module meets other questions, so the score says what
she knows, not what she remembers of the last try. The draw is a pure
function of (module, learner, attempt number): the page draws it to show the
questions, the server to accept answers, nbgrader's grading step
(:class:`balise.grading.draw_quiz.DrawQuiz`) to grade them, and the trainer's
tables to name what each graded slot asked. Nothing about it is stored, so
nothing can disagree.
"""

from __future__ import annotations

import hashlib
import random

import pandas as pd

from balise.catalogue.modules import SLOT_PREFIX, Module


def drawn(module: Module, learner: str, attempt: int) -> list[str]:
    """The question ids attempt ``attempt`` of ``learner`` asks, in the bank's order."""
    bank = [q.id for q in module.quiz]
    size = module.draw_size
    if size >= len(bank):
        return bank
    seed = hashlib.sha256(f"{module.id}\x00{learner}\x00{attempt}".encode()).digest()
    picked = set(random.Random(int.from_bytes(seed[:8], "big")).sample(bank, size))
    return [qid for qid in bank if qid in picked]


def slot_questions(module: Module, learner: str, attempt: int) -> dict[str, str]:
    """{grade cell name (quiz1, quiz2...): question id} for one attempt."""
    return dict(zip(module.slots, drawn(module, learner, attempt)))


def name_items(module: Module, learner: str, attempt: int, grades: dict) -> dict:
    """Grades keyed by nbgrader's cell names, re-keyed by scenario and question ids."""
    slots = slot_questions(module, learner, attempt)
    return {slots.get(name, name): value for name, value in grades.items()
            if not name.startswith(SLOT_PREFIX) or name in slots}


def name_questions(grades: pd.DataFrame, attempts: pd.DataFrame,
                   catalogue: dict[str, Module]) -> pd.DataFrame:
    """nbgrader's grades frame with each quiz slot replaced by the question it asked.

    The gradebook holds each learner's latest graded submission of a module;
    its attempt is the learner's latest attempt submitted at or before the
    gradebook's timestamp (the server writes both with the same time), or her
    latest graded one when none is that early.

    Matched by whole columns, then one draw per submission: a loop over the
    submissions filtering the attempts each time took 40 s for a site's trainer
    page at 1,300 people (``benchmarks/report.py``).
    """
    if grades.empty:
        return grades
    out = grades.copy()
    graded = attempts[attempts.status == "graded"] if not attempts.empty else attempts
    if graded.empty:
        return out
    keys = (grades[["learner", "module", "timestamp"]].drop_duplicates()
            .loc[lambda k: k.module.isin(list(catalogue))])
    when = pd.to_datetime(keys.timestamp)
    if when.dt.tz is not None:
        when = when.dt.tz_convert(None)
    tried = graded[["learner_id", "module_id", "number", "submitted_at"]].rename(
        columns={"learner_id": "learner", "module_id": "module"})
    pairs = keys.assign(_when=when).merge(tried, on=["learner", "module"])
    if pairs.empty:
        return out
    early = pd.to_datetime(pairs.submitted_at) <= pairs._when + pd.Timedelta(seconds=1)
    key = ["learner", "module", "timestamp"]
    latest = pairs.groupby(key, sort=False).number.max()
    earlier = pairs[early].groupby(key, sort=False).number.max()
    number = latest.to_frame("latest").join(earlier.rename("earlier")).reset_index()
    number["number"] = number.earlier.fillna(number.latest).astype(int)
    renames: dict[tuple[str, str, str], str] = {}
    for learner, module_id, attempt in (number.sort_values(key, kind="stable")
                                        [["learner", "module", "number"]]
                                        .itertuples(index=False)):
        for slot, qid in slot_questions(catalogue[module_id], learner, attempt).items():
            renames[(learner, module_id, slot)] = qid
    out["question"] = [renames.get((who, m, q), q) for who, m, q in          # lists: quicker
                       zip(out.learner.tolist(), out.module.tolist(), out.question.tolist())]
    return out


def right_answers(module: Module, learner: str, attempt: int) -> dict:
    """Answers that score full marks on one attempt: every scenario and the questions drawn."""
    answers = {s.id: s.right_answer for s in module.scenarios}
    answers.update({qid: module.question(qid).answer for qid in drawn(module, learner, attempt)})
    return answers
