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
    gradebook's timestamp (the server writes both with the same time).
    """
    if grades.empty:
        return grades
    graded = attempts[attempts.status == "graded"] if not attempts.empty else attempts
    groups = {key: group for key, group in graded.groupby(["learner_id", "module_id"])} \
        if not graded.empty else {}
    renames: dict[tuple[str, str, str], str] = {}
    for (learner, module_id, stamp), _ in grades.groupby(["learner", "module", "timestamp"]):
        module, group = catalogue.get(module_id), groups.get((learner, module_id))
        if module is None or group is None:
            continue
        when = pd.Timestamp(stamp)
        when = when.tz_convert(None) if when.tzinfo else when
        earlier = group[pd.to_datetime(group.submitted_at) <= when + pd.Timedelta(seconds=1)]
        number = int((earlier if not earlier.empty else group).number.max())
        for slot, qid in slot_questions(module, learner, number).items():
            renames[(learner, module_id, slot)] = qid
    out = grades.copy()
    out["question"] = [renames.get((who, m, q), q) for who, m, q in
                       zip(out.learner, out.module, out.question)]
    return out


def right_answers(module: Module, learner: str, attempt: int) -> dict:
    """Answers that score full marks on one attempt: every scenario and the questions drawn."""
    answers = {s.id: s.right_answer for s in module.scenarios}
    answers.update({qid: module.question(qid).answer for qid in drawn(module, learner, attempt)})
    return answers
