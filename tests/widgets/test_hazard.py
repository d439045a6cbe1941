"""The hazard hunt without a kernel: the picture and the list follow each other."""

from balise.widgets.hazard import HazardHunt, SceneMap

PROMPT = {"fr": "Trouvez les dangers.", "en": "Find the hazards."}
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 400"><rect width="640" ' \
      'height="400"/></svg>'
ZONES = [{"id": "pallet", "fr": "Palette", "en": "Pallet", "x": 10, "y": 20, "width": 100,
          "height": 50},
         {"id": "trolley", "fr": "Chariot", "en": "Trolley", "x": 300, "y": 200, "width": 80,
          "height": 60},
         {"id": "lift", "fr": "Charge loin", "en": "Load far", "x": 500, "y": 100,
          "width": 90, "height": 120}]


def hunt(**kwargs) -> HazardHunt:
    return HazardHunt(PROMPT, SVG, ZONES, **kwargs)


def toggles(h: HazardHunt) -> dict[str, bool]:
    return {z["id"]: t.value for z, t in zip(ZONES, h._toggles)}


def test_a_zone_tapped_on_the_picture_presses_its_toggle_and_joins_the_answer():
    h = hunt()
    h._map.found = ["lift", "pallet"]
    assert h.answer == ["lift", "pallet"]
    assert toggles(h) == {"pallet": True, "trolley": False, "lift": True}
    assert h._toggles[0].description == "1. Palette / Pallet"


def test_a_toggle_pressed_in_the_list_marks_the_zone_on_the_picture():
    h = hunt()
    h._toggles[1].value = True
    assert h._map.found == ["trolley"] and h.answer == ["trolley"]
    h._toggles[1].value = False
    assert h._map.found == [] and h.answer == []


def test_a_saved_answer_is_shown_on_both_and_unknown_zones_are_dropped():
    h = hunt(answer=["trolley", "ghost", "pallet"])
    assert h.answer == ["pallet", "trolley"]
    assert h._map.found == ["pallet", "trolley"]
    assert toggles(h) == {"pallet": True, "trolley": True, "lift": False}


def test_a_zone_the_page_invents_is_not_kept():
    h = hunt()
    h._map.found = ["pallet", "<img src=x>"]
    assert h.answer == ["pallet"] and h._map.found == ["pallet"]


def test_check_receives_the_marked_zones_and_shows_the_verdict():
    seen = []

    def check(answer):
        seen.append(answer)
        return {"right": answer == ["lift", "pallet"], "source": "INRS ED 6161",
                "practice": {"fr": "Dégagez les allées.", "en": "Keep aisles clear."}}

    h = hunt(check=check)
    h._map.found = ["pallet"]
    h._check_button.click()
    assert seen == [["pallet"]] and h.status == "wrong" and "✘" in h._feedback.value
    h._toggles[2].value = True
    h._check_button.click()
    assert seen[-1] == ["lift", "pallet"] and h.status == "right"
    assert "INRS ED 6161" in h._feedback.value


def test_the_picture_gets_the_zones_boxes_and_names_in_the_pages_language():
    from balise.widgets.i18n import LANGUAGE

    h = hunt(scene_alt={"fr": "Un quai", "en": "A dock"})
    try:
        assert h._map.svg == SVG and h._map.alt == "Un quai / A dock"
        assert h._map.zones[0] == {"id": "pallet", "label": "Palette / Pallet", "x": 10,
                                   "y": 20, "width": 100, "height": 50}
        LANGUAGE.mode = "en"
        assert h._map.alt == "A dock" and h._map.zones[2]["label"] == "Load far"
        assert h._toggles[2].description == "3. Load far"
    finally:
        LANGUAGE.mode = "both"
        h.close()


def test_the_picture_is_an_anywidget_with_its_own_front_end():
    state = SceneMap().get_state()
    assert "export default" in state["_esm"] and ".balise-map-zone" in state["_css"]
    assert {"svg", "alt", "label", "zones", "found"} <= set(state)


def test_the_list_toggles_carry_the_zone_ids_for_tests_and_styles():
    h = hunt()
    assert [t._dom_classes for t in h._toggles] == [
        ("balise-zone-pallet",), ("balise-zone-trolley",), ("balise-zone-lift",)]
    assert "balise-check" in h._check_button._dom_classes
