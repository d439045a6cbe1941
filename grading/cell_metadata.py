"""nbgrader's CheckCellMetadata with its JSON schema checked once, not once a cell.

nbgrader validates each cell's nbgrader metadata with ``jsonschema.validate``,
which first checks the schema itself against the JSON Schema meta-schema:
twelve cells, twice an autograde, is 24 checks of the same small schema, about
15 ms of a grade. :class:`CheckCellMetadataOnce` runs nbgrader's own code with
a validator for each schema built (and the schema checked) once per process;
every cell is still validated, with the same errors raised.
"""

from __future__ import annotations

import json

import jsonschema
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from nbgrader.preprocessors import CheckCellMetadata

from balise.grading.gradebook import rebound


class _SchemaCheckedOnce:
    """``jsonschema.validate``, with one checked validator kept per distinct schema."""

    def __init__(self):
        self._validators: dict[str, jsonschema.protocols.Validator] = {}

    def validate(self, instance, schema) -> None:
        key = json.dumps(schema, sort_keys=True)       # nbgrader re-reads its schema each time
        validator = self._validators.get(key)
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


class _CellCheckedOnce(BaseMetadataValidator):
    validate_cell = rebound(BaseMetadataValidator.validate_cell, jsonschema=_SchemaCheckedOnce())


class MetadataValidator(MetadataValidatorV3, _CellCheckedOnce):
    """nbgrader's current validator; its schema step (``super().validate_cell``) is checked once."""


class CheckCellMetadataOnce(CheckCellMetadata):
    preprocess = rebound(CheckCellMetadata.preprocess, MetadataValidator=MetadataValidator)
