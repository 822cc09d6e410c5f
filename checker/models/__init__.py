"""Stage 1: the two YAML languages (SPEC §3 terms, §4 scenarios) as models.

Models check shape and types only; names, times and cross-references are
resolved in `resolve.py`. They are plain frozen classes (`base.py`), declared
once: a valid document is read into them without pydantic (`fast.py`), and
pydantic's models, generated from the same declarations (`validation.py`),
validate the documents that need it (their errors are pydantic's) and give
the JSON Schemas that `checker schema` prints. Unknown keys are forbidden
except where a model keeps them (`extra="allow"`).
"""

from checker.models.scenario import ScenarioFile
from checker.models.terms import TermsFile

__all__ = ["ScenarioFile", "TermsFile"]
