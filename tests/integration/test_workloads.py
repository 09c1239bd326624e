"""The bundled workloads run alone, as plain scripts, and declare what the report needs."""

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from reporter.benchmark import normalise

WORKLOADS = Path(__file__).resolve().parents[2] / "workloads"


@pytest.mark.parametrize("script, size", [("class_variants.py", "2000"), ("cycles.py", "3"),
                                          ("weakref_cache.py", "5000")])
def test_workload_runs_alone(script, size):
    done = subprocess.run([sys.executable, str(WORKLOADS / script), size], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_class_variants_declares_every_variant_and_operation():
    namespace = runpy.run_path(str(WORKLOADS / "class_variants.py"), run_name="not_main")
    cases = normalise(namespace["CASES"])
    variants = list(dict.fromkeys(c.variant for c in cases))
    assert variants[0] == "plain"
    assert set(variants) == {"plain", "slots", "weakref", "dataclass", "dataclass(slots)",
                             "namedtuple"}
    for variant in variants:
        operations = {c.operation for c in cases if c.variant == variant}
        assert {"create", "read", "write", "delete + set again"} <= operations
        assert any(c.creates for c in cases if c.variant == variant)
    assert {c.operation for c in cases if c.variant == "weakref"} >= {"dereference"}
