"""Read aloud: recorded with the eSpeak NG library from PyPI, else said by the browser's voice."""

import hashlib
import io
import shutil
import wave

import pytest

from balise.widgets import LANGUAGE, Choice, Quiz, espeak, speech
from balise.widgets.i18n import say
from balise.widgets.speech import BrowserVoice, Listen, ReadAloud

TEXT = {"fr": "Une échelle sert à monter.", "en": "A ladder is for climbing."}
PROMPT = {"fr": "Quoi ?", "en": "What?"}
OPTIONS = [{"id": "a", "fr": "Un", "en": "One"}, {"id": "b", "fr": "Deux", "en": "Two"}]


@pytest.fixture
def no_program(tmp_path, monkeypatch):
    """A PATH without the espeak-ng program, as on a machine with python3 only."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("espeak-ng") is None


@pytest.fixture
def audio(tmp_path, monkeypatch):
    folder = tmp_path / "audio"
    monkeypatch.setenv(speech.ENV, str(folder))
    return folder


def frames(data: bytes) -> tuple[int, int]:
    with wave.open(io.BytesIO(data)) as f:
        return f.getnframes(), f.getframerate()


def test_the_file_name_is_a_hash_of_voice_and_text():
    digest = hashlib.sha256(f"en-gb\n{TEXT['en']}".encode()).hexdigest()[:24]
    assert speech.key(TEXT["en"], "en") == digest + ".wav"
    assert speech.key(TEXT["fr"], "fr") != speech.key(TEXT["fr"], "en")


def test_speech_is_recorded_without_the_espeak_program(no_program, tmp_path):
    engine = espeak.engine()
    assert isinstance(engine, espeak.Library), "the espeakng-loader library did not load"
    for lang in ("fr", "en"):
        path = speech.render(TEXT[lang], lang, tmp_path / "cache")
        assert path.name == speech.key(TEXT[lang], lang)
        count, rate = frames(path.read_bytes())
        assert rate == engine.rate and count > rate      # more than a second of speech
    assert not list((tmp_path / "cache").glob("*.part"))


def test_each_language_has_its_own_voice():
    engine = espeak.engine()
    assert engine.wav(TEXT["en"], "en-gb") != engine.wav(TEXT["en"], "fr")


def test_an_unknown_voice_is_an_error_not_silence():
    with pytest.raises(espeak.SpeechError, match="zz-nope"):
        espeak.engine().wav("x", "zz-nope")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng program here")
def test_the_program_is_the_fallback_and_speaks_alike(monkeypatch):
    library = espeak.engine()
    monkeypatch.setattr(espeak, "_library_once", lambda: None)
    program = espeak.engine()
    assert isinstance(program, espeak.Program)
    by_program, by_library = frames(program.wav(TEXT["fr"], "fr")), frames(
        library.wav(TEXT["fr"], "fr"))
    assert by_program[1] == by_library[1]
    assert abs(by_program[0] - by_library[0]) < 0.2 * by_library[0]


def test_unrecorded_counts_what_no_engine_can_say(tmp_path):
    speech.render(TEXT["fr"], "fr", tmp_path)
    texts = [(TEXT["fr"], "fr"), (TEXT["en"], "en"), (TEXT["en"], "en")]
    assert speech.unrecorded(texts, tmp_path, None) == [(TEXT["en"], "en")]
    assert speech.unrecorded(texts, tmp_path, espeak.engine()) == []
    assert not (tmp_path / speech.key(TEXT["en"], "en")).exists(), "unrecorded wrote a file"


def test_listen_plays_the_recordings_and_keeps_one_player(audio):
    for lang in ("fr", "en"):
        speech.render(TEXT[lang], lang, audio)
    reader = ReadAloud(lambda lang: TEXT[lang])
    reader.play()
    first = reader._slot.children[0]
    assert "balise-audio" in first._dom_classes and first.format == "wav"
    assert frames(first.value)[0] > frames((audio / speech.key(TEXT["fr"], "fr")).read_bytes())[0]
    reader.play()
    assert reader._slot.children[0] is not first and first.comm is None, "old player kept"


def test_listen_without_a_recording_has_the_browser_say_it(audio):
    reader = ReadAloud(lambda lang: TEXT[lang])
    reader.play()
    voice = reader._slot.children[0]
    assert isinstance(voice, BrowserVoice)
    assert voice.parts == [[TEXT["fr"], "fr-FR"], [TEXT["en"], "en-GB"]]
    assert voice.unavailable == say("No recording for this text", "both")
    try:
        LANGUAGE.mode = "en"
        reader.relabel()
        reader.play()
        assert reader._slot.children == (voice,) and voice.said == 1
        assert voice.parts == [[TEXT["en"], "en-GB"]]
        assert voice.unavailable == say("No recording for this text", "en")
    finally:
        LANGUAGE.mode = "both"


# The front-end run in Node with a stand-in page: the model, the element, speechSynthesis.
HARNESS = r"""
const said = [], handlers = {}, notes = [];
const traits = JSON.parse(process.argv[2]);
globalThis.window = globalThis;
if (traits.speech) {
  globalThis.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.listeners = {}; }
    addEventListener(name, f) { this.listeners[name] = f; }
  };
  globalThis.speechSynthesis = {
    getVoices: () => [{ lang: "fr-FR", name: "fr" }, { lang: "en_GB", name: "en" }],
    cancel: () => said.push("cancel"),
    speak: (u) => {
      said.push([u.text, u.lang, u.voice && u.voice.name]);
      if (traits.fail) u.listeners.error({ error: "synthesis-failed" });
    },
  };
}
const model = { get: (k) => traits[k], on: (e, f) => { handlers[e] = f; }, off: () => {} };
const el = { append: (n) => notes.push(n) };
const note = () => notes[0].textContent;
globalThis.document = { createElement: () => ({ setAttribute() {}, textContent: "" }) };
const { default: widget } = await import(process.argv[1]);
widget.render({ model, el });
const first = note();
handlers["change:said"]();
console.log(JSON.stringify({ said, first, note: note() }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="no node here")
@pytest.mark.parametrize("speech_, fail", [(True, False), (True, True), (False, False)])
def test_the_browser_voice_says_each_part_in_its_language(tmp_path, speech_, fail):
    import json
    import subprocess

    module = tmp_path / "speech.mjs"
    module.write_text(BrowserVoice()._esm)
    traits = {"parts": [["Bonjour", "fr-FR"], ["Hello", "en-GB"]], "said": 0,
              "unavailable": "No recording", "speech": speech_, "fail": fail}
    run = subprocess.run(["node", "--input-type=module", "-e", HARNESS, module.as_uri(),
                          json.dumps(traits)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    if not speech_:
        assert out == {"said": [], "first": "No recording", "note": "No recording"}
        return
    once = ["cancel", ["Bonjour", "fr-FR", "fr"], ["Hello", "en-GB", "en"]]
    assert out["said"] == once + once, "a second click says it all again, from the start"
    assert out["note"] == ("No recording" if fail else "")


def test_a_page_text_listen_button_follows_the_language():
    button = Listen(TEXT)
    try:
        LANGUAGE.mode = "fr"
        assert button.button.description == say("Listen", "fr")
        assert button.texts() == [(TEXT["fr"], "fr")]
    finally:
        LANGUAGE.mode = "both"
    button.close()
    LANGUAGE.mode = "en"                # a closed button no longer listens
    LANGUAGE.mode = "both"


def test_every_quiz_question_has_a_listen_button_with_its_options():
    q = Quiz([{"id": "q1", "prompt": PROMPT, "options": OPTIONS},
              {"id": "q2", "prompt": TEXT, "options": OPTIONS}])
    assert len(q._readers) == 2
    assert all(r in box.children for r, box in zip(q._readers, q.children[1:]))
    assert q._readers[0].texts() == [("Quoi ?\n1. Un\n2. Deux", "fr"),
                                     ("What?\n1. One\n2. Two", "en")]
    try:
        LANGUAGE.mode = "en"
        assert q._readers[1].button.description == say("Listen", "en")
    finally:
        LANGUAGE.mode = "both"
    old = q._readers
    q.show([{"id": "q3", "prompt": PROMPT, "options": OPTIONS}])
    assert len(q._readers) == 1 and q._readers[0] not in old    # only the draw's buttons shown
    assert not any(r in box.children for r in old for box in q.children[1:])
    q.show([{"id": "q1", "prompt": PROMPT, "options": OPTIONS},
            {"id": "q3", "prompt": PROMPT, "options": OPTIONS}])
    # Made once per question of the bank: attempts after attempts add no widget.
    assert q._readers[0] is old[0] and len(q._built) == 3


def test_feedback_has_a_listen_button_once_shown():
    practice = {"fr": "Parce que.", "en": "Because."}
    c = Choice(PROMPT, OPTIONS, check=lambda answer: {"right": answer == "b", "source": "X",
                                                      "practice": practice})
    reader = c._feedback_reader
    assert reader in c.children and reader.layout.display == "none"
    # Named apart on the page: `.balise-read-aloud` and `.balise-listen` stay the prompt's.
    assert "balise-read-aloud" not in reader._dom_classes
    assert "balise-listen" not in reader.button._dom_classes
    c._buttons.value = "a"
    assert reader.layout.display is None
    assert reader.texts() == [("Pas tout à fait.\nParce que.", "fr"),
                              ("Not quite.\nBecause.", "en")]
    c._buttons.value = "b"
    assert reader.texts()[0] == ("Bonne réponse.\nParce que.", "fr")


def test_an_error_is_not_read_aloud():
    c = Choice(PROMPT, OPTIONS, check=lambda answer: {"error": "server unreachable"})
    c._buttons.value = "a"
    assert c.status == "error" and c._feedback_reader.layout.display == "none"
