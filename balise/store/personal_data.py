"""Everything Balise holds about one person, in one zip she can be given (GDPR, art. 15 and 20).

What is in it:
- ``store.json``: every row of Balise's tables that names her, table by table: her
  person row, attempts, saved answers, field validations, quarter-hours attended,
  certificates, refreshers, badges, the trail lines about her or made by her, and any
  table added later that points at ``people.id`` (found from the schema, so a new
  table cannot be forgotten). Secrets are left out: a column ending in ``_hash``
  (her password's, a badge's) is not data about her but a lock.
- ``gradebook.json``: nbgrader's rows for her (student, submissions, each grade),
  read through nbgrader's own API.
- ``attempts/``: the answers each attempt was graded on, and the copies kept of it.
- ``certificates/``: each certificate as the PDF she can download, when given.
- ``photos/``: the photos of the hazards she reported.
- ``LISEZ-MOI.txt``: what each part is, in French then English.

Reading only: nothing is written, and the zip is built in memory (one person's data
is small).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import or_, select

from balise.store.models import Base, Store

# The columns that say whom a row is about: rows where she is the subject are hers.
# Rows where she acted on someone else (a trainer's ``trainer_id``, the trail's
# ``actor_id``) are that other person's data, and stay out of her export.
SUBJECT_COLUMNS = ("learner_id", "person_id", "reporter_id")
README = """Vos données dans Balise / Your data in Balise

store.json : chaque ligne des tables de Balise qui vous nomme (vous, vos essais, vos
réponses enregistrées, vos validations, vos quarts d'heure, vos certificats, vos
rappels, le journal des changements vous concernant). Les mots de passe et les badges
n'y sont pas : Balise n'en garde qu'une empreinte, qui ne dit rien de vous.
gradebook.json : vos notes, telles que nbgrader (l'outil de correction) les garde.
attempts/ : les réponses envoyées à chaque essai.
certificates/ : vos attestations en PDF.
photos/ : les photos des dangers que vous avez signalés.

store.json: every row of Balise's tables that names you (you, your attempts, your saved
answers, validations, quarter-hours, certificates, refreshers, the trail of changes
about you). Passwords and badges are not in it: Balise keeps only a fingerprint of
them, which says nothing about you.
gradebook.json: your grades, as nbgrader (the grading tool) keeps them.
attempts/: the answers sent at each attempt.
certificates/: your certificates as PDF.
photos/: the photos of the hazards you reported.
"""


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def person_columns() -> dict[str, list[str]]:
    """Table name -> the columns that say a row is about a person, from the schema: the
    people table's id, and every ``learner_id`` or ``person_id`` column (with or without a
    foreign key: the trail names people it does not constrain)."""
    found: dict[str, list[str]] = {"people": ["id"]}
    for table in Base.metadata.sorted_tables:
        cols = [c.name for c in table.columns if c.name in SUBJECT_COLUMNS]
        if cols:
            found.setdefault(table.name, []).extend(cols)
    return found


def store_rows(store: Store, person_id: str) -> dict[str, list[dict]]:
    """Every row naming ``person_id``, table by table, secrets (``*_hash``) left out."""
    out: dict[str, list[dict]] = {}
    with store.session() as s:
        for name, cols in person_columns().items():
            table = Base.metadata.tables[name]
            rows = s.execute(select(table).where(
                or_(*(table.c[c] == person_id for c in cols)))).mappings().all()
            if rows:
                out[name] = [{k: _plain(v) for k, v in row.items() if not k.endswith("_hash")}
                             for row in rows]
    return out


def gradebook_rows(gradebook_url: str, course_id: str, person_id: str) -> dict:
    """nbgrader's rows for her: the student, each submission and its grades (its own API)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url, course_id) as gb:
        try:
            student = gb.find_student(person_id)
        except MissingEntry:
            return {}
        submissions = []
        for assignment in gb.assignments:
            try:
                sub = gb.find_submission(assignment.name, person_id)
            except MissingEntry:
                continue
            grades = [{"notebook": nb.name, "cell": g.name, "score": g.score,
                       "max_score": g.max_score, "auto_score": g.auto_score,
                       "manual_score": g.manual_score}
                      for nb in sub.notebooks for g in nb.grades]
            submissions.append({"assignment": assignment.name,
                                "timestamp": _plain(sub.timestamp), "score": sub.score,
                                "max_score": sub.max_score, "grades": grades})
        return {"student": {k: _plain(v) for k, v in student.to_dict().items()},
                "submissions": submissions}


def attempt_files(archive: Path, attempt_ids: list[str]) -> list[Path]:
    """The files kept of her attempts in the archive folder (answers, submission copies)."""
    if not archive.is_dir():
        return []
    wanted = tuple(f"{a}." for a in attempt_ids)
    out = []
    for path in sorted(archive.rglob("*")):
        rel = path.relative_to(archive)
        if path.is_file() and (rel.name.startswith(wanted) or rel.parts[0] in attempt_ids):
            out.append(path)
    return out


def certificate_pdfs(store: Store, person_id: str, name: str, routes: list,
                     titles: Mapping[str, dict], verify_base: str) -> dict[str, bytes]:
    """Her certificates as the PDFs she downloads (code -> bytes); ``verify_base`` is the
    public address printed on them (``<base>/balise/verify/<code>``)."""
    from balise.progress.certificates import certificate_pdf
    from balise.progress.routes import Route
    from balise.store.programme import Certificate

    with store.session() as s:
        found = s.scalars(select(Certificate).where(Certificate.learner_id == person_id)).all()
    by_id = {r.id: r for r in routes}
    return {c.code: certificate_pdf(c, name, by_id.get(c.route_id, Route(c.route_id, {}, [], [])),
                                    titles, f"{verify_base.rstrip('/')}/balise/verify/{c.code}")
            for c in found}


def export_person(store: Store, gradebook_url: str, course_id: str, archive: Path,
                  person_id: str, certificates: Mapping[str, bytes] | None = None) -> bytes:
    """The zip of everything held about ``person_id``; ``certificates`` maps a certificate
    code to its PDF (made by the caller, who knows the server's address)."""
    rows = store_rows(store, person_id)
    attempts = [a["id"] for a in rows.get("attempts", [])]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("LISEZ-MOI.txt", README)
        z.writestr("store.json", json.dumps(rows, ensure_ascii=False, indent=1))
        z.writestr("gradebook.json", json.dumps(
            gradebook_rows(gradebook_url, course_id, person_id), ensure_ascii=False, indent=1))
        for path in attempt_files(archive, attempts):
            z.write(path, f"attempts/{path.relative_to(archive)}")
        for code, pdf in (certificates or {}).items():
            z.writestr(f"certificates/{code}.pdf", pdf)
        photos = archive.parent / "photos"
        for report in rows.get("hazard_reports", []):
            if report.get("photo") and (photos / report["photo"]).is_file():
                z.write(photos / report["photo"], f"photos/{report['photo']}")
    return out.getvalue()
