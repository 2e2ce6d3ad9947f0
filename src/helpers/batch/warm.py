"""Imported by the fork server a local build starts its worker processes from: importing it
warms that one process up (modules, reference data, fonts, page templates), so that every
worker forked from it starts warm, in milliseconds."""

from helpers.batch.worker import warm_up

warm_up()
