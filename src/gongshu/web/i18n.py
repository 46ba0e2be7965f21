"""Console wording: one message table {key: (zh, en)}, Chinese first, and labels for stored values."""

from __future__ import annotations

from collections.abc import Callable

from gongshu.catalog.attributes import CYCLE_ZH, OpenAttr, ShareAttr, UpdateCycle
from gongshu.identity import ROLE_ZH, Role

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "lang"

MESSAGES: dict[str, tuple[str, str]] = {
    # layout
    "app.name": ("公数", "gongshu"),
    "app.tagline": ("公共数据资源开发利用平台", "Public data development and utilization platform"),
    "app.footer": (
        "公数 gongshu · 公共数据资源开发利用平台 · 所有资源均由本机提供，离线可用",
        "gongshu · public data platform · every asset is served locally and works offline",
    ),
    "nav.home": ("首页", "Home"),
    "nav.catalog": ("资源目录", "Catalog"),
    "nav.publish": ("发布数据资源", "Publish a resource"),
    "nav.conflicts": ("一数一源冲突", "Source conflicts"),
    "nav.ledger": ("账本", "Ledger"),
    "nav.admin": ("单位与用户", "Organizations & users"),
    "nav.tokens": ("API 令牌", "API tokens"),
    "nav.open": ("开放数据", "Open data"),
    "nav.requests": ("共享/开放申请", "Access requests"),
    "nav.objections": ("异议处理", "Objections"),
    "nav.main": ("主导航", "Main navigation"),
    "lang.switch": ("English", "中文"),
    "auth.login": ("登录", "Sign in"),
    "auth.logout": ("退出", "Sign out"),
    # login
    "login.title": ("登录公数", "Sign in to gongshu"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.hint": (
        "使用单位分配的账号登录。连续输错 5 次后账户将被暂时锁定。",
        "Use the account your organization gave you. Five failed attempts lock it for a while.",
    ),
    "login.expired": ("登录表单已过期，请重新输入后提交", "the sign-in form expired; enter your details again"),
    # home
    "home.welcome": ("欢迎，{name}", "Welcome, {name}"),
    "home.next": ("接下来可以做", "Where to go next"),
    "home.figures": ("平台概况", "At a glance"),
    "home.resources": ("数据资源", "Data resources"),
    "home.providers": ("提供单位", "Providers"),
    "home.ledger_size": ("账本事件", "Ledger events"),
    "home.by_domain": ("各领域分类的数据资源数量", "Resources per domain"),
    "home.no_data": ("暂无数据资源", "No resources yet"),
    "home.chart_series": ("数据资源", "Resources"),
    "landing.title": ("公共数据，开放可查、来源可溯", "Public data, open to read and traceable to its source"),
    "landing.lead": (
        "公数汇集本市各部门的数据资源目录。社会公众可以浏览开放目录；各单位登录后可以发布、查询数据资源并审计账本。",
        "gongshu gathers the city departments' catalog of data resources. Anyone can browse the open "
        "catalog; organizations sign in to publish and find resources and to audit the ledger.",
    ),
    "landing.open_count": ("开放目录现有 {n} 个数据资源", "The open catalog lists {n} resources"),
    "landing.browse": ("浏览开放目录", "Browse the open catalog"),
    "step.publish": ("上传文件，登记新的数据资源", "Upload a file to register a new data resource"),
    "step.mine": ("我的资源", "My resources"),
    "step.mine_desc": ("本单位已发布的数据资源及其版本", "Resources your organization has published"),
    "step.conflicts": ("多个单位声明为同一信息项的权威来源", "Items more than one provider claims as authoritative"),
    "step.catalog": ("检索全市数据资源目录", "Search the city's catalog of data resources"),
    "step.admin": ("管理单位与用户账号", "Manage organizations and user accounts"),
    "step.ledger": ("查看签名树头、核验账本完整性", "See the signed tree head and verify the ledger"),
    "step.open": ("浏览并下载开放数据", "Browse and download open data"),
    "step.requests": (
        "申请其他部门的数据，审核对本单位数据的申请",
        "Ask for other departments' data and review requests for yours",
    ),
    "step.objections": ("核实和补正对数据质量的异议", "Verify and correct objections to data quality"),
    "landing.open_data": ("下载开放数据", "Download open data"),
    # catalog
    "catalog.title": ("资源目录", "Catalog"),
    "catalog.open_title": ("开放目录", "Open catalog"),
    "catalog.public_note": (
        "您未登录，仅显示开放的数据资源。",
        "You are not signed in: only open resources are shown.",
    ),
    "catalog.search": ("搜索", "Search"),
    "catalog.search_placeholder": (
        "输入资源名称、信息项或摘要关键词，如：企业登记",
        "Title, item or summary words, e.g. 企业登记",
    ),
    "catalog.any": ("全部", "Any"),
    "catalog.total": ("共 {n} 个数据资源", "{n} resources"),
    "catalog.none": ("没有符合条件的数据资源", "No resources match"),
    "catalog.prev": ("上一页", "Previous"),
    "catalog.next": ("下一页", "Next"),
    "catalog.page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "catalog.reset": ("清除条件", "Clear"),
    "field.title": ("资源名称", "Title"),
    "field.code": ("资源代码", "Code"),
    "field.provider": ("提供单位", "Provider"),
    "field.summary": ("摘要", "Summary"),
    "field.domain": ("领域分类", "Domain"),
    "field.items": ("信息项", "Information items"),
    "field.share": ("共享属性", "Sharing"),
    "field.share_condition": ("共享条件", "Sharing condition"),
    "field.open": ("开放属性", "Openness"),
    "field.update_cycle": ("更新周期", "Update cycle"),
    "field.format": ("格式", "Format"),
    "field.published_at": ("发布时间", "Published"),
    "field.updated_at": ("更新时间", "Updated"),
    "field.current_version": ("当前版本", "Current version"),
    "field.file": ("数据文件", "Data file"),
    "field.authoritative_items": ("权威来源信息项", "Authoritative items"),
    "badge.overdue": ("更新超期", "Update overdue"),
    "badge.authoritative": ("权威来源", "Authoritative"),
    "badge.conflict": ("一数一源冲突", "Source conflict"),
    "detail.metadata": ("目录信息", "Catalog metadata"),
    "detail.items": ("信息项", "Information items"),
    "detail.item_no": ("序号", "#"),
    "detail.item_name": ("信息项名称", "Item"),
    "detail.item_type": ("数据类型", "Type"),
    "detail.item_desc": ("说明", "Description"),
    "detail.item_flags": ("标记", "Flags"),
    "detail.versions": ("版本", "Versions"),
    "detail.version": ("版本号", "Version"),
    "detail.version_time": ("时间", "Time"),
    "detail.rows": ("行数", "Rows"),
    "detail.source_format": ("来源格式", "Source format"),
    "detail.encoding": ("编码", "Encoding"),
    "detail.sha256": ("SHA-256", "SHA-256"),
    "detail.created_by": ("上传人", "Uploaded by"),
    "detail.dcat": ("DCAT 元数据（JSON-LD）", "DCAT metadata (JSON-LD)"),
    "detail.new_version": ("上传新版本", "Upload a new version"),
    "detail.back": ("返回资源目录", "Back to the catalog"),
    "detail.none": ("无", "none"),
    "publish.title": ("发布数据资源", "Publish a data resource"),
    "publish.lead": (
        "支持 CSV（UTF-8、GBK、GB18030）、Excel、Parquet、JSON Lines。文件在域内转为 Parquet 保存。",
        "CSV (UTF-8, GBK, GB18030), Excel, Parquet and JSON Lines are accepted; the data is kept "
        "in the domain as Parquet.",
    ),
    "publish.authoritative_help": (
        "本单位作为权威来源的列名，用逗号分隔，如：统一社会信用代码,企业名称",
        "Columns your organization is the authoritative source of, comma-separated",
    ),
    "publish.share_condition_help": (
        "有条件共享时填写，如：仅限市场监管业务使用",
        "For conditional sharing, e.g. for market regulation only",
    ),
    "publish.submit": ("上传并发布", "Upload and publish"),
    "version.title": ("上传新版本：{title}", "New version of {title}"),
    "version.lead": (
        "新版本不可修改，信息项随新数据的列更新，已填写的说明保留。",
        "A version is immutable; items follow the new columns and keep their descriptions.",
    ),
    "version.submit": ("上传新版本", "Upload version"),
    "conflicts.title": ("一数一源冲突", "One source per item: conflicts"),
    "conflicts.lead": (
        "同一信息项只应有一个权威来源。以下信息项被多个提供单位声明为权威来源，需协调确定。",
        "Each information item should have one authoritative source. These items are claimed "
        "by more than one provider and need to be settled.",
    ),
    "conflicts.item": ("信息项", "Item"),
    "conflicts.claims": ("声明为权威来源的资源", "Resources claiming authority"),
    "conflicts.none": ("目前没有一数一源冲突", "No conflicts at the moment"),
    # ledger
    "ledger.title": ("账本", "Ledger"),
    "ledger.lead": (
        "每一次状态变更都写入只追加、防篡改的默克尔树账本，并由平台密钥签名。",
        "Every state change goes into an append-only Merkle tree log whose heads the platform signs.",
    ),
    "ledger.head": ("签名树头", "Signed tree head"),
    "ledger.size": ("树大小（事件数）", "Tree size (events)"),
    "ledger.root": ("根哈希", "Root hash"),
    "ledger.time": ("签名时间", "Signed at"),
    "ledger.key": ("密钥标识", "Key id"),
    "ledger.algo": ("哈希算法", "Hash"),
    "ledger.public_key": ("平台公钥", "platform public key"),
    "ledger.empty": ("账本中还没有事件", "The ledger has no events yet"),
    "ledger.verify": ("立即核验", "Verify now"),
    "ledger.verify_help": (
        "从全部事件重新计算默克尔树，并核对每个签名树头。",
        "Recompute the Merkle tree from every event and check every signed head.",
    ),
    "ledger.intact": ("完好", "Intact"),
    "ledger.failed": ("失败", "Failed"),
    "ledger.intact_detail": (
        "{events} 条事件、{heads} 个签名树头均验证通过",
        "{events} events and {heads} signed heads verified",
    ),
    "ledger.first_bad": ("第一个问题条目：{seq}", "First bad entry: {seq}"),
    "ledger.events": ("最近事件", "Recent events"),
    "ledger.scope_org": ("仅显示本单位（{org}）的事件", "Only your organization's ({org}) events are shown"),
    "ledger.scope_all": ("显示全部单位的事件", "Events of every organization"),
    "ledger.seq": ("序号", "#"),
    "ledger.ev_time": ("时间", "Time"),
    "ledger.actor": ("操作人", "Actor"),
    "ledger.org": ("单位", "Org"),
    "ledger.role": ("角色", "Role"),
    "ledger.action": ("动作", "Action"),
    "ledger.object": ("对象", "Object"),
    "ledger.proof": ("包含证明", "Inclusion proof"),
    "ledger.older": ("更早的事件", "Older events"),
    # admin
    "admin.title": ("单位与用户", "Organizations and users"),
    "admin.orgs": ("单位", "Organizations"),
    "admin.users": ("用户", "Users"),
    "admin.org_code": ("单位代码", "Code"),
    "admin.org_name": ("单位名称", "Name"),
    "admin.org_kind": ("单位类型", "Kind"),
    "admin.created": ("创建时间", "Created"),
    "admin.add_org": ("新增单位", "Add organization"),
    "admin.username": ("用户名", "Username"),
    "admin.display_name": ("姓名", "Display name"),
    "admin.password": ("初始密码", "Initial password"),
    "admin.password_help": ("至少 10 个字符，须同时包含字母和数字", "At least 10 characters with letters and digits"),
    "admin.org": ("所属单位", "Organization"),
    "admin.role": ("角色", "Role"),
    "admin.is_admin": ("单位管理员", "Organization admin"),
    "admin.add_user": ("新增用户", "Add user"),
    "admin.yes": ("是", "yes"),
    "admin.no": ("否", "no"),
    "admin.done_org": ("单位已创建", "Organization created"),
    "admin.done_user": ("用户已创建", "User created"),
    "tokens.title": ("API 令牌", "API tokens"),
    "tokens.lead": (
        "程序调用 /api/v1 时在请求头中携带：Authorization: Bearer <令牌>。令牌只在创建时显示一次。",
        "Programs send Authorization: Bearer <token> to /api/v1. A token is shown once, when created.",
    ),
    "tokens.name": ("名称", "Name"),
    "tokens.prefix": ("前缀", "Prefix"),
    "tokens.created": ("创建时间", "Created"),
    "tokens.expires": ("到期时间", "Expires"),
    "tokens.status": ("状态", "Status"),
    "tokens.active": ("有效", "active"),
    "tokens.revoked": ("已撤销", "revoked"),
    "tokens.never": ("永不过期", "never"),
    "tokens.days": ("有效天数", "Valid for (days)"),
    "tokens.create": ("创建令牌", "Create token"),
    "tokens.revoke": ("撤销", "Revoke"),
    "tokens.none": ("还没有令牌", "No tokens yet"),
    "tokens.once": ("请立即复制保存，此令牌不会再次显示：", "Copy it now, it will not be shown again:"),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.status": ("错误代码 {status}", "Error {status}"),
    "error.home": ("返回首页", "Back to the home page"),
    "error.not_found": ("找不到该页面", "page not found"),
    "error.method": ("不支持该请求方法", "method not allowed"),
    "error.request": ("请求失败", "the request failed"),
    "error.invalid_request": ("请求参数有误：{fields}", "invalid request parameters: {fields}"),
    "error.internal": (
        "服务器内部错误，请稍后再试；如果问题持续，请联系平台管理员",
        "internal error; try again later and tell the platform administrator if it persists",
    ),
    "error.csrf": (
        "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试；未做任何更改",
        "the form expired or came from elsewhere (CSRF check failed); reload the page and retry. Nothing was changed",
    ),
    "error.no_file": ("请选择要上传的数据文件", "choose a data file to upload"),
}

SHARE_EN = {"unconditional": "Shared unconditionally", "conditional": "Shared on conditions", "none": "Not shared"}
OPEN_EN = {"unconditional": "Open unconditionally", "conditional": "Open on conditions", "none": "Not open"}
CYCLE_EN = {
    "realtime": "Real time",
    "daily": "Daily",
    "weekly": "Weekly",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "half_yearly": "Half-yearly",
    "yearly": "Yearly",
    "irregular": "Irregular",
}
ROLE_EN = {
    "bureau": "Data bureau",
    "provider": "Data provider",
    "operator": "Operator",
    "developer": "Developer",
    "consumer": "Data consumer",
    "regulator": "Regulator",
    "public": "Public",
}
DOMAIN_EN = {
    "市场监管": "Market regulation",
    "信用服务": "Credit",
    "社保就业": "Social security & employment",
    "医疗卫生": "Health",
    "公共安全": "Public safety",
    "道路交通": "Road traffic",
    "生态环境": "Environment",
    "城建住房": "Urban construction & housing",
    "教育文化": "Education & culture",
    "科技创新": "Science & innovation",
    "资源能源": "Resources & energy",
    "工业农业": "Industry & agriculture",
    "商贸流通": "Trade & commerce",
    "财税金融": "Finance & taxation",
    "安全生产": "Work safety",
    "社会救助": "Social assistance",
    "法律服务": "Legal services",
    "生活服务": "Everyday services",
    "气象服务": "Weather",
    "地理空间": "Geospatial",
    "机构团体": "Institutions",
    "其他": "Other",
}
ACTIONS: dict[str, tuple[str, str]] = {
    "org.create": ("新增单位", "organization created"),
    "user.create": ("新增用户", "user created"),
    "user.sign_in": ("登录", "signed in"),
    "user.sign_in_failed": ("登录失败", "sign-in failed"),
    "user.sign_out": ("退出", "signed out"),
    "token.create": ("创建 API 令牌", "API token created"),
    "token.revoke": ("撤销 API 令牌", "API token revoked"),
    "resource.publish": ("发布数据资源", "resource published"),
    "resource.version": ("上传新版本", "new version"),
    "resource.update": ("修改目录信息", "metadata changed"),
}

_ZH_LABELS: dict[str, Callable[[str], str]] = {
    "share": lambda v: ShareAttr(v).zh,
    "open": lambda v: OpenAttr(v).zh,
    "cycle": lambda v: CYCLE_ZH[UpdateCycle(v)],
    "role": lambda v: ROLE_ZH[Role(v)],
    "domain": lambda v: v,
}
_EN_LABELS: dict[str, dict[str, str]] = {
    "share": SHARE_EN,
    "open": OPEN_EN,
    "cycle": CYCLE_EN,
    "role": ROLE_EN,
    "domain": DOMAIN_EN,
}


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def translate(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled; unknown keys raise KeyError."""
    zh, en = MESSAGES[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def label(kind: str, value: str, lang: str = DEFAULT_LANG) -> str:
    """The shown label of a stored value (共享属性, 开放属性, 更新周期, 角色, 领域分类); unknown values show as is."""
    try:
        return _EN_LABELS[kind][value] if lang == "en" else _ZH_LABELS[kind](value)
    except (KeyError, ValueError):
        return value


def action_label(action: str, lang: str = DEFAULT_LANG) -> str:
    pair = ACTIONS.get(action)
    return action if pair is None else pair[1 if lang == "en" else 0]
