"""nbgrader's feedback page exporter, its Jinja templates compiled once per process.

nbconvert builds a new Jinja environment for every exporter, and nbgrader a new
exporter for every feedback page, so each page parsed and compiled the same
dozen templates again: 37 % of a feedback page's 160 ms here, on the core the
next learner's grade wants. :class:`FeedbackExporter` is nbconvert's
HTMLExporter with a process-wide cache of compiled templates (Jinja's own
bytecode cache mechanism, in memory), keyed by template name, file and source
checksum, so an edited template is compiled again. Selected through
configuration: ``c.GenerateFeedback.exporter_class``.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from nbconvert.exporters import HTMLExporter


class CompiledTemplates(BytecodeCache):
    """Compiled templates in memory, by environment kind, name, file and source."""

    def __init__(self):
        self._code: dict[tuple, object] = {}

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        # Async and sync environments compile the same source differently.
        kind = "async" if environment.is_async else "sync"
        bucket = Bucket(environment, f"{self.get_cache_key(name, filename)}-{kind}",
                        self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[(bucket.key, bucket.checksum)] = bucket.code

    def __len__(self) -> int:
        return len(self._code)


COMPILED = CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED
        return environment
