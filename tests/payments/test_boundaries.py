"""payments knows no product app (SPEC §2): it imports neither fansub nor moderation."""

import ast
from pathlib import Path

PAYMENTS = Path(__file__).resolve().parents[2] / "payments"


def test_payments_imports_no_product_app():
    offenders = []
    for path in PAYMENTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(PAYMENTS)}: {n}" for n in names
                          if n.split(".")[0] in {"fansub", "moderation"}]
    assert offenders == []
