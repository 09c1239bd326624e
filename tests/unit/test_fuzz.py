"""Property tests: no input makes the readers of child output fail but with our own error."""

import dataclasses
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporter import results
from reporter.analysis import bench, pymalloc
from reporter.collect import classify, decorated, insights
from reporter.errors import ReporterError
from reporter.run.records import (RECORDS_VERSION, ChildMetrics, DecoratedRecord, ProbeRecord,
                                  ProcessRecord)
from reporter.vocabulary import Status
from tests.conftest import RESOURCES

SAMPLES = [(RESOURCES / f"mallocstats-cpython-{version}.txt").read_text()
           for version in ("3.11", "3.7")]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (st.lists(inner, max_size=5)
                   | st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=25)
# The readers' own field names (and the benchmark's), so that a renamed field is fuzzed too.
FIELDS = st.sampled_from(sorted({f.name for cls in (ProcessRecord, ChildMetrics, ProbeRecord,
                                                    DecoratedRecord)
                                 for f in dataclasses.fields(cls)}
                                | {"cases", "instances", "mallocstats"}))
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


def _typed(cls, data):
    """A record as its reader reads it: typed, or refused with our own error."""
    try:
        return cls.parse({"version": RECORDS_VERSION, **data}) if data is not None else None
    except ReporterError:
        return None


@FUZZ
@given(RECORDS, st.lists(st.tuples(st.floats(-1e9, 1e9), st.floats(0, 1e12)), max_size=4))
def test_memory_records_are_read_or_refused(record, rss):
    metrics = _typed(ChildMetrics, {"mode": "bare", "pid": 1, "memory": record})
    try:
        insights(metrics.memory if metrics and metrics.memory else ProbeRecord(), rss)
    except ReporterError:
        pass


@FUZZ
@given(st.one_of(st.none(), RECORDS), st.one_of(st.none(), RECORDS))
def test_any_process_and_metrics_records_get_a_status(process, metrics):
    status, reason, code = classify(_typed(ProcessRecord, process), _typed(ChildMetrics, metrics))
    assert status in set(Status)
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
    metrics = _typed(ChildMetrics, {"mode": "decorated", "pid": 1, "decorated": [record]})
    for found in metrics.decorated if metrics else []:
        try:
            decorated(found, folder, RESOURCES / "no-such-run")
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
