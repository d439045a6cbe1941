"""Hours worked: the coordinator's grid and the CSV/XLSX import, with their refusals.

The test makes its own sites (ids unique to the test) so no demo hours are in the way.
"""

import html
import io
import json
import re
import uuid
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from balise.passwords import hash_password
from balise.store.hours import parse_hours
from balise.store.models import Person, Site, TrailEntry
from balise.store.programme import HoursWorked

MONTH = "2025-06"


def new_site(store, activities=("logistics", "transport")) -> str:
    site = f"hw-{uuid.uuid4().hex[:8]}"
    with store.session() as s:
        s.add(Site(id=site, name=f"Site {site}", activities=json.dumps(list(activities))))
    return site


def hours(store, site) -> dict:
    with store.session() as s:
        return {(r.activity, r.month.strftime("%Y-%m")): r.hours
                for r in s.scalars(select(HoursWorked).where(HoursWorked.site_id == site))}


def post(server, s, path, data=None, files=None):
    return s.post(server.url + path, data={**(data or {}), "_xsrf": s.cookies.get("_xsrf")},
                  files=files, allow_redirects=False)


@pytest.mark.parametrize("raw,value", [("1520", 1520.0), ("1 520,5", 1520.5),
                                       ("1\u202f520,5", 1520.5), ("0", 0.0), (12.5, 12.5),
                                       ("-3", None), ("abc", None), ("1,2,3", None),
                                       ("", None), (True, None)])
def test_hours_read_the_french_way_zero_or_more(raw, value):
    assert parse_hours(raw) == value


def test_the_grid_sets_hours_with_a_french_comma_and_says_heures_manquantes_until_then(
        server, store, coordinator):
    site = new_site(store)
    page = coordinator.get(server.url + "balise/hours", params={"month": MONTH}).text
    card = page.split(f'id="site-{site}"')[1].split("</li>")[0]
    assert card.count("heures manquantes") == 2                   # both activities
    gaps = page.split('id="gaps"')[1].split("</section>")[0]
    assert f"Site {site}</strong>" in gaps                        # in the 12 months' list
    r = post(server, coordinator, "balise/hours", {
        "month": MONTH, f"h:{site}:logistics": "1 520,5", f"h:{site}:transport": ""})
    assert r.status_code == 303
    assert hours(store, site) == {("logistics", MONTH): 1520.5}
    page = coordinator.get(server.url + "balise/hours", params={"month": MONTH}).text
    card = page.split(f'id="site-{site}"')[1].split("</li>")[0]
    assert card.count("heures manquantes") == 1                   # transport still has none
    assert re.search(r'value="1\s520,5"', card)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(TrailEntry).where(
            TrailEntry.kind == "hours.set", TrailEntry.site_id == site)) == 1


def test_a_grid_with_one_bad_cell_writes_nothing(server, store, coordinator):
    site = new_site(store)
    for bad in ("-3", "beaucoup"):
        r = post(server, coordinator, "balise/hours", {
            "month": MONTH, f"h:{site}:logistics": "800", f"h:{site}:transport": bad})
        assert r.status_code == 400
        assert f'id="h-{site}-transport-error"' in r.text
        assert f'value="{bad}"' in r.text                         # as typed, to fix
    r = post(server, coordinator, "balise/hours", {"month": "2099-01",
                                                   f"h:{site}:logistics": "800"})
    assert r.status_code == 400
    assert hours(store, site) == {}


def test_only_a_coordinator_reaches_the_hours(server, store):
    trainer = server.session("formatrice")
    assert trainer.get(server.url + "balise/hours").status_code == 403
    site = new_site(store)
    r = post(server, trainer, "balise/hours", {"month": MONTH, f"h:{site}:logistics": "5"})
    assert r.status_code == 403
    r = post(server, trainer, "balise/hours/import",
             files={"file": ("h.csv", f"site;activité;mois;heures\n{site};logistics;{MONTH};5\n")})
    assert r.status_code == 403
    assert hours(store, site) == {}


def test_the_import_previews_each_refusal_then_writes_the_good_lines_once(
        server, store, coordinator):
    site = new_site(store)
    lines = [f"{site};Logistique;{MONTH};1520,5",           # 2: good (activity by its name)
             f"{site};transport;2025-07;900",                # 3: good
             f"nowhere;logistics;{MONTH};10",                # 4: unknown site
             f"{site};construction;{MONTH};10",              # 5: not this site's activity
             f"{site};logistics;juin;10",                    # 6: not a month
             f"{site};logistics;2099-01;10",                 # 7: a month to come
             f"{site};transport;{MONTH};-4",                 # 8: negative
             f"{site};logistics;{MONTH};12"]                 # 9: the same as line 2
    data = ("Site;Activité;Mois;Heures\n" + "\n".join(lines) + "\n").encode()
    r = post(server, coordinator, "balise/hours/import", files={"file": ("heures.csv", data)})
    assert r.status_code == 303
    preview = html.unescape(coordinator.get(server.url + r.headers["Location"].lstrip("/")).text)
    assert hours(store, site) == {}                             # nothing before confirming
    refused = {int(n) for n in re.findall(r'<li class="line-refused" id="line-(\d+)"', preview)}
    assert refused == {4, 5, 6, 7, 8, 9}
    assert "Ce site n'existe pas dans Balise." in preview
    assert "Cette activité n'est pas une activité de ce site." in preview
    assert "déjà sur une ligne plus haut" in preview
    confirm = r.headers["Location"].lstrip("/")
    assert post(server, coordinator, confirm).status_code == 303
    assert post(server, coordinator, confirm).status_code == 303        # a double click
    assert hours(store, site) == {("logistics", MONTH): 1520.5, ("transport", "2025-07"): 900.0}
    done = coordinator.get(server.url + confirm).text
    assert "2 ajoutée(s)" in done and "6 refusée(s)" in done


@pytest.mark.parametrize("body", [b"\x89PNG\r\n\x1a\n\x00\x00 not a table",
                                  b"juste une ligne sans colonnes\n",
                                  "site;mois\nx;2025-06\n".encode()],
                         ids=["an-image", "no-columns", "columns-missing"])
def test_a_bad_file_is_refused_in_plain_words_and_writes_nothing(server, store, coordinator,
                                                                  body):
    before = len(list((server.data / "hours-imports").glob("*.upload"))) \
        if (server.data / "hours-imports").exists() else 0
    r = post(server, coordinator, "balise/hours/import", files={"file": ("h.csv", body)})
    assert r.status_code == 400
    assert 'id="file-error"' in r.text
    after = len(list((server.data / "hours-imports").glob("*.upload"))) \
        if (server.data / "hours-imports").exists() else 0
    assert after == before


def test_an_xlsx_with_typed_numbers_and_dates_imports_them_as_numbers(server, store,
                                                                       coordinator):
    site = new_site(store)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["site", "activity", "month", "hours"])
    sheet.append([site, "logistics", datetime(2025, 6, 1), 1520.5])     # a date cell, a float
    sheet.append([site, "transport", "2025-06", 900])                   # an int
    sheet.append([site, "transport", "2025-05", -1])                    # refused
    out = io.BytesIO()
    book.save(out)
    r = post(server, coordinator, "balise/hours/import",
             files={"file": ("heures.xlsx", out.getvalue())})
    assert r.status_code == 303
    preview = coordinator.get(server.url + r.headers["Location"].lstrip("/")).text
    assert re.findall(r'<li class="line-refused" id="line-(\d+)"', preview) == ["4"]
    assert post(server, coordinator, r.headers["Location"].lstrip("/")).status_code == 303
    assert hours(store, site) == {("logistics", "2025-06"): 1520.5,
                                  ("transport", "2025-06"): 900.0}


def test_an_upload_is_seen_by_the_one_who_sent_it_only(server, store, coordinator):
    site = new_site(store)
    r = post(server, coordinator, "balise/hours/import",
             files={"file": ("h.csv", f"site;activité;mois;heures\n{site};logistics;{MONTH};5\n")})
    token_path = r.headers["Location"].lstrip("/")
    assert coordinator.get(server.url + "balise/hours/import/" + "A" * 24).status_code == 404
    other = f"coord-{uuid.uuid4().hex[:6]}"
    with store.session() as s:
        s.add(Person(id=other, name="Autre coordinatrice", role="coordinator",
                     password_hash=hash_password("mot-de-passe-long-1")))
    someone = server.session(other, "mot-de-passe-long-1")
    assert someone.get(server.url + token_path).status_code == 404
    assert post(server, someone, token_path).status_code == 404
    assert hours(store, site) == {}
