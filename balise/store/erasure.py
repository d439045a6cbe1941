"""Erase one person (GDPR art. 17): nothing in the data folder names her afterwards.

What goes, and how, is read from the schema, so a table added later is not forgotten:

- rows *about* her (a ``learner_id``, ``person_id`` or ``reporter_id`` column equal to her
  id) are deleted, children first, her ``people`` row last; except the programme's own
  records, which the employer must keep (an accident, a hazard report): there her id is
  set to NULL and the record stays, without her;
- rows she *made* (``trainer_id``, ``actor_id``, ``recorded_by``, ``owner_id``...) stay,
  signed by a stand-in, ``effacé-<ref>``: a person row "Personne effacée" when a foreign
  key needs one. ``ref`` is a keyed hash of her id (the server's secret), the same on
  every row, so one person's records still read as one person's, and no one can go back
  from it to her;
- every text column (what happened, a note, the trail's changes) loses her name and id;
- her certificates are revoked: their codes alone are kept (``revoked_certificates``), so
  a printed copy checks as "révoquée";
- nbgrader's gradebook rows go through nbgrader's own ``remove_student``; her
  ``submitted/``, ``autograded/``, ``feedback/`` folders and the copies of her attempts
  are deleted; both SQLite files are vacuumed, so deleted pages keep no trace.

:func:`traces` then searches every file of the data folder byte by byte for her id and
her name and returns what still holds either (the course's own notebooks and the audio
cache aside: they are the same for everyone).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import String, Text, or_, select, text, update

from balise import BaliseError
from balise.store.admin import _write
from balise.store.models import Base, Person, Store
from balise.store.personal_data import attempt_files
from balise.store.programme import Certificate, RevokedCertificate

SUBJECT_COLUMNS = ("learner_id", "person_id", "reporter_id")
# The employer's records: they outlive her, without her.
KEPT = {"accidents", "hazard_reports"}
ACTOR_COLUMNS = ("trainer_id", "actor_id", "recorded_by", "handled_by", "visitor_id",
                 "owner_id", "created_by", "issued_by")
# Who follows whom: an assignment, not a record; it ends with her (NULL).
ASSIGNMENTS = {("people", "trainer_id"), ("teams", "trainer_id")}
ERASED_NAME = "Personne effacée"
GRADING_FOLDERS = ("submitted", "autograded", "feedback")
# Folders of the data folder that hold the course itself, the same for every learner.
NOT_PERSONAL = ("course/source", "course/release", "audio-cache", "speech")


def reference(secret: bytes, person_id: str) -> str:
    """A stand-in for her id: keyed, so it cannot be reversed by trying every id."""
    return hmac.new(secret, person_id.encode(), hashlib.sha256).hexdigest()[:12]


def spellings(needles: list[str]) -> list[str]:
    """Each of ``needles`` as written, and as JSON writes it with ``\\u`` escapes ("Zoé"
    is ``Zo\\u00e9`` in a JSON column written with ``ensure_ascii``), longest first."""
    out = {n for n in needles if n} | {json.dumps(n)[1:-1] for n in needles if n}
    return sorted(out, key=len, reverse=True)


def _forget(value: str, needles: list[str], stand_in: str) -> str:
    for needle in needles:
        value = re.sub(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", stand_in, value)
    return value


def _erase_rows(s, person: Person, stand_in: str) -> dict[str, int]:
    """Delete, anonymise and sign over every row, table by table; counts per table."""
    done: dict[str, int] = {}
    needles = spellings([person.name, person.id])
    tables = list(reversed(Base.metadata.sorted_tables))      # children first
    for table in tables:
        subject = [c for c in table.columns if c.name in SUBJECT_COLUMNS]
        for column in subject:
            if table.name in KEPT:
                n = s.execute(update(table).where(column == person.id)
                              .values({column.name: None})).rowcount
            else:
                n = s.execute(table.delete().where(column == person.id)).rowcount
            if n:
                done[table.name] = done.get(table.name, 0) + n
        for column in table.columns:
            if column.name in ACTOR_COLUMNS:
                value = None if (table.name, column.name) in ASSIGNMENTS else stand_in
                n = s.execute(update(table).where(column == person.id)
                              .values({column.name: value})).rowcount
                if n:
                    done[table.name] = done.get(table.name, 0) + n
            elif isinstance(column.type, (String, Text)) and not column.primary_key \
                    and not column.foreign_keys and not column.name.endswith("_id"):
                key = list(table.primary_key.columns)
                for row in s.execute(select(*key, column).where(
                        or_(*(column.contains(n) for n in needles)))):
                    cleaned = _forget(row[-1], needles, ERASED_NAME)
                    if cleaned != row[-1]:
                        s.execute(update(table).where(*(k == v for k, v in zip(key, row)))
                                  .values({column.name: cleaned}))
                        done[table.name] = done.get(table.name, 0) + 1
    s.execute(Person.__table__.delete().where(Person.id == person.id))
    return done


def erase_person(store: Store, gradebook_url: str, course_id: str, data: Path,
                 secret: bytes, actor: str, person_id: str,
                 today: date | None = None) -> dict:
    """Erase ``person_id`` from the store, the gradebook and the data folder.

    Returns what was done: ``ref`` (the stand-in's key), ``rows`` per table,
    ``certificates`` revoked, ``files`` deleted. The trail's line says who erased
    someone and when, under the stand-in, never her id or name.
    """
    from nbgrader.api import Gradebook, MissingEntry

    person = store.person(person_id)
    if person is None:
        raise BaliseError(f"Nobody with the id {person_id!r}: nothing erased. Fix: copy the "
                          "id from her page's address (/balise/person/<id>).")
    ref = reference(secret, person.id)
    stand_in = f"effacé-{ref}"
    archive = data / "attempts"
    with store.session() as s:
        attempts = [a for (a,) in s.execute(text(
            "SELECT id FROM attempts WHERE learner_id = :p"), {"p": person.id})]
        certificates = s.scalars(select(Certificate).where(
            Certificate.learner_id == person.id)).all()
        for c in certificates:
            s.add(RevokedCertificate(code=c.code, route_id=c.route_id,
                                     revoked_on=today or date.today()))
        needs_person = any(
            s.execute(select(col).where(col == person.id).limit(1)).first()
            for table in Base.metadata.sorted_tables for col in table.columns
            if col.name in ACTOR_COLUMNS and col.foreign_keys)
        if needs_person and s.get(Person, stand_in) is None:
            s.add(Person(id=stand_in, name=ERASED_NAME, role=person.role,
                         site_id=person.site_id, password_hash="!", ended_on=date.today()))
            s.flush()
        rows = _erase_rows(s, person, stand_in)
        _write(s, actor, "person.erase", site=person.site_id,
               changes={"ref": [None, ref], "rows": [None, sum(rows.values())],
                        "certificates": [None, len(certificates)]})
    files = [p for p in attempt_files(archive, attempts)]
    with Gradebook(gradebook_url, course_id) as gb:
        try:
            gb.remove_student(person.id)
        except MissingEntry:
            pass
    for path in files:
        path.unlink(missing_ok=True)
    for folder in GRADING_FOLDERS:
        shutil.rmtree(data / "course" / folder / person.id, ignore_errors=True)
    compact(store, gradebook_url)
    return {"ref": ref, "rows": rows, "certificates": len(certificates), "files": len(files)}


def compact(store: Store, gradebook_url: str) -> None:
    """SQLite keeps deleted rows in free pages and in its write-ahead log until they are
    reused: rewrite both databases, so a byte search finds nothing."""
    from sqlalchemy import create_engine

    engines = [store.engine]
    if gradebook_url.startswith("sqlite"):
        engines.append(create_engine(gradebook_url))
    for engine in engines:
        if engine.dialect.name != "sqlite":
            continue
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        if engine is not store.engine:
            engine.dispose()


def traces(data: Path, needles: list[str]) -> list[str]:
    """The files of ``data`` (relative paths) whose bytes hold any of ``needles`` (in
    UTF-8, and in JSON's ``\\u`` escapes), the course's own files aside."""
    wanted = {n.encode() for n in spellings(needles)}
    found = []
    for path in sorted(data.rglob("*")):
        rel = path.relative_to(data).as_posix()
        if not path.is_file() or rel.startswith(NOT_PERSONAL):
            continue
        body = path.read_bytes()
        if any(w in body for w in wanted):
            found.append(rel)
    return found
