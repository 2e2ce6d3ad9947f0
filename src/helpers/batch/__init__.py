"""The batch layer: `p06 build`. `plan` says which reports a run makes, `fingerprints`
which of them are out of date, `worker` runs one in a warm process (`inprocess` executes
its notebook there, `render` turns it into HTML), `processes` and `executors` keep the
workers (local processes or a Dask cluster), `index` writes the index pages, and `build`
runs it all."""
