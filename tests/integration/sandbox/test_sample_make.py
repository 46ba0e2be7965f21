"""Sample data made from a real Parquet version: the real schema, fake identifiers never taken from
the data, marginal distributions without rare categories or extremes, deterministic and fast."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from gongshu.classify.recognizers import cn_id_card
from gongshu.demo.identifiers import phones, resident_ids
from gongshu.demo.names import person_names
from gongshu.sandbox.sample import (
    SampleColumnsUnknown,
    SampleFormatUnknown,
    make_sample,
    profile_parquet,
    sample_bytes,
)
from gongshu.sandbox.sample.fakers import FAKERS

N = 5000
MIN_CELL = 10
TYPES = {
    "身份证号": "cn_id_card",
    "姓名": "person_name",
    "手机": "cn_mobile",
    "邮箱": "email",
    "出生日期": "date_of_birth",
}
DISTRICTS = (["城关区"] * 40 + ["新城区"] * 30 + ["东湖区"] * 20 + ["西山区"] * 10) * 50


def _with_nulls(values: np.ndarray, rate: float, rng: np.random.Generator, t: pa.DataType) -> pa.Array:
    return pa.array(values, t, mask=rng.random(len(values)) < rate)


def real_table(n: int = N) -> pa.Table:
    rng = np.random.default_rng(42)
    birth = np.datetime64("1950-01-01") + rng.integers(0, 20_000, n).astype("timedelta64[D]")
    district = np.array((DISTRICTS * (n // len(DISTRICTS) + 1))[:n], dtype=object)
    rng.shuffle(district)
    district[:3] = "稀有区"  # 3 people: below the minimum cell count
    jobs = rng.choice(["工人", "教师", "医生"], n, p=[0.6, 0.3, 0.1]).astype(object)
    jobs[: 40 * 5] = [f"职业{k}" for k in range(40) for _ in range(5)]  # 40 jobs of 5 people: together 200
    income = rng.lognormal(8, 0.6, n)
    income[7] = 1e9  # one very rich person
    return pa.table(
        {
            "身份证号": pa.array(resident_ids(rng.choice([410102, 410105], n), birth, rng.integers(0, 1000, n))),
            "姓名": pa.array(person_names(rng, rng.random(n) < 0.5)),
            "手机": pa.array(phones(rng, n, p_mobile=1.0)),
            "邮箱": pa.array([f"user{i}@example.com" for i in range(n)]),
            "区": pa.array(district, pa.string()),
            "性别": pa.array(rng.choice(["男", "女"], n)).dictionary_encode(),
            "职业": pa.array(jobs, pa.large_string()),
            "年龄": _with_nulls(rng.integers(18, 90, n), 0.1, rng, pa.int32()),
            "收入": _with_nulls(income, 0.2, rng, pa.float64()),
            "金额": pa.array([Decimal(f"{x:.2f}") for x in rng.uniform(0, 5000, n)], pa.decimal128(12, 2)),
            "等级": pa.array(np.r_[rng.integers(1, 6, n - 3), [9, 9, 9]], pa.int8()),
            "出生日期": pa.array(birth, pa.date32()),
            "登记时间": pa.array(
                (np.datetime64("2020-01-01T00:00") + rng.integers(0, 10**8, n).astype("timedelta64[s]")).astype(
                    "datetime64[us]"
                ),
                pa.timestamp("us", tz="Asia/Shanghai"),
            ),
            "已婚": pa.array(rng.random(n) < 0.35),
            "备注": pa.array([f"第{i}号备注{int(v)}" for i, v in enumerate(rng.integers(0, 10**6, n))]),
            "空列": pa.nulls(n, pa.string()),
        }
    )


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pa.Table]:
    path = tmp_path_factory.mktemp("real") / "version.parquet"
    table = real_table()
    pq.write_table(table, path)
    return path, table


@pytest.fixture(scope="module")
def sample(real: tuple[Path, pa.Table]) -> pa.Table:
    return make_sample(real[0], types=TYPES, min_cell=MIN_CELL, rows=2000, seed=1)


def shares(array: pa.ChunkedArray) -> dict[object, float]:
    values = array.drop_null().to_pylist()
    return {v: values.count(v) / len(values) for v in set(values)}


def test_sample_has_the_real_columns_in_order_with_their_arrow_types(real, sample) -> None:
    assert sample.schema.names == real[1].schema.names
    assert sample.schema.types == real[1].schema.types
    assert sample.num_rows == 2000


@pytest.mark.parametrize("column", ["身份证号", "姓名", "手机", "邮箱", "备注"])
def test_no_identifier_name_or_free_text_of_the_real_data_is_in_the_sample(real, sample, column) -> None:
    made = set(sample[column].drop_null().to_pylist())
    assert len(made) > 1500
    assert made.isdisjoint(real[1][column].to_pylist())


def test_fake_id_numbers_have_valid_check_digits(sample) -> None:
    assert cn_id_card.validate_array(sample["身份证号"].combine_chunks().drop_null()).all()


def test_a_category_seen_fewer_than_min_cell_times_is_not_in_the_profile(real) -> None:
    profile = {c.name: c for c in profile_parquet(real[0], columns=None, types=TYPES, min_cell=MIN_CELL).columns}
    assert profile["区"].kind == "category" and profile["等级"].kind == "category"
    revealed = {name: set(pa.array(profile[name].categories).to_pylist()) for name in ("区", "等级")}
    assert revealed == {"区": {"城关区", "新城区", "东湖区", "西山区"}, "等级": {1, 2, 3, 4, 5}}


def test_a_category_seen_fewer_than_min_cell_times_never_appears(sample) -> None:
    assert "稀有区" not in sample["区"].to_pylist()
    assert 9 not in sample["等级"].to_pylist()


def test_rare_categories_with_at_least_min_cell_people_together_become_the_other_bucket(sample) -> None:
    jobs = shares(sample["职业"])
    assert not any(str(j).startswith("职业") for j in jobs)
    assert set(jobs) == {"工人", "教师", "医生", "其他"}
    assert abs(jobs["其他"] - 200 / N) < 0.025
    assert "其他" not in shares(sample["区"])  # 3 rare people are fewer than the minimum


def test_frequent_category_shares_follow_the_real_shares(real, sample) -> None:
    for column in ("区", "性别", "职业", "等级"):
        want, got = shares(real[1][column]), shares(sample[column])
        for value, share in want.items():
            if share > 0.05:
                assert abs(got[value] - share) < 0.05, (column, value)


def test_null_rates_follow_the_real_null_rates(real, sample) -> None:
    for column in ("年龄", "收入", "身份证号"):
        want = real[1][column].null_count / N
        assert abs(sample[column].null_count / sample.num_rows - want) < 0.03, column


def test_numbers_follow_the_real_quantiles_without_the_extremes(real, sample) -> None:
    for column in ("年龄", "收入", "金额"):
        want = np.array(real[1][column].drop_null().cast(pa.float64()).to_pylist())
        got = np.array(sample[column].drop_null().cast(pa.float64()).to_pylist())
        for q in (0.1, 0.5, 0.9):
            spread = np.quantile(want, 0.9) - np.quantile(want, 0.1)
            assert abs(np.quantile(got, q) - np.quantile(want, q)) < 0.08 * spread, (column, q)
        assert got.max() <= np.quantile(want, 0.99) and got.min() >= np.quantile(want, 0.01)
    assert pc.all(pc.equal(sample["年龄"], pc.round(sample["年龄"].cast(pa.float64())).cast(pa.int32()))).as_py()


def test_timestamps_follow_the_real_range_and_median(real, sample) -> None:
    want = sorted(real[1]["登记时间"].to_pylist())
    got = sorted(sample["登记时间"].to_pylist())
    assert want[0] < got[0] and got[-1] < want[-1]
    assert (
        abs((got[len(got) // 2] - want[len(want) // 2]).total_seconds()) < 0.05 * (want[-1] - want[0]).total_seconds()
    )


def test_dates_of_birth_are_made_up_dates(sample) -> None:
    years = {d.year for d in sample["出生日期"].drop_null().to_pylist()}
    assert len(years) > 40 and min(years) >= 1945


def test_booleans_follow_the_real_rate(real, sample) -> None:
    want = pc.mean(real[1]["已婚"].cast(pa.float64())).as_py()
    assert abs(pc.mean(sample["已婚"].cast(pa.float64())).as_py() - want) < 0.04


def test_an_all_null_column_stays_null(sample) -> None:
    assert sample["空列"].null_count == sample.num_rows


def test_the_same_seed_gives_the_same_sample_and_another_seed_another(real, sample) -> None:
    again = make_sample(real[0], types=TYPES, min_cell=MIN_CELL, rows=2000, seed=1)
    other = make_sample(real[0], types=TYPES, min_cell=MIN_CELL, rows=2000, seed=2)
    assert again.equals(sample)
    assert not other["姓名"].equals(sample["姓名"]) and not other["收入"].equals(sample["收入"])


def test_a_column_subset_keeps_the_real_order_and_the_same_values(real, sample) -> None:
    part = make_sample(real[0], columns=["收入", "姓名"], types=TYPES, min_cell=MIN_CELL, rows=2000, seed=1)
    assert part.schema.names == ["姓名", "收入"]
    assert part["姓名"].equals(sample["姓名"]) and part["收入"].equals(sample["收入"])


def test_values_that_keep_occurring_in_the_real_data_become_null(real, monkeypatch) -> None:
    taken = real[1]["邮箱"][0].as_py()
    monkeypatch.setitem(FAKERS, "email", lambda rng, ask: pa.array([taken] * ask.n))
    made = make_sample(real[0], columns=["邮箱"], types=TYPES, min_cell=MIN_CELL, rows=50)
    assert made["邮箱"].null_count == 50


def test_an_empty_table_gives_an_empty_sample_with_its_schema(tmp_path) -> None:
    empty = real_table().slice(0, 0)
    pq.write_table(empty, tmp_path / "empty.parquet")
    made = make_sample(tmp_path / "empty.parquet", types=TYPES, min_cell=MIN_CELL)
    assert made.num_rows == 0 and made.schema.types == empty.schema.types


def test_columns_with_fewer_values_than_min_cell_are_left_null(tmp_path) -> None:
    few = pa.table({"收入": pa.array([1.0, 2.0, 3.0, None, None]), "年份": pa.array([2020, 2021, 2022, 2023, 2024])})
    pq.write_table(few, tmp_path / "few.parquet")
    made = make_sample(tmp_path / "few.parquet", types={}, min_cell=MIN_CELL, rows=20)
    assert made["收入"].null_count == 20 and made["年份"].null_count == 20


def test_an_item_the_version_does_not_have_is_refused_in_both_languages(real) -> None:
    with pytest.raises(SampleColumnsUnknown) as e:
        make_sample(real[0], columns=["姓名", "工资"], types=TYPES, min_cell=MIN_CELL)
    assert "工资" in e.value.zh and "工资" in e.value.en


def test_csv_download_has_a_bom_and_reads_back_with_the_chinese_intact(sample) -> None:
    data = sample_bytes(sample, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    back = pacsv.read_csv(io.BytesIO(data[3:]))
    assert back.schema.names == sample.schema.names
    assert back["姓名"].to_pylist() == sample["姓名"].to_pylist()


def test_parquet_download_reads_back_as_the_sample(sample) -> None:
    assert pq.read_table(io.BytesIO(sample_bytes(sample, "parquet"))).equals(sample)


def test_an_unknown_download_format_is_refused(sample) -> None:
    with pytest.raises(SampleFormatUnknown):
        sample_bytes(sample, "xlsx")  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_sample_of_1000_rows_from_a_million_rows_has_its_rows_and_plausible_values(tmp_path) -> None:
    big = pa.concat_tables([real_table()] * 200)
    pq.write_table(big, tmp_path / "big.parquet", row_group_size=100_000)
    made = make_sample(tmp_path / "big.parquet", types=TYPES, min_cell=MIN_CELL, rows=1000)
    assert made.num_rows == 1000 and dt.date(1945, 1, 1) <= min(made["出生日期"].drop_null().to_pylist())
