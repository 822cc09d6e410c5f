"""Stage 4: integer codes for the categorical values of one scenario's world.

Input: the scenario (its terms' actors, places and kinds, the texts its reports name).
Output: a code per value, per namespace, and the code sets that tests and reports
allow. Codes are given once and never change.
"""

from __future__ import annotations

from checker.ir import OTHER, CatTest, EventReport, FieldType, Scenario, TextAttr


class Index:
    """Integer codes for categorical values, one table per namespace.

    Tables only grow: a value's code never changes once given, so what is worked out
    from codes is kept, and only what depends on a table's length (`all`, negated
    tests) is forgotten when a table grows."""

    def __init__(self, scenario: Scenario) -> None:
        terms = scenario.terms
        self.tables: dict[str, list[str]] = {
            "actor": [*terms.actors.ids, OTHER],
            "place": [*terms.places.ids, OTHER],
            "kind": list(terms.kinds.ids),
            "bool": ["false", "true"],
            "text": [OTHER],
        }
        self.codes: dict[str, dict[str, int]] = {
            ns: {v: i for i, v in enumerate(vals)} for ns, vals in self.tables.items()
        }
        self._memo: dict[tuple[str, frozenset[str]], frozenset[int]] = {}
        # what a table's length decides: every code of it, and negated tests
        self._all: dict[str, frozenset[int]] = {}
        # by the test's identity (hashing a record is slow); the test is kept with it
        self._tests: dict[tuple[str, int], tuple[CatTest, frozenset[int]]] = {}
        texts = sorted(
            {
                a.value
                for r in scenario.reports
                if isinstance(r, EventReport)
                for _, a in r.fields
                if isinstance(a, TextAttr) and a.value is not None
            }
        )
        for t in texts:
            self.code("text", t)

    def _grown(self) -> None:
        self._all.clear()
        self._tests.clear()

    @staticmethod
    def namespace(ft: FieldType) -> str:
        if ft.kind in ("actor", "place", "bool", "text"):
            return ft.kind
        return "enum:" + "|".join(ft.words)

    def table(self, ns: str) -> list[str]:
        table = self.tables.get(ns)
        if table is None:
            table = self.tables[ns] = list(ns[len("enum:") :].split("|"))
            self.codes[ns] = {v: i for i, v in enumerate(table)}
            self._grown()
        return table

    def code(self, ns: str, value: str) -> int:
        table = self.table(ns)
        codes = self.codes[ns]
        got = codes.get(value)
        if got is None:
            got = codes[value] = len(table)
            table.append(value)
            self._grown()
        return got

    def all(self, ns: str) -> frozenset[int]:
        got = self._all.get(ns)
        if got is None:
            got = self._all[ns] = frozenset(range(len(self.table(ns))))
        return got

    def codes_of(self, ns: str, values: frozenset[str]) -> frozenset[int]:
        key = (ns, values)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = frozenset([self.code(ns, v) for v in values])
        return got

    def test(self, ns: str, test: CatTest) -> frozenset[int]:
        key = (ns, id(test))
        got = self._tests.get(key)
        if got is not None and got[0] is test:
            return got[1]
        inside = self.codes_of(ns, test.values)
        codes = self.all(ns) - inside if test.negate else inside
        self._tests[key] = (test, codes)
        return codes

    def name(self, ns: str, code: int) -> str:
        return self.table(ns)[code]
