"""Widget logic without a kernel: ipywidgets falls back to a dummy comm."""

import pytest

from balise.widgets import (
    LANGUAGE,
    Choice,
    LanguageSwitch,
    Matching,
    MultiChoice,
    Ordering,
    PPEPicker,
    Quiz,
    Story,
)

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
    html = "".join(card.value for card in c._cards)
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
    assert '1.</strong> <span lang="fr">a</span>' in o._labels[0].value
    assert o._ups[2].tooltip == "Monter / Move up : c"       # "c / c" said once
    o._check_button.click()
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


def test_a_new_draw_leaves_every_widget_state_readable():
    """A page asks the kernel for every widget's state when it connects (a reload, a page
    rendered ahead and then given her draw): no open box may hold a closed widget."""
    import ipywidgets as w

    questions = [{"id": f"q{n}", "prompt": PROMPT, "options": OPTIONS} for n in range(4)]
    q = Quiz(questions[:2], answers={"q1": "a"})
    q.show(questions[2:], answers={"q3": "b"})
    state = w.Widget.get_manager_state()["state"]      # raised on a closed child before
    assert q.model_id in state and q.answer == {"q3": "b"}
    assert [c for c in q.children if c.model_id is None] == []
    q.forget_hidden()                          # q0 and q1 not shown: closed, states still fine
    state = w.Widget.get_manager_state()["state"]
    assert set(q._built) == {"q2", "q3"} and q.model_id in state
    q.show(questions[:3])                      # asked again: made again
    assert all(c.model_id for c in q.children) and w.Widget.get_manager_state()["state"]


def test_background_saves_are_sent_in_order_and_drained(monkeypatch):
    from balise import client

    sent = []
    monkeypatch.setattr(client, "save_answer", lambda *call: sent.append(call))
    saves = client._Background()
    for n in range(20):
        saves.put("postures", "q1", str(n))
    saves.drain()
    assert [answer for _, _, answer in sent] == [str(n) for n in range(20)]


@pytest.fixture(autouse=True)
def both_languages():
    """Each test starts, and leaves the page, in French and English."""
    LANGUAGE.mode = "both"
    yield
    LANGUAGE.mode = "both"


def test_multi_choice_collects_options_and_says_pressed_not_by_colour_alone():
    seen = []
    m = MultiChoice(PROMPT, OPTIONS + [{"id": "c", "fr": "C", "en": "C"}],
                    check=checker(["a", "c"], seen), answer=["c", "zz"])
    assert m.answer == ["c"]
    m._toggles[0].value = True
    assert m.answer == ["a", "c"] and m._toggles[0].description.startswith("✔")
    assert not m._toggles[1].description.startswith("✔")
    m._check_button.click()
    assert seen == [["a", "c"]] and m.status == "right"


def test_matching_pairs_items_restores_and_keeps_pairs_across_languages():
    items = [{"id": "i1", "fr": "Rond bleu", "en": "Blue circle"},
             {"id": "i2", "fr": "Triangle", "en": "Triangle"}]
    meanings = [{"id": "m1", "fr": "Obligatoire", "en": "Mandatory"},
                {"id": "m2", "fr": "Danger", "en": "Danger"}]
    seen = []
    m = Matching(PROMPT, items, meanings, check=checker({"i1": "m1", "i2": "m2"}, seen),
                 answer={"i2": "m2", "i1": "nope"})
    assert m.answer == {"i2": "m2"}
    m._lists[0].value = "m1"
    LANGUAGE.mode = "en"
    assert m.answer == {"i1": "m1", "i2": "m2"} and m._lists[0].value == "m1"
    assert m._lists[0].description == "Blue circle"
    assert ("Mandatory", "m1") in m._lists[0].options
    m._check_button.click()
    assert m.status == "right"


STORY = [{"id": "n1", "fr": "Le chariot recule.", "en": "The forklift reverses.",
          "choices": [{"id": "c1", "fr": "Je passe", "en": "I pass", "next": None},
                      {"id": "c2", "fr": "J'attends", "en": "I wait", "next": "n2"}]},
         {"id": "n2", "fr": "Il s'arrête.", "en": "It stops.",
          "choices": [{"id": "c3", "fr": "Je passe", "en": "I go", "next": None}]}]


def test_story_follows_choices_to_an_ending_and_starts_again():
    seen = []

    def check(path):
        seen.append(list(path))
        return {"right": ["c2", "c3"][:len(path)] == path, "source": "s",
                "practice": {"fr": "suite", "en": "next"}}
    s = Story(PROMPT, STORY, "n1", check=check)
    assert s.here == "n1" and s._again.layout.display == "none"
    first = s._buttons[1]                                # "J'attends", the second place
    s.choose("c2")
    assert s.here == "n2" and "It stops." in s._scene.value and s.status == "right"
    # The same button now offers the next step's choice: focus stays where it was.
    assert s._buttons[0].description == "Je passe / I go" and "balise-choice-c3" in \
        s._buttons[0]._dom_classes and "balise-choice-c1" not in s._buttons[0]._dom_classes
    assert first.layout.display == "none"
    s.choose("c1")                                  # not offered here: ignored
    assert s.answer == ["c2"]
    s.choose("c3")
    assert s.here is None and s.answer == ["c2", "c3"]
    assert all(b.layout.display == "none" for b in s._buttons)
    assert seen == [["c2"], ["c2", "c3"]]
    s.restart()
    assert s.answer == [] and s.here == "n1" and s._feedback.value == ""


def test_story_restores_a_saved_path_only_when_it_follows_the_story():
    assert Story(PROMPT, STORY, "n1", answer=["c2"]).here == "n2"
    assert Story(PROMPT, STORY, "n1", answer=["c3"]).answer == []


def test_ppe_picker_dresses_the_worker_with_what_is_chosen():
    options = [{"id": "gloves", "fr": "Gants", "en": "Gloves", "svg": "<svg></svg>"},
               {"id": "helmet", "fr": "Casque", "en": "Helmet", "svg": "<svg></svg>"}]
    p = PPEPicker(PROMPT, options, task={"fr": "Démontage", "en": "Dismantling"})
    assert "Démontage" in p._worker.value and "Casque" not in p._worker.value
    p._toggles[1].value = True
    assert p.answer == ["helmet"] and "Casque / Helmet" in p._worker.value


def test_switching_language_relabels_without_losing_answers():
    c = Choice(PROMPT, OPTIONS, check=checker("b", []))
    q = Quiz([{"id": "q1", "prompt": PROMPT, "options": OPTIONS}], answers={"q1": "b"})
    switch = LanguageSwitch()
    c._buttons.value = "b"
    switch.value = "en"
    assert LANGUAGE.mode == "en"
    assert c.answer == "b" and q.answer == {"q1": "b"} and q._radios["q1"].value == "b"
    assert 'lang="fr"' not in c._header.value and "What?" in c._header.value
    assert "Right answer" in c._feedback.value and "Bonne réponse" not in c._feedback.value
    switch.value = "fr"
    assert "Quoi ?" in c._header.value and "What?" not in c._header.value
    assert "Bonne réponse" in c._feedback.value and c._buttons.description == "Votre choix"


def test_a_refused_save_says_not_saved_rather_than_wrong():
    c = Choice(PROMPT, OPTIONS, check=lambda answer: {"error": "server unreachable"})
    c._buttons.value = "a"
    assert c.status == "error" and "Pas enregistré" in c._feedback.value
    assert "Pas tout à fait" not in c._feedback.value and 'role="alert"' in c._feedback.value


def test_every_kind_hands_each_change_on_to_be_saved_before_any_check():
    """In a module, on_change saves the answer: a reload restores what was set, checked or not."""
    from pathlib import Path

    from balise.catalogue.modules import load_module
    from balise.widgets.factory import make

    gallery = Path(__file__).resolve().parents[2] / "widgets" / "gallery"
    module = load_module(gallery)
    kinds = {}
    for scenario in module.scenarios:
        seen, checked = [], []
        widget = make(scenario.public(), assets=gallery / "assets", on_change=seen.append,
                      check=checked.append)
        widget.answer = scenario.right_answer
        kinds[scenario.kind] = (seen, checked)
        assert seen == [scenario.right_answer], scenario.kind
        assert checked == [], scenario.kind                 # saving is not checking
    assert sorted(kinds) == sorted(["choice", "multi", "ordering", "hazard", "matching",
                                    "story", "lift", "ppe"])
