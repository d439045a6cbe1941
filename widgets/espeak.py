"""Speech from eSpeak NG: its library from PyPI first, else Debian's ``espeak-ng`` program.

``pip install`` brings libespeak-ng and its voices (the ``espeakng-loader``
wheel), so a machine with python3 only can record every text; the library is
driven through ctypes inside this process, a few milliseconds a text. Where the
wheel cannot be loaded (a platform it has no build for), the ``espeak-ng``
program on PATH does the same work, one process a text. Both say a text in the
same voice and at the same speed, so the recordings of one are as good as the
other's and a cache made by either serves both.
"""

from __future__ import annotations

import ctypes
import io
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import wave
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

WORDS_PER_MINUTE = 150          # slower than eSpeak's 175: many learners are not native speakers

# From eSpeak NG's speak_lib.h.
AUDIO_OUTPUT_SYNCHRONOUS = 2    # espeak_Synth returns once every sample went to the callback
INITIALIZE_DONT_EXIT = 0x8000   # on a bad data folder, return an error instead of exit()
POS_CHARACTER = 1
CHARS_UTF8 = 1
ENDPAUSE = 0x1000               # a short silence at the end, as the program adds
PARAMETER_RATE = 1
EE_OK = 0

CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                            ctypes.c_void_p)


class SpeechError(RuntimeError):
    """eSpeak NG could not say a text: the message names the voice and what failed."""


class VoiceQuery(ctypes.Structure):
    """``espeak_VOICE``: a voice asked for by language when no voice has that name."""

    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_char_p),
                ("identifier", ctypes.c_char_p), ("gender", ctypes.c_ubyte),
                ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte), ("xx1", ctypes.c_ubyte),
                ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


def wav_bytes(samples: bytes, rate: int) -> bytes:
    """A mono 16-bit WAV file holding ``samples``, the format eSpeak NG speaks in."""
    out = io.BytesIO()
    with wave.open(out, "wb") as dst:
        dst.setnchannels(1)
        dst.setsampwidth(2)
        dst.setframerate(rate)
        dst.writeframes(samples)
    return out.getvalue()


class Engine:
    """Says a text in an eSpeak NG voice. Subclasses must override :meth:`wav`."""

    name = "eSpeak NG"

    def wav(self, text: str, voice: str) -> bytes:
        """The WAV file (its bytes) of ``text`` said in ``voice`` (``fr``, ``en-gb``).

        Raises :class:`SpeechError` when eSpeak NG fails.
        """
        raise NotImplementedError


class Library(Engine):
    """libespeak-ng loaded in this process; one text at a time (the library is not reentrant)."""

    def __init__(self, library: str, data: str):
        self.name = f"libespeak-ng ({library})"
        lib = ctypes.CDLL(library)
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(VoiceQuery)]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [CALLBACK]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                     ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                     ctypes.c_void_p, ctypes.c_void_p]
        self.rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, os.fsencode(data),
                                          INITIALIZE_DONT_EXIT)
        if self.rate <= 0:
            raise SpeechError(f"libespeak-ng would not start with the voices in {data} "
                              f"(error {self.rate})")
        self._lib = lib
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []          # the text being said; only under the lock
        self._callback = CALLBACK(self._collect)  # kept: the library holds only a pointer
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, samples, count: int, _events) -> int:
        if samples and count > 0:
            self._chunks.append(ctypes.string_at(samples, count * 2))
        return 0                                # 0: go on

    def _select(self, voice: str) -> None:
        # A voice file's name ("fr") or else a language ("en-gb"), as the program's -v does.
        if self._lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
            query = VoiceQuery(languages=voice.encode())
            if self._lib.espeak_SetVoiceByProperties(ctypes.byref(query)) != EE_OK:
                raise SpeechError(f"libespeak-ng has no voice for '{voice}'")
        self._lib.espeak_SetParameter(PARAMETER_RATE, WORDS_PER_MINUTE, 0)

    def wav(self, text: str, voice: str) -> bytes:
        data = text.encode()
        with self._lock:
            self._select(voice)
            self._chunks = []
            error = self._lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0,
                                           CHARS_UTF8 | ENDPAUSE, None, None)
            if error == EE_OK:
                error = self._lib.espeak_Synchronize()
            samples, self._chunks = b"".join(self._chunks), []
        if error != EE_OK or not samples:
            raise SpeechError(f"libespeak-ng could not say a text in '{voice}' (error {error}): "
                              f"{text[:60]!r}")
        return wav_bytes(samples, self.rate)


class Program(Engine):
    """The ``espeak-ng`` program, one process a text."""

    def __init__(self, path: str):
        self.name = path

    def wav(self, text: str, voice: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="balise-speech-") as folder:
            target = Path(folder) / "speech.wav"
            # Text goes on stdin, never on the command line: no option can be smuggled in.
            done = subprocess.run([self.name, "-v", voice, "-s", str(WORDS_PER_MINUTE),
                                   "-w", str(target), "--stdin"],
                                  input=text.encode(), capture_output=True, timeout=60)
            if done.returncode != 0 or not target.exists():
                raise SpeechError(f"{self.name} failed ({done.returncode}) in '{voice}': "
                                  f"{done.stderr.decode(errors='replace')[:200]}")
            return target.read_bytes()


def library() -> Library | None:
    """libespeak-ng from the espeakng-loader wheel, or None (logged) where it cannot load."""
    try:
        import espeakng_loader
    except ImportError:
        log.warning("espeakng-loader is not installed: no speech library (make install)")
        return None
    try:
        return Library(espeakng_loader.get_library_path(), espeakng_loader.get_data_path())
    except (OSError, RuntimeError, AttributeError) as err:
        log.warning("libespeak-ng from espeakng-loader cannot be used here: %s", err)
        return None


def program() -> Program | None:
    """The ``espeak-ng`` program on PATH, or None."""
    path = shutil.which("espeak-ng")
    return Program(path) if path else None


@lru_cache(maxsize=1)
def _library_once() -> Library | None:
    # libespeak-ng holds one global state: it is started once per process.
    return library()


def engine() -> Engine | None:
    """What records speech here: the library if it loads, else the program, else None."""
    return _library_once() or program()
