"""Read aloud: speech rendered by espeak-ng when a course is built, played from a cache.

Many learners read French poorly; hearing the prompt helps. Speech is made
once, at build time (``balise build`` calls :func:`render_all`), and stored
as WAV files named by a hash of the language and the text, so a page only
reads a small file and works with no speech engine and no browser voice
(headless test browsers have none). Where the cache lacks a text, the button
says so rather than failing.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import wave
from pathlib import Path
from typing import Callable, Iterable

import ipywidgets as w

from balise.widgets.i18n import LANGS, LANGUAGE, say
from balise.widgets.shown import ShownHTML

VOICES = {"fr": "fr", "en": "en-gb"}
# The folder a page's kernel reads speech from: set by whoever launches it,
# else `audio/` beside the notebook (where `balise build` puts it).
ENV = "BALISE_AUDIO_DIR"


def audio_dir() -> Path:
    return Path(os.environ.get(ENV) or "audio")


def key(text: str, lang: str) -> str:
    return hashlib.sha256(f"{VOICES[lang]}\n{text}".encode()).hexdigest()[:24] + ".wav"


def espeak() -> str | None:
    return shutil.which("espeak-ng")


def render(text: str, lang: str, folder: Path) -> Path:
    """The WAV file for ``text`` in ``lang``, made with espeak-ng if not cached yet."""
    target = folder / key(text, lang)
    if target.exists():
        return target
    engine = espeak()
    if engine is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    # Text goes on stdin, never on the command line: no option can be smuggled in.
    subprocess.run([engine, "-v", VOICES[lang], "-s", "150", "-w", str(partial), "--stdin"],
                   input=text.encode(), check=True, capture_output=True, timeout=60)
    partial.replace(target)
    return target


def render_all(texts: Iterable[tuple[str, str]], folder: Path,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Render every (text, lang) pair not yet cached; the number newly made."""
    todo = [(t, lang) for t, lang in dict.fromkeys(texts) if not (folder / key(t, lang)).exists()]
    for n, (text, lang) in enumerate(todo, start=1):
        render(text, lang, folder)
        if progress:
            progress(n, len(todo))
    return len(todo)


def joined(paths: list[Path]) -> bytes:
    """One WAV of several, one after the other (same voice format, from espeak-ng)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as dst:
        for n, path in enumerate(paths):
            with wave.open(str(path), "rb") as src:
                if n == 0:
                    dst.setparams(src.getparams())
                dst.writeframes(src.readframes(src.getnframes()))
    return out.getvalue()


class ReadAloud(w.VBox):
    """A Listen button; the prompt and options are played in the page's language(s)."""

    def __init__(self, spoken: Callable[[str], str], **kwargs):
        super().__init__(**kwargs)
        self._spoken = spoken
        self.button = w.Button(icon="volume-up",
                               layout=w.Layout(min_height="44px", width="auto"))
        self.button.add_class("balise-listen")
        self.button.on_click(self.play)
        self._slot = w.Box()
        self.relabel()
        self.children = [self.button, self._slot]
        self.add_class("balise-read-aloud")

    def relabel(self) -> None:
        self.button.description = say("Listen")
        self.button.tooltip = say("Listen")

    def texts(self) -> list[tuple[str, str]]:
        return [(self._spoken(lang), lang) for lang in LANGUAGE.langs()]

    def play(self, _=None) -> None:
        folder = audio_dir()
        paths = [folder / key(text, lang) for text, lang in self.texts()]
        if not all(p.exists() for p in paths):
            note = ShownHTML(f'<p role="status">{say("No recording for this text")}</p>')
            self._slot.children = [note]
            return
        player = w.Audio(value=joined(paths), format="wav", autoplay=True, controls=True,
                         layout=w.Layout(width="100%"))
        player.add_class("balise-audio")
        self._slot.children = [player]


def all_texts(spoken: Callable[[str], str]) -> list[tuple[str, str]]:
    """Every (text, lang) a read-aloud button can ask for: each language alone."""
    return [(spoken(lang), lang) for lang in LANGS]
