"""The catalogue: twelve modules, each sourced, easy to read, pictured and drawn per attempt."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from balise.catalogue import rules as content_rules
from balise.catalogue.draw import drawn
from balise.catalogue.modules import load_catalogue
from balise.progress import load_routes

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(REPO / "courses")
MODULES = ["culture", "postures", "ppe", "fire-first-aid", "warehouse", "loading",
           "site-logistics", "heights", "weee", "dismantling", "road", "screen-work"]
CORE = ["culture", "postures", "ppe", "fire-first-aid"]


def test_the_twelve_modules_are_there():
    assert set(MODULES) <= set(CATALOGUE)


@pytest.mark.parametrize("mid", MODULES)
def test_module_shape(mid):
    module = CATALOGUE[mid]
    assert len(module.scenarios) >= 3
    assert len({s.kind for s in module.scenarios}) >= 2
    assert len(module.quiz) >= 10
    assert 1 <= module.draw_size < len(module.quiz)          # each attempt draws a subset
    assert 10 <= module.duration_minutes <= 20
    assert module.instructions, "key instructions, each with its picture"


@pytest.mark.parametrize("mid", MODULES)
def test_every_fact_names_an_allowed_public_source(mid):
    bad = [(item, source) for item, source in content_rules.facts(CATALOGUE[mid])
           if not content_rules.source_ok(source)]
    assert bad == []


@pytest.mark.parametrize("source,ok", [
    ("Code du travail, art. R4323-63", True),
    ("Code du travail, art. R4541-9 et R4541-10", True),
    ("Code de la sécurité sociale, art. R441-2 et R441-3", True),
    ("INRS, ED 924 (Écrans de visualisation. Santé et ergonomie)", True),
    ("NF EN 12195-1", True), ("ISO 7010", True), ("NF EN ISO 7010", True),
    ("ISO 7010 ; Code du travail, art. R4323-91", True),
    ("Équation révisée du NIOSH (Waters et al., 1993), indice de levage", True),
    ("", False), ("INRS", False), ("le bon sens", False), ("Code de la route, art. R412-6", False),
    ("Code du travail", False), ("ISO 7010 ; selon le chef", False), ("Wikipedia", False),
    ("Service-Public.fr, Comment alerter les secours (Samu ou pompiers) en cas d'urgence ?", True),
    ("Service-Public.fr", False), ("service-public, les numéros", False),
])
def test_source_patterns(source, ok):
    assert content_rules.source_ok(source) is ok


@pytest.mark.parametrize("mid", MODULES)
def test_the_right_to_withdraw_says_serious_and_imminent_danger(mid):
    """Code du travail, art. L4131-1: "danger grave et imminent", never "immédiat"."""
    assert content_rules.wrong_words(CATALOGUE[mid]) == []


def test_build_check_refuses_danger_grave_et_immediat(tmp_path):
    import shutil

    from balise.catalogue.modules import load_module

    folder = tmp_path / "culture"
    shutil.copytree(REPO / "courses" / "culture", folder)
    yaml_file = folder / "module.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    assert "grave et imminent" in text
    yaml_file.write_text(text.replace("grave et imminent", "grave et immédiat", 1),
                         encoding="utf-8")
    notebook = folder / "culture.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace(
        "serious and imminent", "serious and\\nimmediate", 1), encoding="utf-8")
    report = content_rules.check(load_module(folder))
    found = [(where.split(",")[0], words) for where, words, _ in report.wrong_words]
    assert found == [("module.yaml", "grave et immédiat"),
                     ("culture.ipynb", "serious and immediate")]
    assert any("Fix: write 'danger grave et imminent'" in p for p in report.problems)


@pytest.mark.parametrize("mid", MODULES)
def test_every_question_offers_at_least_two_wrong_options(mid):
    """A newcomer must choose, not spot the one answer left once a joke is struck out."""
    thin = [q.id for q in CATALOGUE[mid].quiz
            if len([o for o in q.options if o["id"] != q.answer]) < 2]
    assert thin == []


@pytest.mark.parametrize("mid", MODULES)
def test_every_wrong_option_of_a_choice_says_why_it_is_wrong(mid):
    """A wrong pick is explained by what is wrong with it, not only by the practice; the
    explanation stays with the key, off the page."""
    for s in CATALOGUE[mid].scenarios:
        if s.kind != "choice":
            continue
        wrong = {o["id"] for o in s.public_data["options"]} - {s.answer}
        assert set(s.private.get("why", {})) == wrong, (mid, s.id)
        assert all("why" not in o for o in s.public_data["options"]), (mid, s.id)


@pytest.mark.parametrize("mid", MODULES)
def test_french_is_easy_to_read(mid):
    report = content_rules.check(CATALOGUE[mid])
    assert report.median_words <= content_rules.MEDIAN_WORDS
    assert report.longest[0] <= content_rules.MAX_WORDS, report.longest[1]
    assert report.ease >= content_rules.MIN_READING_EASE
    assert report.problems == []


def test_the_readability_measures_can_fail():
    hard = ["Conformément aux dispositions réglementaires applicables, l'employeur détermine, "
            "après consultation des instances représentatives compétentes, les modalités "
            "organisationnelles nécessaires à la prévention des risques professionnels "
            "identifiés dans le document unique d'évaluation."]
    assert content_rules.words(content_rules.sentences(hard)[0]) > content_rules.MAX_WORDS
    assert content_rules.reading_ease(hard) < content_rules.MIN_READING_EASE
    easy = ["Portez vos gants. Regardez la charge. Demandez de l'aide."]
    assert [content_rules.words(s) for s in content_rules.sentences(easy)] == [3, 3, 3]


@pytest.mark.parametrize("mid", MODULES)
def test_pictures_are_drawn_svg_with_bilingual_alternative_text(mid):
    module = CATALOGUE[mid]
    pictures = [i.picture for i in module.instructions]
    assert len(set(pictures)) == len(pictures), "each key instruction has its own picture"
    for item in module.instructions:
        assert item.alt["fr"] and item.alt["en"] and item.alt["fr"] != item.alt["en"]
    for svg in sorted((module.folder / "assets").glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        root = ET.fromstring(text)
        assert root.tag.endswith("svg") and root.get("viewBox"), svg.name
        assert "<script" not in text and not re.search(r'href="(?!#)', text), svg.name
        assert len(text) < 8000, f"{svg.name}: a picture should stay simple"


def _hues(svg: Path) -> set[str]:
    """Colour families (by hue) an SVG paints with: red, yellow, green, blue."""
    import colorsys

    found = set()
    for value in re.findall(r'(?:fill|stroke)[=:]"?\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b',
                            svg.read_text()):
        digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
        r, g, b = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
        hue, light, sat = colorsys.rgb_to_hls(r, g, b)
        if sat < 0.4 or not 0.15 < light < 0.85:
            continue                                     # white, black, greys
        deg = hue * 360
        found.add("red" if deg < 15 or deg > 340 else "yellow" if 40 <= deg <= 65
                  else "green" if 90 <= deg <= 170 else "blue" if 190 <= deg <= 250 else "other")
    return found


@pytest.mark.parametrize("name,colour", [
    ("sign-prohibition.svg", "red"), ("sign-mandatory.svg", "blue"),
    ("sign-warning.svg", "yellow"), ("sign-safe.svg", "green"), ("sign-fire.svg", "red")])
def test_safety_signs_use_iso_7010_colours(name, colour):
    """ISO 7010: red prohibition, blue mandatory, yellow warning, green safe, red fire."""
    svg = CATALOGUE["ppe"].folder / "assets" / name
    assert colour in _hues(svg), f"{name} should be {colour}: {_hues(svg)}"
    others = {"red", "blue", "yellow", "green"} - {colour}
    # A yellow warning sign carries a black symbol; no sign mixes two safety colours.
    assert not (_hues(svg) & others), f"{name} mixes safety colours: {_hues(svg)}"


@pytest.mark.parametrize("mid", MODULES)
def test_each_attempt_draws_its_subset_reproducibly(mid):
    module = CATALOGUE[mid]
    first = drawn(module, "amina", 1)
    assert first == drawn(module, "amina", 1)                 # grading re-draws the same
    assert len(first) == module.draw_size and len(set(first)) == len(first)
    draws = {tuple(drawn(module, "amina", n)) for n in range(1, 9)}
    assert len(draws) > 1                                     # a retake meets other questions
    assert {tuple(drawn(module, who, 1)) for who in ("amina", "yusuf", "lea", "p001")} != {
        tuple(first)}


def test_routes_are_the_common_core_plus_the_job():
    routes = {r.id: r for r in load_routes(REPO / "courses" / "routes.yaml", set(CATALOGUE))}
    assert {"logistics", "construction", "circular-economy", "transport", "digital"} <= set(
        routes)
    for route in routes.values():
        assert route.modules[:4] == CORE, route.id
    assert {"warehouse", "loading"} <= set(routes["logistics"].modules)
    assert {"site-logistics", "heights"} <= set(routes["construction"].modules)
    assert {"weee", "dismantling"} <= set(routes["circular-economy"].modules)
    assert {"road"} <= set(routes["transport"].modules)
    assert {"screen-work"} <= set(routes["digital"].modules)
    assert all(r.skills for r in routes.values() if r.id != "digital")


def test_build_check_writes_nothing_and_reports(tmp_path):
    run = subprocess.run([sys.executable, "-m", "balise.cli", "build", "--check",
                          "--data", str(tmp_path / "data")], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    last = run.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"RESULT modules=\d+ scenarios=\d+ questions=\d+ facts=\d+ unsourced=0"
                        r" audio_missing=0", last)
    assert f"modules={len(CATALOGUE)}" in last
    assert not (tmp_path / "data").exists()


def test_build_check_names_file_line_and_fix(tmp_path):
    import shutil

    courses = tmp_path / "courses"
    shutil.copytree(REPO / "courses" / "postures", courses / "postures")
    (courses / "routes.yaml").write_text("routes: []\n")
    yaml_file = courses / "postures" / "module.yaml"
    yaml_file.write_text(yaml_file.read_text().replace(
        "source: Code du travail, art. R4541-9", "source: le bon sens", 1))
    run = subprocess.run([sys.executable, "-m", "balise.cli", "build", "--check", "--courses",
                          str(courses), "--data", str(tmp_path / "data")], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "module.yaml" in run.stdout and "Fix:" in run.stdout and "le bon sens" in run.stdout
    assert "unsourced=1" in run.stdout.splitlines()[-1]


def test_a_comma_in_unquoted_text_is_refused_with_the_line(tmp_path):
    """YAML would silently cut `{fr: Loin devant moi, bras tendus}` at the comma."""
    import shutil

    from balise import BaliseError
    from balise.catalogue.modules import load_module

    folder = tmp_path / "postures"
    shutil.copytree(REPO / "courses" / "postures", folder)
    text = (folder / "module.yaml").read_text()
    quoted = '"Loin devant moi, bras tendus"'
    assert quoted in text
    (folder / "module.yaml").write_text(text.replace(quoted, "Loin devant moi, bras tendus"))
    with pytest.raises(BaliseError, match=r"module.yaml, line \d+ .*no value.*double quotes"):
        load_module(folder)
