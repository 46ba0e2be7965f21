"""Entities in free text: (row, start, end, type) with offsets into the original text."""

from __future__ import annotations

from classify_makers import scan

from gongshu.classify import ScanResult


def spans_of(result: ScanResult) -> list[tuple[int, int, int, str]]:
    return [(s.row, s.start, s.end, s.type) for s in result.spans]


def text_at(notes: list[str | None], result: ScanResult) -> list[str]:
    return [str(notes[s.row])[s.start : s.end] for s in result.spans]


def test_a_phone_and_an_id_number_in_a_remark_become_spans() -> None:
    notes = ["张三的电话是13800138000，身份证110105199001011232", "已核实，无异常", None]
    result = scan({"备注": notes}, spans=True)
    assert spans_of(result) == [(0, 6, 17, "cn_mobile"), (0, 21, 39, "cn_id_card")]
    assert text_at(notes, result) == ["13800138000", "110105199001011232"]
    column = result.columns[0]
    assert column.free_text and {f.type for f in column.types} == {"cn_mobile", "cn_id_card"}
    assert column.grade == "general-4" and column.sensitive_personal


def test_an_id_number_with_a_wrong_check_digit_in_text_is_no_span() -> None:
    result = scan({"备注": ["张三的电话是13800138000，身份证110105199001011237"]}, spans=True)
    assert spans_of(result) == [(0, 6, 17, "cn_mobile")]


def test_offsets_point_into_the_original_text_also_after_full_width_digits() -> None:
    notes = [
        "电话：１３８００１３８０００；邮箱 ａ@qq.com 车牌豫A·12345",
        "住址：河南省郑州市金水区花园路12号院3号楼，联系人李四",
    ]
    result = scan({"说明": notes}, spans=True)
    assert text_at(notes, result) == [
        "１３８００１３８０００",
        "ａ@qq.com",
        "豫A·12345",
        "河南省郑州市金水区花园路12号院3号楼",
    ]
    assert [s.type for s in result.spans] == ["cn_mobile", "email", "cn_license_plate", "address"]


def test_where_two_types_claim_the_same_digits_the_earlier_recognizer_keeps_the_span() -> None:
    notes = ["证件620102199212269007已登记"]  # a valid ID number that also passes as a UnionPay card
    assert spans_of(scan({"备注": notes}, spans=True)) == [(0, 2, 20, "cn_id_card")]


def test_several_spans_of_one_type_in_one_cell_are_all_found() -> None:
    notes = ["13800138000,13900139000 或 138-0013-8000"]
    result = scan({"备注": notes}, spans=True)
    assert text_at(notes, result) == ["13800138000", "13900139000", "138-0013-8000"]


def test_only_the_first_4_kib_of_a_cell_are_searched() -> None:
    notes = ["13800138000 " + "无" * 5000 + " 13900139000"]
    assert spans_of(scan({"备注": notes}, spans=True)) == [(0, 0, 11, "cn_mobile")]


def test_spans_are_only_kept_when_asked_for() -> None:
    result = scan({"备注": ["电话13800138000"]})
    assert result.spans == [] and [f.type for f in result.columns[0].types] == ["cn_mobile"]


def test_long_varied_text_is_free_text_without_a_name_hint() -> None:
    notes = [f"第{i}号事项：申请人于今日提交材料，联系电话1380013{i:04d}，请尽快办理并回复。" for i in range(50)]
    column = scan({"col_7": notes}).columns[0]
    assert column.free_text and [(f.type, f.share) for f in column.types] == [("cn_mobile", 1.0)]
