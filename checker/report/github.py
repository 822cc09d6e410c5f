"""The `github` format: GitHub Actions workflow commands, then the text report.

Each finding (see `compact`) becomes `::LEVEL file=F,line=L,col=C,title=T::message`, LEVEL
its level: `error` for what fails the run, `notice` for what the scenario expects and for
missed goals (left out under `--quiet`), `warning` for `unknown` under `--exit-zero`. A
library that passes prints no `::error`. Messages and properties are encoded as
workflow commands require (`%25`, `%0D`, `%0A`, and in properties `%3A`, `%2C`); any
other control character of the input is escaped (`\\x1b`). When `$GITHUB_STEP_SUMMARY` names a file, the `markdown`
summary is appended to it (the job's summary page).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from checker.report.compact import Finding, findings
from checker.report.markdown import render_markdown
from checker.report.text import render_text
from checker.results import RunResult
from checker.untrusted import shown

SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF encoded (as the Actions toolkit does), every other
    control character escaped (`\\x1b`), so that it stays one command, shown as written."""
    text = shown(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value: the message escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: object) -> str:
    """`::level k=v,...::message`, properties in the given order, empty ones left out."""
    pairs = ",".join(
        f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None and v != ""
    )
    return f"::{level}{' ' + pairs if pairs else ''}::{escape_data(message)}"


def annotation(f: Finding) -> str:
    return command(
        f.level,
        f.full_text,
        file=f.file.replace("\\", "/"),
        line=f.line,
        col=f.column,
        title=f.title,
    )


def write_step_summary(run: RunResult, *, quiet: bool = False) -> bool:
    """Append the markdown summary to `$GITHUB_STEP_SUMMARY` when it is set; True if written."""
    target = os.environ.get(SUMMARY_ENV)
    if not target:
        return False
    try:
        with open(target, "a", encoding="utf-8") as out:
            out.write(render_markdown(run, quiet=quiet))
    except OSError as e:
        sys.stderr.write(f"warning: cannot write the job summary to {target}: {e.strerror}\n")
        return False
    return True


def render_github(
    run: RunResult, *, verbose: bool = False, quiet: bool = False, exit_zero: bool = False, **_: Any
) -> str:
    lines = [annotation(f) for f in findings(run, quiet=quiet, exit_zero=exit_zero)]
    write_step_summary(run, quiet=quiet)
    return "".join(line + "\n" for line in lines) + render_text(run, verbose=verbose, quiet=quiet)
