"""The lift calculator's logic without a kernel: ipywidgets falls back to a dummy comm."""

import pytest

from balise import words as balise_words
from balise.widgets.i18n import LANGUAGE
from balise.widgets.lift import SLIDER_WORDS, LiftCalculator

PROMPT = {"fr": "Réglez le poste.", "en": "Set up the workstation."}
TASK = {"weight_kg": 12, "frequency_per_min": 1, "duration": "short", "coupling": "good"}
MEASURES = {"H": {"min": 25, "max": 63, "value": 50}, "V": {"min": 0, "max": 175, "value": 30},
            "D": {"min": 25, "max": 175, "value": 60}, "A": {"min": 0, "max": 135, "value": 45}}
FRENCH = {
    "Hand distance from ankles (H, cm)": "Distance mains-chevilles (H, cm)",
    "Hand height at start (V, cm)": "Hauteur des mains au départ (V, cm)",
    "Vertical travel (D, cm)": "Déplacement vertical (D, cm)",
    "Twist angle (A, °)": "Angle de rotation du tronc (A, °)",
    "Recommended weight limit": "Poids limite conseillé",
    "Lifting index": "Indice de levage",
    "Load": "Charge",
    "Lifts per minute": "Levages par minute",
    "Duration": "Durée",
    "Grip": "Prise",
    "1 hour or less": "1 heure ou moins",
    "good": "bonne",
    "Check": "Vérifier",
}


@pytest.fixture(autouse=True)
def catalogue(tmp_path, monkeypatch):
    """The calculator's words from a catalogue of the test's own, French as briefed."""
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    for lang, words in (("fr", FRENCH), ("en", {})):
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        entries = "".join(f'\nmsgid "{en}"\nmsgstr "{fr}"\n' for en, fr in words.items())
        (folder / "balise.po").write_text(header + entries, encoding="utf-8")
    monkeypatch.setattr(balise_words, "LOCALE", tmp_path)
    balise_words.catalogue.cache_clear()
    yield
    LANGUAGE.mode = "both"
    balise_words.catalogue.cache_clear()


def calculator(**kwargs) -> LiftCalculator:
    return LiftCalculator(PROMPT, TASK, MEASURES, **kwargs)


def test_moving_a_slider_changes_the_answer_and_the_figures():
    lift = calculator()
    assert lift.answer == {"H": 50, "V": 30, "D": 60, "A": 45}
    # 23 kg x 25/50 x (1 - .003 x 45) x (.82 + 4.5/60) x (1 - .0032 x 45) x .94 x 1 = 7.16 kg,
    # and 12 kg / 7.16 kg = 1.68.
    assert "Poids limite conseillé / Recommended weight limit: 7.2 kg" in lift._readout.value
    assert "Indice de levage / Lifting index: 1.7" in lift._readout.value
    lift._sliders["H"].value = 25  # HM 1: the limit doubles, 14.33 kg, and LI = 0.84
    assert lift.answer == {"H": 25, "V": 30, "D": 60, "A": 45}
    assert "Recommended weight limit: 14.3 kg" in lift._readout.value
    assert "Lifting index: 0.8" in lift._readout.value


def test_the_figures_are_a_polite_live_region():
    assert 'role="status" aria-live="polite"' in calculator()._readout.value


def test_check_hands_the_answer_over_and_shows_what_comes_back():
    seen = []

    def check(answer):
        seen.append(answer)
        return {"right": answer["H"] == 25, "practice": {"fr": "Rapprochez.", "en": "Closer."},
                "source": "NIOSH 94-110"}

    lift = calculator(check=check)
    lift._sliders["A"].value = 0
    assert seen == []  # moving a slider checks nothing
    lift._check_button.click()
    assert seen == [{"H": 50, "V": 30, "D": 60, "A": 0}] and lift.status == "wrong"
    lift._sliders["H"].value = 25
    lift._check_button.click()
    assert seen[-1] == {"H": 25, "V": 30, "D": 60, "A": 0} and lift.status == "right"
    assert "✔" in lift._feedback.value and "NIOSH 94-110" in lift._feedback.value


def test_check_button_is_a_large_named_target():
    button = calculator()._check_button
    assert "balise-check" in button._dom_classes and button.layout.min_height == "44px"
    assert button.description == "Vérifier / Check"


def test_each_slider_has_a_plain_text_name_and_the_task_is_shown():
    lift = calculator()
    for name, slider in lift._sliders.items():
        assert slider.description == f"{FRENCH[SLIDER_WORDS[name]]} / {SLIDER_WORDS[name]}"
        assert slider.description_allow_html is False
    assert "Charge / Load: 12 kg" in lift._about.value
    assert "Levages par minute / Lifts per minute: 1" in lift._about.value
    assert "1 heure ou moins / 1 hour or less" in lift._about.value
    assert "Prise / Grip: bonne / good" in lift._about.value


def test_switching_language_relabels_and_keeps_the_answer():
    lift = calculator()
    lift._sliders["D"].value = 100
    LANGUAGE.mode = "fr"
    assert lift._sliders["H"].description == "Distance mains-chevilles (H, cm)"
    assert "Indice de levage :" in lift._readout.value and "Lifting" not in lift._readout.value
    assert "Charge : 12 kg" in lift._about.value
    LANGUAGE.mode = "en"
    assert lift._sliders["A"].description == "Twist angle (A, °)"
    assert lift.answer["D"] == 100 and lift._sliders["D"].value == 100


def test_french_page_writes_decimal_commas():
    LANGUAGE.mode = "fr"
    assert "Poids limite conseillé : 7,2 kg" in calculator()._readout.value


def test_a_saved_answer_is_restored_only_where_it_fits():
    lift = calculator(answer={"H": 30, "V": 200, "D": True, "A": 10})
    assert lift.answer == {"H": 30, "V": 30, "D": 60, "A": 10}


def test_a_broken_task_is_refused_in_plain_words_and_leaves_nothing_behind():
    with pytest.raises(ValueError, match="Duration must be one of short, moderate, long"):
        LiftCalculator(PROMPT, {**TASK, "duration": "all day"}, MEASURES)
    with pytest.raises(ValueError, match="measures needs H, V, D and A"):
        LiftCalculator(PROMPT, TASK, {"H": MEASURES["H"]})
    LANGUAGE.mode = "fr"  # no half-built calculator is left listening


def test_closing_stops_following_the_language():
    lift = calculator()
    lift.close()
    LANGUAGE.mode = "en"
    assert lift._sliders["H"].description != "Hand distance from ankles (H, cm)"
