"""Stage 3: names, hierarchies, times, amendments and interpretations resolved into `ir`.

`resolve_scenario` gives the scenario with its terms in force; `TermsResolver`
resolves a terms file on its own (for `lint` and `provisions`).
"""

from checker.resolve.scenario import Overrides, TermsCache, resolve_scenario
from checker.resolve.terms import TermsResolver

__all__ = ["Overrides", "TermsCache", "TermsResolver", "resolve_scenario"]
