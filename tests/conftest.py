"""Shared fixtures: small samples generated once per test session."""

from __future__ import annotations

import pytest

from helpers.data.sample import write_sample

SMALL_LEGACY = ["44", "45", "74", "77", "79"]
"""Quảng Bình and Quảng Trị (now Quảng Trị), and the three provinces of today's Hồ Chí Minh."""


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory):
    """A sample of five legacy provinces (two current ones) at a small scale."""
    data_dir = tmp_path_factory.mktemp("small")
    counts = write_sample(data_dir, scale=0.05, legacy_codes=SMALL_LEGACY)
    return data_dir, counts


@pytest.fixture(scope="session")
def full_sample(tmp_path_factory):
    """The whole country at a tiny scale: every province and commune."""
    data_dir = tmp_path_factory.mktemp("full")
    counts = write_sample(data_dir, scale=0.01)
    return data_dir, counts


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """The hand-made fixture of test_indicators (answers worked out there), mart built."""
    from test_indicators import write_fixture

    path = tmp_path_factory.mktemp("hand-made")
    write_fixture(path)
    return path
