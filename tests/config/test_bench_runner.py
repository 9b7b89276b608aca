"""`python -m bench` finds every bench/*.py with a main() and prints its figures."""

import pytest

from bench.__main__ import discover, main


def test_lists_the_benchmarks(capsys):
    assert "telemetry" in discover() and "__main__" not in discover()
    assert main(["--list"]) == 0
    assert "telemetry" in capsys.readouterr().out.split()


def test_unknown_benchmark_is_refused():
    with pytest.raises(SystemExit) as exit_info:
        main(["no_such_bench"])
    assert exit_info.value.code == 2


@pytest.mark.django_db
def test_runs_a_benchmark_and_prints_its_figures(capsys, monkeypatch):
    import bench.telemetry

    monkeypatch.setattr(bench.telemetry, "EVENTS", 30)
    assert main(["telemetry"]) == 0
    out = capsys.readouterr().out
    assert "== bench.telemetry ==" in out and "events/s" in out and "1 benchmark(s) ran" in out
    from telemetry.models import OutboxEvent

    assert not OutboxEvent.objects.exists()  # the benchmark rolled its events back
