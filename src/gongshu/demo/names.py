"""Word lists of the demo city 示例市 and vectorized Chinese names drawn from them."""

from __future__ import annotations

import numpy as np

from gongshu.demo.identifiers import STR

CITY = "示例市"
CITY_AREA = 410100  # 示例市 is a prefecture-level city of 河南 (豫), plates 豫A
LOCAL_AREAS = [410102, 410103, 410104, 410105, 410106, 410108, 410122, 410181, 410182, 410183, 410184, 410185]
PROVINCE_AREAS = [
    410202,
    410302,
    410303,
    410305,
    410402,
    410502,
    410702,
    410802,
    411002,
    411102,
    411302,
    411402,
    411502,
    411602,
    411702,
]
OTHER_AREAS = [110101, 110105, 130102, 140105, 310104, 320102, 340104, 370102, 420106, 430102, 440106, 510104, 610113]

# 示例市's districts, their 行政区划代码 and their 市场监督管理局
DISTRICTS = ["城关区", "新城区", "东湖区", "西山区", "北湖区", "高新技术产业开发区", "经济技术开发区"]
DISTRICT_AREAS = [410102, 410103, 410104, 410105, 410108, 410171, 410172]
ROADS = [
    "人民路",
    "建设路",
    "解放路",
    "中山路",
    "文化路",
    "黄河路",
    "长江路",
    "花园路",
    "农业路",
    "东风路",
    "工人路",
    "大学路",
    "嵩山路",
    "桐柏路",
    "民主路",
    "和平路",
    "胜利路",
    "健康路",
    "科学大道",
    "创新大道",
    "金水大道",
    "紫荆山路",
    "经三路",
    "纬五路",
    "北环路",
    "南环路",
    "商都路",
    "商鼎路",
    "航海路",
    "陇海路",
    "淮河路",
    "未来路",
    "英才街",
    "天明路",
    "丰产路",
    "红专路",
]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
_SURNAME_WEIGHTS = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.6
MALE_CHARS = list("伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文博昊晨轩睿子")
FEMALE_CHARS = list("芳娜敏静丽艳娟霞秀玲婷雪慧莹颖琳倩洁佳梅兰红燕晶欣怡涵萱悦蕾璐瑶琪薇彤雨诗梦思")

# 行业门类 with the words a company in it puts in its name and its 经营范围
INDUSTRIES = [
    (
        "批发和零售业",
        ["商贸", "贸易", "商业", "电子商务"],
        [
            "日用百货销售",
            "五金产品零售",
            "食品销售（仅销售预包装食品）",
            "服装服饰批发",
            "电子产品销售",
            "办公用品销售",
        ],
    ),
    (
        "信息传输、软件和信息技术服务业",
        ["科技", "信息技术", "软件", "网络科技"],
        [
            "软件开发",
            "信息系统集成服务",
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
            "数据处理和存储支持服务",
            "互联网数据服务",
            "计算机系统服务",
        ],
    ),
    (
        "制造业",
        ["机械制造", "电子", "新材料", "食品"],
        [
            "通用设备制造（不含特种设备制造）",
            "电子元器件制造",
            "塑料制品制造",
            "金属结构制造",
            "食品生产",
            "新材料技术研发",
        ],
    ),
    (
        "建筑业",
        ["建筑工程", "建设工程", "装饰工程", "市政工程"],
        ["建设工程施工", "住宅室内装饰装修", "市政设施管理", "园林绿化工程施工", "土石方工程施工", "建筑材料销售"],
    ),
    (
        "租赁和商务服务业",
        ["企业管理咨询", "商务服务", "广告", "人力资源"],
        [
            "企业管理咨询",
            "信息咨询服务（不含许可类信息咨询服务）",
            "广告设计、代理",
            "会议及展览服务",
            "人力资源服务（不含职业中介活动、劳务派遣服务）",
            "市场营销策划",
        ],
    ),
    (
        "住宿和餐饮业",
        ["餐饮管理", "酒店管理", "餐饮服务", "饮品"],
        ["餐饮服务", "餐饮管理", "酒店管理", "食品经营（销售散装食品）", "外卖递送服务", "住宿服务"],
    ),
    (
        "交通运输、仓储和邮政业",
        ["物流", "运输", "供应链管理", "仓储"],
        [
            "道路货物运输（不含危险货物）",
            "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
            "国内货物运输代理",
            "装卸搬运",
            "供应链管理服务",
            "城市配送运输服务",
        ],
    ),
    (
        "科学研究和技术服务业",
        ["检测技术", "工程技术", "生物科技", "环保科技"],
        [
            "工程和技术研究和试验发展",
            "检验检测服务",
            "环保咨询服务",
            "生物化工产品技术研发",
            "专业设计服务",
            "节能管理服务",
        ],
    ),
    (
        "房地产业",
        ["置业", "房地产开发", "物业服务", "房产经纪"],
        ["房地产开发经营", "物业管理", "房地产经纪", "住房租赁", "非居住房地产租赁", "停车场服务"],
    ),
    (
        "居民服务、修理和其他服务业",
        ["家政服务", "汽车服务", "家电维修", "洗涤服务"],
        ["家政服务", "机动车修理和维护", "家用电器安装服务", "洗染服务", "养老服务", "摄影扩印服务"],
    ),
    (
        "文化、体育和娱乐业",
        ["文化传媒", "体育发展", "影视", "文化艺术"],
        ["组织文化艺术交流活动", "体育赛事策划", "广播电视节目制作经营", "文艺创作", "票务代理服务", "健身休闲活动"],
    ),
    (
        "农、林、牧、渔业",
        ["农业科技", "生态农业", "种植", "养殖"],
        [
            "谷物种植",
            "蔬菜种植",
            "牲畜饲养",
            "农业机械服务",
            "农产品的生产、销售、加工、运输、贮藏及其他相关服务",
            "林木育苗",
        ],
    ),
]
INDUSTRY_WEIGHTS = [24, 14, 10, 9, 12, 7, 6, 5, 4, 4, 3, 2]
BRAND_CHARS = list(
    "华兴盛泰鑫瑞宏昌源达恒通德信安康正宇博远丰隆新嘉祥和顺金银天海中创智汇鼎泽润永益邦荣佳辰腾飞凯旭东明辉豪卓越晟锦致合众诚祺峰睿铭翔亿聚力美福乐景星云青联晋誉启尚光"
)
SCOPE_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"

# 企业类型, its share and the way a name of its kind ends
ENTERPRISE_TYPES = [
    ("有限责任公司（自然人投资或控股）", 52, "有限公司"),
    ("有限责任公司（自然人独资）", 22, "有限公司"),
    ("股份有限公司（非上市、自然人投资或控股）", 5, "股份有限公司"),
    ("有限责任公司（国有独资）", 2, "有限责任公司"),
    ("个人独资企业", 10, "经营部"),
    ("合伙企业", 5, "中心（有限合伙）"),
    ("有限责任公司（外商投资、非独资）", 4, "有限公司"),
]
STATUSES = ["存续", "在业", "注销", "吊销"]


def pick(vocab: list[str], index: np.ndarray) -> np.ndarray:
    """The words of `vocab` at `index`, as an array of strings."""
    return np.array(vocab, dtype=STR)[index]


def person_names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Chinese full names: a surname and one or two given characters."""
    n = len(male)
    surname = rng.choice(len(SURNAMES), size=n, p=_SURNAME_WEIGHTS / _SURNAME_WEIGHTS.sum())
    given_pool = [pick(FEMALE_CHARS, rng.integers(0, len(FEMALE_CHARS), n)) for _ in range(2)]
    male_pool = [pick(MALE_CHARS, rng.integers(0, len(MALE_CHARS), n)) for _ in range(2)]
    first, second = (np.where(male, m, f) for m, f in zip(male_pool, given_pool, strict=True))
    given = np.where(rng.random(n) < 0.7, np.strings.add(first, second), first)
    return np.strings.add(pick(SURNAMES, surname), given)


def addresses(rng: np.random.Generator, district: np.ndarray) -> np.ndarray:
    """示例市XX区XX路N号, sometimes with a building and room."""
    n = len(district)
    road = pick(ROADS, rng.integers(0, len(ROADS), n))
    number = rng.integers(1, 400, n).astype(STR)
    base = np.strings.add(np.strings.add(pick(DISTRICTS, district), road), np.strings.add(number, "号"))
    room = np.strings.add(
        np.strings.add(rng.integers(1, 12, n).astype(STR), "号楼"),
        np.strings.add((rng.integers(1, 25, n) * 100 + rng.integers(1, 20, n)).astype(STR), "室"),
    )
    return np.strings.add(CITY, np.where(rng.random(n) < 0.5, np.strings.add(base, room), base))
