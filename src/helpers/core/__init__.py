"""The bottom layer: what every other layer speaks in (periods, units, reference data,
report text, number formats, errors). It imports nothing else of the project."""
