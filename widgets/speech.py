"""Read aloud: speech recorded with eSpeak NG when a course is built, played from a cache.

Many learners read French poorly; hearing the prompt helps. Speech is made
once, at build time (``balise build`` calls :func:`render_all`), by the
eSpeak NG library that ``pip install`` brings (see :mod:`balise.widgets.espeak`),
and stored as WAV files named by a hash of the voice and the text, so a page
only reads a small file and works with no speech engine and no browser voice
(headless test browsers have none). Where the cache lacks a text, the Listen
button has the browser say it with its own voice (``speechSynthesis``) in the
page's language; only a browser with no speech at all writes that there is no
recording.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import wave
from pathlib import Path
from typing import Callable, Iterable

import anywidget
import ipywidgets as w
from traitlets import Int, List, Unicode

from balise.widgets.espeak import Engine, SpeechError, engine
from balise.widgets.i18n import LANGS, LANGUAGE, say

VOICES = {"fr": "fr", "en": "en-gb"}
# The browser's names of the same languages, for its own voices.
BROWSER_LANGS = {"fr": "fr-FR", "en": "en-GB"}
# The folder a page's kernel reads speech from: set by whoever launches it,
# else `audio/` beside the notebook (where `balise build` puts it).
ENV = "BALISE_AUDIO_DIR"
JS = Path(__file__).parent / "js"
log = logging.getLogger(__name__)


def audio_dir() -> Path:
    return Path(os.environ.get(ENV) or "audio")


def key(text: str, lang: str) -> str:
    return hashlib.sha256(f"{VOICES[lang]}\n{text}".encode()).hexdigest()[:24] + ".wav"


def render(text: str, lang: str, folder: Path, speaker: Engine | None = None) -> Path:
    """The WAV file for ``text`` in ``lang``, recorded if not cached yet.

    ``speaker`` defaults to :func:`balise.widgets.espeak.engine`; raises
    :class:`~balise.widgets.espeak.SpeechError` when there is none or it fails.
    """
    target = folder / key(text, lang)
    if target.exists():
        return target
    speaker = speaker or engine()
    if speaker is None:
        raise SpeechError("no speech engine: neither the espeakng-loader library (make install) "
                          "nor the espeak-ng program")
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(speaker.wav(text, VOICES[lang]))
    partial.replace(target)
    return target


def render_all(texts: Iterable[tuple[str, str]], folder: Path,
               progress: Callable[[int, int], None] | None = None,
               speaker: Engine | None = None) -> int:
    """Render every (text, lang) pair not yet cached; the number newly made."""
    todo = [(t, lang) for t, lang in dict.fromkeys(texts) if not (folder / key(t, lang)).exists()]
    speaker = speaker or (engine() if todo else None)
    for n, (text, lang) in enumerate(todo, start=1):
        render(text, lang, folder, speaker)
        if progress:
            progress(n, len(todo))
    return len(todo)


def unrecorded(texts: Iterable[tuple[str, str]], folder: Path,
               speaker: Engine | None) -> list[tuple[str, str]]:
    """The (text, lang) pairs a build would leave without a recording; nothing is written.

    A text in ``folder`` is recorded; any other is said in memory by ``speaker``
    and counts as missing when there is no speaker or it fails.
    """
    missing = []
    for text, lang in dict.fromkeys(texts):
        if (folder / key(text, lang)).exists():
            continue
        try:
            if speaker is not None and speaker.wav(text, VOICES[lang]):
                continue
        except SpeechError as err:
            log.warning("this text would have no recording: %s", err)   # and is counted
        missing.append((text, lang))
    return missing


def joined(paths: list[Path]) -> bytes:
    """One WAV of several, one after the other (same voice format, from eSpeak NG)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as dst:
        for n, path in enumerate(paths):
            with wave.open(str(path), "rb") as src:
                if n == 0:
                    dst.setparams(src.getparams())
                dst.writeframes(src.readframes(src.getnframes()))
    return out.getvalue()


class BrowserVoice(anywidget.AnyWidget):
    """Texts said by the browser's own voices, where Balise has no recording of them."""

    _esm = JS / "speech.js"

    parts = List(List(Unicode()), help="[text, language] pairs said in turn, the language as "
                 "the browser names it ('fr-FR', 'en-GB').").tag(sync=True)
    said = Int(0, help="Counted up to say the parts again (one more click on Listen).").tag(
        sync=True)
    unavailable = Unicode("", help="Shown instead when the browser cannot speak.").tag(sync=True)


class ReadAloud(w.VBox):
    """A Listen button; ``spoken(lang)`` is played in the page's language(s).

    The recording when the page's audio folder has one for every language
    shown, else the browser's voice (:class:`BrowserVoice`). ``box_class`` and
    ``button_class`` name it on the page: a second button of a widget (its
    feedback's) takes names of its own, so the first stays the one so named.
    """

    def __init__(self, spoken: Callable[[str], str], box_class: str = "balise-read-aloud",
                 button_class: str = "balise-listen", **kwargs):
        super().__init__(**kwargs)
        self._spoken = spoken
        self.button = w.Button(icon="volume-up",
                               layout=w.Layout(min_height="44px", width="auto"))
        self.button.add_class(button_class)
        self.button.on_click(self.play)
        self._slot = w.Box()
        self.relabel()
        self.children = [self.button, self._slot]
        self.add_class(box_class)

    def relabel(self) -> None:
        self.button.description = say("Listen")
        self.button.tooltip = say("Listen")
        for voice in self._slot.children:
            if isinstance(voice, BrowserVoice):
                voice.unavailable = say("No recording for this text")

    def texts(self) -> list[tuple[str, str]]:
        return [(self._spoken(lang), lang) for lang in LANGUAGE.langs()]

    def play(self, _=None) -> None:
        folder = audio_dir()
        texts = self.texts()
        paths = [folder / key(text, lang) for text, lang in texts]
        if all(p.exists() for p in paths):
            player = w.Audio(value=joined(paths), format="wav", autoplay=True, controls=True,
                             layout=w.Layout(width="100%"))
            player.add_class("balise-audio")
            self._show(player)
            return
        parts = [[text, BROWSER_LANGS[lang]] for text, lang in texts]
        voice = self._slot.children[0] if self._slot.children else None
        if isinstance(voice, BrowserVoice):
            with voice.hold_sync():
                voice.parts = parts
                voice.said += 1
        else:
            self._show(BrowserVoice(parts=parts, unavailable=say("No recording for this text")))

    def _show(self, widget: w.Widget) -> None:
        # The last player goes: a page clicked many times keeps one, not one per click.
        old = self._slot.children
        self._slot.children = [widget]
        for child in old:
            child.close()

    def close(self) -> None:
        for child in (*self._slot.children, self._slot, self.button):
            child.close()
        super().close()


class Listen(ReadAloud):
    """A Listen button on its own, for a text of the page (the introduction...).

    ``text`` is ``{'fr': ..., 'en': ...}``; the button relabels itself when the
    page's language changes.
    """

    def __init__(self, text: dict[str, str], **kwargs):
        super().__init__(lambda lang: text[lang], **kwargs)
        LANGUAGE.observe(self._on_language, names="mode")

    def _on_language(self, _change=None) -> None:
        self.relabel()

    def close(self) -> None:
        try:
            LANGUAGE.unobserve(self._on_language, names="mode")
        except ValueError:
            pass                                # closed before
        super().close()


def numbered(first: str, items: Iterable[str]) -> str:
    """What a Listen button says of a question: the question, then each item numbered."""
    return "\n".join([first, *(f"{n}. {item}" for n, item in enumerate(items, start=1))])


def all_texts(spoken: Callable[[str], str]) -> list[tuple[str, str]]:
    """Every (text, lang) a read-aloud button can ask for: each language alone."""
    return [(spoken(lang), lang) for lang in LANGS]
