"""PPE picker: dress a worker for a task from pictograms."""

from __future__ import annotations

import html

from balise.widgets.choice import MultiChoice
from balise.widgets.i18n import plain, rich, say
from balise.widgets.shown import ShownHTML

WORKER = """<svg viewBox="0 0 80 160" width="80" height="160" aria-hidden="true">
<circle cx="40" cy="22" r="14" fill="#f0c8a0" stroke="#333"/>
<rect x="24" y="38" width="32" height="56" rx="6" fill="#5b7fa6" stroke="#333"/>
<rect x="24" y="94" width="13" height="50" fill="#37474f" stroke="#333"/>
<rect x="43" y="94" width="13" height="50" fill="#37474f" stroke="#333"/>
<rect x="10" y="40" width="12" height="46" rx="5" fill="#5b7fa6" stroke="#333"/>
<rect x="58" y="40" width="12" height="46" rx="5" fill="#5b7fa6" stroke="#333"/></svg>"""


class PPEPicker(MultiChoice):
    """Choose the protective equipment the task needs; the worker shows what is worn.

    Parameters are :class:`MultiChoice`'s, every option with a pictogram
    (``'svg'``), plus ``task`` (``{'fr', 'en'}``): the job to dress for.
    """

    def __init__(self, prompt, options, check=None, answer=None, task=None, **kwargs):
        self._task = task
        self._worker = ShownHTML()
        self._worker.add_class("balise-worker")
        super().__init__(prompt, options, check=check, answer=answer, **kwargs)
        children = list(self.children)
        children.insert(children.index(self._reader) + 1, self._worker)
        self.children = children

    def spoken_items(self):
        return ([self._task] if self._task else []) + self._options

    def _relabel(self) -> None:
        super()._relabel()
        worn = [o for o in self._options if o["id"] in self.answer]
        task = f'<div class="balise-task">{rich(self._task)}</div>' if self._task else ""
        names = ", ".join(html.escape(plain(o)) for o in worn) or "—"
        icons = "".join(f'<span class="balise-worn" aria-hidden="true">{o.get("svg", "")}</span>'
                        for o in worn)
        self._worker.value = (
            f'{task}<div class="balise-dressed">{WORKER}<div class="balise-worn-list">{icons}'
            f'</div></div><p role="status"><strong>{html.escape(say("Worn"))} :</strong> '
            f'{names}</p>')
