"""The branching story without a kernel: the path so far, feedback under its choice, a reload."""

import html

import pytest

from balise.widgets import LANGUAGE, Story

PROMPT = {"fr": "Quoi ?", "en": "What?"}
STORY = [{"id": "n1", "fr": "Le chariot recule.", "en": "The forklift reverses.",
          "choices": [{"id": "c1", "fr": "Je passe", "en": "I pass", "next": None},
                      {"id": "c2", "fr": "J'attends", "en": "I wait", "next": "n2"}]},
         {"id": "n2", "fr": "Il s'arrête.", "en": "It stops.",
          "choices": [{"id": "c3", "fr": "Je passe derrière", "en": "I go behind", "next": None},
                      {"id": "c4", "fr": "Je cours", "en": "I run", "next": None}]}]
SAID = {"c1": ("Non, il recule.", "No, it reverses."), "c2": ("Bien, vous attendez.", "Good."),
        "c3": ("Bien, il est arrêté.", "Good, it stopped."), "c4": ("Non.", "No.")}


@pytest.fixture(autouse=True)
def both_languages():
    LANGUAGE.mode = "both"
    yield
    LANGUAGE.mode = "both"


def shown(box) -> str:
    """What an HTML box says, its markup's entities read (J&#x27;attends is J'attends)."""
    return html.unescape(box.value)


def server(seen):
    """A stand-in for the server: what the latest choice of the path leads to."""
    def check(path):
        seen.append(list(path))
        fr, en = SAID[path[-1]]
        return {"right": ["c2", "c3"][:len(path)] == path, "source": "R4323-56",
                "practice": {"fr": fr, "en": en}}
    return check


def test_the_path_so_far_stays_with_each_choice_and_what_it_led_to():
    s = Story(PROMPT, STORY, "n1", check=server([]))
    assert s._path.layout.display == "none"
    s.choose("c2")
    s.choose("c4")
    way = shown(s._path)
    assert way.index("Le chariot recule.") < way.index("J'attends") < way.index(
        "Bien, vous attendez.") < way.index("Il s'arrête.") < way.index("Je cours")
    assert "Votre choix / Your choice" in way
    # The latest choice's consequence is the feedback, not repeated in the path.
    assert "Non." not in way and "Non." in shown(s._feedback) and s.status == "wrong"


def test_the_feedback_sits_right_under_the_path_above_the_next_step():
    s = Story(PROMPT, STORY, "n1", check=server([]))
    order = list(s.children)
    assert order.index(s._path) + 1 == order.index(s._feedback)
    assert order.index(s._feedback) < order.index(s._scene) < order.index(s._choices)
    s.choose("c2")
    assert "Bien, vous attendez." in shown(s._feedback) and "Il s'arrête." in shown(s._scene)
    assert "Il s'arrête." not in shown(s._path)


def test_a_reload_shows_the_saved_path_again_and_what_its_last_choice_led_to():
    seen = []
    s = Story(PROMPT, STORY, "n1", check=server(seen), answer=["c2"])
    assert seen == [["c2"]]                     # asked once, for the whole path
    assert "J'attends" in shown(s._path) and s._path.layout.display is None
    assert "Bien, vous attendez." in shown(s._feedback) and s.status == "right"
    assert "Il s'arrête." in shown(s._scene)
    assert [b.description for b in s._buttons] == ["Je passe derrière / I go behind",
                                                   "Je cours / I run"]
    assert s._again.layout.display is None


def test_a_reload_whose_check_fails_shows_the_path_without_saying_not_saved():
    s = Story(PROMPT, STORY, "n1", check=lambda path: {"error": "unreachable"},
              answer=["c2", "c3"])
    assert "Je passe derrière" in shown(s._path) and s._feedback.value == ""
    assert s.status == "" and all(b.layout.display == "none" for b in s._buttons)


def test_start_again_clears_the_path():
    s = Story(PROMPT, STORY, "n1", check=server([]))
    s.choose("c1")
    assert "Je passe" in shown(s._path) and s.here is None
    s.restart()
    assert s._path.value == "" and s._path.layout.display == "none" and s._feedback.value == ""


def test_the_path_follows_the_language():
    s = Story(PROMPT, STORY, "n1", check=server([]))
    s.choose("c2")
    s.choose("c3")
    LANGUAGE.mode = "en"
    assert "I wait" in shown(s._path) and "Good." in shown(s._path)
    assert "J'attends" not in shown(s._path) and "Your choice" in shown(s._path)
    assert "Good, it stopped." in shown(s._feedback)


def test_options_are_full_width_buttons_that_wrap():
    s = Story(PROMPT, STORY, "n1")
    for button in s._buttons:
        assert button.layout.width == "100%" and button.layout.min_height == "44px"
        assert "balise-story-option" in button._dom_classes
    assert "white-space: normal" in s._css.value


def server_with_steps(seen):
    """The server as it answers now: also what each earlier choice of the path led to."""
    plain = server(seen)

    def check(path):
        result = plain(path)
        result["steps"] = [{"right": ["c2", "c3"][:n + 1] == path[:n + 1],
                            "practice": dict(zip(("fr", "en"), SAID[c]))}
                           for n, c in enumerate(path)]
        return result
    return check


def test_a_reload_mid_story_shows_what_every_earlier_choice_led_to():
    seen = []
    s = Story(PROMPT, STORY, "n1", check=server_with_steps(seen), answer=["c2", "c4"])
    assert seen == [["c2", "c4"]]               # still asked once, for the whole path
    way = shown(s._path)
    # As before the reload: the first choice's outcome under it, the last one as feedback.
    assert way.index("J'attends") < way.index("Bien, vous attendez.") < way.index("Je cours")
    assert "✔" in way and "Non." not in way
    assert "Non." in shown(s._feedback) and s.status == "wrong"
