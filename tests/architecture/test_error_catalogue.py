"""One error catalogue: every code defined once, in common.errors, with its status; no inline codes."""

import ast
import inspect
from pathlib import Path

from common import errors
from tests.architecture.import_graph import PACKAGES, ROOT

ERROR_BASES = {"DomainError", "ValidationFailed", "PermissionDeniedError", "NotFoundError"}


def _catalogue() -> list[type[errors.DomainError]]:
    return [cls for _, cls in inspect.getmembers(errors, inspect.isclass)
            if issubclass(cls, errors.DomainError) and cls.__module__ == errors.__name__]


def _sources() -> list[tuple[Path, ast.AST]]:
    return [(path, ast.parse(path.read_text())) for package in PACKAGES for path in (ROOT / package).rglob("*.py")
            if "migrations" not in path.parts]


def test_each_code_is_defined_once():
    # A subclass may specialise a code (say, the provider's view of an idempotency conflict) without redefining it.
    codes = [cls.code for cls in _catalogue() if "code" in vars(cls)]
    assert sorted({c for c in codes if codes.count(c) > 1}) == []


def test_error_codes_are_defined_only_in_the_catalogue():
    elsewhere = []
    for path, tree in _sources():
        if path == ROOT / "common" / "errors.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(st, ast.Assign) and any(getattr(t, "id", None) == "code" for t in st.targets)
                    and isinstance(st.value, ast.Constant) and str(st.value.value).isupper()
                    for st in node.body):
                elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert elsewhere == []


def test_no_inline_code_or_status_on_a_raised_error():
    inline = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                catalogued = name in ERROR_BASES or hasattr(errors, name)
                if catalogued and any(k.arg in {"code", "status"} for k in node.keywords):
                    inline.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert inline == []


def test_every_code_has_a_status_and_a_message():
    for cls in _catalogue():
        assert 400 <= cls.status <= 599, cls
        assert cls.default_message.strip(), cls


def test_readme_lists_every_code():
    readme = (ROOT / "README.md").read_text()
    missing = [cls.code for cls in _catalogue() if f"`{cls.code}`" not in readme]
    assert missing == []


def test_the_checker_catches_an_inline_code():
    tree = ast.parse('raise DomainError("x", code="SOMETHING")')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert any(k.arg == "code" for k in call.keywords)
