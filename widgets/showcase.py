"""The widget gallery's page: every scenario kind, checked by its own rules.

The gallery (``widgets/gallery/``) is written as a module's scenarios are, so
a course author sees each kind exactly as a learner will, in both languages,
with its feedback. It is not graded: the rules run here, in the page.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from balise.widgets.i18n import LanguageSwitch
from balise.widgets.shown import ShownHTML
from balise.words import N_, word

# Each kind's name: an id of the catalogue, said in the page's languages.
KIND_NAMES = {
    "choice": N_("Choice"),
    "multi": N_("Multi-choice"),
    "ordering": N_("Ordering"),
    "hazard": N_("Hazard hunt"),
    "matching": N_("Matching"),
    "story": N_("Branching story"),
    "lift": N_("Lift calculator"),
    "ppe": N_("PPE picker"),
}


def local_check(scenario):
    """The scenario's own rule, as the server would apply it."""
    from balise.catalogue.kinds import Invalid

    def check(answer):
        try:
            return scenario.feedback(answer)
        except Invalid as err:
            return {"error": str(err)}
    return check


def show(folder: Path | str = ".") -> w.VBox:
    """The gallery: the language switch, then one titled example of every kind."""
    from balise.catalogue.modules import load_module
    from balise.widgets.factory import make

    folder = Path(folder).resolve()
    module = load_module(folder)
    parts: list[w.Widget] = [LanguageSwitch()]
    for scenario in module.scenarios:
        name = word(KIND_NAMES[scenario.kind])
        title = ShownHTML(f'<h2 id="kind-{scenario.kind}"><span lang="fr">{name["fr"]}</span> / '
                       f'<span lang="en">{name["en"]}</span></h2>')
        widget = make(scenario.public(), check=local_check(scenario),
                      assets=folder / "assets")
        widget.add_class(f"balise-gallery-{scenario.kind}")
        parts.append(w.VBox([title, widget]))
    return w.VBox(parts)
