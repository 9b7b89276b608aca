"""The project's import graph, read from the source (imports inside functions included)."""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("common", "config", "fansub", "governance", "moderation", "payments", "telemetry")


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module
    names: tuple[str, ...]  # names taken with ``from target import ...`` (empty for ``import target``)
    line: int
    top_level: bool


def module_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    return files


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, name] if name else base)


def imports_of(module: str, path: Path, known: set[str]) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    top_level_nodes = {id(node) for node in tree.body}
    for node in tree.body:  # imports under a module-level `if`/`try` still run at import time
        if isinstance(node, ast.If | ast.Try):
            top_level_nodes.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        top = id(node) in top_level_nodes
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    found.append(Import(module, alias.name, (), node.lineno, top))
        elif isinstance(node, ast.ImportFrom):
            target = (node.module or "") if node.level == 0 else _resolve_relative(
                module, path.name == "__init__.py", node.level, node.module)
            if target.split(".")[0] not in PACKAGES:
                continue
            plain_names = []
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:  # ``from package import submodule`` depends on the submodule
                    found.append(Import(module, submodule, (), node.lineno, top))
                else:
                    plain_names.append(alias.name)
            if plain_names:
                found.append(Import(module, target, tuple(plain_names), node.lineno, top))
    return found


def all_imports() -> list[Import]:
    files = module_files()
    known = set(files)
    return [imp for module, path in files.items() for imp in imports_of(module, path, known)]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        work = [(v, iter(sorted(edges.get(v, ()))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, children = work[-1]
            advanced = False
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return result


def graph(imports: list[Import]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    known = set(module_files())
    for imp in imports:
        if imp.target in known and imp.target != imp.source:
            edges.setdefault(imp.source, set()).add(imp.target)
    return edges
