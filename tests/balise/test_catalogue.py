import shutil
from pathlib import Path

import pytest

from balise import BaliseError
from balise.catalogue.modules import load_catalogue, load_module

COURSES = Path(__file__).resolve().parents[2] / "courses"


def test_postures_module_is_complete():
    module = load_catalogue(COURSES)["postures"]
    assert module.title["fr"] and module.title["en"]
    assert module.pass_mark == 80 and module.validity_months == 12
    assert len(module.quiz) >= 6
    for q in module.quiz:
        assert q.source.strip(), q.id
        assert q.answer in {o["id"] for o in q.options}


def test_public_question_holds_no_key():
    q = load_catalogue(COURSES)["postures"].quiz[0]
    assert set(q.public()) == {"id", "prompt", "options"}


def copy_module(tmp_path: Path) -> Path:
    folder = tmp_path / "postures"
    shutil.copytree(COURSES / "postures", folder)
    return folder


def test_answer_not_among_options_names_file_and_line(tmp_path):
    folder = copy_module(tmp_path)
    yaml_path = folder / "module.yaml"
    text = yaml_path.read_text().replace("    answer: b\n", "    answer: z\n", 1)
    yaml_path.write_text(text)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "answer: z" in ln)
    with pytest.raises(BaliseError) as err:
        load_module(folder)
    assert f"module.yaml, line {line}" in str(err.value)
    assert "Fix:" in str(err.value)


def test_broken_yaml_is_a_plain_message(tmp_path):
    folder = copy_module(tmp_path)
    (folder / "module.yaml").write_text("id: postures\ntitle: {fr: [\n")
    with pytest.raises(BaliseError, match="not valid YAML"):
        load_module(folder)


def test_hostile_yaml_tag_is_refused(tmp_path):
    folder = copy_module(tmp_path)
    (folder / "module.yaml").write_text("id: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(BaliseError):
        load_module(folder)


def test_question_without_source_is_refused(tmp_path):
    folder = copy_module(tmp_path)
    path = folder / "module.yaml"
    path.write_text(path.read_text().replace("    source: Code du travail, art. L4131-1\n", "", 1))
    with pytest.raises(BaliseError, match="source"):
        load_module(folder)


def test_a_story_check_says_what_each_choice_of_the_path_led_to():
    from balise.catalogue.kinds import feedback

    story = next(s for m in load_catalogue(COURSES).values() for s in m.scenarios
                 if s.kind == "story")
    said = story.private["consequences"]
    first = story.public_data["nodes"][0]["choices"]
    wrong = next(c["id"] for c in first if c["id"] != story.answer[0])
    result = feedback(story, [wrong])
    assert result["steps"] == [{"right": False, "practice": said[wrong]}]
    result = feedback(story, list(story.answer))
    assert [s["practice"] for s in result["steps"]] == [said[c] for c in story.answer]
    assert all(s["right"] for s in result["steps"]) and result["right"]



def test_a_wrong_choice_says_why_before_the_practice_and_a_right_one_does_not():
    from balise.catalogue.kinds import feedback

    choice = load_catalogue(COURSES)["culture"].scenario("s3")
    why = choice.private["why"]["c"]
    wrong = feedback(choice, "c")
    assert not wrong["right"]
    for lang in ("fr", "en"):
        assert wrong["practice"][lang] == f"{why[lang]} {choice.practice[lang]}"
    assert feedback(choice, choice.answer)["practice"] == choice.practice
    assert "why" not in str(choice.public())


def test_a_why_on_the_right_option_is_refused_with_where_and_how(tmp_path):
    folder = copy_module(tmp_path)
    text = (folder / "module.yaml").read_text()
    right = "picture: lift-close.svg}"          # postures s1's right option
    assert right in text
    (folder / "module.yaml").write_text(text.replace(
        right, 'picture: lift-close.svg, why: {fr: "Non.", en: "No."}}', 1))
    with pytest.raises(BaliseError, match="the right option needs no 'why'"):
        load_module(folder)
