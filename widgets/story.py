"""Branching story: a short situation whose choices unfold ("the forklift reverses...")."""

from __future__ import annotations

import ipywidgets as w
from traitlets import List, Unicode

from balise.widgets.base import Scenario, labelled
from balise.widgets.i18n import plain, rich
from balise.widgets.shown import ShownHTML


class Story(Scenario):
    """Read a step of the story, choose what to do, see what happens next.

    The story's shape is public (nodes and their choices); what each choice
    leads to is said by ``check``, so the consequences can stay on the
    server. A choice without ``next`` ends the story; Start again goes back
    to the first step.

    Parameters
    ----------
    prompt : dict
    nodes : list of dict
        Each ``{'id', 'fr', 'en', 'choices': [{'id', 'fr', 'en', 'next'}]}``.
    start : str
        Id of the first node.
    answer : list of str, optional
        A path saved earlier (choice ids from the start).
    """

    answer = List(Unicode(), help="Choice ids taken from the start.")

    def __init__(self, prompt, nodes, start, check=None, answer=None, **kwargs):
        super().__init__(prompt=prompt, check=check, **kwargs)
        self._nodes = {n["id"]: n for n in nodes}
        self._start = start
        self._scene = ShownHTML()
        self._scene.add_class("balise-story-scene")
        self._choices = w.VBox()
        # One button per place, reused from step to step: the one just pressed stays in the
        # page with its new words, so keyboard and screen-reader users keep their place.
        most = max((len(n["choices"]) for n in nodes), default=0)
        self._buttons = [w.Button(layout=w.Layout(min_height="44px", width="auto",
                                                  max_width="100%")) for _ in range(most)]
        self._shown: list[str | None] = [None] * most
        for place, button in enumerate(self._buttons):
            button.on_click(lambda _, p=place: self._press(p))
        self._choices.children = self._buttons
        self._again = w.Button(layout=w.Layout(min_height="44px", width="auto"))
        self._again.add_class("balise-again-story")
        self._again.on_click(lambda _: self.restart())
        self.answer = list(answer or []) if self._valid(answer or []) else []
        self._frame(self._scene, self._choices, self._again)
        self._relabel()

    def _valid(self, path: list[str]) -> bool:
        here = self._start
        for choice_id in path:
            if here is None:
                return False
            choice = next((c for c in self._nodes[here]["choices"] if c["id"] == choice_id), None)
            if choice is None:
                return False
            here = choice["next"]
        return True

    @property
    def here(self) -> str | None:
        """The node the path has reached; None at an ending."""
        node = self._start
        for choice_id in self.answer:
            node = next(c for c in self._nodes[node]["choices"] if c["id"] == choice_id)["next"]
        return node

    def spoken_items(self, node_id: str | None = None):
        node = self._nodes.get(node_id or self.here or "")
        return [node, *node["choices"]] if node else []

    def all_spoken(self, lang: str) -> list[str]:
        texts = []
        for node_id in self._nodes:
            lines = [self.prompt[lang]] + [f"{n}. {item[lang]}" for n, item in
                                           enumerate(self.spoken_items(node_id), start=1)]
            texts.append("\n".join(lines))
        return texts

    def choose(self, choice_id: str) -> None:
        node = self._nodes[self.here]
        if not any(c["id"] == choice_id for c in node["choices"]):
            return
        self.answer = [*self.answer, choice_id]
        self._relabel()
        self.check_answer()

    def _press(self, place: int) -> None:
        if self._shown[place] is not None:
            self.choose(self._shown[place])

    def restart(self) -> None:
        self.answer = []
        self._result = None
        self._feedback.value = ""
        self.status = ""
        self._relabel()
        if self._buttons:
            self._buttons[0].focus()

    def _relabel(self) -> None:
        node = self._nodes.get(self.here or "")
        labelled(self._again, "Start again")
        choices = node["choices"] if node else []
        for place, button in enumerate(self._buttons):
            old, new = self._shown[place], (choices[place]["id"] if place < len(choices) else None)
            if old != new and old is not None:
                button.remove_class(f"balise-choice-{old}")
            if new is None:
                button.layout.display = "none"
            else:
                button.add_class(f"balise-choice-{new}")
                button.description = button.tooltip = plain(choices[place])
                button.layout.display = None
            self._shown[place] = new
        if node is None:                      # an ending: what happened is in the feedback
            self._scene.value = ""
            was_hidden = self._again.layout.display == "none"
            self._again.layout.display = None
            if was_hidden or self.answer:
                self._again.focus()
            return
        self._again.layout.display = "none" if not self.answer else None
        self._scene.value = f'<div class="balise-story-step">{rich(node)}</div>'
