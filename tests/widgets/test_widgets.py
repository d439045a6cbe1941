"""Widget logic without a kernel: ipywidgets falls back to a dummy comm."""

from balise.widgets import Choice, Ordering, Quiz

WHY = {"fr": "Parce que.", "en": "Because.", "source": "Code du travail, art. L4121-2"}
PROMPT = {"fr": "Quoi ?", "en": "What?"}


def test_choice_records_answer_and_says_right_or_wrong():
    c = Choice(PROMPT, [{"id": "a", "fr": "A", "en": "A"}, {"id": "b", "fr": "B", "en": "B"}],
               correct="b", explanation=WHY)
    c._buttons.value = "a"
    assert c.answer == "a" and c.status == "wrong"
    assert "Pas tout à fait" in c._feedback.value and "L4121-2" in c._feedback.value
    c._buttons.value = "b"
    assert c.answer == "b" and c.status == "right" and "✔" in c._feedback.value


def test_choice_escapes_option_text():
    c = Choice(PROMPT, [{"id": "a", "fr": "<script>x</script>", "en": "e"},
                        {"id": "b", "fr": "B", "en": "B"}], correct="b", explanation=WHY)
    html = "".join(child.value for child in c.children[2].children)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_ordering_moves_steps_and_checks_order():
    steps = [{"id": s, "fr": s, "en": s} for s in ("c", "a", "b")]
    o = Ordering(PROMPT, steps, correct=["a", "b", "c"], explanation=WHY)
    o.move(0, -1)  # already first: stays
    assert o.answer == ["c", "a", "b"]
    o._downs[0].click()
    o._downs[1].click()
    assert o.answer == ["a", "b", "c"]
    assert "1.</strong> a" in o._labels[0].value and o._ups[2].tooltip.endswith(": c")
    o.children[3].click()
    assert o.status == "right"


def test_quiz_collects_answers_and_locks():
    q = Quiz([{"id": "q1", "prompt": PROMPT, "options": [{"id": "a", "fr": "x", "en": "x"},
                                                         {"id": "b", "fr": "y", "en": "y"}]}])
    assert q.answer == {}
    q._radios["q1"].value = "b"
    assert q.answer == {"q1": "b"}
    q.lock()
    assert q._radios["q1"].disabled
