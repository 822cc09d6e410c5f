"""Agreement checker: terms of an agreement as YAML, scenarios judged against them with Z3."""

__version__ = "0.1.0"
