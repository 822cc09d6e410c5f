"""The docs cannot drift: every command that README.md and docs/tutorial.md show is run,
and what it prints now must be what the doc shows (`python3 tests/docs/regen.py` rewrites
the shown outputs after a deliberate change; review the diff). The tutorial's finished
scenario is the one shipped in the library."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.docs.mdrun import (
    ROOT,
    RUN_DOCS,
    TUTORIAL_FILE,
    TUTORIAL_SHIPPED,
    run_doc,
    workspace,
    written_files,
)


@pytest.mark.parametrize("doc", RUN_DOCS)
def test_every_shown_output_is_what_the_command_prints(doc: str, tmp_path: Path) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert "\n$ " in text, f"{doc} shows no command"
    now = run_doc(text, workspace(doc, tmp_path))
    if now != text:
        diff = "".join(
            list(
                difflib.unified_diff(
                    text.splitlines(True), now.splitlines(True), f"{doc} (shown)", "(printed now)"
                )
            )[:80]
        )
        pytest.fail(
            f"{doc} shows outputs that differ from the commands':\n{diff}\n"
            "If the change is meant, run `python3 tests/docs/regen.py` and review."
        )


def test_the_tutorial_ends_with_the_shipped_scenario() -> None:
    files = written_files((ROOT / "docs/tutorial.md").read_text(encoding="utf-8"))
    assert TUTORIAL_FILE in files
    shipped = (ROOT / TUTORIAL_SHIPPED).read_text(encoding="utf-8")
    assert files[TUTORIAL_FILE] == shipped, (
        f"the tutorial's last version of {TUTORIAL_FILE} differs from {TUTORIAL_SHIPPED}:"
        " run `python3 tests/docs/regen.py`"
    )
