"""Importing a list of people: the file read whatever its form, each line's problem said in
words, nothing written before the import, the same file twice changes nothing, a changed
file updates, a trainer's import kept to her site, formulas and script kept as text."""

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from balise.store import admin
from balise.store import people_files as files
from balise.store import people_import as imports
from balise.store.models import Person, Store, TrailEntry
from balise.web.exports import csv_bytes, xlsx_bytes

ROUTES = {"logistics": ["logistics"], "construction": ["construction"]}
TITLES = {"logistics": {"fr": "Logistique", "en": "Logistics"},
          "construction": {"fr": "Logistique de chantier", "en": "Construction-site logistics"}}
HEADER = "Nom;Site;Équipe;Parcours;Début;Fin prévue\n"


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'balise.db'}")
    lyon = admin.add_site(store, "coord", {"name": "Lyon", "activities": ["logistics"]})
    admin.add_site(store, "coord", {"name": "Lille", "activities": ["logistics"]})
    admin.add_team(store, "coord", {"site_id": lyon, "name": "Quai", "activity": "logistics"})
    admin.add_person(store, "coord", {"name": "Fatou Formatrice", "role": "trainer",
                                      "site_id": lyon}, ROUTES, person_id="fatou")
    yield store
    store.dispose()


def table(text: str, encoding: str = "utf-8") -> pd.DataFrame:
    return files.read_table(text.encode(encoding))


def run(store, text: str, *, confirm: bool = False, only_site=None, actor="coord"):
    frame = table(text)
    mapping = files.guess_mapping(frame.columns)
    do = imports.apply if confirm else imports.preview
    kw = {"only_site": only_site}
    if not confirm:
        kw["actor"] = actor
        return do(store, mapping, frame, ROUTES, TITLES, **kw)
    return do(store, actor, mapping, frame, ROUTES, TITLES, **kw)


def said(line) -> str:
    return " | ".join(p["en"] for p in line.problems.values())


def count(store, model) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


GOOD = HEADER + ("Aïcha Diallo;Lyon;Quai;Logistique;03/09/2026;2027-03-01\n"
                 "Omar Ba;Lyon;;logistics;2026-09-01;\n")


@pytest.mark.parametrize("encoding,sep,bom", [("utf-8", ";", False), ("utf-8", ",", True),
                                              ("latin-1", "\t", False)])
def test_a_csv_is_read_whatever_its_separator_and_encoding(encoding, sep, bom):
    data = GOOD.replace(";", sep).encode(encoding)
    frame = files.read_table((b"\xef\xbb\xbf" if bom else b"") + data)
    assert list(frame.columns) == ["Nom", "Site", "Équipe", "Parcours", "Début", "Fin prévue"]
    assert frame.iloc[0]["Nom"] == "Aïcha Diallo"


def test_an_xlsx_is_read_with_its_dates():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nom", "Site", "Début"])
    ws.append(["Aïcha Diallo", "Lyon", date(2026, 9, 3)])
    out = io.BytesIO()
    wb.save(out)
    frame = files.read_table(out.getvalue())
    assert frame.iloc[0]["Nom"] == "Aïcha Diallo"
    assert imports._day(frame.iloc[0]["Début"]) == date(2026, 9, 3)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"%PDF-1.4\n%\xe2\xe3",
                                  b"just one column\nand text\n",
                                  b"PK\x03\x04not really a zip"])
def test_a_file_that_is_not_a_table_is_refused_in_words(data):
    with pytest.raises(files.BadFile) as bad:
        files.read_table(data)
    assert bad.value.said["fr"] and bad.value.said["en"]


def test_each_problem_is_said_on_its_line_and_nothing_is_written(store):
    before = (count(store, Person), count(store, TrailEntry))
    found = run(store, HEADER + (
        "Aïcha Diallo;Lyon;Quai;Logistique;03/09/2026;2027-03-01\n"    # 2 good
        "Bob Martin;Paris;;logistics;2026-09-01;\n"                     # 3 unknown site
        "Carl Roy;Lyon;Zorro;logistics;2026-09-01;\n"                   # 4 unknown team
        "Dan Li;Lyon;;cooking;2026-09-01;\n"                            # 5 no such route
        "Eve Sol;Lyon;;logistics;31/02/2026;\n"                         # 6 not a date
        "Gil Ray;Lyon;;logistics;2026-09-01;\n"                         # 7 twice
        "gil  ray;Lyon;;logistics;2026-09-01;\n"                        # 8 twice
        ";Lyon;;logistics;2026-09-01;\n"))                              # 9 no name
    by = {line.number: line for line in found.lines}
    assert by[2].action == "add" and not by[2].problems
    assert "Unknown site: Paris" in said(by[3])
    assert "No team Zorro on this site" in said(by[4])
    assert "No job route cooking in routes.yaml" in said(by[5])
    assert "31/02/2026 is not a date" in said(by[6])
    assert "same person is on lines 7, 8" in said(by[7]) and by[8].action == "refused"
    assert "Write the name" in said(by[9])
    assert {by[n].action for n in range(3, 10)} == {"refused"}
    assert by[3].problems["site_id"]["fr"] == "Site inconnu : Paris."
    assert (count(store, Person), count(store, TrailEntry)) == before


def test_the_import_writes_the_good_lines_once_and_the_same_file_again_changes_nothing(store):
    done = run(store, GOOD, confirm=True)
    assert [line.action for line in done.lines] == ["add", "add"]
    with store.session() as s:
        aicha = s.scalars(select(Person).where(Person.name == "Aïcha Diallo")).one()
        assert (aicha.site_id, aicha.team_id, aicha.activity, aicha.placement_start,
                aicha.placement_end) == ("lyon", "lyon-quai", "logistics", date(2026, 9, 3),
                                         date(2027, 3, 1))
        kinds = s.scalars(select(TrailEntry.kind).where(TrailEntry.person_id == aicha.id)).all()
    assert kinds == ["person.add"]
    before = (count(store, Person), count(store, TrailEntry))
    again = run(store, GOOD, confirm=True)
    assert [line.action for line in again.lines] == ["unchanged", "unchanged"]
    assert (count(store, Person), count(store, TrailEntry)) == before


def test_a_changed_file_updates_the_people_it_names(store):
    run(store, GOOD, confirm=True)
    changed = GOOD.replace("2027-03-01", "2027-06-30").replace("Omar Ba;Lyon;;",
                                                               "OMAR BA;Lyon;Quai;")
    found = run(store, changed)
    assert [line.action for line in found.lines] == ["update", "update"]
    assert set(found.lines[0].changes) == {"placement_end"}
    run(store, changed, confirm=True)
    with store.session() as s:
        people = {p.name: p for p in s.scalars(select(Person).where(Person.site_id == "lyon"))}
        edits = s.scalars(select(TrailEntry).where(TrailEntry.kind == "person.edit")).all()
    assert people["Aïcha Diallo"].placement_end == date(2027, 6, 30)
    assert people["Omar Ba"].team_id == "lyon-quai"        # matched: same name, same site
    assert len(edits) == 2
    assert json.loads(edits[0].changes) == {"placement_end": ["2027-03-01", "2027-06-30"]}


def test_an_import_is_one_transaction(store, monkeypatch):
    calls = []
    real = admin.insert_person

    def fails_on_second(s, *args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(s, *args, **kw)

    monkeypatch.setattr(admin, "insert_person", fails_on_second)
    before = (count(store, Person), count(store, TrailEntry))
    with pytest.raises(RuntimeError):
        run(store, GOOD, confirm=True)
    assert (count(store, Person), count(store, TrailEntry)) == before


def test_a_trainers_import_is_kept_to_her_site(store):
    found = run(store, HEADER + (
        "Aïcha Diallo;Lyon;;logistics;2026-09-01;\n"
        "Omar Ba;Lille;;logistics;2026-09-01;\n"
        "Fatou Formatrice;Lyon;;;;\n"), only_site="lyon", actor="fatou", confirm=True)
    actions = [line.action for line in found.lines]
    assert actions == ["add", "refused", "refused"]
    assert "Your site's learners only" in said(found.lines[1])
    with store.session() as s:
        assert s.scalars(select(Person.name).where(Person.site_id == "lille")).all() == []
        assert s.get(Person, "fatou").role == "trainer"
    # A file without a site column: her own site.
    found = run(store, "Nom;Parcours;Début\nSara Kane;logistics;01/09/2026\n",
                only_site="lyon", actor="fatou")
    assert found.lines[0].action == "add" and found.lines[0].values["site_id"] == "lyon"


def test_formulas_and_script_in_names_stay_text_and_export_without_a_formula(store):
    names = ['=HYPERLINK("http://x.test","clic")', "+33 6 12", "@SUM(A1)",
             '<script>alert("x")</script>']
    text = "Nom;Site;Parcours;Début\n" + "".join(
        f'"{n.replace(chr(34), chr(34) * 2)}";Lyon;logistics;01/09/2026\n' for n in names)
    found = run(store, text, confirm=True)
    assert [line.cells["name"] for line in found.lines] == names
    assert {line.action for line in found.lines} == {"add"}
    with store.session() as s:
        stored = set(s.scalars(select(Person.name).where(Person.role == "learner")))
    assert set(names) <= stored
    frame = pd.DataFrame({"Nom": names})
    cells = csv_bytes(frame, "fr").decode("utf-8-sig").splitlines()[1:]
    assert all(not c.lstrip('"').startswith(("=", "+", "-", "@")) for c in cells)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "people"))).active
    assert [c.value for c in ws["A"][1:]] == names
    assert all(c.data_type == "s" for c in ws["A"][1:])


def test_the_columns_chosen_are_remembered_by_header_row(tmp_path):
    memory = files.MappingMemory(tmp_path / files.MEMORY_FILE)
    columns = ["Salarié", "Lieu de travail", "Entrée"]
    assert memory.get(columns) is None
    with pytest.raises(files.BadFile):
        files.check_mapping(columns, {"Lieu de travail": "site"})       # no name
    with pytest.raises(files.BadFile):
        files.check_mapping(columns, {"Salarié": "name", "Entrée": "name"})
    memory.remember(columns, files.check_mapping(
        columns, {"Salarié": "name", "Lieu de travail": "site", "Entrée": "placement_start"}))
    assert memory.get(columns) == {"Salarié": "name", "Lieu de travail": "site",
                                   "Entrée": "placement_start"}
    assert memory.get(["salarie", "LIEU  DE TRAVAIL", "Entree"])["salarie"] == "name"
    assert memory.get(["Salarié", "Lieu de travail"]) is None               # another header


def test_the_command_line_previews_imports_and_exports_a_list_read_back_unchanged(
        tmp_path, capsys):
    from pathlib import Path

    from balise.cli import main

    courses = str(Path(__file__).resolve().parents[2] / "courses")
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'balise.db'}")
    admin.add_site(store, "coord", {"name": "Lyon", "activities": ["logistics"]})
    listed = tmp_path / "list.csv"
    listed.write_text("Nom;Site;Parcours;Début\nAïcha Diallo;Lyon;Logistique;03/09/2026\n"
                      "=SUM(A1);Lyon;logistics;03/09/2026\nBob;Paris;logistics;2026-09-01\n",
                      "utf-8")
    where = ["--data", str(data), "--courses", courses]
    assert main(["people", "import", str(listed), "--dry-run", *where]) == 0
    said = capsys.readouterr().out
    assert "line 4 (Bob): refused: Unknown site: Paris." in said
    assert "would: add=2 update=0 unchanged=0 refused=1" in said
    assert count(store, Person) == 0
    assert main(["people", "import", str(listed), *where]) == 0
    assert "done: add=2" in capsys.readouterr().out and count(store, Person) == 2
    for kind in ("csv", "xlsx"):
        out = tmp_path / f"people.{kind}"
        assert main(["people", "export", str(out), *where]) == 0
        assert main(["people", "import", str(out), "--dry-run", *where]) == 0
        assert "would: add=0 update=0 unchanged=2 refused=0" in capsys.readouterr().out
    cells = (tmp_path / "people.csv").read_text("utf-8-sig").splitlines()
    assert "'=SUM(A1);learner;Lyon" in cells[1]                  # never a formula
    (tmp_path / "bad.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    assert main(["people", "import", str(tmp_path / "bad.csv"), *where]) == 2
    assert "neither a CSV nor an XLSX" in capsys.readouterr().err
    store.dispose()
