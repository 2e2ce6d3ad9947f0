"""The data layer: the canonical schema (defined once, in `schema`), storage of the
canonical tables, their validation, `p06 ingest` and the synthetic sample."""
