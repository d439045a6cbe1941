"""Each fact's source is read somewhere: its module's SOURCES.md names the place (issue 22, item 5).

Every reference a fact cites (each part of its ``source:``, parts joined by " ; ") must have a
line of the module's SOURCES.md that names it and says where its text was read: "Read" with an
address, or with "the same ... page" / "... above" pointing back to an address given earlier in
the file. "Checked: CONTENT.md" is not a place where a text was read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from balise.catalogue import rules as content_rules
from balise.catalogue.modules import load_catalogue

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(REPO / "courses")
MODULES = ["culture", "postures", "ppe", "fire-first-aid", "warehouse", "loading",
           "site-logistics", "heights", "weee", "dismantling", "road", "screen-work"]

URL = re.compile(r"https?://\S+")
BACK = re.compile(r"\bthe same\b|\babove\b")
ARTICLE = re.compile(r"[LRD] ?\d{3,4}-\d{1,3}(?:-\d{1,3})?")
NUMBER = re.compile(r"\d{3,5}(?:-\d{1,2})?")


def keys(part: str) -> list[str]:
    """What a SOURCES.md line must name for the reference ``part`` (one part of a source)."""
    if part.startswith("Code "):
        return [a.replace(" ", "") for a in ARTICLE.findall(part)]
    if part.startswith("INRS, ED "):
        return [re.match(r"INRS, (ED \d+)", part).group(1)]
    if part.startswith("Service-Public.fr, "):
        return [part.removeprefix("Service-Public.fr, ").strip()]
    if part.startswith("Équation révisée du NIOSH"):
        return ["NIOSH"]
    if part.startswith("Recommandation R489"):
        return ["R489"]
    return NUMBER.findall(part)[:1] or [part]     # a standard, named by its number


def read_lines(text: str) -> list[str]:
    """The reference lines of a SOURCES.md that name where their text was read."""
    out, seen_url = [], False
    for line in text.splitlines():
        if line.startswith("- ") and "Read" in line and (
                URL.search(line) or (seen_url and BACK.search(line))):
            out.append(line)
        seen_url = seen_url or bool(URL.search(line))
    return out


def unread(module, text: str | None = None) -> list[tuple[str, str, str]]:
    """(item, reference, what is missing) for each cited reference no line says was read."""
    if text is None:
        text = (module.folder / "SOURCES.md").read_text(encoding="utf-8")
    lines = [(line, line.replace(" ", "")) for line in read_lines(text)]
    missing = []
    for item, source in content_rules.facts(module):
        for part in (p.strip() for p in source.split(";")):
            for key in keys(part):
                if not any(key in line or key.replace(" ", "") in squeezed
                           for line, squeezed in lines):
                    missing.append((item, part, key))
    return missing


@pytest.mark.parametrize("mid", MODULES)
def test_every_cited_reference_says_where_it_was_read(mid):
    assert (CATALOGUE[mid].folder / "SOURCES.md").exists()
    assert unread(CATALOGUE[mid]) == []


def test_a_line_that_names_no_place_fails():
    module = CATALOGUE["site-logistics"]
    text = (module.folder / "SOURCES.md").read_text(encoding="utf-8")
    assert unread(module, text) == []
    line = next(x for x in text.splitlines() if x.startswith("- Code du travail, art. R4323-36:"))
    # the brief is not the law: "Checked: CONTENT.md" names no place where the text was read
    checked = text.replace(line, "- Code du travail, art. R4323-36: loads over people. "
                                 "Checked: CONTENT.md")
    found = unread(module, checked)
    assert ("i1", "Code du travail, art. R4323-36", "R4323-36") in found
    # "Read" with no address and nothing above to point back to
    no_place = "- Code du travail, art. R4323-36: loads over people. Read: the article.\n"
    assert ("i1", "Code du travail, art. R4323-36", "R4323-36") in unread(module, no_place)
    # a reference no line names at all
    assert ("i1", "Code du travail, art. R4323-36", "R4323-36") in unread(module, "")


@pytest.mark.parametrize("part,expected", [
    ("Code du travail, art. R4323-36, R4323-55 et R4323-56", ["R4323-36", "R4323-55", "R4323-56"]),
    ("INRS, ED 771 (Les rayonnages métalliques)", ["ED 771"]),
    ("NF EN 12195-1", ["12195-1"]), ("ISO 7010", ["7010"]),
    ("Équation révisée du NIOSH (Waters et al., 1993), indice de levage", ["NIOSH"]),
    ("Service-Public.fr, Comment alerter les secours (Samu ou pompiers) en cas d'urgence ?",
     ["Comment alerter les secours (Samu ou pompiers) en cas d'urgence ?"]),
])
def test_what_a_line_must_name(part, expected):
    assert keys(part) == expected
