"""Quiz: questions without feedback; the answers go to nbgrader on submit.

Each question has its Listen button: the question, then its options numbered.
"""

from __future__ import annotations

import html

import ipywidgets as w
from traitlets import Dict

from balise.widgets.i18n import LANGUAGE, plain, rich, say
from balise.widgets.shown import ShownHTML
from balise.widgets.speech import ReadAloud, numbered
from balise.widgets.style import style


def spoken(question: dict, lang: str) -> str:
    """What a question's Listen button says in ``lang``: the question, then each option."""
    return numbered(question["prompt"][lang], (o[lang] for o in question["options"]))


class Quiz(w.VBox):
    """Show graded questions; ``answer`` maps question id to option id.

    Parameters
    ----------
    questions : list of dict
        Each ``{'id', 'prompt': {'fr','en'}, 'options': [{'id','fr','en'}]}``:
        the public part only. The key stays on the server.
    answers : dict, optional
        Answers saved earlier, shown as chosen.
    on_answer : callable, optional
        ``on_answer(question_id, option_id)``, called on each choice (to save it).
    """

    answer = Dict(help="{question id: chosen option id} for answered questions.")

    def __init__(self, questions, answers=None, on_answer=None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("balise-quiz")
        self._relabelling = False
        self._on_answer_hook = on_answer
        self.show(questions, answers)
        LANGUAGE.observe(lambda _: self._relabel(), names="mode")

    def show(self, questions, answers=None) -> None:
        """Ask these questions (a new attempt's draw); answers saved for them stay chosen.

        Each question's widgets are made once and kept (:meth:`prepare`): a draw that asks
        a question again (a new attempt; a page rendered ahead, then given her draw) shows
        the same widgets with her saved answer or none, so no widget is closed while a box
        still holds it (the kernel's list of widget states, read whenever a page connects,
        would break) and a page given to her is filled without making new ones.
        """
        self.prepare(questions)
        self._questions = questions
        self._radios, self._heads, self._readers = {}, [], []
        self.answer = {}
        boxes = []
        self._relabelling = True          # showing a saved answer is not answering
        try:
            for q in questions:
                box, head, reader, radio = self._built[q["id"]]
                ids = [o["id"] for o in q["options"]]
                saved = (answers or {}).get(q["id"])
                radio.value = saved if saved in ids else None
                if radio.value is not None:
                    self.answer = {**self.answer, q["id"]: radio.value}
                self._radios[q["id"]] = radio
                self._heads.append(head)
                self._readers.append(reader)
                boxes.append(box)
        finally:
            self._relabelling = False
        self.children = [self._style, *boxes]
        self._relabel()

    def forget_hidden(self) -> None:
        """Close the widgets of questions not shown (the bank made ahead, her draw chosen):
        a page asks every open widget's state when it connects, so fewer is faster. A
        later draw makes them again if it asks them."""
        shown = {q["id"] for q in self._questions}
        for qid in [qid for qid in self._built if qid not in shown]:
            for part in self._built.pop(qid):
                part.close()

    def prepare(self, questions) -> None:
        """Make the widgets of these questions now, shown or not (a whole bank, ahead)."""
        if not hasattr(self, "_built"):
            self._built, self._style = {}, style()
        for q in questions:
            if q["id"] in self._built:
                continue
            head = ShownHTML()
            radio = w.RadioButtons(options=[(plain(o), o["id"]) for o in q["options"]],
                                   value=None, layout=w.Layout(width="auto"))
            radio.add_class(f"balise-question-{q['id']}")
            radio.observe(lambda change, qid=q["id"]: self._on_answer(qid, change), names="value")
            reader = ReadAloud(lambda lang, q=q: spoken(q, lang))
            self._built[q["id"]] = (w.VBox([head, reader, radio]), head, reader, radio)

    def _relabel(self) -> None:
        """Words in the page's language; the chosen options stay chosen."""
        self._relabelling = True
        try:
            for n, (q, head) in enumerate(zip(self._questions, self._heads), start=1):
                # The id is where the submit warning's link to this question scrolls.
                anchor = f'balise-item-{html.escape(q["id"])}'
                head.value = f'<h3 id="{anchor}">{say("Question")} {n}</h3>' + rich(q["prompt"])
                radio = self._radios[q["id"]]
                value = radio.value
                radio.options = [(plain(o), o["id"]) for o in q["options"]]
                radio.value = value
            for reader in self._readers:
                reader.relabel()
        finally:
            self._relabelling = False

    def _on_answer(self, question_id: str, change) -> None:
        if self._relabelling:
            return
        if change["new"] is not None:
            self.answer = {**self.answer, question_id: change["new"]}
            if self._on_answer_hook:
                self._on_answer_hook(question_id, change["new"])

    def shown_answers(self, positions: dict) -> dict:
        """{question id: option id} from what the page shows checked, as positions.

        Positions outside a question's options, and questions not asked, are left out.
        """
        out = {}
        for q in self._questions:
            n = positions.get(q["id"])
            if isinstance(n, int) and 0 <= n < len(q["options"]):
                out[q["id"]] = q["options"][n]["id"]
        return out

    def lock(self, locked: bool = True) -> None:
        """Freeze the answers while a submission is graded."""
        for radio in self._radios.values():
            radio.disabled = locked
