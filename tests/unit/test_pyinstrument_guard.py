"""The deep-stack guard: the pyinstrument internals it relies on, its stacks and its pacing."""
# pylint: disable=protected-access  # the internals are what these tests are about

from __future__ import annotations

import inspect
import sys

import pytest

from pyinstrument import Profiler, stack_sampler

from reporter.profilers import pyinstrument_guard as guard


def test_the_pyinstrument_internals_the_guard_uses_are_still_there():
    # If one of these fails, pyinstrument changed: re-check the guard before raising the pin.
    assert list(inspect.signature(stack_sampler.StackSampler._sample).parameters) == [
        "self", "frame", "event", "arg"]
    assert list(inspect.signature(stack_sampler.StackSampler._start_sampling).parameters) == [
        "self", "interval", "use_timing_thread"]
    sampler = stack_sampler.StackSampler()
    for attribute in ("subscribers", "current_sampling_interval", "last_profile_time"):
        assert hasattr(sampler, attribute)
    assert isinstance(stack_sampler.thread_locals, type(stack_sampler.thread_locals))
    with guard.guarded_sampler() as installed:
        assert stack_sampler.get_stack_sampler() is installed
    assert stack_sampler.get_stack_sampler() is not installed


def _both(frame, event, arg):
    """Our stack and pyinstrument's, taken at the same instruction."""
    return (guard.capped_call_stack(frame, event, arg),
            stack_sampler.build_call_stack(frame, event, arg))


def _recurse(depth, then):
    return then() if depth == 0 else _recurse(depth - 1, then)


def test_a_shallow_stack_is_exactly_what_pyinstrument_builds():
    capped, full = _both(sys._getframe(), "line", None)
    assert capped == full


def test_a_deep_stack_keeps_its_root_and_leaf_and_condenses_the_middle():
    capped, full = _recurse(500, lambda: _both(sys._getframe(), "line", None))
    assert len(full) > 500
    assert len(capped) == guard.ROOT_FRAMES + guard.LEAF_FRAMES + 2  # + "[recursion]", thread
    assert capped[:guard.ROOT_FRAMES + 1] == full[:guard.ROOT_FRAMES + 1]
    assert capped[guard.ROOT_FRAMES + 1] == guard.ELIDED
    assert capped[-guard.LEAF_FRAMES:] == full[-guard.LEAF_FRAMES:]


def test_a_c_call_returning_is_named_at_the_leaf():
    capped, full = _both(sys._getframe(), "c_return", len)
    assert capped[-1] == "len\x00<built-in>\x000"
    assert capped == full


class RecordingSampler(guard.GuardedSampler):
    """Records restarts instead of installing a profile hook."""

    def __init__(self) -> None:
        super().__init__()
        self.restarts: list[float] = []
        self.base_interval = self.current_sampling_interval = 0.001

    def _start_sampling(self, interval: float, use_timing_thread: bool) -> None:
        self.restarts.append(interval)
        self.current_sampling_interval = interval


def test_pacing_backs_off_after_costly_samples_and_returns_when_they_are_cheap():
    sampler = RecordingSampler()
    sampler._pace(0.0001)
    assert not sampler.restarts  # an ordinary sample keeps the 1 ms interval
    sampler._pace(0.0008)
    assert not sampler.restarts  # one slow sample among cheap ones is smoothed away
    for _ in range(10):
        sampler._pace(0.002)  # stacks that stay costly: the interval follows
    assert sampler.restarts and sampler.backoffs >= 1
    assert sampler.restarts[-1] == pytest.approx(0.002 / guard.BUDGET, rel=0.3)
    for _ in range(10):
        sampler._pace(0.00001)
    assert sampler.restarts[-1] == pytest.approx(0.001, rel=0.1)  # back to about 1 ms


def test_a_real_deep_recursion_is_sampled_without_spiralling():
    with guard.guarded_sampler() as sampler:
        profiler = Profiler(interval=0.001, async_mode="disabled")
        profiler.start()
        try:
            for _ in range(5):
                _recurse(800, lambda: sum(range(200_000)))
        finally:
            session = profiler.stop()
    assert sampler.condensed_samples > 0
    assert all(len(stack) <= guard.ROOT_FRAMES + guard.LEAF_FRAMES + 3
               for stack, _ in session.frame_records)
    assert session.sample_count > 0
