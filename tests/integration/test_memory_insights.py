"""The memory-management record of real runs: it follows the workload."""

import html
import shutil

from reporter import results
from reporter.cli import main
from reporter.render.memory import scenario_rows, scenario_sentences
from tests.conftest import RESOURCES

WORKLOADS = RESOURCES.parent.parent / "workloads"


def cycles_run(tmp_path, rounds, repeat=1):
    """`repeat` bare runs (and rounds of the scenarios) of cycles.py with that many rounds."""
    out = tmp_path / f"r{rounds}"
    assert main(["run", str(WORKLOADS / "cycles.py"), "--out", str(out), "--repeat", str(repeat),
                 "--profilers", "", "--no-lint", "--", str(rounds)]) == 0
    return results.load(out / "latest" / "results.json").workloads[0]


def test_more_cycles_mean_more_objects_collected(tmp_path):
    few, many = cycles_run(tmp_path, 2), cycles_run(tmp_path, 12)
    collected = [sum(g.collected for g in w.insights.generations) for w in (few, many)]
    assert collected[1] > 4 * collected[0] > 0
    assert many.insights.pymalloc_end.arenas_highwater >= few.insights.pymalloc_end.arenas_highwater
    assert many.insights.max_rss_bytes > 0
    # the child's own high-water mark (read before its last pages), not one kept across exec
    # from the process that forked it, as Linux's ru_maxrss is: near what was sampled
    sampled = max(v for _, v in many.insights.rss_samples)
    assert sampled - 2 ** 20 <= many.insights.max_rss_bytes < sampled + 8 * 2 ** 20


def test_scenarios_show_what_the_gc_did(tmp_path):
    workload = cycles_run(tmp_path, 6, repeat=3)
    rows = scenario_rows(workload)
    assert [row.runs for row in rows] == [3, 3, 3] and not any(row.failed for row in rows)
    assert rows[0].wall_verdict is None and all(row.wall_verdict for row in rows[1:])
    words = {"faster", "slower", "the same", "undecided"}
    assert all(row.wall_verdict.word in words and row.rss_verdict.word in words
               for row in rows[1:])
    page = (tmp_path / "r6" / "latest" / "cycles.html").read_text()
    for sentence in scenario_sentences(rows):
        assert html.escape(sentence, quote=False) in page
    scenarios = {row.label: row.insights for row in rows}  # each one's first clean run
    assert list(scenarios) == ["gc enabled", "gc disabled, one collect at the end",
                               "weakref back-references"]
    enabled = scenarios["gc enabled"].generations
    disabled = scenarios["gc disabled, one collect at the end"].generations
    weak = scenarios["weakref back-references"].generations
    assert sum(g.collected for g in enabled) > 0
    assert [g.collections for g in disabled[:2]] == [0, 0] and disabled[2].collections == 1
    # no cycles of its own: reference counting freed the structures, the gc found (almost) none
    assert sum(g.collected for g in weak) * 100 < sum(g.collected for g in enabled)
    assert all(len(s.rss_samples) >= 1 for s in scenarios.values())


def test_observations_are_kept_when_they_are_plain_data(tmp_path):
    script = tmp_path / "observes.py"
    shutil.copy(RESOURCES / "tiny.py", tmp_path / "tiny.py")
    script.write_text("OBSERVATIONS = {'count': 3, 'series': [1, 2, 3], 'table': {'a': 1}}\n")
    bad = tmp_path / "bad_observations.py"
    bad.write_text("OBSERVATIONS = {'thing': object()}\n")
    out = tmp_path / "r"
    main(["run", str(script), str(bad), "--out", str(out), "--repeat", "1", "--profilers", ""])
    run = results.load(out / "latest" / "results.json")
    good, wrong = ({o.name: o.value for o in w.insights.observations} for w in run.workloads)
    assert good == {"count": 3, "series": [1, 2, 3], "table": {"a": 1}}
    assert "not plain JSON data" in wrong["error"]
    names = [o.name for o in run.workloads[0].insights.observations]
    assert names == ["count", "series", "table"]  # in the script's order
    page = (out / "latest" / "observes.html").read_text()
    assert "What the script observed" in page and "<polyline" in page
