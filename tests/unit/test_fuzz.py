"""Property tests: no input makes the readers of child output fail but with our own error."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporter import results
from reporter.analysis import bench, pymalloc
from reporter.collect import classify, decorated, insights
from reporter.errors import ReporterError
from tests.conftest import RESOURCES

SAMPLES = [(RESOURCES / f"mallocstats-cpython-{version}.txt").read_text()
           for version in ("3.11", "3.7")]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (st.lists(inner, max_size=5)
                   | st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=25)
FIELDS = st.sampled_from(["gc_events", "gc_threshold", "mallocstats_before", "mallocstats_end",
                          "objects_before", "objects_end", "observations", "max_rss_kib",
                          "script_started_at", "returncode", "timed_out", "timeout",
                          "exception", "memory_limit", "interrupted", "cases", "instances",
                          "mallocstats", "name", "calls", "nested", "unprofiled", "prof",
                          "memory"])
RECORDS = st.dictionaries(FIELDS, JSON, max_size=8)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text())
def test_pymalloc_reads_any_text_or_says_it_cannot(text):
    try:
        stats = pymalloc.parse(text)
    except ReporterError:
        return
    assert stats.alignment > 0


@FUZZ
@given(st.sampled_from(SAMPLES), st.data())
def test_pymalloc_reads_damaged_reports_or_says_it_cannot(text, data):
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = data.draw(st.sampled_from(["", lines[i][: len(lines[i]) // 2],
                                              lines[i] + " 9999", "    3   9999  1  1  1"]))
    try:
        pymalloc.parse("\n".join(lines))
    except ReporterError:
        pass


@FUZZ
@given(RECORDS, st.lists(st.lists(JSON, max_size=3), max_size=4))
def test_memory_records_are_read_or_refused(record, rss):
    try:
        insights(record, rss)
    except ReporterError:
        pass


@FUZZ
@given(st.one_of(st.none(), RECORDS), st.one_of(st.none(), RECORDS))
def test_any_process_and_metrics_records_get_a_status(process, metrics):
    status, reason, code = classify(process, metrics)
    assert status in {"ok", "error", "exit", "crashed", "timeout", "not-run", "memory",
                      "interrupted"}
    assert isinstance(reason, str) and (code is None or isinstance(code, int))


@FUZZ
@given(st.lists(RECORDS, max_size=3), st.one_of(st.none(), RECORDS))
def test_benchmark_records_are_read_or_refused(timings, memory):
    try:
        bench.merge(timings, memory)
    except ReporterError:
        pass


@FUZZ
@given(RECORDS)
def test_decorated_records_are_read_or_refused(record):
    folder = RESOURCES / "no-such-run" / "raw" / "w"
    try:
        decorated(record, folder, RESOURCES / "no-such-run")
    except ReporterError:
        pass


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JSON)
def test_results_files_are_loaded_or_refused(tmp_path, data):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    try:
        results.load(path)
    except ReporterError:
        pass


def _paths(value, prefix=()):
    """Every path to a value inside nested JSON."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _paths(inner, (*prefix, i))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_edited_results_are_loaded_and_rendered_or_refused(tmp_path, data):
    from reporter import render  # pylint: disable=import-outside-toplevel
    from tests.unit.test_results import sample_run  # pylint: disable=import-outside-toplevel

    document = json.loads(results.to_json(sample_run()))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from([p for p in _paths(document) if p]))
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = data.draw(JSON)
    (tmp_path / "results.json").write_text(json.dumps(document))
    try:
        run = results.load(tmp_path / "results.json")
    except ReporterError:
        return
    render.render(run, tmp_path)
