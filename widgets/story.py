"""Branching story: a short situation whose choices unfold ("the forklift reverses...").

On a 360 px phone the story reads from top to bottom as it was lived: each
step taken and the choice made there, what that choice led to right under it,
then the step to choose in now. Options are full-width buttons whose words
wrap, never cut.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
from traitlets import List, Unicode

from balise.widgets.base import Scenario, labelled
from balise.widgets.i18n import plain, rich, say
from balise.widgets.shown import ShownHTML

CSS = (Path(__file__).parent / "js" / "story.css").read_text(encoding="utf-8")


def outcome(result: dict | None) -> str:
    """What an earlier choice led to, as the check said it then; '' when nothing was said."""
    if not result or result.get("error"):
        return ""
    right = bool(result.get("right"))
    mark, cls = ("✔", "balise-note-right") if right else ("✘", "balise-note-wrong")
    verdict = say("Right answer") if right else say("Not quite")
    return (f'<div class="balise-story-outcome {cls}"><strong>{mark} {html.escape(verdict)}'
            f'</strong>{rich(result.get("practice") or {"fr": "", "en": ""})}</div>')


class Story(Scenario):
    """Read a step of the story, choose what to do, see what happens next.

    The story's shape is public (nodes and their choices); what each choice
    leads to is said by ``check``, so the consequences can stay on the
    server. A choice without ``next`` ends the story; Start again goes back
    to the first step.

    The path so far stays on the page, each choice with what it led to; the
    feedback on the latest choice sits right under it. A path given as
    ``answer`` (saved earlier, the page reloaded) is shown again step by
    step, and ``check`` is asked once more about it (the whole path, since
    the check also saves): its reply says what the latest choice led to
    and, in ``steps``, what each earlier one did, so every step shows its
    outcome again, as it was.

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
        self._css = ShownHTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        self._path = ShownHTML()
        self._path.add_class("balise-story-way")
        self._scene = ShownHTML()
        self._scene.add_class("balise-story-scene")
        self._choices = w.VBox(layout=w.Layout(width="100%"))
        # One button per place, reused from step to step: the one just pressed stays in the
        # page with its new words, so keyboard and screen-reader users keep their place.
        most = max((len(n["choices"]) for n in nodes), default=0)
        self._buttons = [w.Button(layout=w.Layout(min_height="44px", width="100%",
                                                  height="auto")) for _ in range(most)]
        self._shown: list[str | None] = [None] * most
        for place, button in enumerate(self._buttons):
            button.add_class("balise-story-option")
            button.on_click(lambda _, p=place: self._press(p))
        self._choices.children = self._buttons
        self._again = w.Button(layout=w.Layout(min_height="44px", width="auto"))
        self._again.add_class("balise-again-story")
        self._again.on_click(lambda _: self.restart())
        self.answer = list(answer or []) if self._valid(answer or []) else []
        # What each choice of the path led to, as the check said it (None: not said here).
        self._said: list[dict | None] = [None] * len(self.answer)
        self._frame(self._css, self._path, self._scene, self._choices, self._again)
        self._feedback_under_path()
        self._relabel()
        if self.answer:
            self._recall()

    def _feedback_under_path(self) -> None:
        """The feedback and its Listen button right under the latest choice, not the next step."""
        moved = (self._feedback, self._feedback_reader)
        children = [c for c in self.children if c not in moved]
        at = children.index(self._path) + 1
        self.children = [*children[:at], *moved, *children[at:]]

    def _recall(self) -> None:
        """A restored path: what its latest choice led to, asked again; nothing if not said."""
        result = self._check(self.answer) if self._check else None
        if result and not result.get("error"):
            steps = result.get("steps") or []
            if len(steps) == len(self.answer):
                self._said = [{**step, "source": result.get("source")} for step in steps]
                self._path.value = self._path_html()
            self._said[-1] = result
            self.show_feedback(result)

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

    def _taken(self) -> list[tuple[dict, dict]]:
        """Each step of the path: the node, and the choice made there."""
        steps, here = [], self._start
        for choice_id in self.answer:
            node = self._nodes[here]
            choice = next(c for c in node["choices"] if c["id"] == choice_id)
            steps.append((node, choice))
            here = choice["next"]
        return steps

    @property
    def here(self) -> str | None:
        """The node the path has reached; None at an ending."""
        steps = self._taken()
        return steps[-1][1]["next"] if steps else self._start

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
        # The last feedback now belongs to the path; the page shows the new step, then the check.
        self._result = None
        self._feedback.value = ""
        self.status = ""
        self._relabel()
        self.check_answer()
        self._said.append(self._result)

    def _press(self, place: int) -> None:
        if self._shown[place] is not None:
            self.choose(self._shown[place])

    def restart(self) -> None:
        self.answer = []
        self._said = []
        self._result = None
        self._feedback.value = ""
        self.status = ""
        self._relabel()
        if self._buttons:
            self._buttons[0].focus()

    def _path_html(self) -> str:
        """The steps taken, each with the choice made; what it led to under all but the last
        (the feedback, just below, says that one)."""
        steps = self._taken()
        items = []
        for n, (node, choice) in enumerate(steps):
            said = outcome(self._said[n]) if n < len(steps) - 1 else ""
            items.append(
                f'<li class="balise-story-past"><div class="balise-story-step">{rich(node)}</div>'
                f'<p class="balise-story-chosen"><strong>➜ {html.escape(say("Your choice"))} :'
                f'</strong> {rich(choice, "span")}</p>{said}</li>')
        return f'<ol class="balise-story-path">{"".join(items)}</ol>' if items else ""

    def _relabel(self) -> None:
        node = self._nodes.get(self.here or "")
        labelled(self._again, "Start again")
        self._path.value = self._path_html()
        self._path.layout.display = None if self.answer else "none"
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
