"""What a module's words must be: sourced facts and easy-to-read French (FALC).

Courses are read by people who read French poorly, and every safety fact
must be checkable. ``balise build --check`` reports these measures and the
test suite fails a module that breaks them, so a trainer learns it while
writing, not from a learner. The glossary's definitions are held to the same
words (:func:`glossary_problems`).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import nbformat
import yaml

from balise.catalogue.glossary import Term, used
from balise.catalogue.modules import Module

# A source names a public text a learner or an inspector can look up.
_ART = r"[LRD] ?\d{3,4}-\d{1,3}(?:-\d{1,3})?"
SOURCE_PATTERNS = [
    re.compile(rf"Code du travail, art\. {_ART}(?:(?:, | et ){_ART})*"),
    re.compile(rf"Code de la sécurité sociale, art\. {_ART}(?:(?:, | et ){_ART})*"),
    re.compile(r"INRS, ED \d{2,5}(?: \(.+\))?"),
    # Standards: ISO 7010, NF EN ISO 7010, NF EN 12195-1, EN 131-1, ISO 11228-1:2021...
    re.compile(r"(?:NF )?(?:EN |ISO |EN ISO )\d{3,5}(?:-\d{1,2})?(?::\d{4})?"),
    # The two methods CONTENT.md gives with their public reference.
    re.compile(r"Équation révisée du NIOSH \(Waters et al\., 1993\)(?:, [^;]+)?"),
    re.compile(r"Recommandation R489 \(CNAM\)(?:, [^;]+)?"),
    # A page of the French government's public-service site, named by its title.
    re.compile(r"Service-Public\.fr, [^;]+"),
]

# Words a module must not use, with the words the cited text uses instead.
# Code du travail, art. L4131-1 says "danger grave et imminent", not "immédiat".
WRONG_WORDS = [
    (re.compile(r"grave\s+et\s+imm[ée]diat", re.I), "danger grave et imminent"),
    (re.compile(r"serious\s+and\s+immediate", re.I), "serious and imminent danger"),
]

# FALC: about 12 words a sentence, never a long one.
MEDIAN_WORDS = 12
MAX_WORDS = 20
# Kandel & Moles' French adaptation of Flesch (textstat, language "fr"):
# 70 and above reads as "fairly easy" or easier (the twelve modules measure 88-104).
MIN_READING_EASE = 70

_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|\n+")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ]")
_SPAN_FR = re.compile(r'<span lang="fr"[^>]*>(.*?)</span>', re.S)
_TAG = re.compile(r"<[^>]+>")


def source_ok(source: str) -> bool:
    """Every part of ``source`` (parts joined by " ; ") is a recognised public reference."""
    parts = [p.strip() for p in source.split(";")]
    return bool(parts) and all(any(p.fullmatch(part) for p in SOURCE_PATTERNS)
                               for part in parts)


def facts(module: Module) -> list[tuple[str, str]]:
    """(item id, source) of every fact the module states: instructions, scenarios, questions."""
    return [(x.id, x.source) for x in (*module.instructions, *module.scenarios, *module.quiz)]


def wrong_words(module: Module) -> list[tuple[str, str, str]]:
    """(where, words found, right words) for each ``WRONG_WORDS`` phrase in the module's files.

    ``where`` is "module.yaml, line N" or "<notebook>, cell N" (cells counted from 1).
    """
    yaml_text = (module.folder / "module.yaml").read_text(encoding="utf-8")
    nb = nbformat.read(module.notebook, as_version=4)
    places = [("module.yaml, line", yaml_text, True)] + [
        (f"{module.notebook.name}, cell {i}", cell.source, False)
        for i, cell in enumerate(nb.cells, start=1)]
    found = []
    for where, text, by_line in places:
        for pattern, right in WRONG_WORDS:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{where} {line}" if by_line else where,
                              " ".join(match.group(0).split()), right))
    return found


def _french_strings(node) -> list[str]:
    if isinstance(node, dict):
        out = [node["fr"]] if isinstance(node.get("fr"), str) else []
        for key, value in node.items():
            if key != "fr":
                out += _french_strings(value)
        return out
    if isinstance(node, list):
        return [s for item in node for s in _french_strings(item)]
    return []


def french_texts(module: Module) -> list[str]:
    """Every French text a learner reads: module.yaml's ``fr`` values and the notebook's."""
    data = yaml.safe_load((module.folder / "module.yaml").read_text(encoding="utf-8"))
    texts = _french_strings({k: v for k, v in data.items() if k != "title"})
    nb = nbformat.read(module.notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts += [_TAG.sub("", t) for t in _SPAN_FR.findall(cell.source)]
    return [t.strip() for t in texts if t.strip()]


def sentences(texts: list[str]) -> list[str]:
    return [s.strip() for text in texts for s in _SENTENCE_END.split(text) if _WORD.search(s)]


def words(sentence: str) -> int:
    return sum(1 for token in sentence.split() if _WORD.search(token))


def reading_ease(texts: list[str]) -> float:
    import textstat

    textstat.set_lang("fr")
    return float(textstat.flesch_reading_ease(" ".join(
        t if t.rstrip().endswith((".", "!", "?")) else t + "." for t in texts)))


@dataclass
class Report:
    module: str
    scenarios: int
    questions: int
    facts: int
    unsourced: list[str] = field(default_factory=list)
    median_words: float = 0.0
    longest: tuple[int, str] = (0, "")
    ease: float = 0.0

    @property
    def problems(self) -> list[str]:
        out = [f"{item}: source missing or not a recognised reference ({source!r}). Fix: "
               "name a Code du travail or Code de la sécurité sociale article, an INRS ED "
               "reference, a standard or a Service-Public.fr page, or leave the fact out"
               for item, source in self.unsourced_items]
        out += [f"{where} says {found!r}. Fix: write {right!r}, the words of the text it cites"
                for where, found, right in self.wrong_words]
        if self.median_words > MEDIAN_WORDS:
            out.append(f"French sentences are {self.median_words:g} words long in the middle "
                       f"(at most {MEDIAN_WORDS}). Fix: one idea a sentence")
        if self.longest[0] > MAX_WORDS:
            out.append(f"a French sentence has {self.longest[0]} words (at most {MAX_WORDS}): "
                       f"{self.longest[1]!r}. Fix: cut it in two")
        if self.ease < MIN_READING_EASE:
            out.append(f"French reading ease {self.ease:.0f} (at least {MIN_READING_EASE}). "
                       "Fix: shorter sentences, everyday words")
        return out

    unsourced_items: list[tuple[str, str]] = field(default_factory=list)
    wrong_words: list[tuple[str, str, str]] = field(default_factory=list)


def glossary_problems(terms: Sequence[Term], path: Path, modules: Sequence[Module]) -> list[str]:
    """What is wrong with the glossary's words, each with the file, the line and the fix.

    A definition is read by the same people as the modules: short French
    sentences, the words of the texts it cites; and an entry no module uses
    (in French) is a spelling the modules do not write.
    """
    out = []
    for term in terms:
        where = f"{path}, line {term.line} ({term.name!r})"
        longest = max((words(s), s) for s in sentences([term.means["fr"]]))
        if longest[0] > MAX_WORDS:
            out.append(f"{where}: a French sentence of the definition has {longest[0]} words "
                       f"(at most {MAX_WORDS}). Fix: cut it in two")
        said = " ".join([*term.words["fr"], *term.words["en"], *term.means.values()])
        out += [f"{where}: says {' '.join(m.group(0).split())!r}. Fix: write {right!r}, the "
                "words of the text it cites"
                for pattern, right in WRONG_WORDS for m in pattern.finditer(said)]
    texts = [text for module in modules for text in french_texts(module)]
    found = used(terms, texts)
    out += [f"{path}, line {t.line}: {t.name!r} is in no module's French text. Fix: add under "
            "'also:' the form the modules write, or remove the entry"
            for t in terms if t.line not in found]
    return out


def check(module: Module) -> Report:
    """Measure one module against the course rules (nothing is written)."""
    bad = [(item, source) for item, source in facts(module) if not source_ok(source)]
    texts = french_texts(module)
    lengths = [(words(s), s) for s in sentences(texts)]
    return Report(
        module=module.id, scenarios=len(module.scenarios), questions=len(module.quiz),
        facts=len(facts(module)), unsourced=[item for item, _ in bad], unsourced_items=bad,
        wrong_words=wrong_words(module),
        median_words=statistics.median(n for n, _ in lengths) if lengths else 0.0,
        longest=max(lengths) if lengths else (0, ""), ease=reading_ease(texts) if texts else 0.0)
