"""Hazard and near-miss reports: a learner reports from her phone, her site's trainer (and
only hers) handles it, she reads the outcome; the photo is the trainer's and the
coordinators' only, stripped of the phone's position.

Each test reports with a place of its own (a random word), so it depends neither on
the demo data nor on another test.
"""

from __future__ import annotations

import html
import io
import json
import re
import uuid

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from balise.passwords import hash_password
from balise.store import hazards
from balise.store.admin import Invalid
from balise.store.models import Person, Site, TrailEntry
from balise.store.records import HazardReport

GPS = ExifTags.IFD.GPSInfo


@pytest.fixture(scope="module")
def elsewhere(server, store):
    """A trainer of another site, signed in."""
    with store.session() as s:
        if s.get(Site, "h2-autre") is None:
            s.add(Site(id="h2-autre", name="Autre site (tests)"))
            s.flush()
            s.add(Person(id="h2-formatrice", name="Formatrice d'ailleurs", role="trainer",
                         site_id="h2-autre", password_hash=hash_password("demo-h2-formatrice")))
    return server.session("h2-formatrice")


@pytest.fixture(scope="module")
def amina(server):
    return server.session("amina")


def gps_jpeg(size=(2400, 1800)) -> bytes:
    """A JPEG as a phone takes it: its position in a GPS EXIF block."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[GPS] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (45.0, 45.0, 1.0),
                 ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (4.0, 50.0, 2.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def form_of(s, server, path="balise/hazards/new") -> dict:
    page = s.get(server.url + path)
    assert page.status_code == 200, page.text[:300]
    key = re.search(r'name="form_key" value="([^"]+)"', page.text)
    return {"_xsrf": s.cookies.get("_xsrf"), **({"form_key": key.group(1)} if key else {})}


def send(s, server, kind="load", place=None, text="", photo=None, **extra):
    """Report as the form does; (response, place)."""
    place = place or f"Quai {uuid.uuid4().hex[:8]}"
    files = {"photo": ("photo.jpg", photo, "image/jpeg")} if photo is not None else None
    r = s.post(server.url + "balise/hazards/new", allow_redirects=False, files=files,
               data={**form_of(s, server), "kind": kind, "place": place, "text": text,
                     **extra})
    return r, place


def report_id(store, place) -> int:
    with store.session() as s:
        return s.scalar(select(HazardReport.id).where(HazardReport.place == place))


def counts(store, server) -> tuple[int, int, int]:
    """(reports, trail lines about reports, stored photos)."""
    folder = server.data / hazards.PHOTOS
    with store.session() as s:
        return (s.scalar(select(func.count()).select_from(HazardReport)),
                s.scalar(select(func.count()).select_from(TrailEntry).where(
                    TrailEntry.kind.like("hazard.%"))),
                len(list(folder.iterdir())) if folder.is_dir() else 0)


def step(s, server, rid, **data):
    return s.post(server.url + f"balise/hazards/{rid}", allow_redirects=False,
                  data={"_xsrf": s.cookies.get("_xsrf"), **data})


def test_a_learners_report_reaches_her_sites_trainer_and_no_other(server, store, amina,
                                                                     trainer, elsewhere):
    r, place = send(amina, server, kind="vehicle", text="Chariot sans frein")
    assert r.status_code == 303 and "said=sent" in r.headers["Location"]
    assert "Merci" in amina.get(server.url + r.headers["Location"].lstrip("/")).text
    rid = report_id(store, place)
    with store.session() as s:
        row = s.get(HazardReport, rid)
        assert (row.site_id, row.reporter_id, row.state) == ("lyon-logistique", "amina", "new")
    listed = trainer.get(server.url + "balise/hazards")
    assert listed.status_code == 200 and place in listed.text
    assert place not in elsewhere.get(server.url + "balise/hazards?state=all").text
    # Her own page says it, with how many wait, before she thinks of opening the list.
    waiting = len(hazards.site_reports(store, "lyon-logistique", "new"))
    front = html.unescape(trainer.get(server.url + "balise/trainer").text)
    said = (f"{waiting} nouveaux signalements" if waiting > 1 else "1 nouveau signalement")
    assert 'id="new-reports"' in front and said in front
    assert 'id="new-reports"' not in elsewhere.get(server.url + "balise/trainer").text
    assert elsewhere.get(server.url + f"balise/hazards/{rid}").status_code == 403
    assert step(elsewhere, server, rid, step="take").status_code == 403
    assert hazards.get(store, rid).state == "new"


def test_the_reporter_reads_the_outcome_once_closed(server, store, amina, trainer):
    _, place = send(amina, server, kind="slip", text="Huile au sol")
    rid = report_id(store, place)
    assert place in amina.get(server.url + "balise/learner").text
    assert step(trainer, server, rid, step="take").headers["Location"].endswith("said=taken")
    page = amina.get(server.url + "balise/learner").text
    assert "Pris en charge" in page and "Merci :" not in page.split(place)[1][:400]
    closed = step(trainer, server, rid, step="close", outcome="le sol est nettoyé")
    assert closed.headers["Location"].endswith("said=closed")
    assert "Merci : le sol est nettoyé" in amina.get(server.url + "balise/learner").text


def test_the_photo_is_for_the_trainer_and_coordinators_only(server, store, amina, trainer,
                                                             elsewhere):
    r, place = send(amina, server, photo=gps_jpeg())
    assert r.status_code == 303
    rid = report_id(store, place)
    coordinator = server.session("coordinateur")
    for who in (trainer, coordinator):
        photo = who.get(server.url + f"balise/hazards/{rid}/photo")
        assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
        assert "no-store" in photo.headers["Cache-Control"]
        assert Image.open(io.BytesIO(photo.content)).size == (1600, 1200)
    # She sent it, and still sees only that she did: nor the list, nor the report's page.
    for path in (f"balise/hazards/{rid}/photo", f"balise/hazards/{rid}", "balise/hazards"):
        assert amina.get(server.url + path).status_code == 403, path
    her_page = amina.get(server.url + "balise/learner").text
    assert "photo envoyée" in her_page and f"hazards/{rid}/photo" not in her_page
    for path in (f"balise/hazards/{rid}/photo", f"balise/hazards/{rid}"):
        assert elsewhere.get(server.url + path).status_code == 403, path


def test_no_gps_position_survives_in_the_stored_photo(server, store, amina):
    sent = gps_jpeg()
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(GPS)      # the phone's, before
    _, place = send(amina, server, photo=sent)
    with store.session() as s:
        name = s.scalar(select(HazardReport.photo).where(HazardReport.place == place))
    stored = (server.data / hazards.PHOTOS / name).read_bytes()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    picture = Image.open(io.BytesIO(stored))
    assert not picture.getexif() and max(picture.size) == hazards.PHOTO_SIDE


@pytest.mark.parametrize("photo", [b"%PDF-1.4 not a picture" * 10,
                                   b"\xff\xd8\xff\xe0" + b"\x00" * 500,     # a JPEG's start only
                                   b"GIF89a" + b"\x00" * 100,
                                   b"\xff\xd8" + b"\x00" * (hazards.PHOTO_MAX_BYTES + 200_000)],
                         ids=["pdf", "broken-jpeg", "gif", "oversize"])
def test_a_photo_that_is_not_one_or_too_large_is_refused_with_nothing_written(
        server, store, amina, photo):
    before = counts(store, server)
    r, place = send(amina, server, photo=photo)
    oversize = len(photo) > hazards.PHOTO_MAX_BYTES
    assert r.status_code == (413 if oversize else 400)
    assert ("Photo trop grande" if oversize else "n'est pas une photo") in html.unescape(r.text)
    assert oversize or place in r.text          # the form as posted, to send again
    assert counts(store, server) == before and report_id(store, place) is None


@pytest.mark.parametrize("fields", [{"kind": ""}, {"kind": "meteor"}, {"place": " "},
                                    {"text": "x" * 501}], ids=["no-kind", "bad-kind",
                                                               "no-place", "long-text"])
def test_a_refused_report_writes_nothing(server, store, amina, fields):
    before = counts(store, server)
    data = {"kind": "fall", "place": "Mezzanine", **fields}
    r = amina.post(server.url + "balise/hazards/new", allow_redirects=False,
                   data={**form_of(amina, server), **data})
    assert r.status_code == 400 and 'role="alert"' in r.text
    assert counts(store, server) == before


def test_a_report_without_xsrf_or_signed_out_writes_nothing(server, store, amina):
    before = counts(store, server)
    r = amina.post(server.url + "balise/hazards/new", allow_redirects=False,
                   data={"kind": "fire", "place": "Local batteries"})
    assert r.status_code == 403
    anonymous = server.session()
    r = anonymous.post(server.url + "balise/hazards/new", allow_redirects=False,
                       data={**form_of(anonymous, server, "login"), "kind": "fire",
                             "place": "Local batteries"})
    assert r.status_code in (302, 403)
    assert counts(store, server) == before


def test_a_double_post_reports_once(server, store, amina):
    data = {**form_of(amina, server), "kind": "fire", "place": f"Local {uuid.uuid4().hex[:6]}"}
    for _ in range(2):
        r = amina.post(server.url + "balise/hazards/new", allow_redirects=False, data=data)
        assert r.status_code == 303
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(HazardReport).where(
            HazardReport.place == data["place"])) == 1


def test_states_only_move_forward_each_step_a_trail_line(server, store, trainer):
    rid = hazards.report(store, server.data, "amina", "lyon-logistique",
                         {"kind": "electricity", "place": f"Armoire {uuid.uuid4().hex[:6]}"})

    def lines():
        with store.session() as s:
            return [(e.kind, e.actor_id) for e in s.scalars(
                select(TrailEntry).where(TrailEntry.kind.like("hazard.%"))
                .order_by(TrailEntry.id)) if json.loads(e.changes)["id"][1] == rid]

    assert lines() == [("hazard.add", "amina")]
    assert step(trainer, server, rid, step="take").status_code == 303
    assert step(trainer, server, rid, step="take").headers["Location"].endswith("said=already")
    refused = step(trainer, server, rid, step="close", outcome="")
    assert refused.status_code == 400 and hazards.get(store, rid).state == "in_hand"
    assert step(trainer, server, rid, step="close", outcome="Câble remplacé").status_code == 303
    assert step(trainer, server, rid, step="close", outcome="Câble remplacé").headers[
        "Location"].endswith("said=already")
    assert step(trainer, server, rid, step="take").status_code == 400         # not back
    assert step(trainer, server, rid, step="close", outcome="Autre chose").status_code == 400
    with pytest.raises(Invalid):
        hazards.take_in_hand(store, "formatrice", rid)
    row = hazards.get(store, rid)
    assert (row.state, row.outcome, row.handled_by) == ("closed", "Câble remplacé", "formatrice")
    assert lines() == [("hazard.add", "amina"), ("hazard.take", "formatrice"),
                       ("hazard.close", "formatrice")]


def test_the_report_page_starts_an_action_prefilled(server, store, amina, trainer):
    _, place = send(amina, server, kind="chemical", text="Bidon percé")
    rid = report_id(store, place)
    page = trainer.get(server.url + f"balise/hazards/{rid}").text
    link = re.search(r'id="start-action" href="([^"]+)"', page).group(1)
    assert "/balise/actions/new?source=hazard" in link and f"source_id={rid}" in link
    assert "site=lyon-logistique" in link and "Bidon" in link


@pytest.mark.browser
def test_a_learner_reports_a_hazard_with_the_keyboard_on_a_360_px_phone(server, browser,
                                                                      store):
    from a11y import assert_phone_page
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(server.url + "login")
        page.fill("#username", "amina")
        page.fill("#password", "demo-amina")
        page.click("#sign-in")
        page.click("#report-hazard")
        assert_phone_page(page, "hazard form")
        place = f"Allée {uuid.uuid4().hex[:6]}"
        page.locator("input[name=kind]").first.focus()          # Tab lands on the group
        page.keyboard.press("ArrowRight")                        # fall → slip
        page.keyboard.press("ArrowRight")                        # slip → heavy load
        expect(page.locator("input[value=load]")).to_be_checked()
        page.fill("#place", place)
        page.click("#send")
        expect(page.locator("#thanks")).to_contain_text("Merci")
        assert_phone_page(page, "hazard sent")
        with store.session() as s:
            assert s.scalar(select(HazardReport.kind).where(HazardReport.place == place)) \
                == "load"
    finally:
        context.close()


def picture(kind: str, mode="RGB", size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, 0)[:len(mode)] if mode != "1" else 0).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize("data", [picture("PNG", "RGBA"), picture("WEBP"), picture("PNG", "P")],
                         ids=["transparent-png", "webp", "palette-png"])
def test_a_png_or_webp_photo_is_kept_as_a_plain_jpeg(data):
    stored = Image.open(io.BytesIO(hazards.clean_photo(data)))
    assert (stored.format, stored.mode, stored.size) == ("JPEG", "RGB", (800, 600))


def test_a_small_file_that_unpacks_into_a_huge_picture_is_refused():
    bomb = picture("PNG", "1", (10_000, 10_000))         # 100 megapixels in a few kB
    assert len(bomb) < 100_000
    with pytest.raises(Invalid) as refused:
        hazards.clean_photo(bomb)
    assert "photo" in refused.value.errors


def test_the_photo_limit_is_a_setting_the_store_and_its_message_follow(server, store,
                                                                        tmp_path):
    """``c.Balise.hazard_photo_mb`` is the one limit: a photo under the default but over a
    lower setting is refused, with the setting's figure, and nothing is written."""
    from traitlets import TraitError

    from balise.config import Balise

    assert Balise().hazard_photo_mb * 2**20 == hazards.PHOTO_MAX_BYTES
    for wrong in (0, 49):
        with pytest.raises(TraitError, match="between 1 and 48"):
            Balise(hazard_photo_mb=wrong)
    one_mb = Balise(hazard_photo_mb=1).hazard_photo_mb * 2**20
    photo = gps_jpeg() + b"\x00" * one_mb          # a JPEG, padded past 1 MB
    with store.session() as s:
        site = s.get(Person, "amina").site_id
    before = counts(store, server)
    with pytest.raises(Invalid) as refused:
        hazards.report(store, tmp_path, "amina", site, {"kind": "load", "place": "Quai 2"},
                       photo, photo_most=one_mb)
    assert "1 MB" in json.dumps(refused.value.errors["photo"])
    assert counts(store, server) == before
    photos = tmp_path / hazards.PHOTOS
    assert not photos.is_dir() or not any(photos.iterdir())
    # The default limit (12 MB) lets the same photo in.
    assert hazards.report(store, tmp_path, "amina", site, {"kind": "load", "place": "Quai 2"},
                          photo)
