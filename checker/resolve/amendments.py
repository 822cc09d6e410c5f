"""Stage 3: provisions as written, then changed by an interpretation and amendments.

Input: the terms files. Output: one `Entry` per provision — its raw keys after
every change applied, where each key was written (the provision, an amendment
or an interpretation), and which amendments and reading shaped it. SPEC §3.6:
changing one window end replaces whichever end key the provision had.
"""

from __future__ import annotations

from typing import Any

from checker import timeutil as tu
from checker.diagnostics import Diagnostics, did_you_mean
from checker.ir import FORMS, AmendmentInfo
from checker.records import record
from checker.resolve.common import Where, timed
from checker.resolve.files import TermsSource
from checker.yamlvalues import YamlDoc

END_KEYS = ("until", "by", "before")


@record
class Entry:
    """One provision's raw keys as changed so far, with where each key was written."""

    raw_id: str
    raw: dict[str, Any]
    origin: dict[str, Where]
    at: Where
    file: TermsSource
    amended_by: list[str]
    reading: str | None

    def where(self, key: str) -> Where:
        return self.origin.get(key, self.at / key)


def entry_doc(e: Entry) -> YamlDoc:
    """The provision as amended, as a document of its own for error positions.

    Its keys may come from the provision, an amendment or an interpretation:
    each keeps the position where it was written.
    """
    doc = YamlDoc(e.at.doc.file, e.raw)
    doc.spans[()] = e.at.span
    for key in e.raw:
        w = e.where(key)
        n = len(w.path)
        for path, span in w.doc.all_spans().items():
            if path[:n] == w.path:
                doc.spans[(key, *path[n:])] = span
        for path, span in w.doc.all_key_spans().items():
            if path[:n] == w.path:
                doc.key_spans[(key, *path[n:])] = span
    return doc


def amendment_order(main: TermsSource, diags: Diagnostics) -> list[tuple[AmendmentInfo, int]]:
    """Every amendment of the main file with its adoption minute, in order of adoption."""
    out: list[tuple[AmendmentInfo, int]] = []
    for i, am in enumerate(main.model.amendments):
        at = main.at("amendments", i)
        adopted = timed(diags, at / "adopted", tu.window_from, am.adopted, main.zone)
        if adopted is None:
            continue
        out.append((AmendmentInfo(am.id, adopted, am.text, False, at.span), i))
    out.sort(key=lambda pair: (pair[0].adopted, pair[1]))
    return out


def provision_entries(files: list[TermsSource], main: TermsSource) -> list[Entry]:
    """Every provision as written, in file order; included ones shown as `agreement#id`."""
    entries: list[Entry] = []
    for f in files:
        raw_list = f.loaded.doc.data.get("provisions") or []
        for i, raw in enumerate(raw_list):
            at = f.at("provisions", i)
            origin = {k: at / k for k in raw}
            shown = raw["id"] if f is main else f"{f.model.agreement.id}#{raw['id']}"
            entries.append(Entry(str(shown), dict(raw), origin, at, f, [], None))
    return entries


def apply_change(
    entries: list[Entry],
    change: Any,
    at: Where,
    main: TermsSource,
    diags: Diagnostics,
    amendment: str | None,
    reading: str | None,
    removed: dict[str, tuple[Entry, str]] | None = None,
) -> None:
    """Apply one amendment or interpretation (`removes`, `changes`, `adds`) to `entries`;
    `removed` gets each provision taken out, with why."""
    by_id = {e.raw_id: e for e in entries if e.file is main}
    for pid in change.removes:
        if pid in by_id:
            gone = by_id.pop(pid)
            entries.remove(gone)
            if removed is not None:
                why = f"amendment `{amendment}`" if amendment else f"the reading `{reading}`"
                removed[pid] = (gone, f"removed by {why}")
        else:
            _unknown_provision(pid, at / "removes", by_id, diags)
    for pid, keys in change.changes.items():
        entry = by_id.get(pid)
        if entry is None:
            _unknown_provision(pid, at / "changes" / pid, by_id, diags)
            continue
        if "id" in keys:
            diags.add(
                "R210",
                (at / "changes" / pid / "id").key_span,
                hint="remove the provision and add a new one",
                message="`changes` cannot change a provision's `id`",
            )
            keys = {k: v for k, v in keys.items() if k != "id"}
        if any(k in keys for k in END_KEYS):
            for k in END_KEYS:
                entry.raw.pop(k, None)
        if any(k in keys for k in FORMS):
            for k in FORMS:
                entry.raw.pop(k, None)
        for k, v in keys.items():
            entry.raw[k] = v
            entry.origin[k] = at / "changes" / pid / k
        if amendment:
            entry.amended_by.append(amendment)
        if reading:
            entry.reading = reading
    for j, prov in enumerate(change.adds):
        entry = _added(prov, at / "adds" / j, main)
        entry.reading = reading
        if amendment:
            entry.amended_by.append(amendment)
        entries.append(entry)


def _unknown_provision(pid: str, where: Where, by_id: dict[str, Any], diags: Diagnostics) -> None:
    diags.add("R208", where.key_span, hint=did_you_mean(pid, by_id), name=pid)


def defined_elsewhere(main: TermsSource, chosen: str | None) -> dict[str, tuple[Entry, str]]:
    """Provisions that amendments and readings add, each with what would put it in force
    (used for those not in force)."""
    out: dict[str, tuple[Entry, str]] = {}
    for i, am in enumerate(main.model.amendments):
        at = main.at("amendments", i)
        for j, prov in enumerate(am.adds):
            why = f"added by amendment `{am.id}`, adopted {am.adopted}, after as_of"
            out.setdefault(prov.id, (_added(prov, at / "adds" / j, main), why))
    for name, reading in main.model.interpretations.items():
        if name == chosen:
            continue
        at = main.at("interpretations", name)
        for j, prov in enumerate(reading.adds):
            why = f"added by the reading `{name}`, which is not chosen"
            out.setdefault(prov.id, (_added(prov, at / "adds" / j, main), why))
    return out


def _added(prov: Any, where: Where, main: TermsSource) -> Entry:
    raw = prov.model_dump(by_alias=True, exclude_defaults=True)
    return Entry(prov.id, raw, {k: where / k for k in raw}, where, main, [], None)
