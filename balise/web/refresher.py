"""The short refresher: a learner's wrong questions, asked again some days later.

A plain page (no kernel): the questions of one due spaced refresher as native
radio groups; on Send the server checks them, shows each right or wrong with
the practice and its source, and marks the refresher done when all are right.
"""

from __future__ import annotations

import json
from datetime import date

from tornado import web

from balise.formats import date_words
from balise.messages import CATALOGUE
from balise.web.pages import Page, require


class RefresherHandler(Page):
    def _load(self, refresher_id: str):
        """The learner's own spaced refresher and its questions; 404 for anything else."""
        programme = self.balise.models.programme
        with self.balise.store.session() as s:
            row = s.get(programme.Refresher, int(refresher_id)) if refresher_id.isdigit() else None
            if (row is None or row.learner_id != self.current_user.username
                    or row.reason != "spaced" or row.module_id not in self.balise.catalogue):
                raise web.HTTPError(404)
            module = self.balise.catalogue[row.module_id]
            ids = [q for q in json.loads(row.questions) if module.question(q)]
            return row.id, module, [module.question(q) for q in ids], row.done_on

    def _page(self, refresher_id, module, questions, done_on, results=None, status=200):
        self.set_status(status)
        self.show("refresher.html", refresher_id=refresher_id, module=module,
                  questions=questions, done_on=done_on and date_words(done_on),
                  results=results or {})

    @require("learner", "trainer", "coordinator")
    def get(self, refresher_id: str):
        self._page(*self._load(refresher_id))

    @require("learner", "trainer", "coordinator")
    def post(self, refresher_id: str):
        rid, module, questions, done_on = self._load(refresher_id)
        results = {}
        for q in questions:
            answer = self.get_body_argument(q.id, None)
            if answer is not None and answer not in {o["id"] for o in q.options}:
                self.set_status(400)
                return self.show("message.html", title=CATALOGUE["bad_request"])
            results[q.id] = answer == q.answer
        if questions and all(results.values()) and done_on is None:
            with self.balise.store.session() as s:
                s.get(self.balise.models.programme.Refresher, rid).done_on = date.today()
            done_on = date.today()
        self._page(rid, module, questions, done_on, results)
