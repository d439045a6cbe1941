"""Certificates: issued when a route is certified, checked by anyone who holds the code.

A certificate's code is the only way to look it up in public. It is 128 random
bits (:func:`secrets.token_urlsafe`), so codes follow no sequence and cannot be
guessed; anything that is not exactly the shape of a code is *unknown* before
the store is asked. ``valid_until`` is the last day the certificate holds.
"""

from __future__ import annotations

import io
import json
import re
import secrets
from datetime import date, timedelta
from xml.sax.saxutils import escape

import pandas as pd
import segno
from dateutil.relativedelta import relativedelta
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table
from sqlalchemy import select

from balise.formats import date_words
from balise.progress.routes import Route
from balise.store.models import Person, Store
from balise.store.programme import Certificate, RevokedCertificate
from balise.words import word

CODE_BYTES = 16                                   # 128 bits: 22 URL-safe characters
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")


def _day(value) -> date:
    return pd.Timestamp(value).date()


def issue_certificates(store: Store, cert: pd.DataFrame, routes: list[Route],
                       status: pd.DataFrame, today: date) -> list[str]:
    """Issue a certificate for each certified learner and route that has no current one.

    ``cert`` and ``status`` are :func:`balise.progress.certification` and
    :func:`balise.progress.module_status` frames as of ``today``. The
    certificate holds ``route.validity_months`` from today, but never past
    the day before its earliest module expires (``cert.valid_until``): a
    certificate must not outlive a pass it rests on. A current certificate
    (``valid_until >= today``) is left alone, so running this twice issues
    nothing new; the next one is issued once it has lapsed, if the route
    still holds. Returns the new codes.
    """
    by_id = {r.id: r for r in routes}
    certified = cert[cert.certified.astype(bool) & cert.route.isin(list(by_id))]
    if certified.empty:
        return []
    codes = []
    with store.session() as s:
        # The current certificates in one query, not one per certified learner.
        current = set(s.execute(select(Certificate.learner_id, Certificate.route_id)
                                .where(Certificate.valid_until >= today)).tuples())
        due = [row for row in certified.itertuples() if (row.learner, row.route) not in current]
        if not due:
            return []
        wanted = {row.learner for row in due}
        mine = status[status.learner.isin(wanted)]
        passed = {(r.learner, r.module): r.passed_on for r in mine.itertuples()
                  if r.passed_on is not None and not pd.isna(r.passed_on)}
        for row in due:
            if (row.learner, row.route) in current:      # the same route twice in ``cert``
                continue
            current.add((row.learner, row.route))
            route = by_id[row.route]
            ends = [today + relativedelta(months=route.validity_months)]
            if row.valid_until is not None and not pd.isna(row.valid_until):
                ends.append(_day(row.valid_until))
            until = min(ends) - timedelta(days=1)
            modules = [{"module": m, "passed_on": _day(passed[(row.learner, m)]).isoformat()}
                       for m in route.modules]
            code = secrets.token_urlsafe(CODE_BYTES)
            s.add(Certificate(code=code, learner_id=row.learner, route_id=row.route,
                              issued_on=today, valid_until=until, modules=json.dumps(modules)))
            codes.append(code)
    return codes


def state(certificate: Certificate, today: date) -> str:
    """``valid`` up to and including ``valid_until``, ``expired`` after."""
    return "valid" if today <= certificate.valid_until else "expired"


def is_code(code) -> bool:
    """The shape of a code Balise issues; checked before any query."""
    return isinstance(code, str) and CODE_PATTERN.fullmatch(code) is not None


def find(store: Store, code) -> Certificate | None:
    """The certificate of ``code``; None for an unknown code or anything not shaped like one."""
    if not is_code(code):
        return None
    with store.session() as s:
        return s.get(Certificate, code)


def verify(store: Store, code, today: date | None = None) -> dict:
    """What the public may know of a code: its state, the name, route id and dates.

    ``state`` is ``valid``, ``expired``, ``revoked`` (its learner was erased: the
    route alone is said) or ``unknown`` (not found, or not a code at all); the
    answer has the same keys in every case, the others ``None`` when unknown.
    Never the learner's id, site or scores.
    """
    answer = {"state": "unknown", "name": None, "route": None, "issued_on": None,
              "valid_until": None}
    if not is_code(code):
        return answer
    with store.session() as s:
        found = s.execute(select(Certificate, Person.name).join(
            Person, Person.id == Certificate.learner_id).where(Certificate.code == code)).first()
    if found is None:
        with store.session() as s:
            revoked = s.get(RevokedCertificate, code)
        if revoked is not None:
            answer.update(state="revoked", route=revoked.route_id)
        return answer
    certificate, name = found
    answer.update(state=state(certificate, today or date.today()), name=name,
                  route=certificate.route_id, issued_on=certificate.issued_on,
                  valid_until=certificate.valid_until)
    return answer


def certificates_of(store: Store, learner: str, routes: list[Route],
                    today: date) -> list[dict]:
    """A learner's certificates, newest first: code, route title, dates and state."""
    titles = {r.id: r.title for r in routes}
    with store.session() as s:
        rows = s.scalars(select(Certificate).where(Certificate.learner_id == learner)
                         .order_by(Certificate.issued_on.desc())).all()
    return [{"code": c.code, "route": c.route_id,
             "title": titles.get(c.route_id) or {"fr": c.route_id, "en": c.route_id},
             "issued_on": c.issued_on, "valid_until": c.valid_until,
             "state": state(c, today)} for c in rows]


def _font(*choices: str) -> str:
    """The first of ``choices`` that reportlab has or finds on its font path (a TrueType
    file of that name); the last choice is a built-in font. Registered once per process."""
    for name in choices[:-1]:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        try:
            pdfmetrics.registerFont(TTFont(name, f"{name}.ttf"))
            return name
        except (TTFError, OSError):
            continue
    return choices[-1]


def _fonts() -> tuple[str, str, str]:
    """Regular, bold and monospace: DejaVu when the system has it (names in any Latin,
    Cyrillic or Greek script), else the Vera that ships with reportlab."""
    return (_font("DejaVuSans", "Vera", "Helvetica"),
            _font("DejaVuSans-Bold", "VeraBd", "Helvetica-Bold"),
            _font("DejaVuSansMono", "Courier"))


def qr_code(url: str) -> segno.QRCode:
    """The QR code printed on a certificate: a full-size one (phones read it), medium error
    correction (a crease or a stain does not stop it)."""
    return segno.make_qr(url, error="m")


class QRFlowable(Flowable):
    """A QR code drawn as vector squares, one unit per module, with its quiet zone."""

    def __init__(self, qr: segno.QRCode, size: float):
        super().__init__()
        self.matrix, self.size = qr.matrix, size
        self.border = qr.default_border_size
        self.width = self.height = size

    def draw(self):
        modules = len(self.matrix) + 2 * self.border
        canvas = self.canv
        canvas.saveState()
        canvas.scale(self.size / modules, self.size / modules)
        canvas.setFillColor(colors.black)
        for r, line in enumerate(self.matrix):
            y = modules - self.border - r - 1
            c = 0
            while c < len(line):
                if not line[c]:
                    c += 1
                    continue
                start = c
                while c < len(line) and line[c]:
                    c += 1
                canvas.rect(self.border + start, y, c - start, 1, stroke=0, fill=1)
        canvas.restoreState()


def certificate_pdf(certificate: Certificate, person_name: str, route: Route,
                    modules_titles: dict[str, dict[str, str]], verify_url: str,
                    compress: bool = True) -> bytes:
    """An A4 certificate, French then English: name, route, modules and their pass dates,
    issue and end dates, the verification code and a QR code of ``verify_url``.

    Dates are said in French words, then in English ("31 mai 2027 / 31 May 2027",
    :mod:`balise.formats`); the modules keep their pass days as ISO text, for machines.

    ``modules_titles`` maps module id to its {fr, en} title. ``compress=False``
    leaves the page readable as text (for tests).
    """
    regular, bold, mono = _fonts()
    fr = ParagraphStyle("fr", fontName=regular, fontSize=12, leading=16)
    strong = ParagraphStyle("strong", parent=fr, fontName=bold)

    def both(words: dict[str, str], style=fr, sep="<br/>") -> Paragraph:
        return Paragraph(f"{escape(words['fr'])}{sep}<font color='#555555'>"
                         f"{escape(words['en'])}</font>", style)

    def titled(title: dict[str, str], fallback: str) -> str:
        french, english = title.get("fr") or fallback, title.get("en") or fallback
        return escape(french if french == english else f"{french} / {english}")

    def passed(day: str) -> str:
        said, when = word("passed on"), date_words(date.fromisoformat(day))
        return (f"{escape(said['fr'])} {escape(when['fr'])} <font color='#555555'>/ "
                f"{escape(said['en'])} {escape(when['en'])}</font>")

    modules = "<br/>".join(
        f"{titled(modules_titles.get(m['module'], {}), m['module'])} — {passed(m['passed_on'])}"
        for m in json.loads(certificate.modules))
    rows = [
        (word("Name"), Paragraph(escape(person_name), strong)),
        (word("Route"), Paragraph(titled(route.title, route.id), strong)),
        (word("Modules passed"), Paragraph(modules, fr)),
        (word("Issued on"), both(date_words(certificate.issued_on), strong, " / ")),
        (word("Valid until"), both(date_words(certificate.valid_until), strong, " / ")),
        (word("Verification code"), Paragraph(escape(certificate.code),
                                              ParagraphStyle("code", parent=strong,
                                                             fontName=mono))),
    ]
    table = Table([[both(words), cell] for words, cell in rows],
                  colWidths=[55 * mm, 115 * mm], hAlign="LEFT",
                  style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                         ("BOTTOMPADDING", (0, 0), (-1, -1), 8)])
    heading = ParagraphStyle("heading", parent=strong, fontSize=22, leading=30)
    title = word("Safety training certificate")
    story = [both(title, heading), Spacer(1, 10 * mm), table, Spacer(1, 10 * mm),
             both(word("To verify this certificate, scan the code or open the address:")),
             Paragraph(escape(verify_url), fr), Spacer(1, 4 * mm),
             QRFlowable(qr_code(verify_url), 45 * mm)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=f"{title['fr']} / {title['en']}",
                      author="Balise", lang="fr", pageCompression=1 if compress else 0,
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm).build(story)
    return out.getvalue()
