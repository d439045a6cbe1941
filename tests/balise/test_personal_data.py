"""Everything Balise holds about one person, as a zip (issue 21, item 4, the export)."""

import io
import json
import zipfile

import pytest

from balise.store.personal_data import person_columns

pytestmark = pytest.mark.slow


def test_every_table_that_names_a_person_is_read():
    tables = person_columns()
    assert {"people", "attempts", "saved_answers", "field_validations", "attendance",
            "certificates", "refreshers", "trail"} <= set(tables)
    assert "trainer_id" not in sum(tables.values(), [])      # what she did to others: theirs


def test_the_coordinator_exports_a_learners_data_and_the_trail_says_so(server):
    s = server.session("coordinateur")
    page = s.get(server.url + "balise/person/yusuf").text
    assert 'balise/person/yusuf/export"' in page
    r = s.get(server.url + "balise/person/yusuf/export")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = z.namelist()
    assert {"LISEZ-MOI.txt", "store.json", "gradebook.json"} <= set(names)
    rows = json.loads(z.read("store.json"))
    assert rows["people"][0]["name"] == "Yusuf Haidari"
    assert "password_hash" not in rows["people"][0]
    assert all(a["learner_id"] == "yusuf" for a in rows["attempts"]) and rows["attempts"]
    assert {v["skill"] for v in rows["field_validations"]} == {"lift-observed", "pallet-truck"}
    grades = json.loads(z.read("gradebook.json"))
    assert grades["student"]["id"] == "yusuf" and grades["submissions"]
    assert any(n.startswith("attempts/") for n in names)
    text = b"".join(z.read(n) for n in names if not n.endswith(".pdf"))
    for other in (b"Amina Diallo", b"amina", b"Nadia Benali"):   # nobody else's data
        assert other not in text, other
    trail = s.get(server.url + "balise/trail", params={"person": "yusuf"}).text
    assert "Ses données exportées" in trail


@pytest.mark.parametrize("who", ["formatrice", "yusuf"])
def test_a_trainer_or_the_learner_herself_cannot_export(server, who):
    r = server.session(who).get(server.url + "balise/person/yusuf/export")
    assert r.status_code in (403, 404) and not r.content.startswith(b"PK")


def test_an_unknown_person_is_page_not_found(server):
    r = server.session("coordinateur").get(server.url + "balise/person/nobody-here/export")
    assert r.status_code == 404 and not r.content.startswith(b"PK")


def test_the_command_line_writes_the_same_zip_and_says_a_plain_error(server, tmp_path, capsys):
    from balise.cli import main

    out = tmp_path / "yusuf.zip"
    assert main(["person", "export", "yusuf", "--out", str(out), "--data", str(server.data)]) == 0
    z = zipfile.ZipFile(out)
    assert json.loads(z.read("store.json"))["people"][0]["id"] == "yusuf"
    assert "Yusuf Haidari" in capsys.readouterr().out
    assert main(["person", "export", "nobody-here", "--out", str(tmp_path / "x.zip"),
                 "--data", str(server.data)]) == 2
    said = capsys.readouterr()
    assert "Nobody with the id 'nobody-here'" in said.err + said.out
    assert "Traceback" not in said.err and not (tmp_path / "x.zip").exists()
