"""The data resources of the demo city 示例市: their catalog entries and their files.

Everything is synthetic and made from one seed: the same seed writes the same
bytes. The people, enterprises and bus lines are shared, so the credit codes in
社会保险缴费记录 and 营业执照信息 are those of 企业登记信息 and the ridership
counts name the lines of 公交线路信息.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from gongshu.demo import formats, records, tables

SEED = 20261122
Generator = Callable[[int, int], records.Columns]


@dataclass(frozen=True)
class DemoResource:
    """One data resource of the demo city, as its providing department catalogs it."""

    key: str  # stable ascii key
    title: str  # 资源名称
    provider: str  # key into PROVIDERS
    summary: str  # 摘要
    domain: str  # 领域分类
    share: str  # 共享属性: unconditional | conditional | none
    open: str  # 开放属性: unconditional | conditional | none
    update_cycle: str  # realtime | daily | weekly | monthly | quarterly | yearly | irregular
    filename: str  # its suffix decides the format: .csv, .xlsx, .parquet, .jsonl
    encoding: str  # of a CSV file: utf-8, utf-8-sig or gbk
    items: list[tuple[str, str, bool]]  # 信息项: (column, 描述, 是否权威来源)
    rows: int  # default number of rows


PROVIDERS: dict[str, tuple[str, str]] = {
    "scjgj": ("示例市市场监督管理局", "SCJGJ"),
    "rsj": ("示例市人力资源和社会保障局", "RSJ"),
    "gaj_jj": ("示例市公安局交通警察支队", "GAJJJ"),
    "wjw": ("示例市卫生健康委员会", "WJW"),
    "sthjj": ("示例市生态环境局", "STHJJ"),
    "jtysj": ("示例市交通运输局", "JTYSJ"),
    "zjj": ("示例市住房和城乡建设局", "ZJJ"),
    "xzspj": ("示例市行政审批服务局", "XZSPJ"),
}

DOMAINS = (
    "市场监管",
    "社保就业",
    "公共安全",
    "医疗卫生",
    "生态环境",
    "道路交通",
    "信用服务",
    "城建住房",
    "教育文化",
    "财税金融",
)
SHARE_OPEN = ("unconditional", "conditional", "none")
UPDATE_CYCLES = ("realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular")

RESOURCES: list[DemoResource] = [
    DemoResource(
        "enterprise_registry",
        "企业登记信息",
        "scjgj",
        "示例市市场主体的登记信息，含统一社会信用代码、名称、法定代表人、注册资本和登记状态。由市场监管局登记系统按日导出。",
        "市场监管",
        "conditional",
        "conditional",
        "daily",
        "enterprise_registry.csv",
        "gbk",
        [
            ("统一社会信用代码", "GB 32100 统一社会信用代码，18 位", True),
            ("企业名称", "登记的企业名称", True),
            ("法定代表人", "法定代表人（负责人、投资人）姓名", True),
            ("注册资本(万元)", "注册资本，单位万元", True),
            ("成立日期", "营业执照上的成立日期", True),
            ("企业类型", "市场主体类型", True),
            ("行业门类", "国民经济行业分类（GB/T 4754）门类", True),
            ("登记状态", "存续、在业、注销或吊销", True),
            ("住所", "登记住所", True),
        ],
        20_000,
    ),
    DemoResource(
        "social_insurance",
        "社会保险缴费记录",
        "rsj",
        "参保人员按月、按险种的社会保险缴费明细，含缴费基数和个人、单位缴费金额。灵活就业人员无缴费单位。",
        "社保就业",
        "conditional",
        "none",
        "monthly",
        "social_insurance.parquet",
        "utf-8",
        [
            ("身份证号", "参保人公民身份号码（GB 11643）", False),
            ("姓名", "参保人姓名", False),
            ("单位统一社会信用代码", "缴费单位的统一社会信用代码，灵活就业人员为空", False),
            ("险种", "养老、医疗、失业、工伤或生育保险", True),
            ("缴费月份", "费款所属期，YYYYMM", True),
            ("缴费基数", "月缴费基数，单位元", True),
            ("个人缴费金额", "个人缴纳部分，单位元", True),
            ("单位缴费金额", "单位缴纳部分，单位元", True),
        ],
        1_000_000,
    ),
    DemoResource(
        "vehicle_registry",
        "机动车登记信息",
        "gaj_jj",
        "在示例市登记的机动车，含号牌、车辆类型、品牌型号、使用性质和所有人身份证号。",
        "公共安全",
        "conditional",
        "none",
        "daily",
        "vehicle_registry.csv",
        "utf-8",
        [
            ("号牌号码", "机动车号牌号码，含新能源号牌", True),
            ("号牌种类", "小型汽车、大型汽车或新能源汽车号牌", True),
            ("车辆类型", "GA 802 机动车类型", True),
            ("品牌型号", "中文品牌和车辆型号", True),
            ("使用性质", "非营运、营运等使用性质", True),
            ("初次登记日期", "初次注册登记日期", True),
            ("所有人身份证号", "机动车所有人公民身份号码", False),
            ("车身颜色", "车身颜色", True),
        ],
        50_000,
    ),
    DemoResource(
        "outpatient_visits",
        "门诊就诊记录",
        "wjw",
        "全市医疗机构上报的门诊就诊记录，含患者、就诊科室、诊断和费用。",
        "医疗卫生",
        "conditional",
        "none",
        "daily",
        "outpatient_visits.csv",
        "utf-8-sig",
        [
            ("就诊流水号", "门诊就诊流水号", True),
            ("患者身份证号", "患者公民身份号码", False),
            ("患者姓名", "患者姓名", False),
            ("性别", "患者性别", False),
            ("年龄", "就诊时的周岁年龄", False),
            ("就诊日期", "门诊就诊日期", True),
            ("医疗机构名称", "接诊的医疗机构", True),
            ("科室", "就诊科室", True),
            ("诊断名称", "门诊主要诊断", True),
            ("费用合计", "本次就诊费用合计，单位元", True),
        ],
        100_000,
    ),
    DemoResource(
        "business_licenses",
        "营业执照信息",
        "xzspj",
        "在业市场主体的营业执照信息（相对集中行政许可后由行政审批服务局核发），含证照编号、经营范围、有效期和联系电话。",
        "市场监管",
        "unconditional",
        "conditional",
        "daily",
        "business_licenses.xlsx",
        "utf-8",
        [
            ("证照编号", "营业执照编号", True),
            ("统一社会信用代码", "GB 32100 统一社会信用代码，18 位", True),  # 一数一源 conflict with 市场监管局
            ("企业名称", "企业名称", False),
            ("经营范围", "营业执照载明的经营范围", True),
            ("发证日期", "营业执照发证日期", True),
            ("有效期至", "营业期限截止日期，长期有效为“长期”", True),
            ("发证机关", "发证的市场监督管理部门", True),
            ("联系电话", "企业联系电话", False),
        ],
        18_000,
    ),
    DemoResource(
        "air_quality_hourly",
        "空气质量监测小时数据",
        "sthjj",
        "全市国控和市控空气质量自动监测站点的小时浓度和空气质量指数（HJ 633-2012）。",
        "生态环境",
        "unconditional",
        "unconditional",
        "realtime",
        "air_quality_hourly.csv",
        "utf-8",
        [
            ("监测站点", "空气质量监测站点名称", True),
            ("经度", "站点经度（WGS 84）", True),
            ("纬度", "站点纬度（WGS 84）", True),
            ("监测时间", "小时监测时间", True),
            ("AQI", "空气质量指数", True),
            ("PM2.5", "细颗粒物浓度，μg/m³", True),
            ("PM10", "可吸入颗粒物浓度，μg/m³", True),
            ("SO2", "二氧化硫浓度，μg/m³", True),
            ("NO2", "二氧化氮浓度，μg/m³", True),
            ("O3", "臭氧 1 小时浓度，μg/m³", True),
            ("CO", "一氧化碳浓度，mg/m³", True),
            ("首要污染物", "AQI 大于 50 时的首要污染物", True),
        ],
        50_000,
    ),
    DemoResource(
        "bus_lines",
        "公交线路信息",
        "jtysj",
        "示例市公交线路的起终点、首末班时间、票价、站点数和运营单位。",
        "道路交通",
        "unconditional",
        "unconditional",
        "irregular",
        "bus_lines.jsonl",
        "utf-8",
        [
            ("线路编号", "公交线路编号", True),
            ("线路名称", "对外公布的线路名称", True),
            ("起点站", "起点站名称", True),
            ("终点站", "终点站名称", True),
            ("首班时间", "首班车发车时间", True),
            ("末班时间", "末班车发车时间", True),
            ("票价(元)", "单一票价，单位元", True),
            ("站点数", "单程站点数", True),
            ("线路长度(公里)", "单程线路长度，单位公里", True),
            ("运营单位", "线路运营企业", True),
        ],
        300,
    ),
    DemoResource(
        "bus_ridership",
        "公交刷卡客流统计",
        "jtysj",
        "按日期、线路和小时时段汇总的公交刷卡人次和换乘人次。",
        "道路交通",
        "unconditional",
        "conditional",
        "daily",
        "bus_ridership.parquet",
        "utf-8",
        [
            ("日期", "统计日期", True),
            ("线路编号", "公交线路编号，同公交线路信息", False),
            ("时段", "一小时统计时段", True),
            ("刷卡人次", "时段内刷卡乘车人次", True),
            ("换乘人次", "其中享受换乘优惠的人次", True),
        ],
        100_000,
    ),
    DemoResource(
        "construction_permits",
        "建筑工程施工许可",
        "zjj",
        "住建部门核发的建筑工程施工许可证，含项目、建设单位、施工单位、规模和合同价格。",
        "城建住房",
        "unconditional",
        "unconditional",
        "weekly",
        "construction_permits.xlsx",
        "utf-8",
        [
            ("施工许可证编号", "建筑工程施工许可证编号", True),
            ("项目名称", "工程项目名称", True),
            ("建设单位", "建设单位名称", False),
            ("建设单位统一社会信用代码", "建设单位的统一社会信用代码", False),
            ("施工单位", "施工总承包单位名称", False),
            ("建设地址", "工程建设地址", True),
            ("建筑面积(平方米)", "总建筑面积，单位平方米", True),
            ("合同价格(万元)", "施工合同价格，单位万元", True),
            ("合同工期(天)", "合同工期，单位天", True),
            ("核发日期", "施工许可证核发日期", True),
        ],
        3_000,
    ),
]

GENERATORS: dict[str, Generator] = {
    "enterprise_registry": tables.enterprise_registry,
    "social_insurance": records.social_insurance,
    "vehicle_registry": records.vehicles,
    "outpatient_visits": records.outpatient,
    "business_licenses": tables.business_licenses,
    "air_quality_hourly": tables.air_quality,
    "bus_lines": tables.bus_line_table,
    "bus_ridership": tables.bus_ridership,
    "construction_permits": tables.construction_permits,
}


def get_resource(key: str) -> DemoResource:
    """The demo resource with this key; KeyError names the keys there are."""
    for res in RESOURCES:
        if res.key == key:
            return res
    raise KeyError(f"no demo resource {key!r}; there are {', '.join(r.key for r in RESOURCES)}")


def build_table(res: DemoResource, *, rows: int | None = None, seed: int = SEED) -> pa.Table:
    """The resource's rows as an Arrow table with its declared columns in order."""
    n = res.rows if rows is None else rows
    if n < 1:
        raise ValueError(f"rows must be at least 1, not {n}")
    columns = GENERATORS[res.key](seed, n)
    names = [name for name, _, _ in res.items]
    if list(columns) != names:
        raise ValueError(f"generator of {res.key} made columns {list(columns)}, catalog says {names}")
    return pa.table({name: _arrow(columns[name]) for name in names})


def _arrow(values: np.ndarray | pa.Array) -> pa.Array:
    if isinstance(values, pa.Array):
        return values
    if values.dtype.kind == "M":
        unit = np.datetime_data(values.dtype)[0]
        return pa.array(values, pa.date32() if unit == "D" else pa.timestamp("s"))
    return pa.array(values)


def write_resource(res: DemoResource, directory: Path, *, rows: int | None = None, seed: int = SEED) -> Path:
    """Write the resource's file into `directory`, deterministically for the seed.

    Args:
        res: the resource; its filename's suffix picks CSV (in `res.encoding`),
            .xlsx, .parquet or .jsonl.
        directory: created if missing.
        rows: how many rows instead of `res.rows`, e.g. fewer in tests.
        seed: the same seed writes the same bytes.

    Returns:
        The path of the written file.
    """
    writer = formats.writer_for(res.filename)
    table = build_table(res, rows=rows, seed=seed)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / res.filename
    path.write_bytes(writer(table, res.title, res.encoding))
    return path


def write_all(directory: Path, *, seed: int = SEED) -> list[Path]:
    """Write every demo resource at its default size into `directory`."""
    return [write_resource(res, directory, seed=seed) for res in RESOURCES]
