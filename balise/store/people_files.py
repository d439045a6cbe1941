"""A file of people, as a spreadsheet holds them: read, and its columns known.

:func:`read_table` reads a CSV (``;``, ``,`` or tab; UTF-8 with or without BOM, or
Latin-1) or an XLSX, known by its content, never its name, into a frame of text
cells (an XLSX date stays a date). :func:`guess_mapping` says which column holds
which of Balise's fields from its header ("Nom", "Équipe", "Date d'entrée"...);
:class:`MappingMemory` keeps the mapping a person chose, per header row, in a small
JSON file of the data folder. What the lines then do is :mod:`.people_import`'s.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from balise import BaliseError
from balise.store import admin
from balise.words import word

FIELDS = ("name", "role", "site", "team", "route", "language", "placement_start",
          "placement_end", "trainer")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MEMORY_FILE = "people-import-columns.json"
# Header words (folded) that name each field, French and English.
HEADERS = {
    "name": ("nom", "name", "nom prenom", "prenom nom", "nom complet", "full name", "personne"),
    "role": ("role", "fonction"),
    "site": ("site", "lieu", "etablissement"),
    "team": ("equipe", "team"),
    "route": ("parcours", "parcours metier", "route", "job route", "metier", "job"),
    "language": ("langue", "language"),
    "placement_start": ("debut", "date de debut", "debut du contrat", "entree", "start",
                        "placement start", "debut de contrat", "date d'entree"),
    "placement_end": ("fin", "fin prevue", "date de fin", "sortie", "end", "planned end",
                      "fin de contrat", "date de sortie"),
    "trainer": ("formatrice", "formateur", "formateur formatrice", "trainer", "tuteur",
                "tutrice"),
}

class BadFile(BaliseError):
    """The upload is not a table Balise can read; ``said`` is the words for the person."""

    def __init__(self, msgid: str, **values):
        self.said = word(msgid, **values)
        super().__init__(self.said["en"])


def fold(text: Any) -> str:
    """A value as matching compares it: spaces tidied, no accents, no case."""
    plain = unicodedata.normalize("NFKD", admin.tidy(text))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


# -- Reading ---------------------------------------------------------------------------

def read_table(data: bytes) -> pd.DataFrame:
    """The file's cells as text (a date cell of XLSX as a date), its header row as columns.

    What it is comes from its content, never its name: an XLSX is a zip holding a
    workbook; anything else must be text with a separator between at least two columns.
    """
    if len(data) > MAX_BYTES:
        raise BadFile("The file is too big: {most} MB at most.", most=MAX_BYTES // 2**20)
    if data.startswith(b"PK\x03\x04"):
        frame = _xlsx(data)
    else:
        frame = _csv(data)
    frame.columns = [admin.tidy(c) for c in frame.columns]
    if len(frame.columns) < 2 or any(not c for c in frame.columns) or \
            len(set(map(fold, frame.columns))) < len(frame.columns):
        raise BadFile("The first line must name each column, once.")
    if len(frame) > MAX_ROWS:
        raise BadFile("Too many lines: {most} at most per file.", most=MAX_ROWS)
    return frame


def _xlsx(data: bytes) -> pd.DataFrame:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "xl/workbook.xml" not in z.namelist():
                raise BadFile("This file is neither a CSV nor an XLSX table.")
        frame = pd.read_excel(io.BytesIO(data), engine="openpyxl", dtype=object, header=0)
    except BadFile:
        raise
    except Exception as err:             # a damaged or disguised zip: say so, plainly
        raise BadFile("This file is neither a CSV nor an XLSX table.") from err
    frame = frame.dropna(how="all")
    return frame.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                     else v if isinstance(v, (date, datetime)) else admin.tidy(v))


def _csv(data: bytes) -> pd.DataFrame:
    if b"\x00" in data:
        raise BadFile("This file is neither a CSV nor an XLSX table.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        raise BadFile("This file is neither a CSV nor an XLSX table.")
    first = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=first.count)
    if first.count(sep) == 0:
        raise BadFile("This file is neither a CSV nor an XLSX table.")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skip_blank_lines=True, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, ValueError) as err:
        raise BadFile("This file is neither a CSV nor an XLSX table.") from err
    return frame.map(_undefused)


def _undefused(cell: str) -> str:
    """A cell as typed: an export's guard (a quote before ``=``, ``+``, ``-``, ``@``) undone,
    so a list exported and imported back names the same people."""
    text = admin.tidy(cell)
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


# -- Mapping ---------------------------------------------------------------------------

def header_key(columns: Sequence[str]) -> str:
    """The key a header row is remembered by: its folded column names, in order."""
    return "\t".join(fold(c) for c in columns)


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """column -> field for the columns whose header names a field ("Nom", "Équipe"...)."""
    out, taken = {}, set()
    for column in columns:
        said = " ".join(fold(column).replace("/", " ").replace("-", " ").replace("_", " ")
                        .replace("(", " ").replace(")", " ").split())
        for name, words in HEADERS.items():
            if name not in taken and said in words:
                out[column] = name
                taken.add(name)
                break
    return out


def check_mapping(columns: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping kept for these columns; refused if a field is named twice or none is
    the name."""
    clean = {c: f for c, f in mapping.items() if c in columns and f in FIELDS}
    if len(set(clean.values())) < len(clean):
        raise BadFile("Each field can come from one column only.")
    if "name" not in clean.values():
        raise BadFile("Choose the column that holds the names.")
    return clean


class MappingMemory:
    """The mappings chosen, per header row, in a small JSON file of the data folder."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _all(self) -> dict:
        try:
            found = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def get(self, columns: Sequence[str]) -> dict[str, str] | None:
        """The mapping chosen for this header row (spaces, case and accents aside), or None."""
        found = self._all().get(header_key(columns))
        if not isinstance(found, dict):
            return None
        return {c: found[fold(c)] for c in columns if found.get(fold(c)) in FIELDS}

    def remember(self, columns: Sequence[str], mapping: Mapping[str, str]) -> None:
        known = self._all()
        known[header_key(columns)] = {fold(c): f for c, f in mapping.items()}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(known, ensure_ascii=False, indent=1), "utf-8")
        tmp.replace(self.path)
