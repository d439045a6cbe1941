"""Importing a list: each forbidden case refused plainly, and nothing written (issue 19,
items 2 and 8).

A learner on the import page and its posts; a file that is not a CSV or an XLSX (whatever
its name says); a 50 MB upload; a form without its XSRF token; another person's upload;
formulas and script in names shown as text on the preview, imported once however often
the import is confirmed.
"""

import html
import io
import re
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from balise.store.models import Person, TrailEntry

from probe import bilingual, refused, unchanged

pytestmark = pytest.mark.slow

ROLE = ("Cette page n'est pas pour votre rôle", "This page is not for your role")
NOT_A_TABLE = ("n'est ni un tableau CSV ni un tableau XLSX",
               "is neither a CSV nor an XLSX table")
FAKE_TOKEN = "A" * 24


def upload(server, s, data: bytes, name: str = "people.csv", xsrf: bool = True):
    s.get(server.url + "balise/admin/import")
    return s.post(server.url + "balise/admin/import", allow_redirects=False,
                  files={"file": (name, data, "text/csv")},
                  data={"_xsrf": s.cookies.get("_xsrf")} if xsrf else {})


def post(server, s, path: str, data: dict | None = None):
    return s.post(server.url + path, allow_redirects=False,
                  data={**(data or {}), "_xsrf": s.cookies.get("_xsrf")})


def test_a_learner_is_refused_the_import_page_and_its_posts(server):
    lea = server.session("lea")
    lea.get(server.url + "balise/learner")
    with unchanged(server):
        pages = [lea.get(server.url + "balise/admin/import"),
                 lea.get(server.url + f"balise/admin/import/{FAKE_TOKEN}"),
                 upload(server, lea, "Nom;Site\nX Y;Lyon\n".encode()),
                 post(server, lea, f"balise/admin/import/{FAKE_TOKEN}/columns",
                      {"column-0": "name"}),
                 post(server, lea, f"balise/admin/import/{FAKE_TOKEN}/confirm")]
    for r in pages:
        bilingual(refused(r, 403), *ROLE)


def _zip_without_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize("name,data", [
    ("people.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
    ("people.xlsx", _zip_without_a_workbook()),
    ("people.csv", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\x00\x01"),
    ("people.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
])
def test_an_upload_that_is_not_a_csv_or_xlsx_is_refused_by_its_content(server, name, data):
    s = server.session("coordinateur")
    with unchanged(server):
        r = upload(server, s, data, name)
    bilingual(refused(r, 400), *NOT_A_TABLE)


def test_a_50_mb_upload_is_refused_plainly(server):
    s = server.session("coordinateur")
    big = b"Nom;Site\n" + b"Aicha Diallo;Lyon\n" * (50 * 2**20 // 18)
    with unchanged(server):
        r = upload(server, s, big)
    bilingual(refused(r, 413), "trop gros : 5 Mo au plus", "too big: 5 MB at most")


def test_an_import_form_without_its_xsrf_token_is_refused(server):
    s = server.session("coordinateur")
    with unchanged(server):
        bare = upload(server, s, "Nom;Site\nX Y;Lyon\n".encode(), xsrf=False)
        confirm = s.post(server.url + f"balise/admin/import/{FAKE_TOKEN}/confirm",
                         allow_redirects=False)
    for r in (bare, confirm):
        refused(r, 403)


def test_formulas_and_script_in_names_are_text_on_the_preview_and_imported_once(
        server, store):
    uid = uuid.uuid4().hex[:6]
    names = [f'=HYPERLINK("http://evil.test","clic {uid}")', f"@SUM(A1) {uid}",
             f'<script>alert("x")</script> {uid}', f"<img src=x onerror=alert(1)> {uid}"]
    csv = "Nom;Site;Parcours;Début\n" + "".join(
        '"{}";lyon-logistique;logistics;01/09/2026\n'.format(n.replace('"', '""'))
        for n in names)
    s = server.session("coordinateur")
    sent = upload(server, s, csv.encode("utf-8"))
    assert sent.status_code == 303
    preview_path = sent.headers["Location"].lstrip("/")
    token = preview_path.rsplit("/", 1)[1]
    page = s.get(server.url + preview_path)
    assert page.status_code == 200
    for name in names:
        assert name not in page.text or not name.startswith("<"), name
        assert html.escape(name, quote=False) in page.text.replace("&#34;", '"').replace(
            "&#39;", "'"), name
    # Another person never sees this upload: not another coordinator's page, not a trainer.
    other = server.session("formatrice")
    other.get(server.url + "balise/admin/import")
    with unchanged(server):
        assert refused(other.get(server.url + preview_path), 404)
        assert refused(post(server, other, f"balise/admin/import/{token}/confirm"), 404)
    if 'id="confirm"' not in page.text:             # columns not yet remembered: keep them
        fields = dict(re.findall(r'<select id="(column-\d+)"[^>]*>.*?<option value="(\w+)" '
                                 r'selected', page.text, re.S))
        columns = re.search(r'<form method="post" action="/([^"]+/columns)"', page.text)[1]
        assert columns == f"balise/admin/import/{token}/columns"
        assert post(server, s, columns, fields).status_code == 303
        page = s.get(server.url + preview_path)
    assert 'id="confirm"' in page.text and "Importer 4 personnes" in page.text
    confirm = re.search(r'<form method="post" action="/([^"]+/confirm)"', page.text)[1]
    assert confirm == f"balise/admin/import/{token}/confirm"

    def counts():
        with store.session() as db:
            return (db.scalar(select(func.count()).select_from(Person)),
                    db.scalar(select(func.count()).select_from(TrailEntry)))

    before = counts()
    first, again = post(server, s, confirm), post(server, s, confirm)
    assert first.status_code == again.status_code == 303
    assert counts() == (before[0] + 4, before[1] + 4)
    done = s.get(server.url + preview_path)
    assert "4 ajoutées" in html.unescape(done.text)
    assert not (server.data / "people-imports" / f"{token}.upload").exists()   # names people
    with store.session() as db:
        stored = set(db.scalars(select(Person.name).where(Person.site_id == "lyon-logistique")))
    assert set(names) <= stored
    listed = s.get(server.url + "balise/admin/people", params={"q": uid})
    for name in names:
        assert name not in listed.text or not name.startswith("<")
    assert "&lt;script&gt;" in listed.text
