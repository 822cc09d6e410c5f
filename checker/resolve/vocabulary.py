"""Stage 3: the vocabulary of a set of terms files -> entities, hierarchies, kind fields.

Input: the terms files (main first). Output: a `Lexicon` (states still empty:
`states.py` fills them in) and the parties. An id defined in two files must be
defined identically; fields are inherited along `is_a`, nearest wins.
"""

from __future__ import annotations

from typing import Any

from checker.diagnostics import Diagnostics, Span
from checker.ir import Entity, FieldType, KindDef
from checker.resolve.files import TermsSource
from checker.resolve.match import Lexicon
from checker.resolve.names import Vocabulary, close_hierarchy

BUILT_IN = ("kind", "actor", "place", "id", "source", "date", "time")

SECTIONS = (("actors", "actor"), ("places", "place"), ("events", "event kind"))


def entities(
    files: list[TermsSource], section: str, diags: Diagnostics, spans: dict[str, tuple[Span, ...]]
) -> dict[str, Entity]:
    """One section's entities over every file; `spans` gets where each parent is named."""
    out: dict[str, Entity] = {}
    link = "is_a" if section == "events" else "part_of"
    dumps: dict[str, tuple[Any, str, Span]] = {}
    for f in files:
        for eid, model in getattr(f.model, section).items():
            where = f.at(section, eid)
            if eid in dumps:
                # the same entity in two files: equal models (fields and extra keys) are one
                if dumps[eid][0] != model:
                    first = dumps[eid]
                    diags.add("R207", where.key_span, related=[first[2]], name=eid, other=first[1])
                continue
            dumps[eid] = (model, f.loaded.file, where.key_span)
            parents = getattr(model, "part_of", None) if section != "events" else model.is_a
            if isinstance(parents, list):
                spans[eid] = tuple((where / link / i).span for i in range(len(parents)))
            else:
                spans[eid] = ((where / link).span,)
            extra = tuple(sorted((k, str(v)) for k, v in (model.model_extra or {}).items()))
            out[eid] = Entity(
                eid,
                getattr(model, "name", None),
                tuple(getattr(model, "aliases", ())),
                tuple(parents if isinstance(parents, list) else [parents] if parents else []),
                extra,
                where.key_span,
            )
    return out


def build_lexicon(files: list[TermsSource], diags: Diagnostics) -> Lexicon:
    """Actors, places and event kinds closed into hierarchies, with each kind's fields."""
    found = []
    for section, _what in SECTIONS:
        spans: dict[str, tuple[Span, ...]] = {}
        found.append((entities(files, section, diags, spans), spans))
    actors, places, kinds = (
        close_hierarchy(what, ents, diags, Vocabulary(what, ents), spans)
        for (_section, what), (ents, spans) in zip(SECTIONS, found, strict=True)
    )
    own: dict[str, dict[str, FieldType]] = {}
    for f in files:
        for kid, km in f.model.events.items():
            fields: dict[str, FieldType] = {}
            for fname, ftype in km.fields.items():
                if fname in BUILT_IN:
                    diags.add(
                        "R210",
                        f.at("events", kid, "fields", fname).key_span,
                        message=f"`{fname}` is a built-in attribute of every event, not a field",
                    )
                    continue
                if isinstance(ftype, list):
                    fields[fname] = FieldType("enum", tuple(str(w) for w in ftype))
                else:
                    fields[fname] = FieldType(ftype)
            own.setdefault(kid, fields)
    kind_defs: dict[str, KindDef] = {}
    for kid in kinds.ids:
        merged: dict[str, FieldType] = {}
        # nearest definitions win: walk ancestors farthest-first
        for anc in sorted(kinds.ancestors[kid], key=lambda a: len(kinds.ancestors[a])):
            merged.update(own.get(anc, {}))
        kind_defs[kid] = KindDef(kid, merged)
    return Lexicon(actors, places, kinds, kind_defs, {})


def parties(main: TermsSource, lex: Lexicon, diags: Diagnostics) -> tuple[str, ...]:
    """`agreement.parties` as actor ids."""
    at = main.at("agreement", "parties")
    ids = [
        lex.actor_names.lookup(p, (at / i).span, diags)
        for i, p in enumerate(main.model.agreement.parties)
    ]
    return tuple(i for i in ids if i is not None)
