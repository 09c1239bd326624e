"""A script whose runs are long gets fewer unprofiled repeats, within the budget, and said."""

from reporter import results
from reporter.cli import main
from reporter.run.records import ProcessRecord
from reporter.run.runner import MIN_PROFILED_LIMIT_S

SLOW = """\
import time
started = time.perf_counter()
while time.perf_counter() - started < 1.2:  # wall time, whatever the machine's speed
    pass
"""


def test_repeats_keep_near_their_budget_and_profiled_limits_follow_the_median(tmp_path, capsys):
    script = tmp_path / "slow.py"
    script.write_text(SLOW)
    out = tmp_path / "reports"
    assert main(["run", str(script), "--out", str(out), "--repeat", "5", "--repeat-budget", "3",
                 "--profilers", "cprofile", "--no-lint"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "slow: one unprofiled run took" in said and "3 of the 5 unprofiled runs" in said
    run = results.load(out / "latest" / "results.json")
    (workload,) = run.workloads
    assert [(r.name, r.repeat) for r in workload.runs] == [("bare", 1), ("bare", 2),
                                                           ("bare", 3), ("cprofile", 0)]
    assert workload.failed == [] and workload.repeats.made == 3 and workload.repeats.asked == 5
    process = ProcessRecord.read(out / "latest" / "raw" / "slow" / "cprofile.process.json")
    assert process.timeout == MIN_PROFILED_LIMIT_S
    page = (out / "latest" / "slow.html").read_text(encoding="utf-8")
    assert "3 of the 5 asked for" in page
