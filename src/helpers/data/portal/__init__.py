"""The official Decision 766 index from the National Public Service Portal, read into the
canonical table `index_766` (`p06 ingest --table index_766`).

Modules by job: `responses` (the portal's JSON shapes), `tables` (its published score
table as a spreadsheet or CSV), `names` (unit names and codes checked as text from outside,
and matched to our codes), `units` (who each record is about), `command` (`ingest_index`),
`summary` (`describe`).
"""

from helpers.data.portal.command import ingest_index
from helpers.data.portal.summary import describe

__all__ = ["describe", "ingest_index"]
