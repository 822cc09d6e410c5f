#!/usr/bin/env python3
"""Rewrite the outputs the docs show from what the commands print now.

`python3 tests/docs/regen.py` (it runs itself again under `.venv/bin/python`, which
`python3 dev.py test` creates): README.md's and docs/tutorial.md's shown outputs and files,
the tutorial's finished scenario in scenarios/tutorial/, and docs/diagnostics.md from
checker/codes.md. Review the diff before committing it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from checker.codes import diagnostics_page
    from tests.docs.mdrun import (
        RUN_DOCS,
        TUTORIAL_FILE,
        TUTORIAL_SHIPPED,
        run_doc,
        workspace,
        written_files,
    )

    changed = []
    for doc in RUN_DOCS:
        path = ROOT / doc
        text = path.read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            now = run_doc(text, workspace(doc, Path(tmp)))
        if now != text:
            path.write_text(now, encoding="utf-8")
            changed.append(doc)
    final = written_files((ROOT / "docs/tutorial.md").read_text(encoding="utf-8"))[TUTORIAL_FILE]
    shipped = ROOT / TUTORIAL_SHIPPED
    if not shipped.exists() or shipped.read_text(encoding="utf-8") != final:
        shipped.parent.mkdir(parents=True, exist_ok=True)
        shipped.write_text(final, encoding="utf-8")
        changed.append(TUTORIAL_SHIPPED)
    page = ROOT / "docs" / "diagnostics.md"
    if page.read_text(encoding="utf-8") != diagnostics_page():
        page.write_text(diagnostics_page(), encoding="utf-8")
        changed.append("docs/diagnostics.md")
    print("rewritten: " + ", ".join(changed) if changed else "every doc is up to date")
    return 0


if __name__ == "__main__":
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    sys.exit(main())
