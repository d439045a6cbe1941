"""A page's widgets are sent without the values the browser already has (balise.state_reply)."""

from __future__ import annotations

import json

import ipywidgets as w
from ipywidgets.widgets.widget import _instances

from balise import state_reply
from balise.widgets.submit import SubmitButton


def test_core_widgets_leave_out_their_defaults_and_others_are_sent_whole():
    button = w.Button(description="Envoyer")
    label = w.HTML(value="<p>Bonjour</p>")
    submit = SubmitButton(label="Envoyer")
    states = state_reply.states()
    layout = states[button.layout.model_id]
    assert layout["model_name"] == "LayoutModel" and layout["state"] == {}
    got = states[button.model_id]["state"]
    assert got["description"] == "Envoyer"
    assert got["layout"] == f"IPY_MODEL_{button.layout.model_id}"
    assert "disabled" not in got and "icon" not in got          # False and "" by default
    assert states[label.model_id]["state"]["value"] == "<p>Bonjour</p>"
    # Not ipywidgets' own (anywidget): every trait, since its browser side has no defaults.
    assert states[submit.model_id]["state"] == submit.get_state()
    # Each key given is exactly what ipywidgets would send for it.
    for widget in (button, label, button.layout, button.style):
        full = widget.get_state()
        assert all(full[k] == v for k, v in states[widget.model_id]["state"].items())


def test_the_reply_to_the_page_is_this_state_and_is_lighter():
    boxes = [w.VBox([w.Button(description="A"), w.HTML("x")]) for _ in range(20)]
    mine = {x.model_id for box in boxes
            for x in (box, box.layout, *box.children, *(c.layout for c in box.children))}
    sent = {}

    class Comm:
        def send(self, data, buffers=None):
            sent.update(data)

    state_reply.install()
    w.Widget._control_comm = Comm()
    try:
        w.Widget._handle_control_comm_msg({"content": {"data": {"method": "request_states"}}})
    finally:
        w.Widget._control_comm = None
    assert sent["method"] == "update_states" and set(sent["states"]) == set(_instances)
    # (Measured on this test's widgets: others made by earlier tests may be anywidgets.)
    trimmed = {i: sent["states"][i] for i in mine}
    full = {i: _instances[i].get_state() for i in mine}
    assert len(json.dumps(trimmed)) < 0.5 * len(json.dumps(full))
