"""Widget ids while a page is run ahead (balise/stable_ids.py): a counter, the same in every
kernel that runs the same notebook; ipywidgets' own random ids otherwise."""

from __future__ import annotations

import ipywidgets as w

from balise import client, stable_ids  # noqa: F401 - client installs the stable ids


def test_ids_count_while_the_page_is_run_ahead_and_are_random_after(monkeypatch):
    monkeypatch.setenv(stable_ids.PREHEATED, "1")
    ahead = [w.IntSlider(), w.Button()]
    assert all(x.model_id.startswith(stable_ids.PREFIX) for x in ahead)
    numbers = [int(x.model_id[len(stable_ids.PREFIX):]) for x in ahead]
    assert numbers[1] == numbers[0] + 1 or numbers[1] > numbers[0]
    monkeypatch.delenv(stable_ids.PREHEATED)
    after = w.IntSlider()
    assert not after.model_id.startswith(stable_ids.PREFIX) and len(after.model_id) == 32
    for x in (*ahead, after):
        x.close()


def test_the_digest_changes_with_the_widgets_held():
    before = stable_ids.digest()
    assert stable_ids.digest() == before
    button = w.Button()             # with its layout and style, three widgets
    assert stable_ids.digest() != before
    for x in (button, button.layout, button.style):
        x.close()
    assert stable_ids.digest() == before
