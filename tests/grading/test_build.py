"""The release a learner gets holds no key; the source nbgrader keeps does."""

import json

import nbformat

from balise.grading.build import BUILD_STAMP


def release_of(balise):
    return balise.course_root / "release" / "postures" / "postures.ipynb"


def test_release_has_quiz_but_no_answer_key(built_course):
    from balise.catalogue.modules import load_catalogue

    module = load_catalogue(built_course.courses_path)["postures"]
    text = release_of(built_course).read_text()
    nb = nbformat.reads(text, as_version=4)
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    assert {"quiz_display", "answers", "submit"} <= ids
    assert set(module.grade_names) <= ids
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert "assert ANSWERS" not in text
    sheet = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answers")
    assert sheet.source == "ANSWERS = {}"
    for item in module.graded_items:
        assert item.practice["fr"] not in text, f"{item.id}: practice (the answer) leaked"
        assert item.practice["en"] not in text, f"{item.id}: practice (the answer) leaked"
    sources = "\n".join(c.source for c in nb.cells)
    for scenario in module.scenarios:
        if isinstance(scenario.answer, (list, dict)):
            # The ordering's right order, the hazard's zones: a key a page must not hold.
            # (A choice's key is one of the option ids the page shows: nothing to hide.)
            assert repr(scenario.answer) not in sources
        assert f"'{scenario.id}': " not in sources and f'"{scenario.id}": ' not in sources
    assert '"answer"' not in sources and "correct" not in sources


def test_source_keeps_key_and_hidden_tests(built_course):
    text = (built_course.course_root / "source" / "postures" / "postures.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" in text and "assert ANSWERS.get('quiz1') in [['q1', " in text


def test_unchanged_module_is_not_rebuilt(built_course):
    from balise.cli import build

    stamp = built_course.course_root / "release" / "postures" / BUILD_STAMP
    before = stamp.stat().st_mtime_ns
    assert build(built_course, out=open("/dev/null", "w")) == []
    assert stamp.stat().st_mtime_ns == before


def test_release_shows_every_source_it_cites(built_course):
    nb = json.loads(release_of(built_course).read_text())
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "Source : Code du travail, art. L4141-2" in markdown
    assert "Source : Code du travail, art. R4541-9" in markdown
