"""Ingest of a live database table by SQLAlchemy URL: SQLite file, unreachable and real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from gongshu.catalog.ingest import Column, IngestError, ingest_database

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def fill(engine: sa.Engine, name: str) -> sa.Table:
    table = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("编号", sa.Integer, primary_key=True),
        sa.Column("企业名称", sa.String(100)),
        sa.Column("注册资本", sa.Numeric(12, 2)),
        sa.Column("比例", sa.Float),
        sa.Column("成立日期", sa.Date),
        sa.Column("更新时间", sa.DateTime),
        sa.Column("在业", sa.Boolean),
        sa.Column("附件", sa.LargeBinary),
    )
    rows = [
        {"编号": i, "企业名称": f"公数科技{i}号", "注册资本": Decimal("100.50") + i, "比例": i / 4,
         "成立日期": dt.date(2020, 1, 1 + i), "更新时间": dt.datetime(2024, 5, 1, 8, i),
         "在业": i % 2 == 0, "附件": bytes([i])}
        for i in range(25)
    ]  # fmt: skip
    rows.append(dict.fromkeys(rows[0], None) | {"编号": 99})
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
    return table


EXPECTED_COLUMNS = [
    Column("编号", "int64"),
    Column("企业名称", "string"),
    Column("注册资本", "decimal"),
    Column("比例", "float64"),
    Column("成立日期", "date"),
    Column("更新时间", "timestamp"),
    Column("在业", "bool"),
    Column("附件", "binary"),
]


def check_copy(result, dest: Path) -> None:
    assert result.source_format == "database" and result.rows == 26
    assert result.columns == EXPECTED_COLUMNS
    table = pq.read_table(dest).sort_by("编号").to_pydict()
    assert table["企业名称"][:2] == ["公数科技0号", "公数科技1号"]
    assert table["注册资本"][1] == Decimal("101.50")
    assert table["成立日期"][2] == dt.date(2020, 1, 3)
    assert table["附件"][3] == b"\x03"
    assert table["企业名称"][-1] is None


def test_a_sqlite_file_table_is_ingested(tmp_path: Path) -> None:
    db = tmp_path / "source.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    fill(engine, "企业登记")
    engine.dispose()
    dest = tmp_path / "out.parquet"
    check_copy(ingest_database(f"sqlite:///{db}", "企业登记", dest), dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "source.db"]


def test_an_unknown_table_is_named(tmp_path: Path) -> None:
    db = tmp_path / "source.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    fill(engine, "t")
    engine.dispose()
    with pytest.raises(IngestError) as caught:
        ingest_database(f"sqlite:///{db}", "missing", tmp_path / "out.parquet")
    assert "has no table missing" in caught.value.en
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.db"]


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        ingest_database(f"sqlite:///{tmp_path / 'none.db'}", "t", tmp_path / "out.parquet")
    assert "does not exist" in caught.value.en
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_server_fails_without_showing_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://u:secret@127.0.0.1:1/x"
    with pytest.raises(IngestError) as caught:
        ingest_database(url, "t", tmp_path / "out.parquet")
    error = caught.value
    assert "cannot connect" in error.en and "127.0.0.1:1" in error.en
    assert "secret" not in str(error) and "secret" not in repr(error.values)
    assert "***" in error.en
    assert list(tmp_path.iterdir()) == []


def test_a_password_in_the_query_string_is_hidden_too(tmp_path: Path) -> None:
    url = "postgresql+psycopg://u@127.0.0.1:1/x?password=secret&application_name=gongshu"
    with pytest.raises(IngestError) as caught:
        ingest_database(url, "t", tmp_path / "out.parquet")
    assert "secret" not in str(caught.value)
    assert "password=***" in caught.value.en and "application_name=gongshu" in caught.value.en


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://u:secret@h/x"])
def test_a_bad_url_is_refused_without_showing_it(tmp_path: Path, url: str) -> None:
    with pytest.raises(IngestError) as caught:
        ingest_database(url, "t", tmp_path / "out.parquet")
    assert "secret" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def postgres_answers() -> bool:
    try:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@pytest.mark.postgresql
@pytest.mark.skipif(
    not postgres_answers(),
    reason="PostgreSQL at 127.0.0.1:5432 (user postgres, database test) does not answer",
)
def test_a_postgresql_table_is_ingested(tmp_path: Path) -> None:
    name = f"ingest_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_URL)
    table = fill(engine, name)
    try:
        dest = tmp_path / "out.parquet"
        check_copy(ingest_database(POSTGRES_URL, name, dest, schema="public"), dest)
    finally:
        table.drop(engine)
        engine.dispose()


def test_sqlite_values_that_do_not_match_the_declared_type_are_kept_as_text(tmp_path: Path) -> None:
    db = tmp_path / "loose.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (编号 INTEGER, 位置 GEOMETRY_T, 备注)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 'POINT(1 2)', 3), ('甲-2', NULL, '文字')")
    engine.dispose()
    dest = tmp_path / "out.parquet"
    result = ingest_database(f"sqlite:///{db}", "t", dest)
    assert result.columns == [Column("编号", "string"), Column("位置", "string"), Column("备注", "string")]
    assert pq.read_table(dest).to_pydict() == {
        "编号": ["1", "甲-2"],
        "位置": ["POINT(1 2)", None],
        "备注": ["3", "文字"],
    }
