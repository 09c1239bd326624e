"""View models on hand-made results: the rows and sentences a section prints."""

from reporter.render.views import scenario_rows, scenario_sentences
from reporter.results import SCENARIO, RunRecord, WorkloadResult


def scenario(label, repeat, wall, status="ok"):
    """A scenario run of that label and wall time."""
    return RunRecord(mode=SCENARIO, repeat=repeat, status=status, reason="", exit_code=0,
                     wall_s=wall, process_s=wall, stderr_tail="", label=label,
                     extra_args=[] if label == "base" else ["--" + label])


def test_scenarios_are_pooled_and_judged_against_the_first():
    runs = []
    rounds = [(1.0, 3.0, 1.0, 0.5), (1.01, 3.1, 1.005, 2.0), (0.99, 2.9, 0.998, 1.0),
              (1.0, 3.0, 1.0, 1.6)]
    for i, (base, slow, same, noisy) in enumerate(rounds):
        runs += [scenario("base", 4 * i + 1, base), scenario("slow", 4 * i + 2, slow),
                 scenario("same", 4 * i + 3, same), scenario("noisy", 4 * i + 4, noisy)]
    runs.append(scenario("slow", 17, None, status="crashed"))
    rows = scenario_rows(WorkloadResult("w", "w.py", [], runs))
    assert [r.label for r in rows] == ["base", "slow", "same", "noisy"]
    assert rows[0].wall_verdict is None and rows[0].wall_median == 1.0
    assert (rows[1].runs, rows[1].failed, len(rows[1].wall_s)) == (5, 1, 4)
    words = [r.wall_verdict.word for r in rows[1:]]
    assert words == ["slower", "the same", "undecided"]
    assert rows[1].rss_verdict.ratio is None  # no memory record: never a made-up verdict
    sentences = scenario_sentences(rows)
    assert sentences[0].startswith("“slow” against “base”: wall time slower (3.00×, 95% interval")
    assert "peak RSS undecided (fewer than 3 clean runs on a side)" in sentences[0]
    assert "wall time undecided" in sentences[2]
    assert not scenario_sentences(rows[:1])
