"""k_anonymity: equivalence classes over quasi-identifiers, and distinct l-diversity of a sensitive column."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.classify.desensitize import Anonymity, DesensitizeError, Plan, apply_plan, k_anonymity

# classes over (性别, 年龄段): (男,20-29)×3  (女,20-29)×2  (男,30-39)×1  (null,30-39)×2
PATIENTS = {
    "性别": ["男", "男", "男", "女", "女", "男", None, None],
    "年龄段": ["20-29", "20-29", "20-29", "20-29", "20-29", "30-39", "30-39", "30-39"],
    "疾病": ["感冒", "感冒", "胃炎", "糖尿病", None, "高血压", "感冒", "感冒"],
}


def test_k_classes_and_rows_below_k_are_counted_exactly(write: Callable) -> None:
    measured = k_anonymity(write(PATIENTS), ["性别", "年龄段"], k_min=2)
    assert measured == Anonymity(
        k=1, classes=4, rows_below_k=1, classes_below_k=1, l=None, sensitive=None, quasi_identifiers=["性别", "年龄段"]
    )
    looser = k_anonymity(write(PATIENTS), ["性别", "年龄段"], k_min=3)
    assert (looser.rows_below_k, looser.classes_below_k) == (5, 3)


def test_nulls_form_a_class_of_their_own(write: Callable) -> None:
    measured = k_anonymity(write(PATIENTS), ["性别"], k_min=2)
    assert (measured.k, measured.classes, measured.classes_below_k) == (2, 3, 0)


def test_l_is_the_fewest_distinct_sensitive_values_in_a_class_counting_null(write: Callable) -> None:
    # 疾病 per class: {感冒,胃炎} {糖尿病,null} {高血压} {感冒}
    assert k_anonymity(write(PATIENTS), ["性别", "年龄段"], sensitive="疾病").l == 1
    # by 年龄段 alone: {感冒,胃炎,糖尿病,null} and {高血压,感冒}
    assert k_anonymity(write(PATIENTS), ["年龄段"], sensitive="疾病").l == 2


def test_a_table_where_every_class_is_large_enough_has_nothing_below_k(write: Callable) -> None:
    measured = k_anonymity(write(PATIENTS), ["年龄段"], k_min=3)
    assert (measured.k, measured.classes, measured.rows_below_k, measured.classes_below_k) == (3, 2, 0, 0)


def test_an_empty_file_has_no_classes(write: Callable) -> None:
    empty = pa.table({"性别": pa.array([], pa.string()), "疾病": pa.array([], pa.string())})
    measured = k_anonymity(write(empty), ["性别"], sensitive="疾病")
    assert (measured.k, measured.classes, measured.rows_below_k, measured.l) == (0, 0, 0, 0)


def test_column_names_with_quotes_spaces_and_chinese_are_quoted_safely(write: Callable) -> None:
    odd = {'年龄"段" ; DROP': ["1", "1", "2"], "a b": [1, 1, 1], "疾 病": ["x", "y", "x"]}
    measured = k_anonymity(write(odd), ['年龄"段" ; DROP', "a b"], k_min=2, sensitive="疾 病")
    assert (measured.k, measured.classes, measured.rows_below_k, measured.l) == (1, 2, 1, 1)


def test_generalizing_the_quasi_identifiers_raises_k(tmp_path: Path, write: Callable, key: bytes) -> None:
    rng = random.Random(20240501)
    rows = 3000
    districts = ["河南省郑州市金水区", "河南省郑州市二七区", "河南省郑州市中原区"]
    people = {
        "出生日期": [datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365)) for _ in range(rows)],
        "住址": [f"{rng.choice(districts)}花园路{rng.randrange(1, 500)}号" for _ in range(rows)],
        "性别": [rng.choice(["男", "女"]) for _ in range(rows)],
        "收入": [rng.randrange(2000, 40000) for _ in range(rows)],
    }
    src = write(people)
    quasi = ["出生日期", "住址", "性别"]
    before = k_anonymity(src, quasi, k_min=5, sensitive="收入")
    plan = Plan.from_json(
        [
            {"column": "出生日期", "operator": "generalize", "params": {"kind": "date_to_year"}},
            {"column": "住址", "operator": "generalize", "params": {"kind": "address_to_district"}},
            {"column": "收入", "operator": "bucket", "params": {"width": 10000}},
        ]
    )
    apply_plan(src, tmp_path / "out.parquet", plan, key=key)
    after = k_anonymity(tmp_path / "out.parquet", quasi, k_min=5, sensitive="收入")
    assert before.k == 1 and before.rows_below_k > rows * 0.9
    assert after.k > before.k and after.classes <= 40 * 3 * 2 < before.classes
    assert after.rows_below_k < before.rows_below_k
    assert after.l >= 1 and before.l == 1


@pytest.mark.parametrize(
    ("quasi", "options", "message"),
    [
        ([], {}, "至少指定一个准标识符"),
        ("性别", {}, "至少指定一个准标识符"),
        (["性别", "身高"], {}, "准标识符「身高」不在数据中"),
        (["性别", "性别"], {}, "准标识符「性别」重复"),
        (["性别"], {"sensitive": "病历"}, "敏感属性「病历」不在数据中"),
        (["性别", "疾病"], {"sensitive": "疾病"}, "同时是准标识符"),
        (["性别"], {"k_min": 0}, "k_min"),
        (["性别"], {"k_min": True}, "k_min"),
    ],
)
def test_bad_requests_are_refused_in_both_languages(
    write: Callable, quasi: object, options: dict, message: str
) -> None:
    with pytest.raises(DesensitizeError) as caught:
        k_anonymity(write(PATIENTS), quasi, **options)
    assert message in caught.value.zh and caught.value.en != caught.value.zh


def test_a_missing_or_broken_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DesensitizeError, match="找不到源文件"):
        k_anonymity(tmp_path / "nowhere.parquet", ["性别"])
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(DesensitizeError, match="无法读取源文件"):
        k_anonymity(tmp_path / "broken.parquet", ["性别"])


def test_a_column_whose_name_differs_from_another_only_in_case_is_refused(write: Callable) -> None:
    path = write({"Age": [1, 1, 2], "age": [5, 6, 7], "性别": ["男", "女", "男"]})
    with pytest.raises(DesensitizeError) as caught:
        k_anonymity(path, ["age"])
    assert "'Age'" in caught.value.en and "letter case" in caught.value.en
    assert k_anonymity(path, ["性别"]).k == 1


def test_a_file_corrupt_in_its_middle_is_refused(write: Callable) -> None:
    path = write({"住址": [f"示例市高新区科技路{i}号" for i in range(10_000)]}, row_group_size=2000, compression="zstd")
    column = pq.ParquetFile(path).metadata.row_group(3).column(0)
    data = bytearray(path.read_bytes())
    data[column.data_page_offset + 40 : column.data_page_offset + 240] = bytes(200)
    path.write_bytes(bytes(data))
    with pytest.raises(DesensitizeError, match="无法读取源文件") as caught:
        k_anonymity(path, ["住址"])
    assert "科技路" not in str(caught.value)
