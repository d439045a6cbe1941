"""Hazard hunt: find the hazards in a picture by tapping its zones, or from a list.

The picture (:class:`SceneMap`, an anywidget) and the list of toggle buttons
show the same zones and follow each other both ways: the picture is quicker
with a finger or a mouse, the list is the path for the keyboard and screen
readers. The answer is the zones marked, whichever way.
"""

from __future__ import annotations

import html
from pathlib import Path

import anywidget
import ipywidgets as w
from traitlets import Dict, List, Unicode

from balise.widgets.base import Scenario, labelled
from balise.widgets.i18n import plain, say
from balise.widgets.shown import ShownHTML

JS = Path(__file__).parent / "js"
BOX = ("x", "y", "width", "height")


class SceneMap(anywidget.AnyWidget):
    """An SVG picture with zones laid over it, each a button the learner marks or unmarks.

    Zones are placed in the picture's viewBox units and follow it at any
    width; a marked zone shows a thick border and a "✔ n" badge.
    """

    _esm = JS / "hazard.js"
    _css = JS / "hazard.css"

    svg = Unicode("", help="The picture's SVG markup, from the course's assets.").tag(sync=True)
    alt = Unicode("", help="The picture's alternative text, in the page's language.").tag(
        sync=True)
    label = Unicode("", help="The name of the group of zones, in the page's language.").tag(
        sync=True)
    zones = List(Dict(), help="[{'id', 'label', 'x', 'y', 'width', 'height'}], in viewBox "
                 "units; 'label' names the zone's button.").tag(sync=True)
    found = List(Unicode(), help="Ids of the zones marked, in the zones' order.").tag(sync=True)


class HazardHunt(Scenario):
    """Mark every zone of the picture that is a hazard, then Check.

    Parameters
    ----------
    prompt : dict
        ``{'fr': ..., 'en': ...}``.
    svg : str
        The scene's SVG markup (with a viewBox).
    zones : list of dict
        Each ``{'id', 'fr', 'en', 'x', 'y', 'width', 'height'}``, the box in the
        scene's viewBox units; hazards and safe decoys alike.
    check : callable, optional
        ``check(answer) -> {'right', 'practice', 'source'}``; see :class:`Scenario`.
    answer : list of str, optional
        Zone ids saved earlier, shown as marked; ids not in ``zones`` are dropped.
    scene_alt : dict, optional
        ``{'fr', 'en'}``, the picture's alternative text; the prompt by default.
    """

    answer = List(Unicode(), help="Ids of the zones marked, sorted.")

    def __init__(self, prompt, svg, zones, check=None, answer=None, scene_alt=None, **kwargs):
        super().__init__(prompt=prompt, check=check, **kwargs)
        self._zones = zones
        self._scene_alt = scene_alt or prompt
        self._syncing = False
        self._map = SceneMap(svg=svg)
        self._map.add_class("balise-scene-map")
        self._caption = ShownHTML()
        self._toggles = []
        for zone in zones:
            toggle = w.ToggleButton(layout=w.Layout(width="auto", max_width="640px",
                                                    min_height="44px", height="auto"))
            toggle.add_class(f"balise-zone-{zone['id']}")
            toggle.observe(self._on_toggle, names="value")
            self._toggles.append(toggle)
        self._list = w.VBox(self._toggles, layout=w.Layout(margin="0 0 8px 0"))
        self._list.add_class("balise-zone-list")
        self._check_button = w.Button(button_style="primary",
                                      layout=w.Layout(min_height="44px", width="auto"))
        self._check_button.add_class("balise-check")
        self._check_button.on_click(lambda _: self.check_answer())
        self._mark(set(answer or []))
        self._map.observe(self._on_map, names="found")
        self._frame(self._map, self._caption, self._list, self._check_button)
        self._relabel()

    def spoken_items(self):
        return self._zones

    def _mark(self, found: set[str]) -> None:
        """Show ``found`` on the picture and in the list, and keep it as the answer."""
        ids = [z["id"] for z in self._zones if z["id"] in found]
        self._syncing = True
        try:
            self._map.found = ids
            for zone, toggle in zip(self._zones, self._toggles):
                toggle.value = zone["id"] in found
        finally:
            self._syncing = False
        self.answer = sorted(ids)

    def _on_map(self, change) -> None:
        if not self._syncing:
            self._mark(set(change["new"]))

    def _on_toggle(self, _change) -> None:
        if not self._syncing:
            self._mark({z["id"] for z, t in zip(self._zones, self._toggles) if t.value})

    def _relabel(self) -> None:
        self._map.alt = plain(self._scene_alt)
        self._map.label = say("Zones in the picture")
        self._map.zones = [{"id": z["id"], "label": plain(z), **{k: z[k] for k in BOX}}
                           for z in self._zones]
        self._caption.value = (f'<p class="balise-zone-caption">'
                               f'{html.escape(say("Zones in the picture"))}</p>')
        # Numbered as on the picture; a pressed toggle's tick comes from the page's style.
        for n, (zone, toggle) in enumerate(zip(self._zones, self._toggles), start=1):
            toggle.description = f"{n}. {plain(zone)}"
            toggle.tooltip = plain(zone)
        labelled(self._check_button, "Check")

    def close(self) -> None:
        """Close the controls too: a long Voila session would otherwise keep them all."""
        for control in (self._map, self._caption, self._list, self._check_button,
                        *self._toggles):
            control.close()
        super().close()
