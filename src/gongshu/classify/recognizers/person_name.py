"""Names of people: 2-4 Chinese characters starting with a surname (or 2-10 + · + 2-10 for transliterated
names such as 买买提·艾力).

Any short Chinese word looks like a name, so without a column name saying so a column counts as
names only when most of its values pass and they are many and varied.
"""

from __future__ import annotations

from gongshu.classify.recognizers.base import HAN, PLAIN

CODE = "person_name"
VERSION = "1"
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路"
    "游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳"
    "谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普"
    "阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀"
    "衣信展阴昝智幸奉植衡富尧闭由凤黑"
)
COMPOUND_SURNAMES = frozenset(
    ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
     "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "申屠", "钟离", "闾丘", "濮阳", "万俟")
)  # fmt: skip
NOT_LAST = frozenset("区县市省州镇乡村庄寨屯堡营沟桥路街道巷局委办处科所院站队司厂店社部馆场校室组厅署")
DOTS = "·•・"
_HAN = r"\p{Han}"
PATTERN = rf"{_HAN}{{2,4}}"
CELL = rf"^(?:{_HAN}{{2,4}}|{_HAN}{{1,10}}[{DOTS}]{_HAN}{{1,10}})$"
HINTED_CELL = r"^[A-Za-z][A-Za-z .'\-]{1,40}$"
FORM = PLAIN
SCRIPT = HAN
LENGTHS = (2, 41)
STANDALONE_SHARE = 0.5
STANDALONE_DISTINCT = 20
TEXT = False
HINTS = ("姓名", "名字", "联系人", "法定代表人", "法人代表", "负责人", "申请人", "户主", "当事人", "患者",
         "xm", "xingming", "name", "full_name", "fullname", "realname", "real_name", "person_name",
         "lxr", "fddbr", "fzr", "sqr")  # fmt: skip
EXCLUDE = ("企业", "单位", "公司", "机构", "名称", "产品", "项目", "文件", "商品", "用户名",
           "company", "org", "corp", "enterprise", "product", "project", "file", "item", "user", "nick", "host",
           "dwmc", "qymc")  # fmt: skip


def validate(value: str) -> bool:
    """True for 2-4 Chinese characters starting with a surname and not ending like a place or an office,
    or a transliterated name of Chinese characters around a middle dot."""
    if not isinstance(value, str) or not 2 <= len(value) <= 21:
        return False
    for dot in DOTS:
        if dot in value:
            parts = value.split(dot)
            return len(parts) == 2 and all(p and all(_is_han(c) for c in p) for p in parts)
    if len(value) > 4 or not all(_is_han(c) for c in value) or value[-1] in NOT_LAST:
        return False
    return value[0] in SURNAMES or (len(value) >= 3 and value[:2] in COMPOUND_SURNAMES)


def validate_hinted(value: str) -> bool:
    """Also a Latin-letter name (Zhang San, O'Neil) in a column named as names."""
    if validate(value):
        return True
    return isinstance(value, str) and sum(c.isascii() and c.isalpha() for c in value) >= 2


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"
