"""Text Balise shows cannot be rewritten from the page."""

from balise.widgets.shown import REFUSED, ShownHTML


def update(state: dict) -> dict:
    return {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}}


def test_a_state_update_from_the_page_is_refused_in_plain_words(capsys):
    shown = ShownHTML("<p>Portez près du corps</p>")
    shown._handle_msg(update({"value": '<img src=x onerror="alert(1)">'}))
    assert shown.value == "<p>Portez près du corps</p>"
    assert REFUSED in capsys.readouterr().err


def test_the_kernel_still_sets_it_and_the_page_may_read_it():
    shown = ShownHTML("a")
    shown.value = "b"
    sent = []
    shown.send_state = lambda key=None: sent.append(key)
    shown._handle_msg({"content": {"data": {"method": "request_state"}}})
    assert shown.value == "b" and sent == [None]
