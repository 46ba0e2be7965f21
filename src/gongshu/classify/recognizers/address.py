"""Addresses: an administrative unit (省/市/区/县/镇/乡…) followed by a road and a house number, or a
village and a group, e.g. 河南省郑州市金水区花园路12号院3号楼 or 周口市太康县城关镇王庄村3组.

Shorter forms (花园路12号, 郑州市金水区) count only in a column whose name says address.
"""

from __future__ import annotations

from gongshu.classify.recognizers.base import PLAIN

CODE = "address"
VERSION = "1"
ADMIN = ("自治区", "省", "自治州", "市", "区", "县", "旗", "镇", "乡", "街道")
PLACES = ("路", "街", "大道", "巷", "弄", "胡同", "村", "小区", "社区", "大厦", "广场", "花园", "公寓")
NUMBERS = ("号", "栋", "幢", "单元", "室", "组", "层", "楼")
ORG_ENDINGS = ("公司", "局", "委员会", "中心", "医院", "学校", "银行", "办事处", "政府", "店", "厂", "所", "部", "队")
_CHARS = r"[\p{Han}0-9A-Za-z#()\-·]"
_PLACE = "|".join(PLACES)
_HAN = r"\p{Han}"
PATTERN = (
    rf"(?:{_HAN}{{2}}省|黑龙江省|{_HAN}{{2,5}}?自治区)?{_HAN}{{2,4}}?(?:市|州|盟|区|县)(?:{_HAN}{{1,5}}?(?:区|县|市|旗|镇|乡))?"
    rf"[{_HAN}0-9]{{1,12}}?(?:路|街|大道|巷|弄|胡同)[0-9]{{1,5}}号(?:院|楼)?"
    r"(?:[0-9]{1,4}(?:号楼|号院|栋|幢|单元|室|层|楼|号))*"
)
CELL = rf"^{_CHARS}*(?:{_PLACE}|号|组){_CHARS}*$"
HINTED_CELL = rf"^{_CHARS}+$"
FORM = PLAIN
LENGTHS = (6, 120)
STANDALONE_SHARE = 0.3
EXCLUDE = ("ip", "邮件", "邮箱", "email", "mail", "mac", "网址", "url", "网站", "web")
HINTS = ("地址", "住址", "住所", "居住地", "户籍地", "所在地", "dz", "zz", "jzdz", "hjdz", "zsdz", "txdz", "address", "addr",
         "home_address")  # fmt: skip


def validate(value: str) -> bool:
    """True for an administrative unit, then a road or village, then a number or group; not an
    organization's name (…公司, …局, …医院)."""
    if not isinstance(value, str) or not 6 <= len(value) <= 120 or value.endswith(ORG_ENDINGS):
        return False
    admin = _first(value, ADMIN)
    place = _first(value, PLACES, admin + 1) if admin >= 0 else -1
    return place >= 0 and _first(value, NUMBERS, place + 1) >= 0


def validate_hinted(value: str) -> bool:
    """Also an administrative unit or a road with a number alone, in a column named as addresses."""
    if validate(value):
        return True
    if not isinstance(value, str) or value.endswith(ORG_ENDINGS):
        return False
    return _first(value, ADMIN) >= 0 or _first(value, PLACES) >= 0


def _first(value: str, words: tuple[str, ...], start: int = 0) -> int:
    """The smallest index at or after ``start`` where one of ``words`` occurs; -1 when none does."""
    best = -1
    for w in words:
        i = value.find(w, start)
        if i >= 0 and (best < 0 or i < best):
            best = i
    return best
