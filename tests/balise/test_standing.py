"""Every learner's status for the coordinator's pages is worked out once for the same data,
and again as soon as a grade, an attempt, a validation, a person or the day changes."""

import shutil
import sqlite3
from datetime import date, timedelta

import pytest

from balise.web import standing

pytestmark = pytest.mark.slow


@pytest.fixture
def ctx(server, tmp_path, monkeypatch):
    """A context on a copy of the demo server's data (written here, not the server's), its
    ``status`` counted."""
    from balise.config import Balise
    from balise.context import BaliseContext
    from balise.grading.gradebook import dispose_engines

    for name in ("balise.db", "gradebook.db"):
        with sqlite3.connect(server.data / name) as src, sqlite3.connect(tmp_path / name) as dst:
            src.backup(dst)
    shutil.copy(server.data / "secret.key", tmp_path / "secret.key")
    context = BaliseContext.open(Balise(data_dir=str(tmp_path)))
    worked = []
    status = context.status

    def counted(*args, **kwargs):
        worked.append(1)
        return status(*args, **kwargs)

    monkeypatch.setattr(context, "status", counted)
    context.worked = worked
    standing.forget()
    yield context
    standing.forget()
    context.store.dispose()
    dispose_engines()


def write(path, sql: str) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute(sql).rowcount > 0


def test_the_same_data_is_worked_out_once_and_gives_the_same_figures(ctx):
    people = ctx.store.frame(ctx.models.Person)
    first = standing.everyone(ctx, date.today(), people)
    again = standing.everyone(ctx, date.today(), ctx.store.frame(ctx.models.Person))
    assert len(ctx.worked) == 1 and again is first
    fresh = ctx.status(date.today(), people=people)
    assert first[0].equals(fresh[0]) and first[1].equals(fresh[1])


@pytest.mark.parametrize("change", [
    "UPDATE attempts SET score = score + 1 WHERE id = (SELECT id FROM attempts "
    "WHERE status = 'graded' LIMIT 1)",
    "DELETE FROM field_validations WHERE id = (SELECT min(id) FROM field_validations)",
    "UPDATE people SET activity = 'construction' WHERE id = 'amina'",
])
def test_a_change_in_the_store_works_it_out_again(ctx, change):
    standing.everyone(ctx, date.today(), ctx.store.frame(ctx.models.Person))
    write(ctx.config.data_path / "balise.db", change)
    standing.everyone(ctx, date.today(), ctx.store.frame(ctx.models.Person))
    assert len(ctx.worked) == 2


@pytest.mark.parametrize("change", [
    # autograded again: nbgrader stamps the submission with the new attempt's time
    f"UPDATE submitted_assignment SET timestamp = '{date.today() + timedelta(days=1)} "
    "00:00:00.000000' "
    "WHERE id = (SELECT min(id) FROM submitted_assignment)",
    "DELETE FROM submitted_assignment WHERE id = (SELECT min(id) FROM submitted_assignment)",
])
def test_a_submission_graded_or_erased_in_nbgraders_gradebook_works_it_out_again(ctx, change):
    standing.everyone(ctx, date.today(), ctx.store.frame(ctx.models.Person))
    write(ctx.config.data_path / "gradebook.db", change)
    standing.everyone(ctx, date.today(), ctx.store.frame(ctx.models.Person))
    assert len(ctx.worked) == 2


def test_the_next_day_is_worked_out_again(ctx):
    people = ctx.store.frame(ctx.models.Person)
    standing.everyone(ctx, date.today(), people)
    standing.everyone(ctx, date.today() + timedelta(days=1), people)
    assert len(ctx.worked) == 2


def test_a_table_worked_out_from_it_is_kept_until_its_own_frames_change(ctx):
    people = ctx.store.frame(ctx.models.Person)
    sites = ctx.store.frame(ctx.models.Site)
    made = []

    def table(status, cert):
        made.append(1)
        return len(status)

    for _ in range(2):
        standing.derived("t", ctx, date.today(), people, [sites], table)
    assert made == [1] and len(ctx.worked) == 1
    renamed = sites.assign(name=sites.name + " (Est)")
    standing.derived("t", ctx, date.today(), people, [renamed], table)
    assert made == [1, 1] and len(ctx.worked) == 1          # the status itself still holds
    write(ctx.config.data_path / "balise.db", "DELETE FROM field_validations WHERE id = "
          "(SELECT min(id) FROM field_validations)")
    standing.derived("t", ctx, date.today(), people, [renamed], table)
    assert made == [1, 1, 1] and len(ctx.worked) == 2
