"""Addresses: an administrative unit (省/市/区/县/镇/乡…) followed by a road and a house number, or a
village and a group, e.g. 河南省郑州市金水区花园路12号院3号楼 or 周口市太康县城关镇王庄村3组.

Shorter forms (花园路12号, 郑州市金水区) count only in a column whose name says address.
"""

from __future__ import annotations

from gongshu.classify.recognizers.base import HAN, PLAIN

CODE = "address"
VERSION = "1"
ADMIN = frozenset("省市区县旗州镇乡")  # 自治区, 自治州 and 街道 end in one of these or in a place
PLACES = frozenset("路街道巷弄村")
PLACE_WORDS = frozenset(("胡同", "小区", "社区", "大厦", "广场", "花园", "公寓"))
NUMBERS = frozenset("号栋幢室组层楼")
ORG_ENDINGS = ("公司", "局", "委员会", "中心", "医院", "学校", "银行", "办事处", "政府", "店", "厂", "所", "部", "队")
_CHARS = r"[\p{Han}0-9A-Za-z#()\-·]"
_PLACE = "|".join(sorted(PLACES | PLACE_WORDS))
_HAN = r"\p{Han}"
PATTERN = (
    rf"(?:{_HAN}{{2}}省|黑龙江省|{_HAN}{{2,5}}?自治区)?{_HAN}{{2,4}}?(?:市|州|盟|区|县)(?:{_HAN}{{1,5}}?(?:区|县|市|旗|镇|乡))?"
    rf"[{_HAN}0-9]{{1,12}}?(?:路|街|大道|巷|弄|胡同)[0-9]{{1,5}}号(?:院|楼)?"
    r"(?:[0-9]{1,4}(?:号楼|号院|栋|幢|单元|室|层|楼|号))*"
)
CELL = rf"^{_CHARS}*(?:{_PLACE}|号|组){_CHARS}*$"
HINTED_CELL = rf"^{_CHARS}+$"
FORM = PLAIN
SCRIPT = HAN
LENGTHS = (6, 120)
STANDALONE_SHARE = 0.3
EXCLUDE = ("ip", "邮件", "邮箱", "email", "mail", "mac", "网址", "url", "网站", "web")
HINTS = ("地址", "住址", "住所", "居住地", "户籍地", "所在地",
         "dz", "zz", "jzdz", "hjdz", "zsdz", "txdz", "address", "addr", "home_address")  # fmt: skip


def validate(value: str) -> bool:
    """True for an administrative unit, then a road or village, then a number or group; not an
    organization's name (…公司, …局, …医院)."""
    if not isinstance(value, str) or not 6 <= len(value) <= 120 or value.endswith(ORG_ENDINGS):
        return False
    step = 0  # 0: looking for the administrative unit, 1: for the place, 2: for the number
    for i, c in enumerate(value):
        if step == 0:
            step = int(c in ADMIN)
        elif step == 1:
            step = 2 if c in PLACES or value[i : i + 2] in PLACE_WORDS else 1
        elif c in NUMBERS or value[i : i + 2] == "单元":
            return True
    return False


def validate_hinted(value: str) -> bool:
    """Also an administrative unit or a place alone, in a column named as addresses."""
    if validate(value):
        return True
    if not isinstance(value, str) or not 2 <= len(value) <= 120 or value.endswith(ORG_ENDINGS):
        return False
    return any(c in ADMIN or c in PLACES for c in value) or any(w in value for w in PLACE_WORDS)
