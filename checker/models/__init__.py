"""Stage 1: the two YAML languages (SPEC §3 terms, §4 scenarios) as models.

Models check shape and types only; names, times and cross-references are
resolved in `resolve.py`. They are plain frozen classes (`base.py`), declared
once: a valid document is read into them without pydantic (`fast.py`), and
pydantic's models, generated from the same declarations (`validation.py`),
validate the documents that need it (their errors are pydantic's) and give
the JSON Schemas that `checker schema` prints. Unknown keys are forbidden
except where a model keeps them (`extra="allow"`).
"""

from typing import Any

from checker.models import base
from checker.models.fast import read


def _validated(model: type[base.Model], data: Any) -> base.Model:
    found = read(model, data)
    if found is not None:
        return found
    from checker.models.validation import validate  # (pydantic: only when it is needed)

    return validate(model, data)


def _schema(model: type[base.Model]) -> dict[str, Any]:
    from checker.models.validation import pydantic_model

    return pydantic_model(model).model_json_schema()


base.install(_validated, _schema)

from checker.models.scenario import ScenarioFile  # noqa: E402  # (after the readers)
from checker.models.terms import TermsFile  # noqa: E402

__all__ = ["ScenarioFile", "TermsFile"]
