"""The release a learner gets holds no key; the source nbgrader keeps does."""

import io
import json
import re
from pathlib import Path

import nbformat
import pytest

from balise.grading.build import BUILD_STAMP

REPO = Path(__file__).resolve().parents[2]


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
    # Each folded under a small "Source" that unfolds, not written after its sentence.
    for cited in ("Code du travail, art. L4141-2", "Code du travail, art. R4541-9"):
        assert re.search(r'<details class="balise-source"><summary>Source</summary><small>'
                         r'[^<]*' + re.escape(cited), markdown), cited
    assert "Source :" not in markdown


def test_every_authored_source_line_is_folded():
    from balise.catalogue.modules import load_catalogue
    from balise.grading.build import source_notebook

    for module in load_catalogue(COURSES).values():
        authored = nbformat.read(module.notebook, as_version=4)
        lines = sum(c.source.count("<small>Source") for c in authored.cells
                    if c.cell_type == "markdown")
        built = "".join(c.source for c in source_notebook(module).cells
                        if c.cell_type == "markdown")
        assert "Source :" not in built, module.id
        assert built.count('<details class="balise-source">') == lines, module.id


# --- read aloud ------------------------------------------------------------------------

COURSES = Path(__file__).resolve().parents[2] / "courses"


def spoken_by_kind(module) -> dict[str, tuple[str, str]]:
    """One text the page can read aloud of each kind, in French, as the build records it."""
    from balise.grading.build import page_texts, public_instructions
    from balise.widgets.base import feedback_spoken
    from balise.widgets.factory import make
    from balise.widgets.quiz import spoken

    scenario = make(module.scenarios[0].public(), assets=module.folder / "assets")
    kinds = {"intro": page_texts(module)[0]["fr"],
             "instruction": public_instructions(module)[0]["fr"],
             "situation": scenario.spoken("fr"),
             "question": spoken(module.quiz[-1].public(), "fr"),
             "feedback": feedback_spoken(False, module.scenarios[0].practice, "fr")}
    scenario.close()
    return {kind: (text, "fr") for kind, text in kinds.items()}


def test_every_kind_of_learner_text_is_collected_for_read_aloud():
    from balise.catalogue.modules import load_module
    from balise.grading.build import spoken_texts

    module = load_module(COURSES / "heights")
    texts = spoken_texts(module)
    for kind, text in spoken_by_kind(module).items():
        assert text in texts, f"{kind} is not read aloud: {text[0][:60]!r}"
    assert module.quiz[-1].options[-1]["en"] in "".join(t for t, lang in texts if lang == "en")
    assert len(texts) == len(set(texts))
    assert module.quiz[0].practice["fr"] not in "".join(t for t, _ in texts), \
        "a quiz question's practice (its answer) is recorded"


def test_each_authored_text_gets_its_listen_button():
    from balise.catalogue.modules import load_module
    from balise.grading.build import page_texts, source_notebook

    module = load_module(COURSES / "heights")
    nb = source_notebook(module)
    listen = [c for c in nb.cells if c.source.startswith("from balise.widgets.speech import")]
    texts = page_texts(module)
    assert len(listen) == len(texts) >= 5
    assert repr(texts[0]) in listen[0].source and "<span" not in listen[0].source
    previous = nb.cells[nb.cells.index(listen[0]) - 1]
    assert previous.cell_type == "markdown" and texts[0]["fr"].split("\n")[0] in previous.source
    grade_ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(grade_ids) == len(set(grade_ids))


@pytest.mark.slow
def test_a_build_without_the_espeak_program_records_every_text(tmp_path, monkeypatch):
    """A machine with python3 only: `make install` brings the eSpeak NG library from PyPI."""
    import shutil
    import sys
    import time
    import wave

    from balise.catalogue.modules import load_catalogue
    from balise.cli import build, check_courses
    from balise.config import Balise
    from balise.grading.build import spoken_texts
    from balise.widgets import speech

    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    assert shutil.which("espeak-ng") is None
    balise = Balise(data_dir=str(tmp_path / "data"), courses_dir=str(COURSES))
    log = io.StringIO()
    started = time.monotonic()
    build(balise, out=log)
    took = time.monotonic() - started
    assert "no speech engine" not in log.getvalue()
    release = balise.course_root / "release"
    total = 0
    for module in load_catalogue(COURSES).values():
        audio = release / module.id / "audio"
        texts = spoken_texts(module)
        missing = [t for t, lang in texts if not (audio / speech.key(t, lang)).exists()]
        assert not missing, f"{module.id}: {len(missing)} texts not recorded: {missing[:3]}"
        total += len(texts)
        for text, lang in texts[:3]:
            with wave.open(str(audio / speech.key(text, lang))) as recording:
                assert recording.getnframes() > recording.getframerate() // 2
    print(f"built with speech in {took:.1f} s, {total} texts recorded")

    report = io.StringIO()
    assert check_courses(balise, out=report) in (0, 1)
    assert report.getvalue().rstrip().endswith("audio_missing=0"), report.getvalue()[-300:]


def test_build_check_counts_the_texts_a_build_could_not_record(tmp_path, monkeypatch):
    import shutil

    from balise.catalogue.modules import load_module
    from balise.cli import check_courses
    from balise.config import Balise
    from balise.grading.build import spoken_texts
    from balise.widgets import espeak

    courses = tmp_path / "courses"
    shutil.copytree(COURSES / "postures", courses / "postures")
    (courses / "routes.yaml").write_text("routes: []\n")
    balise = Balise(data_dir=str(tmp_path / "data"), courses_dir=str(courses))
    expected = len(spoken_texts(load_module(courses / "postures")))

    def result_line() -> str:
        out = io.StringIO()
        check_courses(balise, out=out)
        return out.getvalue().strip().splitlines()[-1]

    assert result_line().endswith(" audio_missing=0")
    monkeypatch.setattr(espeak, "engine", lambda: None)
    assert result_line().endswith(f" audio_missing={expected}")
    assert not (tmp_path / "data").exists(), "--check wrote something"


def test_without_any_speech_engine_the_build_says_so_and_goes_on(tmp_path, monkeypatch):
    from balise.catalogue.modules import load_module
    from balise.grading.build import render_speech
    from balise.widgets import espeak

    monkeypatch.setattr(espeak, "engine", lambda: None)
    out = io.StringIO()
    made = render_speech(load_module(COURSES / "postures"), tmp_path / "release",
                         tmp_path / "cache", out)
    assert made == 0 and "no speech engine" in out.getvalue()
    assert not list((tmp_path / "release" / "audio").iterdir())


@pytest.mark.slow
def test_a_module_that_cannot_be_rebuilt_stays_in_service(tmp_path):
    """nbgrader refuses to add grade cells once a module is submitted, and removes the
    release it failed to rebuild: Balise keeps the previous one, and says why."""
    import shutil

    from balise.cli import build
    from balise.config import Balise
    from balise.grading.coursedir import ensure_tools_on_path

    courses = tmp_path / "courses"
    shutil.copytree(REPO / "courses" / "postures", courses / "postures")
    shutil.copy(REPO / "courses" / "glossary.yaml", courses / "glossary.yaml")
    balise = Balise(data_dir=str(tmp_path / "data"), courses_dir=str(courses))
    build(balise, out=io.StringIO())
    release = release_of(balise)
    before = release.read_text()
    ensure_tools_on_path()
    from nbgrader.api import Gradebook

    with Gradebook(balise.gradebook_url) as gb:           # a learner has submitted it
        gb.add_student("amina")
        gb.add_submission("postures", "amina")
    yaml_file = courses / "postures" / "module.yaml"
    text = yaml_file.read_text()
    assert "\nquiz_draw: 8\n" in text
    yaml_file.write_text(text.replace("\nquiz_draw: 8\n", "\nquiz_draw: 9\n"))   # a slot more
    out = io.StringIO()
    build(balise, out=out)
    said = out.getvalue()
    assert "KEPT" in said and "previous version stays in service" in said, said
    assert release.read_text() == before                  # the learners' page is still there
    assert not list((balise.course_root / "release").glob(".postures*"))
