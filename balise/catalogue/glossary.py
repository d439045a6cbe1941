"""Words she may not know: ``courses/glossary.yaml``, and where each is explained first.

One file for every module: each entry is a term in French and English, its
other forms, and a short, easy definition in both. Trainers write nothing
in ``module.yaml``: :class:`FirstUse` reads one module's page in page order
(the build hands it each text as the page will show it) and notes the term
on the first text that holds it, each language apart. The note travels with
the text's public data as ``"terms": {lang: [{"word", "means"}]}``; the
page's renderer (:func:`balise.widgets.i18n.rich`) makes the noted word a
tap that shows what it means. Speech, the server's copy of the module and
the reading measures never see a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import yaml

from balise import BaliseError

GLOSSARY_FILE = "glossary.yaml"
LANGS = ("fr", "en")
KEYS = ("fr", "en", "def", "also")
# A term is words, with hyphens or apostrophes between them: nothing a page could read as markup.
_TERM = re.compile(r"[\w][\w' -]*[\w]|\w", re.UNICODE)

# Where a page shows a scenario's words as text (balise.widgets: rich()), in page order.
# A word on a button or in a list box cannot open its explanation: it is not noted there.
SHOWN_AS_TEXT = {
    "choice": ("prompt", "options"),
    "multi": ("prompt",),
    "ppe": ("prompt", "task"),
    "ordering": ("prompt", "steps"),
    "hazard": ("prompt",),
    "matching": ("prompt",),
    "story": ("prompt", "nodes"),
    "lift": ("prompt",),
}


@dataclass(frozen=True)
class Term:
    """One entry: ``words[lang]`` is the term, then its other forms; ``means`` its definition."""

    words: dict[str, tuple[str, ...]]
    means: dict[str, str]
    line: int

    @property
    def name(self) -> str:
        return self.words["fr"][0]

    def pattern(self, lang: str) -> re.Pattern:
        return _pattern(self.words[lang])


@lru_cache(maxsize=1024)
def _pattern(forms: tuple[str, ...]) -> re.Pattern:
    """Any of ``forms`` as a whole word; a lower-case form also with a capital first letter."""
    alternatives = []
    for form in sorted(forms, key=len, reverse=True):
        first = re.escape(form[0])
        if form[0].islower():
            first = f"[{re.escape(form[0])}{re.escape(form[0].upper())}]"
        alternatives.append(first + re.escape(form[1:]))
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")


def _fail(path: Path, line: int, problem: str, fix: str) -> BaliseError:
    return BaliseError(f"{path}, line {line}: {problem}. Fix: {fix}.")


def _text(path: Path, node: yaml.Node, value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str)
                                          or not value[lang].strip() for lang in LANGS):
        raise _fail(path, node.start_mark.line + 1, f"{what} must be given in French and "
                    "English", "write it as {fr: '...', en: '...'}")
    return {lang: " ".join(value[lang].split()) for lang in LANGS}


def _forms(path: Path, line: int, raw: dict) -> dict[str, tuple[str, ...]]:
    also = raw.get("also") or {}
    if not isinstance(also, dict) or set(also) - set(LANGS) or any(
            not isinstance(v, list) for v in also.values()):
        raise _fail(path, line, "'also' lists other forms of the term in each language",
                    "write also: {fr: [caristes], en: [forklift drivers]}")
    forms = {}
    for lang in LANGS:
        found = [raw[lang], *(also.get(lang) or [])]
        for form in found:
            if not isinstance(form, str) or not _TERM.fullmatch(form.strip()):
                raise _fail(path, line, f"{form!r} is not a word the modules can write",
                            "write letters, spaces, hyphens or apostrophes only, in quotes "
                            "if it has a comma")
        forms[lang] = tuple(dict.fromkeys(" ".join(f.split()) for f in found))
    return forms


def _entry(path: Path, node: yaml.Node, raw: Any) -> Term:
    line = node.start_mark.line + 1
    if not isinstance(raw, dict):
        raise _fail(path, line, "each entry must be a mapping", "write - fr: cariste, en: "
                    "forklift driver, def: {fr: '...', en: '...'}")
    unknown = sorted(set(raw) - set(KEYS), key=str)
    if unknown:
        raise _fail(path, line, f"unknown key {unknown[0]!r}",
                    "use fr, en, def and also only (check the spelling)")
    for lang in LANGS:
        if not isinstance(raw.get(lang), str) or not raw[lang].strip():
            raise _fail(path, line, f"the term in {'French' if lang == 'fr' else 'English'} "
                        "is missing", f"add '{lang}: ...' with the word the modules write")
    def_node = next((k for k, _ in node.value if k.value == "def"), node)
    return Term(_forms(path, line, raw), _text(path, def_node, raw.get("def"), "def"), line)


def load_glossary(path: Path) -> tuple[Term, ...]:
    """Every entry of ``path``, checked; none when there is no such file (the gallery).

    Raises :class:`BaliseError` naming the file, the line and the fix.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    return _loaded(str(path), text)


@lru_cache(maxsize=8)
def _loaded(name: str, text: str) -> tuple[Term, ...]:
    path = Path(name)
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise _fail(path, mark.line + 1 if mark else 1, f"not valid YAML "
                    f"({getattr(err, 'problem', err)})", "check indentation and quotes on that "
                    "line; put a text with a colon in double quotes") from None
    if data is None:
        return ()
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise _fail(path, 1, "the glossary must be a list of entries",
                    "start each entry with '- fr: <term>'")
    terms, seen = [], {}
    for node, raw in zip(root.value, data):
        term = _entry(path, node, raw)
        for lang in LANGS:
            for form in term.words[lang]:
                key = (lang, form.casefold())
                if seen.get(key, term.line) != term.line:
                    raise _fail(path, term.line, f"{form!r} is already in the entry of line "
                                f"{seen[key]}", "keep one entry per term: merge the two")
                seen[key] = term.line
        terms.append(term)
    return tuple(terms)


def glossary_of(module_folder: Path) -> tuple[Term, ...]:
    """The glossary of the courses folder a module is in."""
    return load_glossary(module_folder.parent / GLOSSARY_FILE)


def used(terms: Sequence[Term], texts: list[str], lang: str = "fr") -> set[int]:
    """Lines of the entries one of ``texts`` (in ``lang``) holds."""
    return {t.line for t in terms if any(t.pattern(lang).search(x) for x in texts)}


class FirstUse:
    """One module's page read in page order: each term is noted on the first text holding it.

    Call :meth:`note` (or :meth:`words`) for each text in the order the page shows
    them. The quiz's questions are drawn per attempt, so the build cannot know
    which comes first: :meth:`note_each` notes a term still unexplained in every
    question that holds it.
    """

    def __init__(self, terms: Sequence[Term]):
        self.terms = terms
        self._seen: set[tuple[int, str]] = set()

    def _hits(self, text: str, lang: str) -> list[tuple[int, int, Term, str]]:
        hits = []
        for term in self.terms:
            if (term.line, lang) in self._seen:
                continue
            # A match holds one of the term's forms, as written after its first letter: where
            # no such text is there, no regular expression need look (a learner's result
            # notes some 30 texts against 24 terms, 3 ms of regex searches a submit).
            if not any(form[1:] in text for form in term.words[lang]):
                continue
            match = term.pattern(lang).search(text)
            if match:
                hits.append((match.start(), -len(match.group(0)), term, match.group(0)))
        kept, end = [], -1
        for start, minus_length, term, word in sorted(hits, key=lambda h: h[:2]):
            if start >= end:                           # overlapping terms: the first, longest
                kept.append((start, start - minus_length, term, word))
                end = start - minus_length
        return kept

    def words(self, text: str, lang: str, claim: bool = True) -> list[dict[str, str]]:
        """The notes for one text in ``lang``: ``[{"word": as written, "means": ...}]``."""
        notes = []
        for _, _, term, word in self._hits(text, lang):
            notes.append({"word": word, "means": term.means[lang]})
            if claim:
                self._seen.add((term.line, lang))
        return notes

    def _claim(self, text: dict) -> None:
        for lang in LANGS:
            for _, _, term, _ in self._hits(str(text.get(lang, "")), lang):
                self._seen.add((term.line, lang))

    def note(self, text: dict, claim: bool = True) -> dict:
        """``text`` (``{'fr', 'en', ...}``) with the notes of the terms it holds first."""
        if not self.terms or not isinstance(text, dict):
            return text
        notes = {lang: self.words(str(text.get(lang, "")), lang, claim) for lang in LANGS
                 if isinstance(text.get(lang), str)}
        notes = {lang: found for lang, found in notes.items() if found}
        return {**text, "terms": notes} if notes else text

    def note_each(self, texts: list[dict]) -> list[dict]:
        """Each text noted as if it came first of them; the terms are claimed after."""
        noted = [self.note(text, claim=False) for text in texts]
        for text in texts:
            self._claim(text)
        return noted

    def scenario(self, public: dict) -> dict:
        """A scenario's public part with its shown texts noted, in the page's order; a word
        first met on its buttons or lists (which cannot open a note) is explained under its
        prompt (:meth:`also`)."""
        out = dict(public)
        shown = SHOWN_AS_TEXT.get(public.get("kind"), ("prompt",))
        for field in shown:
            value = public.get(field)
            if isinstance(value, list):
                out[field] = [self.note(item) for item in value]
            elif isinstance(value, dict):
                out[field] = self.note(value)
        hidden = [v for k, v in public.items() if k not in shown and k not in ("id", "kind")]
        if isinstance(out.get("prompt"), dict):
            out["prompt"] = self.also(out["prompt"], hidden)
        return out

    def also(self, text: dict, elsewhere: Any, claim: bool = True) -> dict:
        """``text`` noted also with the terms first met in ``elsewhere`` (option buttons,
        list items: words that cannot be tapped where they stand). The page says them
        after ``text`` as words to know (:func:`balise.widgets.i18n.with_terms`)."""
        if not self.terms or not isinstance(text, dict):
            return text
        notes = {lang: list((text.get("terms") or {}).get(lang) or []) for lang in LANGS}
        for lang in LANGS:
            strings = " \n ".join(_strings(elsewhere, lang))
            for _, _, term, word in self._hits(strings, lang):
                if not any(n["word"].lower() == word.lower() for n in notes[lang]):
                    notes[lang].append({"word": word, "means": term.means[lang]})
                if claim:
                    self._seen.add((term.line, lang))
        notes = {lang: found for lang, found in notes.items() if found}
        return {**text, "terms": notes} if notes else text


def _strings(node: Any, lang: str) -> list[str]:
    """Every text of ``node`` in ``lang`` (its ``lang`` values, at any depth)."""
    if isinstance(node, dict):
        own = [node[lang]] if isinstance(node.get(lang), str) else []
        return own + [t for key, value in node.items() if key != lang
                      for t in _strings(value, lang)]
    if isinstance(node, list):
        return [t for item in node for t in _strings(item, lang)]
    return []
