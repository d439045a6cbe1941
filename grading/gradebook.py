"""nbgrader's gradebook on one SQLAlchemy engine for the life of a grading process.

nbgrader opens a new :class:`~nbgrader.api.Gradebook` nine times in one
autograde (five in ``Autograde.init_assignment``, one in each of
``OverwriteKernelspec``, ``OverwriteCells``, ``SaveAutoGrades`` and
``AssignLatePenalties``), and each one is a new engine: a new connection, the
schema inspected and ``create_all`` run again, and every statement compiled
again because SQLAlchemy caches compiled statements per engine. That was
about half of a grade's time.

:class:`SharedGradebook` is nbgrader's Gradebook whose engine is opened once
per process and URL (by nbgrader's own constructor, so the schema is created
exactly as nbgrader creates it); each ``with SharedGradebook(...) as gb:``
still gets a session of its own, closed on exit, so no ORM state outlives a
step. The steps below are nbgrader's own classes whose methods are nbgrader's
own code, with the name ``Gradebook`` bound to :class:`SharedGradebook` (for
SaveAutoGrades, :class:`OneCommitGradebook`: one commit a notebook): no
line of nbgrader is copied or patched, and stock nbgrader in the same process
(the CLI, the benchmark's API path) keeps opening its own engines.
"""

from __future__ import annotations

import types

from nbgrader import preprocessors as stock
from nbgrader.api import (
    Assignment,
    Grade,
    Gradebook,
    GradeCell,
    MissingEntry,
    Notebook,
    SourceCell,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
    TaskCell,
)
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import Autograde
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session, sessionmaker

# One engine per database URL, for the process's life; emptied by dispose_engines().
_engines: dict[str, Engine] = {}
# (URL, course id) whose course row this process has seen: nbgrader never deletes one.
_courses: set[tuple[str, str]] = set()
# Indexes nbgrader's schema lacks for reading grades by learner (a site's for its trainer, one
# learner's for her page): without them each such read scanned every grade of the group, 0.3 s
# at 1,300 people (benchmarks/report.py), 0.03 s with them. Made once per process and
# database, if missing; nbgrader's own tables and constraints are left as they are.
READ_INDEXES = {
    "ix_balise_submitted_assignment_student": ("submitted_assignment", "student_id"),
    "ix_balise_submitted_notebook_assignment": ("submitted_notebook", "assignment_id"),
    "ix_balise_grade_notebook": ("grade", "notebook_id"),
}


def _engine(db_url: str) -> Engine:
    engine = _engines.get(db_url)
    if engine is None:
        first = Gradebook(db_url)       # nbgrader's own first open: schema, alembic version
        first.db.remove()
        engine = _engines[db_url] = first.engine
        if engine.dialect.name == "sqlite":
            # WAL, as Balise's store: a commit writes the log once instead of a
            # journal and the file, and the server reads while the worker writes.
            # The mode is kept in the file, so every process gets it.
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        with engine.begin() as connection:
            for name, (table, column) in READ_INDEXES.items():
                connection.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
    return engine


def dispose_engines() -> None:
    """Close every shared engine; the next SharedGradebook opens a new one.

    The grading worker calls this when a grade fails (a database restarted
    under it leaves dead connections in the pool) and when it stops.
    """
    _courses.clear()
    while _engines:
        _engines.popitem()[1].dispose()


class SharedGradebook(Gradebook):
    """nbgrader's Gradebook on the process's engine for ``db_url``; a new session each time."""

    def __init__(self, db_url: str, course_id: str = "default_course", authenticator=None):
        self.engine = _engine(db_url)
        self.db = scoped_session(sessionmaker(autoflush=True, bind=self.engine, future=True))
        # nbgrader's check (a query and a commit) on every open, ten times a grade, for a
        # row that, once there, stays: checked once per process and engine.
        if (db_url, course_id) not in _courses:
            self.check_course(course_id=course_id)
            _courses.add((db_url, course_id))
        self.course_id = course_id
        self.authenticator = authenticator

    def close(self) -> None:
        """End this gradebook's session; the engine stays open for the next one."""
        self.db.remove()


class _FlushOnCommit:
    """A gradebook session whose ``commit`` only flushes; everything else is the session's."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        self._session.flush()

    def __getattr__(self, name):
        return getattr(self._session, name)


class OneCommitGradebook(SharedGradebook):
    """SharedGradebook whose step commits once, when the step's ``with`` block ends.

    nbgrader's SaveAutoGrades commits after each graded cell: eleven commits a
    grade, each one a write of SQLite's log to disk (synchronous FULL kept). On a
    machine also serving pages, those waits were a quarter of a grade's time
    under load. Here each of nbgrader's commits is a flush (the rows are written
    in the open transaction, so nbgrader reads back what it wrote) and the step
    commits once at its end: the grades of a notebook are saved all together or,
    if the step fails, not at all, and the attempt stays pending to be graded again.
    """

    def __init__(self, db_url: str, course_id: str = "default_course", authenticator=None):
        super().__init__(db_url, course_id, authenticator)
        self.db = _FlushOnCommit(self.db)

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        try:
            if exc_type is None:
                self.db._session.commit()
            else:
                self.db.rollback()
        finally:
            self.close()           # SharedGradebook's: the session's remove, passed through


class CellsAtOnce(SharedGradebook):
    """SharedGradebook whose per-cell look-ups read all of a notebook's cells in one query.

    nbgrader's OverwriteCells asks for each graded cell's source cell and grade
    cell, and SaveAutoGrades for each one's grade: a query each, 37 a grade,
    each joining four or six tables. Here the first look-up of a kind reads
    every row of that kind for the notebook (and learner) with nbgrader's own
    joins and filters, in the step's session; the next are answered from it.
    The same rows, read in the same transaction; a name not there raises
    nbgrader's MissingEntry, and a name found twice (which nbgrader's ``one()``
    refuses) is asked of nbgrader's own method.
    """

    def _rows(self, key: tuple, query) -> dict:
        cache = self.__dict__.setdefault("_cells_at_once", {})
        if key not in cache:
            rows: dict = {}
            for name, row in query():
                rows[name] = row if name not in rows else None     # None: found twice
            cache[key] = rows
        return cache[key]

    def _cells(self, kind, notebook: str, assignment: str) -> dict:
        return self._rows((kind, notebook, assignment), lambda: self.db.query(kind.name, kind)
                          .join(Notebook, Notebook.id == kind.notebook_id)
                          .join(Assignment, Assignment.id == Notebook.assignment_id)
                          .filter(Notebook.name == notebook, Assignment.name == assignment))

    def _grades(self, kind, notebook: str, assignment: str, student: str) -> dict:
        return self._rows((Grade, kind, notebook, assignment, student), lambda: self.db.query(
            kind.name, Grade).select_from(Grade)
            .join(kind, kind.id == Grade.cell_id)
            .join(SubmittedNotebook, SubmittedNotebook.id == Grade.notebook_id)
            .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
            .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
            .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
            .join(Student, Student.id == SubmittedAssignment.student_id)
            .filter(Notebook.name == notebook, Assignment.name == assignment,
                    Student.id == student))

    @staticmethod
    def _one(found: list[dict], name: str, ask, missing: str):
        for rows in found:
            if name in rows:
                return rows[name] if rows[name] is not None else ask()
        raise MissingEntry(missing)

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCell:
        return self._one(
            [self._cells(SourceCell, notebook, assignment)], name,
            lambda: super(CellsAtOnce, self).find_source_cell(name, notebook, assignment),
            f"No such source cell: {assignment}/{notebook}/{name}")

    def find_graded_cell(self, name: str, notebook: str, assignment: str):
        grade_cells = self._cells(GradeCell, notebook, assignment)
        return self._one(
            [grade_cells] if name in grade_cells else [self._cells(TaskCell, notebook, assignment)],
            name, lambda: super(CellsAtOnce, self).find_graded_cell(name, notebook, assignment),
            f"No such grade cell: {assignment}/{notebook}/{name}")

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str) -> Grade:
        grades = self._grades(GradeCell, notebook, assignment, student)
        return self._one(
            [grades] if grade_cell in grades
            else [self._grades(TaskCell, notebook, assignment, student)], grade_cell,
            lambda: super(CellsAtOnce, self).find_grade(grade_cell, notebook, assignment, student),
            f"No such grade: {assignment}/{notebook}/{grade_cell} for {student}")


class OneCommitCellsAtOnce(CellsAtOnce, OneCommitGradebook):
    """SaveAutoGrades' gradebook: its grades read at once, saved in one commit."""


def rebound(function: types.FunctionType, **names) -> types.FunctionType:
    """nbgrader's ``function`` itself (the same code object), reading ``names`` as given.

    ``rebound(SaveAutoGrades.preprocess, Gradebook=SharedGradebook)`` is
    SaveAutoGrades' own method in which the global name ``Gradebook`` means
    SharedGradebook. nbgrader's module is left as it is.
    """
    bound = types.FunctionType(function.__code__, {**function.__globals__, **names},
                               function.__name__, function.__defaults__, function.__closure__)
    bound.__kwdefaults__ = function.__kwdefaults__
    bound.__qualname__, bound.__doc__ = function.__qualname__, function.__doc__
    return bound


def on_shared_gradebook(function: types.FunctionType) -> types.FunctionType:
    return rebound(function, Gradebook=SharedGradebook)


class SharedOverwriteKernelspec(stock.OverwriteKernelspec):
    preprocess = on_shared_gradebook(stock.OverwriteKernelspec.preprocess)


class SharedOverwriteCells(stock.OverwriteCells):
    preprocess = rebound(stock.OverwriteCells.preprocess, Gradebook=CellsAtOnce)


class SharedSaveAutoGrades(stock.SaveAutoGrades):
    preprocess = rebound(stock.SaveAutoGrades.preprocess, Gradebook=OneCommitCellsAtOnce)


class SharedAssignLatePenalties(stock.AssignLatePenalties):
    preprocess = on_shared_gradebook(stock.AssignLatePenalties.preprocess)


class SharedAutograde(Autograde):
    """nbgrader's Autograde converter, its start-of-grade gradebook work on the shared engine."""

    init_assignment = on_shared_gradebook(Autograde.init_assignment)


class SharedGradebookAPI(NbGraderAPI):
    """nbgrader's API whose ``autograde`` runs :class:`SharedAutograde`."""

    autograde = rebound(NbGraderAPI.autograde, Autograde=SharedAutograde)


# nbgrader's steps and their shared-engine versions, for nbgrader_config to swap.
SHARED_STEPS = {
    stock.OverwriteKernelspec: SharedOverwriteKernelspec,
    stock.OverwriteCells: SharedOverwriteCells,
    stock.SaveAutoGrades: SharedSaveAutoGrades,
    stock.AssignLatePenalties: SharedAssignLatePenalties,
}
