import pyarrow as pa
import pytest

from helpers.core.errors import InputError
from helpers.data import storage


def test_write_parquet_is_atomic(tmp_path):
    target = tmp_path / "t" / "x.parquet"
    storage.write_parquet(pa.table({"a": [1, 2]}), target)
    before = target.read_bytes()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), storage.atomic_path(target) as tmp:
        tmp.write_bytes(b"half a file")
        raise Boom
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["x.parquet"]


def test_same_table_same_bytes(tmp_path):
    table = pa.table({"a": [1, 2, 3], "b": ["x", None, "z"]})
    storage.write_parquet(table, tmp_path / "1.parquet")
    storage.write_parquet(table, tmp_path / "2.parquet")
    assert (tmp_path / "1.parquet").read_bytes() == (tmp_path / "2.parquet").read_bytes()


def test_missing_table_is_an_input_error(tmp_path):
    assert storage.available_tables(tmp_path) == []
    with pytest.raises(InputError, match="no Parquet files"):
        storage.read_table(tmp_path, "dossiers")


def test_read_concatenates_files_in_order(tmp_path):
    storage.write_parquet(pa.table({"a": [3]}), storage.table_dir(tmp_path, "tasks") / "b.parquet")
    storage.write_parquet(pa.table({"a": [1]}), storage.table_dir(tmp_path, "tasks") / "a.parquet")
    assert storage.read_table(tmp_path, "tasks")["a"].to_pylist() == [1, 3]
    assert storage.available_tables(tmp_path) == ["tasks"]
