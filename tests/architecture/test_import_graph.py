"""No import cycles between modules, no private names imported across modules, imports at module top."""

from tests.architecture.import_graph import Import, all_imports, cycles, graph


def test_no_import_cycles_between_modules():
    found = cycles(graph(all_imports()))
    assert found == [], f"import cycles (function-level imports included): {found}"


def test_no_private_name_is_imported_from_another_module():
    private = [f"{imp.source}:{imp.line} takes {name} from {imp.target}"
               for imp in all_imports() for name in imp.names
               if name.startswith("_") and not name.startswith("__")]
    assert private == []


def test_the_cycle_finder_sees_a_cycle_hidden_in_a_function():
    imports = [Import("a", "b", (), 1, True), Import("b", "c", (), 1, True), Import("c", "a", (), 9, False)]
    edges = {}
    for imp in imports:
        edges.setdefault(imp.source, set()).add(imp.target)
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_of_our_modules_sit_at_module_top():
    # AppConfig.ready() is the one place Django needs imports inside a function (registrations run once the
    # app registry is ready); anywhere else a deferred import hides a dependency, and often a cycle.
    deferred = [f"{imp.source}:{imp.line} imports {imp.target}" for imp in all_imports()
                if not imp.top_level and not imp.source.endswith(".apps")]
    assert deferred == []
