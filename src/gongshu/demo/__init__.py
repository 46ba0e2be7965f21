"""The demo city 示例市: synthetic departments, data resources and their files."""

from gongshu.demo.data import (
    PROVIDERS,
    RESOURCES,
    SEED,
    DemoResource,
    build_table,
    get_resource,
    write_all,
    write_resource,
)

__all__ = [
    "PROVIDERS",
    "RESOURCES",
    "SEED",
    "DemoResource",
    "build_table",
    "get_resource",
    "write_all",
    "write_resource",
]
