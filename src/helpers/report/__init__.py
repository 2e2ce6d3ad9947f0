"""The report layer: what a review shows, as data a notebook names and shows.

`params` checks a notebook's parameters; `sections` computes each section's tables and
series; `tables` and `plots` turn them into styled tables and charts; `display` shows
headings, tables and charts in the notebook; `findings`, `overview` and `provenance`
write the parts drafted from the figures; `record` leaves the figures a batch index needs.
"""
