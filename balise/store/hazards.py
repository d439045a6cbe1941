"""Hazard and near-miss reports by anyone on a site, and their handling (issue 20, item 3).

A report is checked whole before anything is written: its kind (one of
:data:`~balise.store.records.HAZARD_KINDS`), the place, an optional line of text, an
optional photo. A photo is re-encoded here (:func:`clean_photo`), so no metadata of
the phone (EXIF, its GPS position, the camera's serial) survives into the data folder;
anything that is not a JPEG, PNG or WebP picture, or is too large, is refused with a
plain message and nothing is written, neither the row nor the file.

A report moves forward only: new, in hand, closed (a trainer who fixes it at once may
close a new one). Each step writes one line of the trail; closing says the outcome the
reporter reads on her page. Who may act on which site is the caller's to decide (the
site's trainer, a coordinator); these functions check what is asked makes sense.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from balise.store.admin import Invalid, NotFound, _control, _once, _write, tidy
from balise.store.models import Store, utcnow
from balise.store.records import HAZARD_KINDS, HazardReport
from balise.words import word

PHOTO_MAX_BYTES = 12 * 1024 * 1024
"""The largest photo accepted, as sent, when no limit is given: the default of
``c.Balise.hazard_photo_mb`` (:class:`balise.config.Balise`), which the pages pass on."""
PHOTO_MAX_PIXELS = 50_000_000
"""Pixels a photo may hold before it is decoded: a 50-megapixel camera's, no more. A small
file that unpacks into a huge picture (a "decompression bomb") is refused unread."""
PHOTO_SIDE = 1600
"""The longest side a stored photo keeps, in pixels: enough to see a broken pallet or a
frayed cable on a laptop, about 300 kB in JPEG."""
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTOS = "photos"                       # the folder, in the data folder
PHOTO_NAME = re.compile(r"[A-Za-z0-9_-]{20,40}\.jpg")
PLACE_LENGTH = (2, 200)
TEXT_LENGTH = 500
OUTCOME_LENGTH = (2, 500)


def clean_photo(data: bytes, most_bytes: int = PHOTO_MAX_BYTES) -> bytes:
    """The picture re-encoded as a JPEG without any metadata, turned upright, at most
    :data:`PHOTO_SIDE` pixels on its longest side. :class:`Invalid` (field ``photo``)
    when it is over ``most_bytes`` or not a JPEG, PNG or WebP picture."""
    if len(data) > most_bytes:
        raise Invalid({"photo": word("Photo too large: {most} MB at most.",
                                     most=most_bytes // (1024 * 1024))})
    try:
        with warnings.catch_warnings():
            # Pillow's own warning of a huge picture is a refusal here, not a log line.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            if image.format not in PHOTO_FORMATS:
                raise UnidentifiedImageError(image.format)
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise UnidentifiedImageError("too many pixels")
            if image.format == "JPEG":          # decoded at a smaller scale: less memory
                image.draft("RGB", (PHOTO_SIDE, PHOTO_SIDE))
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "P"):
                # A transparent PNG on white: JPEG has no transparency.
                upright = upright.convert("RGBA")
                flat = Image.new("RGB", upright.size, "white")
                flat.paste(upright, mask=upright.getchannel("A"))
                upright = flat
            else:
                upright = upright.convert("RGB")
            upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            # A new picture of the pixels only: nothing of the original's info travels.
            bare = Image.new("RGB", upright.size)
            bare.paste(upright)
            out = io.BytesIO()
            bare.save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise Invalid({"photo": word(
            "This file is not a photo. Send a JPEG, PNG or WebP picture.")}) from None


def check_report(values: Mapping[str, Any]) -> dict:
    """The report's kind, place and text, checked; :class:`Invalid` per field."""
    errors = {}
    kind = str(values.get("kind") or "")
    if kind not in HAZARD_KINDS:
        errors["kind"] = word("Choose what kind of danger.")
    place = tidy(values.get("place"))
    if not PLACE_LENGTH[0] <= len(place) <= PLACE_LENGTH[1] or _control(place):
        errors["place"] = word("Write where ({least} to {most} characters).",
                               least=PLACE_LENGTH[0], most=PLACE_LENGTH[1])
    text = tidy(values.get("text"))
    if len(text) > TEXT_LENGTH or _control(text):
        errors["text"] = word("Text too long: {most} characters at most.", most=TEXT_LENGTH)
    if errors:
        raise Invalid(errors)
    return {"kind": kind, "place": place, "text": text}


def photo_path(data_path: Path, name: str) -> Path | None:
    """Where a stored photo is, if ``name`` is one of ours (never a path from outside)."""
    return data_path / PHOTOS / name if name and PHOTO_NAME.fullmatch(name) else None


def report(store: Store, data_path: Path, reporter: str, site_id: str,
           values: Mapping[str, Any], photo: bytes | None = None, *,
           form_key: str | None = None, photo_most: int = PHOTO_MAX_BYTES) -> int:
    """A new report by ``reporter`` on her site; its id. Posting the same form twice
    (``form_key``) reports once and gives the first one's id. A photo over ``photo_most``
    bytes is refused with the rest of the form."""
    errors: dict[str, dict[str, str]] = {}
    clean, picture = {}, None
    try:
        clean = check_report(values)
    except Invalid as refused:
        errors.update(refused.errors)
    try:
        picture = clean_photo(photo, photo_most) if photo else None
    except Invalid as refused:
        errors.update(refused.errors)
    if errors:
        raise Invalid(errors)
    written: list[Path] = []

    def add(s):
        name = None
        if picture is not None:
            folder = data_path / PHOTOS
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{secrets.token_urlsafe(18)}.jpg"
            (folder / name).write_bytes(picture)
            written.append(folder / name)
        row = HazardReport(site_id=site_id, reporter_id=reporter, photo=name, state="new",
                           **clean)
        s.add(row)
        s.flush()
        return _write(s, reporter, "hazard.add", person=reporter, site=site_id,
                      changes={"id": [None, row.id], "photo": [None, bool(name)], **{
                          k: [None, v] for k, v in clean.items()}}, form_key=form_key)

    try:
        entry = _once(store, form_key, "hazard.add", add)
    except Exception:
        for path in written:                    # the row is not there: nor is its photo
            path.unlink(missing_ok=True)
        raise
    return int(json.loads(entry.changes)["id"][1])


def get(store: Store, report_id: int) -> HazardReport:
    with store.session() as s:
        row = s.get(HazardReport, report_id)
        if row is None:
            raise NotFound(str(report_id))
        s.expunge(row)
        return row


def take_in_hand(store: Store, actor: str, report_id: int) -> bool:
    """New → in hand; False when it already is in hand (a double click). Closed stays closed."""
    with store.session() as s:
        row = s.get(HazardReport, report_id)
        if row is None:
            raise NotFound(str(report_id))
        if row.state == "in_hand":
            return False
        if row.state != "new":
            raise Invalid({"state": word("Already closed: it cannot go back.")})
        row.state, row.handled_by = "in_hand", actor
        _write(s, actor, "hazard.take", person=row.reporter_id, site=row.site_id,
               changes={"id": [row.id, row.id], "state": ["new", "in_hand"],
                        "handled_by": [None, actor]})
        return True


def close(store: Store, actor: str, report_id: int, outcome: Any) -> bool:
    """New or in hand → closed, with the outcome the reporter reads; False when it was
    already closed with this outcome (a double click). Closed stays closed."""
    text = tidy(outcome)
    with store.session() as s:
        row = s.get(HazardReport, report_id)
        if row is None:
            raise NotFound(str(report_id))
        if row.state == "closed":
            if row.outcome == text:
                return False
            raise Invalid({"state": word("Already closed: it cannot go back.")})
        if not OUTCOME_LENGTH[0] <= len(text) <= OUTCOME_LENGTH[1] or _control(text):
            raise Invalid({"outcome": word(
                "Write what was done ({least} to {most} characters).",
                least=OUTCOME_LENGTH[0], most=OUTCOME_LENGTH[1])})
        before = row.state
        row.state, row.outcome, row.closed_at = "closed", text, utcnow()
        row.handled_by = row.handled_by or actor
        _write(s, actor, "hazard.close", person=row.reporter_id, site=row.site_id,
               changes={"id": [row.id, row.id], "state": [before, "closed"],
                        "outcome": ["", text]})
        return True


def site_reports(store: Store, site_id: str, state: str | None = None,
                 limit: int = 200) -> list[HazardReport]:
    """A site's reports, the latest first; ``state``: only those in it."""
    query = select(HazardReport).where(HazardReport.site_id == site_id)
    if state in ("new", "in_hand", "closed"):
        query = query.where(HazardReport.state == state)
    with store.session() as s:
        rows = list(s.scalars(query.order_by(HazardReport.created_at.desc(),
                                             HazardReport.id.desc()).limit(limit)))
        s.expunge_all()
    return rows


def waiting(store: Store, site_id: str) -> int:
    """How many of a site's reports nobody has taken in hand yet (the trainer's notice)."""
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(HazardReport).where(
            HazardReport.site_id == site_id, HazardReport.state == "new"))


def reports_of(store: Store, reporter: str, limit: int = 5) -> list[HazardReport]:
    """Her latest reports, the latest first: what her page shows her."""
    with store.session() as s:
        rows = list(s.scalars(select(HazardReport).where(HazardReport.reporter_id == reporter)
                              .order_by(HazardReport.created_at.desc(),
                                        HazardReport.id.desc()).limit(limit)))
        s.expunge_all()
    return rows
