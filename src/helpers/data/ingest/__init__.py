"""`p06 ingest` and `p06 template`: a user's exports in, canonical tables out.

Modules by job: `read` (CSV through DuckDB, spreadsheets through calamine, header row
under title rows), `records` (where each CSV record starts), `limits` (files, values and
rows bounded before they are read), `headers` (aliases, approximate and ambiguous headers),
`values` and `places` (readers of each kind of value, a whole column at a time), `dayorder`
(day/month or month/day), `personal` (personal data found and dropped or masked,
identifiers hashed), `convert` (a sheet's rows to canonical columns), `stage` (writing per
province-month, one commit), `command` (`ingest`, `describe`), `template`
(`write_template`); `vocab` reads data/reference/ingest_aliases.yml. A sheet's layout
beyond its header: `layout` (its report date, what its figures are, the options
`--figures`, `--as-of`, `--month`), `titles` (dates in title lines, sheet names,
deadlines), `figures` (monthly figures or totals to a date, shares with their base),
`skipped` (rows that are not data), `tasklists` (task lists as committees keep them).
"""

from helpers.data.ingest.command import describe, ingest
from helpers.data.ingest.template import write_template

__all__ = ["describe", "ingest", "write_template"]
