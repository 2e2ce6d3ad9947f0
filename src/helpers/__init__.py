"""Project 06 review analyses: all logic, in layers along the way the data flows.

    core    periods, units, reference data, report text, number formats, errors
    data    the canonical schema, storage, validation, ingest, the synthetic sample
    engine  the mart, indicators, the Decision 766 score, monthly series, tasks
    report  what a review shows: parameters, sections, tables, charts, findings, documents
    batch   p06 build: plan, fingerprints, worker processes, rendering, index pages
    cli     the p06 command and make bench

A layer imports only the layers above it in this list (tests/test_layers.py keeps it so).
"""
