"""How many unprofiled runs a script gets, and how long a profiled run may take."""

import pytest

from reporter.vocabulary import Mode
from reporter.run.runner import (DECORATED_LIMIT_FACTOR, MIN_PROFILED_LIMIT_S, Job, Limits,
                                 Workload, repeats_within)

SCRIPT = Workload("w", "w.py")


def profiled(name):
    """A profiled run's job."""
    return Job(SCRIPT, Mode.PROFILED, profiler=name)


@pytest.mark.parametrize("first_s, asked, budget_s, made", [
    (0.1, 5, 60.0, 5),  # all fit
    (15.0, 5, 60.0, 4),  # as many as fit
    (25.0, 5, 60.0, 3),  # at least 3
    (140.0, 5, 60.0, 1),  # a single run exceeds the budget
    (1.0, 2, 60.0, 2),  # never more than asked
    (100.0, 5, 0.0, 5),  # no budget: all of them
    (100.0, 1, 60.0, 1),
])
def test_repeats_within(first_s, asked, budget_s, made):
    assert repeats_within(first_s, asked, budget_s) == made


def test_a_profiled_run_gets_a_few_unprofiled_medians_but_a_minute_at_least():
    limits = Limits(300.0, fixed_timeout=False)
    assert limits.for_job(profiled("memray"), 140.0).timeout == 15.0 * 140.0
    assert limits.for_job(profiled("cprofile"), 1.0).timeout == MIN_PROFILED_LIMIT_S
    assert limits.for_job(Job(SCRIPT, Mode.DECORATED), 10.0).timeout == DECORATED_LIMIT_FACTOR * 10
    assert limits.for_job(Job(SCRIPT, Mode.BARE, 2), 140.0).timeout == 300.0  # timing: as asked
    assert limits.for_job(profiled("memray"), None).timeout == 300.0  # no median yet


def test_a_fixed_timeout_holds_for_every_run():
    limits = Limits(20.0)
    assert limits.for_job(profiled("memray"), 140.0).timeout == 20.0
