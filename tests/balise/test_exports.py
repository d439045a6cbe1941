"""Tables taken away as CSV or XLSX: typed, headed in her language, never a formula."""

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from balise.web.exports import Column, csv_bytes, shaped, xlsx_bytes

TRICKS = ["=HYPERLINK(\"http://x\",\"clic\")", "+33 6 12 34 56 78", "-2+3", "@SUM(A1)",
          "\t=1", "Awa <script>alert(1)</script>"]
FRAME = pd.DataFrame({"name": TRICKS, "on": [date(2026, 12, 3)] * len(TRICKS),
                      "score": [7.5] * len(TRICKS), "count": [3] * len(TRICKS)})
COLUMNS = [Column("name", "Nom", "Name"), Column("on", "Date", "Date"),
           Column("score", "Note", "Score"), Column("count", "Essais", "Attempts")]


@pytest.mark.parametrize("lang,header", [("fr", "Nom"), ("en", "Name")])
def test_headers_are_in_her_language(lang, header):
    assert list(shaped(FRAME, COLUMNS, lang).columns)[0] == header


def test_csv_never_starts_a_cell_with_a_formula_sign_and_reads_in_french_excel():
    text = csv_bytes(shaped(FRAME, COLUMNS, "fr"), "fr").decode("utf-8")
    assert text.startswith("\ufeffNom;Date;Note;Essais")
    cells = [line.split(";")[0].strip('"') for line in text.splitlines()[1:]]
    assert all(not c.startswith(("=", "+", "-", "@", "\t")) for c in cells), cells
    assert cells[0].startswith("'=HYPERLINK") and cells[-1] == "Awa <script>alert(1)</script>"
    assert ";7,5;3" in text and "2026-12-03" in text


def test_xlsx_cells_are_typed_and_no_formula_survives():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(shaped(FRAME, COLUMNS, "en"), "t")))
    ws = book.active
    assert [c.value for c in ws[1]] == ["Name", "Date", "Score", "Attempts"]
    names = [ws.cell(row=r, column=1) for r in range(2, 2 + len(TRICKS))]
    assert [c.value for c in names] == TRICKS                    # kept as typed
    assert all(c.data_type == "s" for c in names)                # as text, never "f"
    assert isinstance(ws.cell(row=2, column=2).value, datetime)
    assert ws.cell(row=2, column=3).value == 7.5 and ws.cell(row=2, column=4).value == 3
