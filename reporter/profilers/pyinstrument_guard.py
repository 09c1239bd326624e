"""A guard against pyinstrument's death spiral on deep stacks.

pyinstrument's C hook stamps a sample's start time before it calls the Python sampler; when
formatting the stack takes longer than the interval, the next event is already due and the
program does little but sample (3,000 frames at 1 ms: 64 s and 9 GB for a 14 ms script). The
guard replaces the thread's `StackSampler` with one that

- formats at most `ROOT_FRAMES` + `LEAF_FRAMES` frames of a stack, the middle of a deep
  recursion condensed into one `[recursion]` frame (pyinstrument issue 293's suggestion), and
  interns the identifiers, so a sample's cost and size no longer grow with the depth;
- keeps the sampler's own cost under `BUDGET` of the time: after a sample that cost more, the
  interval is raised for the next ones (and lowered again when stacks get cheap), counted from
  the end of the sample, not its start.

The interval stays 1 ms for ordinary stacks. Each sample is weighted by the time since the
previous one, as pyinstrument always does, so the totals stay right when the interval moves.
This uses pyinstrument internals (`StackSampler._sample`, `thread_locals`, `_start_sampling`):
pyproject pins the minor version it was tested with, and a unit test checks those internals.
"""

from __future__ import annotations

import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Optional

from pyinstrument import stack_sampler
from pyinstrument.low_level.stat_profile import get_frame_info

ROOT_FRAMES = 32
LEAF_FRAMES = 64
BUDGET = 0.25
# pyinstrument's frame identifier: function NUL file NUL line.
ELIDED = "[recursion]\x00<frames condensed by reporter>\x000"
ELIDED_FUNCTION = "[recursion]"
# The leaf of the one sample that stands for a stretch the script's own profiler held the hook.
NOT_SEEN = "[not seen: "


def capped_call_stack(frame: types.FrameType | None, event: str, arg: Any) -> list[str]:
    """`build_call_stack`, but at most ROOT + LEAF frames are formatted, the rest condensed."""
    leaf: list[str] = []
    if event == "call":
        frame = frame.f_back if frame else None
    elif event in ("c_return", "c_exception"):
        name = getattr(arg, "__qualname__", None) or getattr(arg, "__name__", "?")
        leaf.append(sys.intern(f"{name}\x00<built-in>\x000"))
    while frame is not None and len(leaf) < LEAF_FRAMES:
        leaf.append(sys.intern(get_frame_info(frame)))
        frame = frame.f_back
    rest: deque[types.FrameType] = deque(maxlen=ROOT_FRAMES)
    deeper = 0
    while frame is not None:
        deeper += 1
        rest.append(frame)
        frame = frame.f_back
    if deeper > ROOT_FRAMES:
        leaf.append(ELIDED)
    leaf.extend(sys.intern(get_frame_info(f)) for f in rest)
    thread = threading.current_thread()
    leaf.append(sys.intern(f"{thread.name}\x00<thread>\x00{thread.ident}"))
    leaf.reverse()
    return leaf


class GuardedSampler(stack_sampler.StackSampler):
    """A `StackSampler` whose cost per sample is bounded and whose interval backs off."""

    # pyinstrument's clock (its timer function, or timeit's), which it leaves unannotated;
    # declared only, so the method looked up is still pyinstrument's.
    _timer: Callable[[], float]

    def __init__(self) -> None:
        super().__init__()
        self.base_interval = 0.0
        self.largest_interval = 0.0
        self.backoffs = 0
        self.condensed_samples = 0
        self.smoothed_cost = 0.0
        self.lost_stack: list[str] = []
        self.lost_at = 0.0

    def lost(self, frame: Optional[types.FrameType], tool: str) -> bool:
        """The script took the profile hook (its own cProfile up to 3.11, `sys.setprofile`)."""
        del tool  # every tool on the profile hook displaces pyinstrument
        self.lost_stack = capped_call_stack(frame, "", None) if frame is not None else []
        self.lost_at = self._timer()
        return True

    def regained(self, frame: Optional[types.FrameType], recovered: list[Any],
                 name: str) -> None:
        """The script let go: sampling starts again, and the time it could not see is one
        sample of the stack where the script took the hook, under a frame that says so."""
        del frame, recovered  # pyinstrument reads the whole stack at every sample
        now = self._timer()
        stack = [*self.lost_stack, f"{NOT_SEEN}{name} held the profile hook]\x00<reporter>\x000"]
        for subscriber in self.subscribers:
            subscriber.target(stack, now - self.lost_at, subscriber.async_state)
        self.last_profile_time = now
        self._start_sampling(self.current_sampling_interval or self.base_interval,
                             use_timing_thread=False)

    def _start_sampling(self, interval: float, use_timing_thread: bool) -> None:
        if not self.base_interval:
            self.base_interval = interval
        self.largest_interval = max(self.largest_interval, interval)
        super()._start_sampling(interval, use_timing_thread)

    def _sample(self, frame: types.FrameType, event: str, arg: Any) -> None:
        if event == "context_changed":
            super()._sample(frame, event, arg)
            return
        began = self._timer()
        cpu = time.thread_time()
        stack = capped_call_stack(frame, event, arg)
        if ELIDED in stack:
            self.condensed_samples += 1
        for subscriber in self.subscribers:
            subscriber.target(stack, began - self.last_profile_time, subscriber.async_state)
        self.last_profile_time = began
        self._pace(time.thread_time() - cpu)

    def _pace(self, cost: float) -> None:
        """Keep sampling under BUDGET of the time; restarting the hook counts from now.

        The cost is this thread's CPU time in the sampler (a process descheduled by a busy
        machine is not a costly sample), smoothed over the last few samples so that one
        slow sample (a gc pass inside it) does not slow the sampling down.
        """
        self.smoothed_cost = 0.75 * self.smoothed_cost + 0.25 * cost
        current = self.current_sampling_interval or self.base_interval
        wanted = max(self.base_interval, self.smoothed_cost / BUDGET)
        if wanted > current * 1.25 or (current > self.base_interval and wanted < current / 2):
            if wanted > current:
                self.backoffs += 1
            self._start_sampling(interval=wanted, use_timing_thread=False)


@contextmanager
def guarded_sampler() -> Iterator[GuardedSampler]:
    """A `GuardedSampler` for this thread while the block runs: start pyinstrument inside."""
    locals_ = stack_sampler.thread_locals
    previous = getattr(locals_, "stack_sampler", None)
    sampler = GuardedSampler()
    locals_.stack_sampler = sampler
    try:
        yield sampler
    finally:
        if previous is None:
            del locals_.stack_sampler
        else:
            locals_.stack_sampler = previous
