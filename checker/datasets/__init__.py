"""Stage 3: event-dataset exports (ACLED, UCDP GED) turned into scenario reports.

`csvrows` streams a CSV export row by row with its line numbers; `mapfile` loads
the map file that says how the dataset's words become the terms' ids; `acled`
and `ucdp` know each export's columns, dates and provenance; `convert` turns
rows into reports and counts what it could not map; `writer` prints them as
scenario YAML. Nothing here writes files: `ingest` does, at stage 7.
"""
