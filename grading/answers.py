"""Answers saved as the learner goes, and the instant check of a scenario.

The key stays here, on the server: the page's kernel sends an answer and
gets back right or wrong, the practice and its source. Saved answers are
restored when the page is reloaded and are what a submission is built from.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from balise import BaliseError
from balise.catalogue import Module
from balise.grading.submissions import check_answer
from balise.store import SavedAnswer, Store, utcnow


class Answers:
    def __init__(self, store: Store, catalogue: dict[str, Module]):
        self.store, self.catalogue = store, catalogue

    def module(self, module_id: object) -> Module:
        if not isinstance(module_id, str) or module_id not in self.catalogue:
            raise BaliseError("unknown module / module inconnu")
        return self.catalogue[module_id]

    def save(self, learner: str, module_id: str, item: object, answer: object) -> dict | None:
        module = self.module(module_id)
        clean = check_answer(module, item, answer)
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
