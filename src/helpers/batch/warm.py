"""Imported by the fork server a local build starts its worker processes from: importing it
warms that one process up (modules, reference data, fonts, page templates), so that every
worker forked from it starts warm, in milliseconds.

What it loaded is then frozen out of Python's garbage collector: a worker's collections
would otherwise walk (and so copy, page by page) all the memory it shares with the server."""

import gc

from helpers.batch.worker import warm_up

warm_up()
gc.collect()
gc.freeze()
