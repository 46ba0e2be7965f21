"""Load the demo city 示例市: departments, one user of every role, and real ingests of its data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gongshu.catalog import services as catalog
from gongshu.demo.data import PROVIDERS, RESOURCES, DemoResource, write_resource
from gongshu.demo.workflows import show_workflows
from gongshu.identity import SYSTEM, Actor
from gongshu.identity import services as identity
from gongshu.platform import Platform

DEMO_PASSWORD = "gongshu-demo-2026"  # demo accounts only; `gongshu user add` for real ones


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name: str
    kind: str
    username: str
    person: str
    admin: bool = False


OTHER_ORGS = (
    DemoOrg("SJJ", "示例市大数据局", "bureau", "bureau", "王局长", admin=True),
    DemoOrg("SJJT", "示例市数据集团有限公司", "operator", "operator", "运营机构李经理"),
    DemoOrg("ZHJR", "示例市智慧金融科技有限公司", "developer", "developer", "开发者赵工"),
    DemoOrg("SYYH", "示例市商业银行", "consumer", "consumer", "使用方钱经理"),
    DemoOrg("WXB", "示例市委网信办", "regulator", "regulator", "监管员孙处"),
)


def demo_orgs() -> list[DemoOrg]:
    providers = [
        DemoOrg(code.upper(), name, "provider", key, f"{name}数据专员", admin=True)
        for key, (name, code) in PROVIDERS.items()
    ]
    return [OTHER_ORGS[0], *providers, *OTHER_ORGS[1:]]


def load_demo(platform: Platform, *, scale: float = 1.0, echo: Callable[[str], object] = print) -> None:
    """Create what is missing of the demo city; what exists already is left as it is."""
    for org in demo_orgs():
        _ensure_org_and_user(platform, org)
    src = platform.settings.home / "demo-src"
    src.mkdir(parents=True, exist_ok=True)
    for res in RESOURCES:
        _ensure_resource(platform, res, src, scale, echo)
    show_workflows(platform, echo)
    echo(f"\n示例市已就绪 / the demo city is ready. 演示账号 demo accounts (password 密码: {DEMO_PASSWORD}):")
    for org in demo_orgs():
        echo(f"  {org.username:<10} {org.kind:<10} {org.name}")
    echo(f"控制台 console: http://{platform.settings.host}:{platform.settings.port}/")


def _ensure_org_and_user(platform: Platform, org: DemoOrg) -> None:
    with platform.uow(write=True) as uow:
        if identity.find_org(uow, org.code) is None:
            identity.create_org(uow, SYSTEM, code=org.code, name=org.name, kind=org.kind)
    with platform.uow(write=True) as uow:
        if identity.find_user(uow, org.username) is None:
            identity.add_user(
                uow,
                SYSTEM,
                username=org.username,
                password=DEMO_PASSWORD,
                org_code=org.code,
                display_name=org.person,
                is_admin=org.admin,
            )


def _provider_actor(platform: Platform, key: str) -> Actor:
    with platform.uow() as uow:
        return identity.actor_for(identity.get_user(uow, key))


def _ensure_resource(
    platform: Platform, res: DemoResource, src: object, scale: float, echo: Callable[[str], object]
) -> None:
    actor = _provider_actor(platform, res.provider)
    with platform.uow() as uow:
        found, _ = catalog.search(uow, actor, "", catalog.Filters(provider=actor.org_code), limit=200)
        if any(r.title == res.title for r in found):
            return
    rows = max(50, int(res.rows * scale))
    path = write_resource(res, src, rows=rows)  # type: ignore[arg-type]
    meta = catalog.ResourceMeta(
        title=res.title,
        summary=res.summary,
        domain=res.domain,
        share=res.share,
        open=res.open,
        update_cycle=res.update_cycle,
        share_condition="经数据提供部门审核同意后共享" if res.share == "conditional" else "",
        items={name: catalog.ItemMeta(desc, auth) for name, desc, auth in res.items},
    )
    with platform.uow(write=True) as uow:
        created = catalog.publish_resource(uow, actor, meta, catalog.FileSource(path, path.name))
        echo(f"已发布 {created.code}「{created.title}」{rows:,} 行 / published")
    path.unlink(missing_ok=True)
