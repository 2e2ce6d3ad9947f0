"""The batch layer: `p06 build`. `plan` says which reports a run makes, `fingerprints`
which of them are out of date, `kernels` executes notebooks in warm kernels, `render`
turns an executed notebook into HTML, `index` writes the index pages, and `build` runs it
all: in a local pool of workers or on a Dask cluster."""
