"""Widget logic without a kernel: ipywidgets falls back to a dummy comm."""

from balise.widgets import Choice, Ordering, Quiz

PROMPT = {"fr": "Quoi ?", "en": "What?"}
OPTIONS = [{"id": "a", "fr": "A", "en": "A"}, {"id": "b", "fr": "B", "en": "B"}]


def checker(right_answer, seen):
    """A stand-in for the server: the widget itself never knows the key."""
    def check(answer):
        seen.append(answer)
        return {"right": answer == right_answer, "source": "Code du travail, art. L4121-2",
                "practice": {"fr": "Parce que.", "en": "Because."}}
    return check


def test_choice_sends_its_answer_and_shows_what_comes_back():
    seen = []
    c = Choice(PROMPT, OPTIONS, check=checker("b", seen))
    c._buttons.value = "a"
    assert c.answer == "a" and c.status == "wrong" and seen == ["a"]
    assert "Pas tout à fait" in c._feedback.value and "L4121-2" in c._feedback.value
    c._buttons.value = "b"
    assert c.answer == "b" and c.status == "right" and "✔" in c._feedback.value


def test_choice_without_a_check_gives_no_feedback():
    c = Choice(PROMPT, OPTIONS)
    c._buttons.value = "a"
    assert c.answer == "a" and c.status == "" and c._feedback.value == ""


def test_choice_restores_a_saved_answer():
    assert Choice(PROMPT, OPTIONS, answer="b")._buttons.value == "b"
    assert Choice(PROMPT, OPTIONS, answer="zz")._buttons.value is None


def test_choice_escapes_option_text():
    c = Choice(PROMPT, [{"id": "a", "fr": "<script>x</script>", "en": "e"}, OPTIONS[1]])
    html = "".join(child.value for child in c.children[2].children)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_ordering_moves_steps_and_checks_order():
    seen = []
    steps = [{"id": s, "fr": s, "en": s} for s in ("c", "a", "b")]
    o = Ordering(PROMPT, steps, check=checker(["a", "b", "c"], seen))
    o.move(0, -1)  # already first: stays
    assert o.answer == ["c", "a", "b"]
    o._downs[0].click()
    o._downs[1].click()
    assert o.answer == ["a", "b", "c"]
    assert "1.</strong> a" in o._labels[0].value and o._ups[2].tooltip.endswith(": c")
    o.children[3].click()
    assert o.status == "right" and seen == [["a", "b", "c"]]


def test_ordering_restores_a_saved_order_but_not_a_foreign_one():
    steps = [{"id": s, "fr": s, "en": s} for s in ("c", "a", "b")]
    assert Ordering(PROMPT, steps, answer=["b", "a", "c"]).answer == ["b", "a", "c"]
    assert Ordering(PROMPT, steps, answer=["x", "y"]).answer == ["c", "a", "b"]


def test_quiz_collects_restores_saves_and_locks():
    saved = []
    questions = [{"id": "q1", "prompt": PROMPT, "options": OPTIONS},
                 {"id": "q2", "prompt": PROMPT, "options": OPTIONS}]
    q = Quiz(questions, answers={"q2": "a"}, on_answer=lambda i, a: saved.append((i, a)))
    assert q.answer == {"q2": "a"}
    q._radios["q1"].value = "b"
    assert q.answer == {"q1": "b", "q2": "a"} and saved == [("q1", "b")]
    q.lock()
    assert q._radios["q1"].disabled


def test_background_saves_are_sent_in_order_and_drained(monkeypatch):
    from balise import client

    sent = []
    monkeypatch.setattr(client, "save_answer", lambda *call: sent.append(call))
    saves = client._Background()
    for n in range(20):
        saves.put("postures", "q1", str(n))
    saves.drain()
    assert [answer for _, _, answer in sent] == [str(n) for n in range(20)]
