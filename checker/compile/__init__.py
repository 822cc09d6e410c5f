"""Stage 4: a resolved scenario compiled to Z3 terms, folded where known (`sym`):
its compatible worlds (`world`, `build`; the codes of names in `index`), the state
timelines and their rules (`timeline`, `statekey`, `changes`, `defined`,
`counters`), the provisions (`provisions`, `conditions`), the unreported events of an
open world (`openworld`) and the refinement of rules "for every change" against
candidate worlds (`refine`, `concrete`).

A regular package, as every other stage is, so that tools which name modules from
their package (Cython, packaging) see `checker.compile.*`; it imports nothing, so
importing one of its modules costs no more than before.
"""
