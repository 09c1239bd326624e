"""The benchmark engine measuring real differences in real child processes."""

import subprocess
import sys

import pytest

from reporter import results
from reporter.analysis import bench
from reporter.cli import main
from tests.conftest import RESOURCES


@pytest.fixture(name="measured", scope="module")
def fixture_measured(tmp_path_factory):
    """One report of the benchmark resource with two timing processes."""
    out = tmp_path_factory.mktemp("bench") / "reports"
    code = main(["run", str(RESOURCES / "bench_cases.py"), "--out", str(out), "--repeat", "1",
                 "--profilers", "cprofile", "--bench-processes", "2", "--no-lint"])
    run = results.load(out / "latest" / "results.json")
    return code, run.workloads[0], out / "latest"


def test_twice_the_work_ranks_as_about_twice_as_slow(measured):
    code, workload, _ = measured
    assert code == 0
    result = workload.benchmark
    twice = bench.case(result, "twice", "loop")
    plain = bench.case(result, "plain", "loop")
    # interleaved rounds, at least the minimum from each process, paired with the baseline's
    assert twice.processes == 2 and len(twice.values_s) == len(plain.values_s) >= 2 * 6
    assert len(twice.net_values_s) == len(twice.values_s)
    assert len(twice.ratios) == 2 and all(twice.ratios)  # paired ratios, per process
    assert sum(result.rounds.values()) >= 2 * result.min_rounds * len(result.rounds)
    # the empty loop is measured and subtracted: the net ratio is the work's (about 2 on a
    # quiet machine; a busy one only adds noise, so no upper bound is asserted)
    assert 0 < result.loop_s["loop"] < plain.stats.median
    assert twice.net_stats.median < twice.stats.median
    assert bench.ratio(result, twice) > 1.2
    assert bench.verdict(result, twice).word in ("slower", "undecided")  # never faster or same
    assert 0.95 < result.confidence < 1 and 0 < result.spent_s


def test_slots_instances_are_smaller_than_dict_instances(measured):
    _, workload, _ = measured
    sizes = {m.variant: m for m in workload.benchmark.memory}
    assert sizes["slots"].bytes_per_instance < sizes["plain"].bytes_per_instance
    assert sizes["slots"].dict_bytes is None and sizes["plain"].dict_bytes
    assert workload.benchmark.pymalloc_alignment in (8, 16)


def test_what_a_variant_cannot_do_is_reported(measured):
    _, workload, run_dir = measured
    frozen = bench.case(workload.benchmark, "frozen", "delete")
    assert not frozen.supported and "AttributeError" in frozen.reason
    page = (run_dir / "bench_cases.html").read_text()
    assert 'id="benchmark"' in page and "not supported" in page
    conclusion = next(line for line in bench.conclusions(workload.benchmark)
                      if line.startswith("loop:"))
    assert "twice" in conclusion and conclusion in page.replace("&#39;", "'")


def test_the_main_block_does_not_run_when_timing(measured):
    _, workload, run_dir = measured
    benched = [r for r in workload.runs if r.mode.startswith("bench")]
    assert len(benched) == 3 and all(r.ok for r in benched)
    assert not [r for r in benched if "stdout" in r.artifacts]  # nothing printed: no main block
    assert "only timed" in (run_dir / "raw/bench_cases/cprofile.stdout.txt").read_text()


def test_bench_command_prints_net_times_and_verdicts_per_case(capsys):
    assert main(["bench", str(RESOURCES / "bench_cases.py"), "--processes", "1"]) == 0
    out = capsys.readouterr().out
    assert "net median" in out and "twice" in out and "not supported" in out
    assert "% interval" in out  # the level of the intervals, as the page states it


def test_bench_command_refuses_a_script_without_cases(capsys):
    assert main(["bench", str(RESOURCES / "tiny.py")]) == 2
    assert "declares no CASES" in capsys.readouterr().err


def test_bytes_per_instance_are_what_is_known_by_construction(measured):
    _, workload, _ = measured
    result = workload.benchmark
    slots = next(m for m in result.memory if m.variant == "slots")
    # Known by construction: a Slots instance is one object of sys.getsizeof bytes (struct +
    # the GC header in front), so tracemalloc counts that much per instance and pymalloc
    # serves it from the size class that rounds it up to its alignment.
    probe = subprocess.run([sys.executable, "-c", (
        "import sys, runpy; ns = runpy.run_path(sys.argv[1]); s = ns['Slots']();"
        "print(sys.getsizeof(s), type(s).__basicsize__)"), str(RESOURCES / "bench_cases.py")],
        capture_output=True, text=True, check=True, timeout=120)
    getsizeof, basicsize = map(int, probe.stdout.split())
    assert (slots.getsizeof, slots.basicsize) == (getsizeof, basicsize)
    assert slots.bytes_per_instance == pytest.approx(getsizeof, abs=1)
    alignment = result.pymalloc_alignment
    expected_block = -(-getsizeof // alignment) * alignment
    assert bench.block_bytes(slots, alignment, result.pymalloc_threshold) == pytest.approx(
        expected_block, abs=1)
    plain = next(m for m in result.memory if m.variant == "plain")
    assert plain.bytes_per_instance > plain.getsizeof  # its attribute storage comes on top
