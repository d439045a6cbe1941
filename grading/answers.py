"""Answers saved as the learner goes, and the instant check of a scenario.

The key stays here, on the server: the page's kernel sends an answer and
gets back right or wrong, the practice and its source. Saved answers are
restored when the page is reloaded and are what a submission is built from.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from balise import BaliseError
from balise.catalogue.draw import drawn
from balise.catalogue.modules import Module
from balise.grading.submissions import check_answer, check_answers
from balise.store.models import Attempt, SavedAnswer, Store, utcnow

NOT_ASKED = ("this question is not in your quiz: reload the page / cette question n'est pas "
             "dans votre quiz : rechargez la page")


class Answers:
    def __init__(self, store: Store, catalogue: dict[str, Module]):
        self.store, self.catalogue = store, catalogue

    def module(self, module_id: object) -> Module:
        if not isinstance(module_id, str) or module_id not in self.catalogue:
            raise BaliseError("unknown module / module inconnu")
        return self.catalogue[module_id]

    def next_attempt(self, learner: str, module_id: str) -> int:
        """The number the learner's next submission of the module will have."""
        with self.store.session() as s:
            return (s.scalar(select(func.max(Attempt.number)).where(
                Attempt.learner_id == learner, Attempt.module_id == module_id)) or 0) + 1

    def questions(self, learner: str, module_id: str) -> list[str]:
        """The questions the learner's page asks now: her next attempt's draw."""
        module = self.module(module_id)
        return drawn(module, learner, self.next_attempt(learner, module.id))

    def pending(self, learner: str, module_id: str) -> dict | None:
        """Her attempt of the module sent but not yet graded: its id and questions, or None.

        A page opened while it is being graded shows that attempt (locked, her
        answers, "being graded") and waits for its result, rather than the next
        draw: otherwise she would answer questions of an attempt not yet hers.
        """
        module = self.module(module_id)
        with self.store.session() as s:
            row = s.scalar(select(Attempt).where(
                Attempt.learner_id == learner, Attempt.module_id == module.id,
                Attempt.status == "pending").order_by(Attempt.number.desc()).limit(1))
            if row is None:
                return None
            attempt, number = row.id, row.number
        return {"attempt": attempt, "number": number,
                "questions": drawn(module, learner, number)}

    def for_attempt(self, module: Module, learner: str, number: int, sent: dict) -> dict:
        """The answers attempt ``number`` hands in: scenarios and the questions it asked.

        What the page sends must be in the draw (a clear refusal otherwise);
        answers saved for an earlier draw are simply not handed in.
        """
        asked = set(drawn(module, learner, number))
        if any(module.question(k) is not None and k not in asked for k in sent):
            raise BaliseError(NOT_ASKED)
        merged = check_answers(module, {**self.saved(learner, module.id), **sent})
        return {k: v for k, v in merged.items() if module.question(k) is None or k in asked}

    def save(self, learner: str, module_id: str, item: object, answer: object) -> dict | None:
        module = self.module(module_id)
        clean = check_answer(module, item, answer)
        if module.question(item) is not None and item not in self.questions(learner, module.id):
            raise BaliseError(NOT_ASKED)
        with self.store.session() as s:
            row = s.get(SavedAnswer, (learner, module_id, item))
            if row is None:
                s.add(SavedAnswer(learner_id=learner, module_id=module_id, item=item,
                                  value=json.dumps(clean)))
            else:
                row.value, row.saved_at = json.dumps(clean), utcnow()
        scenario = module.scenario(item)
        if scenario is None:
            return None
        return scenario.feedback(clean)

    def saved(self, learner: str, module_id: str) -> dict:
        with self.store.session() as s:
            rows = s.scalars(select(SavedAnswer).where(SavedAnswer.learner_id == learner,
                                                       SavedAnswer.module_id == module_id))
            return {row.item: json.loads(row.value) for row in rows}
