"""Stage 6: `checker code` — one diagnostic code explained in the terminal, or the list.

Input: the registry (`codes.REGISTRY`) and the explanations beside it (`codes.md`).
Output: plain text: the code, its severity and message, then its section of `codes.md`
with the examples indented instead of fenced (the same words as docs/diagnostics.md).
"""

from __future__ import annotations

from checker.codes import REGISTRY, explanations


def render_code(code: str) -> str:
    """The explanation of a registered `code` (the caller checks that it is one)."""
    entry = REGISTRY[code]
    severity = "note" if entry.note else "warning" if entry.warning else "error"
    _preamble, sections = explanations()
    lines = [f"{code} ({severity}): {entry.summary}", f"  message: {entry.template}", ""]
    fenced = False
    for line in sections.get(code, "").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        lines.append(("    " + line).rstrip() if fenced else line)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_code_list() -> str:
    """Every code with its one-line summary, in the registry's order."""
    lines = ["Diagnostic codes (`checker code CODE` explains one):", ""]
    lines += [f"  {c.code}  {c.summary}" for c in REGISTRY.values()]
    return "\n".join(lines) + "\n"
