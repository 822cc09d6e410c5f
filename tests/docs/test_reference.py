"""docs/reference.md documents every key of both languages, where a reader looks for it.

Each model of `checker.models` is mapped to the section of the reference that
describes it; every key of the model must appear there in a table row's first cell,
as `` `key` ``, `` `parent.key` `` or inside an example such as `` `{min: N, max: N}` ``.
A key added to a model without a line in the reference fails this test; so does a
line removed from the reference. (Every diagnostic code is checked against
docs/diagnostics.md by tests/unit/test_codes_docs.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.models import ScenarioFile, TermsFile, common, scenario, terms
from checker.models.base import Model, declared

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference.md"

# model -> the heading (its start) of the section that documents its keys
SECTIONS: dict[type[Model], str] = {
    terms.TermsFile: "## Terms files",
    terms.Agreement: "### `agreement`",
    terms.Actor: "### `actors` and `places`",
    terms.Place: "### `actors` and `places`",
    terms.EventKind: "### `events`",
    terms.State: "### `states`",
    terms.SetBy: "### `states`",
    terms.PairInitial: "### `initial`",
    common.Bounds: "### `initial`",
    common.OneOf: "### `initial`",
    terms.Period: "### `periods`",
    terms.Notice: "### `periods`",
    terms.Provision: "## Provisions",
    common.NotValue: "### MATCH",
    common.RangeValue: "### MATCH",
    terms.StateCondition: "### State conditions",
    common.Relative: "### Relative window ends",
    terms.Total: "### `total`",
    terms.Condition: "### `if`",
    terms.Amendment: "### `amendments`",
    terms.Interpretation: "### `interpretations`",
    scenario.ScenarioFile: "## Scenario files",
    scenario.ScenarioHeader: "### `scenario`",
    scenario.Report: "### Reports",
    scenario.DateWindow: "### Event times in scenarios",
    scenario.Source: "#### `source`",
    scenario.CompleteWindow: "### `complete`",
    scenario.Expect: "### `expect`",
}


def _models(root: type[Model]) -> set[type[Model]]:
    """Every model reachable from `root` through its fields' annotations."""
    found: set[type[Model]] = set()
    todo = [root]
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        for f in declared(model):
            text = repr(f.annotation)
            for name in re.findall(r"checker\.models\.\w+\.(\w+)", text):
                for module in (common, scenario, terms):
                    candidate = getattr(module, name, None)
                    if isinstance(candidate, type) and issubclass(candidate, Model):
                        todo.append(candidate)
    return found


def _section(text: str, heading: str) -> str:
    start = next((i for i, line in enumerate(text.splitlines()) if line.startswith(heading)), None)
    assert start is not None, f"no heading starting with {heading!r} in {REFERENCE.name}"
    lines = text.splitlines()
    level = len(heading) - len(heading.lstrip("#"))
    out = [lines[start]]
    fenced = False  # a `# comment` in a YAML example is no heading
    for line in lines[start + 1 :]:
        fenced ^= line.startswith("```")
        hashes = len(line) - len(line.lstrip("#"))
        heading = line.startswith("#") and line[hashes : hashes + 1] == " "
        if heading and not fenced and hashes <= level:
            break
        out.append(line)
    return "\n".join(out)


def _documented(section: str, key: str) -> bool:
    for line in section.splitlines():
        if not line.startswith("| "):
            continue
        first = line.split("|")[1]
        for span in re.findall(r"`([^`]+)`", first):
            if (
                span == key
                or span.endswith("." + key)
                or re.search(rf"(^|[{{ ,]){re.escape(key)}:", span)
            ):
                return True
    return False


def test_every_model_has_a_section() -> None:
    reachable = _models(TermsFile) | _models(ScenarioFile)
    missing = sorted(m.__name__ for m in reachable if m not in SECTIONS)
    assert not missing, f"models with no section of {REFERENCE.name} in SECTIONS: {missing}"


@pytest.mark.parametrize("model", list(SECTIONS), ids=lambda m: m.__name__)
def test_every_key_is_documented(model: type[Model]) -> None:
    section = _section(REFERENCE.read_text(encoding="utf-8"), SECTIONS[model])
    keys = [f.key for f in declared(model)]
    missing = [k for k in keys if not _documented(section, k)]
    assert not missing, (
        f"keys of {model.__name__} with no table row in the section"
        f" {SECTIONS[model]!r} of {REFERENCE.name}: {missing}"
    )


def test_every_yaml_example_reads_without_a_problem() -> None:
    """A reader copies the examples: each YAML block of the reference is valid YAML with no
    repeated key (alternatives are comments or list items, never a key written twice)."""
    from checker.diagnostics import Diagnostics
    from checker.yamlsource import load_text

    text = REFERENCE.read_text(encoding="utf-8")
    bad = []
    for m in re.finditer(r"^```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        diags = Diagnostics()
        load_text(m.group(1), REFERENCE.name, diags)
        line = text[: m.start()].count("\n") + 1
        bad += [f"block at line {line}: {d.code} {d.message}" for d in diags.sorted()]
    assert not bad, bad
