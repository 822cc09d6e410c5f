"""The mistakes newcomers made most (issue 11, point 9) get a hint that shows the
form the tool reads: a date in another form, `time:` given a window, and a value
with an unquoted `: `."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAD = f"""scenario:
  id: hints
  terms: {ROOT / "terms" / "nk-ceasefire-2020.yaml"}
  as_of: 2020-11-20
reports:
  - id: a
    event: hostilities
    actor: AZ-forces
    place: shusha
"""


@pytest.mark.parametrize(
    ("lines", "where", "hint"),
    [
        (
            "    date: 10/11/2020\n    source: x\n",
            ":10:11: `10/11/2020` is not a valid date [T301]",
            "hint: dates are read as 2020-11-10, 2020-11 (the month)",
        ),
        (
            "    time: {from: 2020-11-12, to: 2020-11-13}\n    source: x\n",
            ":10:11: input should be a valid string [S103]",
            "hint: `time:` is one exact minute (`time: 2020-11-12T06:00`); a window is written `date:",
        ),
        (
            "    date: 2020-11-12\n    source: Reuters: shelling\n",
            ":11:20: invalid YAML: mapping values are not allowed in this context [Y003]",
            'hint: a value that contains ": " must be quoted',
        ),
    ],
    ids=["date-form", "time-window", "unquoted-colon"],
)
def test_a_common_mistake_gets_a_hint(tmp_path: Path, lines: str, where: str, hint: str) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(HEAD + lines, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "checker", "lint", str(f)], capture_output=True, text=True
    )
    assert done.returncode == 3
    assert where in done.stderr
    assert hint in done.stderr
