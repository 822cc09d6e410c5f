"""Stage 1: the two YAML languages (SPEC §3 terms, §4 scenarios) as pydantic models.

Models check shape and types only; names, times and cross-references are
resolved in `resolve.py`. All models forbid unknown keys and are frozen; the
JSON Schemas that `checker schema` prints come from them.
"""

from checker.models.scenario import ScenarioFile
from checker.models.terms import TermsFile

__all__ = ["ScenarioFile", "TermsFile"]
