"""Where a grade's time goes: the wall time of each of nbgrader's steps, when asked.

Off unless asked: the grading worker measures when ``GradingWorker.step_times``
names a file (``benchmarks/grading.py`` sets it), and the benchmark measures
stock nbgrader with the same :func:`measuring`, so both sides are cut the same
way and a slower machine says where it lost time. While on, nbconvert's and
nbgrader's own methods are called through a timer; nothing else changes.

Each step is named after nbgrader's own (Balise's version of a step is timed
under the name of the step it stands for: ``PooledExecute`` as ``Execute``);
Balise's own steps (``SealAnswerSheet``, ``DrawQuiz``...) keep their names.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager

# What happens outside the steps, named for the breakdown.
START = "start: gradebook rows, copies"       # Autograde.init_assignment
CLEAR = "clear the previous grade"            # BaseConverter.init_destination
READ = "read notebook"                        # nbformat.read in the exporter
COPY = "copy and normalize"                   # the exporter's deep copy and normalize
VALIDATE = "validate notebook"                # nbconvert's schema check after the steps
WRITE = "write graded notebook"               # BaseConverter.write_single_notebook
TOTAL = "total"


def step_name(step) -> str:
    """nbgrader's name for a grading step, or the step's own for one Balise added."""
    from nbgrader.converters import Autograde

    stock = {*Autograde.class_traits()["sanitize_preprocessors"].default(),
             *Autograde.class_traits()["autograde_preprocessors"].default()}
    for cls in type(step).__mro__:
        if cls in stock:
            return cls.__name__
    return type(step).__name__


def _timed(times: dict, label, function):
    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            times[label(args) if callable(label) else label] += time.perf_counter() - t0
    return timed


@contextmanager
def measuring():
    """Seconds spent in each of nbgrader's steps while the block runs, by name."""
    import nbconvert.exporters.exporter as exporter_module
    from nbconvert.exporters.exporter import Exporter
    from nbconvert.preprocessors.base import Preprocessor
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import BaseConverter

    from balise.grading.gradebook import SharedAutograde

    times: dict[str, float] = defaultdict(float)
    names: dict[type, str] = {}
    steps: set[str] = set()

    def name_of(args) -> str:
        kind = type(args[0])
        if kind not in names:
            names[kind] = step_name(args[0])
            steps.add(names[kind])
        return names[kind]

    patches = [
        (Preprocessor, "__call__", name_of),
        (Autograde, "init_assignment", START),
        (SharedAutograde, "init_assignment", START),
        (BaseConverter, "init_destination", CLEAR),
        (BaseConverter, "write_single_notebook", WRITE),
        (Exporter, "_validate_preprocessor", VALIDATE),
        (exporter_module.nbformat, "read", READ),
        (Exporter, "_preprocess", COPY),     # all steps and the check: the rest is taken off
    ]
    saved = [(owner, attr, owner.__dict__[attr]) for owner, attr, _ in patches]
    for owner, attr, label in patches:
        setattr(owner, attr, _timed(times, label, getattr(owner, attr)))
    try:
        yield times
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)
        if COPY in times:
            times[COPY] -= sum(times[name] for name in steps) + times.get(VALIDATE, 0.0)
