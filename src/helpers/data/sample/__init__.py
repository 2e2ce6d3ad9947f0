"""The deterministic synthetic sample (DESIGN.md section 9): `p06 sample`."""

from helpers.data.sample.generator import DEFAULT_SEED, Generator
from helpers.data.sample.write import write_sample

__all__ = ["DEFAULT_SEED", "Generator", "write_sample"]
