"""The console's message table stays complete: every key a template uses exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongshu.catalog.attributes import DOMAINS, OpenAttr, ShareAttr, UpdateCycle
from gongshu.identity import Role
from gongshu.web import i18n
from gongshu.web.session import safe_next

TEMPLATES = Path(i18n.__file__).parent / "templates"
KEY_IN_TEMPLATE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_]+)["']""")
KEY_IN_PYTHON = re.compile(r"""["']([a-z]+\.[a-z_]+)["']""")
NOT_KEYS = (".html", ".py")


def test_every_message_key_used_in_a_template_exists() -> None:
    used = {k for f in TEMPLATES.rglob("*.html") for k in KEY_IN_TEMPLATE.findall(f.read_text("utf-8"))}
    assert used, "no t(...) calls found: the pattern is stale"
    assert used - set(i18n.MESSAGES) == set()


def test_every_message_key_named_in_the_console_code_exists() -> None:
    code = Path(i18n.__file__).parent
    named = {
        k
        for f in code.rglob("*.py")
        if f.name != "i18n.py"
        for k in KEY_IN_PYTHON.findall(f.read_text("utf-8"))
        if k.split(".")[0] in {m.split(".")[0] for m in i18n.MESSAGES} and not k.endswith(NOT_KEYS)
    }
    assert named - set(i18n.MESSAGES) == set()


def test_every_message_has_chinese_and_english_text() -> None:
    for key, (zh, en) in i18n.MESSAGES.items():
        assert zh.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("domain", DOMAINS),
        ("share", [s.value for s in ShareAttr]),
        ("open", [o.value for o in OpenAttr]),
        ("cycle", [c.value for c in UpdateCycle]),
        ("role", [r.value for r in Role]),
    ],
)
def test_every_stored_value_has_a_label_in_both_languages(kind: str, values: list[str]) -> None:
    for value in values:
        assert i18n.label(kind, value, "zh"), value
        assert i18n.label(kind, value, "en") != value, value


def test_a_missing_message_key_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        i18n.translate("no.such_key")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/catalog?q=企业", "/catalog?q=企业"),
        ("/ledger", "/ledger"),
        ("", "/"),
        (None, "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("evil", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_only_local_paths_are_followed_after_login(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected
