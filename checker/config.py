"""Stage 7: option layers — built-in defaults, then `[tool.checker]` in pyproject.toml
(found by walking up from the working directory), then command-line flags.

The result is one `Config`, which knows where each value came from;
`--show-config` prints it as the `[tool.checker]` table that would give it, each
value with its origin. Unknown keys in the table are reported, not ignored, so a
typo cannot silently change a CI run.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from checker.diagnostics import Diagnostics, Span, did_you_mean
from checker.records import field, record


@record
class Config:
    paths: list[str] = field(default_factory=lambda: ["scenarios"])
    terms: str | None = None
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    formats: list[str] = field(default_factory=lambda: ["text"])
    outputs: list[str] = field(default_factory=list)
    timeout: float = 60.0
    rlimit: int = 50_000_000
    interpretation: str | None = None
    exit_zero: bool = False
    color: str = "auto"
    source: str | None = None  # the pyproject.toml found, with or without [tool.checker]
    # each field not at its default: where its value came from (PYPROJECT or COMMAND_LINE)
    origins: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: Any, origin: str) -> None:
        """Give the field `name` a value, and remember where it came from."""
        setattr(self, name, value)
        self.origins[name] = origin

    def origin(self, name: str) -> str:
        return self.origins.get(name, DEFAULT)

    def show(self) -> str:
        """The `[tool.checker]` table that gives this configuration (TOML), each value
        followed by where it came from; a value that is not set is a comment."""
        where = f"{self.source}" if self.source else "none found"
        rows: list[tuple[str, str]] = []
        for name, key in KEYS.items():
            value = getattr(self, name)
            origin = self.origin(name)
            if name == "jobs" and origin == DEFAULT:
                origin += ": the number of CPUs"
            if value is None:
                rows.append((f"# {key} is not set", f"{origin}: {_UNSET[name]}"))
            else:
                rows.append((f"{key} = {_toml(value)}", origin))
        width = max(len(left) for left, _ in rows)
        lines = [
            "# the configuration in effect; after each value, where it comes from:",
            f"# {DEFAULT}, {PYPROJECT} ({where}) or the {COMMAND_LINE}",
            "[tool.checker]",
            *(f"{left.ljust(width)}  # {origin}" for left, origin in rows),
        ]
        return "\n".join(lines) + "\n"


DEFAULT, PYPROJECT, COMMAND_LINE = "default", "pyproject.toml", "command line"

# each field of `Config` shown by `--show-config`: the key `[tool.checker]` takes for it
KEYS = {
    "paths": "paths",
    "terms": "terms",
    "jobs": "jobs",
    "formats": "format",
    "outputs": "output",
    "timeout": "timeout",
    "rlimit": "rlimit",
    "interpretation": "interpretation",
    "exit_zero": "exit-zero",
    "color": "color",
}
# what a field that is not set means
_UNSET = {
    "terms": "each scenario's own `terms`",
    "interpretation": "each scenario's own `interpretation`, if any",
}


def _toml(value: Any) -> str:
    """A value as TOML writes it (strings in JSON's escapes, which TOML reads alike)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        import json  # (here: only --show-config writes TOML)

        return json.dumps(value, ensure_ascii=False)
    return repr(value)


_ALIASES = {"format": "formats", "output": "outputs", "exit-zero": "exit_zero"}

# The longest `timeout`: past it the solver's millisecond timer and the clock's own limits
# overflow; 11.6 days is longer than anyone waits for one scenario.
MAX_TIMEOUT = 1_000_000.0


def timeout_problem(value: float) -> str | None:
    """What is wrong with `value` as a `timeout` in seconds (None: nothing)."""
    if not math.isfinite(value):
        return "not a finite number of seconds"
    if value <= 0:
        return "not a positive number of seconds"
    if value > MAX_TIMEOUT:
        return "too long a time limit"
    return None


def find_pyproject(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(diags: Diagnostics, start: Path | None = None) -> Config:
    """Defaults overlaid with the nearest pyproject.toml's `[tool.checker]` table."""
    config = Config()
    path = find_pyproject(start)
    if path is None:
        return config
    config.source = str(path)
    import tomllib  # (here: most runs have no pyproject.toml to read)

    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("checker")
    except (OSError, tomllib.TOMLDecodeError) as err:
        diags.add("Y001", Span(str(path), 1, 1), reason=f"cannot read [tool.checker]: {err}")
        return config
    if not isinstance(table, dict):
        return config
    names = set(KEYS)
    for raw_key, value in table.items():
        key = _ALIASES.get(raw_key, raw_key.replace("-", "_"))
        if key not in names:
            diags.add(
                "S101",
                Span(str(path), _line_of(path, raw_key), 1),
                hint=did_you_mean(raw_key, sorted(names)),
                key=f"tool.checker.{raw_key}",
            )
            continue
        if key in ("paths", "formats", "outputs") and isinstance(value, str):
            value = [value]
        wanted = _wrong_type(key, value)
        if wanted is not None:
            diags.add(
                "S103",
                Span(str(path), _line_of(path, raw_key), 1),
                message=f"`tool.checker.{raw_key}` must be {wanted}, not {value!r:.60}",
            )
            continue
        config.set(key, value, PYPROJECT)
    return config


def _wrong_type(key: str, value: object) -> str | None:
    """What `key` takes, when `value` is not that (None: it is); caught here, not as a crash."""
    if key in ("paths", "formats", "outputs"):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "a string or a list of strings"
    if key in ("terms", "interpretation", "color"):
        return None if isinstance(value, str) else "a string"
    if key == "exit_zero":
        return None if isinstance(value, bool) else "true or false"
    if key in ("jobs", "rlimit"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "an integer"
    if key == "timeout":
        if isinstance(value, int | float) and not isinstance(value, bool):
            problem = timeout_problem(float(value))
            if problem is None:
                return None
            return f"a finite number of seconds, more than 0 and at most {MAX_TIMEOUT:.0f}"
        return "a number of seconds"
    return None


def _line_of(path: Path, key: str) -> int:
    try:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith(key):
                return i
    except OSError:
        pass
    return 1
