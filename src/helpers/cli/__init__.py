"""The top layer: the `p06` command (`main`) and `make bench`."""

from helpers.cli.main import main

__all__ = ["main"]
