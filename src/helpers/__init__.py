"""Project 06 review analyses: all logic behind the notebooks and the `p06` command."""
