"""pyinstrument: a sampling profiler whose real stacks give the primary CPU call tree."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from pyinstrument import Profiler as _Sampler
from pyinstrument.session import Session

from reporter.analysis import frames, names
from reporter.errors import ArtifactError
from reporter.harness import DECORATOR_OWN, is_decorator, is_import_machinery
from reporter.profilers.base import BaseProfiler, is_harness, register, runs_the_script
from reporter.profilers.pyinstrument_guard import (ELIDED, LEAF_FRAMES, NOT_SEEN, ROOT_FRAMES,
                                                   guarded_sampler)
from reporter.results import FlameGraph, Frame, PyinstrumentSummary
from reporter.run import handoff
from reporter.vocabulary import GraphKind


class PyinstrumentProfiler(BaseProfiler):
    """Statistical profiling with pyinstrument, saved as its own session JSON."""

    name: ClassVar[str] = "pyinstrument"
    suffix: ClassVar[str] = ".pyisession"
    limit_factor: ClassVar[float] = 4.0  # the homework scripts here: up to 1.7x
    summary: ClassVar[type] = PyinstrumentSummary
    scope: ClassVar[str] = "the main thread of the main process, sampled"
    template: ClassVar[str] = "pyinstrument.html.j2"
    diff_graph: ClassVar[str] = GraphKind.CPU
    interval_s: float = 0.001
    min_fraction: float = frames.PRUNE_FRACTION

    @contextmanager
    def capture(self, artifact: Path) -> Iterator[None]:
        """Sample the block, guarded against deep stacks; saved even when the block raises."""
        with guarded_sampler() as guard, handoff.sitting(guard):
            sampler = _Sampler(interval=self.interval_s, async_mode="disabled")
            sampler.start()
            try:
                yield
            finally:
                session = sampler.stop()
                # pyinstrument records one interval; the guard may have sampled more slowly.
                session.max_interval = max(session.max_interval, guard.largest_interval)
                session.save(str(artifact))

    def summarize(self, artifact: Path) -> PyinstrumentSummary:
        """Load the session and reduce its frames to the script's own call tree."""
        try:
            session = Session.load(str(artifact))
            root = session.root_frame()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ArtifactError(f"{artifact.name}: not a readable pyinstrument session "
                                f"({type(exc).__name__}: {exc})") from exc
        graphs = [] if root is None else [FlameGraph(
            name=GraphKind.CPU, title="CPU time, sampled stacks (pyinstrument)", unit="seconds",
            tree=script_tree(convert(root), self.min_fraction),
        )]
        unseen = [t for stack, t in session.frame_records
                  if stack and stack[-1].startswith(NOT_SEEN)]
        return PyinstrumentSummary(
            duration_s=session.duration,
            samples=session.sample_count - len(unseen),
            unseen_s=sum(unseen),
            interval_s=session.min_interval,
            max_interval_s=session.max_interval,
            condensed_samples=sum(ELIDED in stack for stack, _ in session.frame_records),
            kept_root_frames=ROOT_FRAMES,
            kept_leaf_frames=LEAF_FRAMES,
            graphs=graphs,
        )


def convert(root: Any, max_depth: int = frames.MAX_DEPTH) -> Frame:
    """Turn pyinstrument's frames into ours, "[self]" leaves folded into self time.

    Iterative, and frames deeper than `max_depth` are folded into their ancestor's self time
    under a "[deeper frames]" child, so a deeply recursive script cannot exhaust the stack.
    """
    top = _frame(root)
    pending = [(top, root, 0)]
    while pending:
        mine, theirs, depth = pending.pop()
        for child in theirs.children:
            if child.is_synthetic_leaf:
                continue
            if depth + 1 >= max_depth:
                mine.children.append(Frame("[deeper frames]", "", 0, child.time, child.time))
                continue
            built = _frame(child)
            mine.children.append(built)
            pending.append((built, child, depth + 1))
    return top


def _frame(frame: Any) -> Frame:
    """Ours, named by the defining class from the source (pyinstrument names `type(self)`)."""
    spent_below = sum(c.time for c in frame.children if not c.is_synthetic_leaf)
    file, line = frame.file_path or "", frame.line_no or 0
    return Frame(function=names.qualify(file, line, frame.function), file=file, line=line,
                 value=frame.time, self_value=max(frame.time - spent_below, 0.0))


def script_tree(tree: Frame, min_fraction: float) -> Frame:
    """From the thread root down to the script: no harness, no import machinery, no dust.

    `frames.remove` also merges identical siblings at every level, which pyinstrument's tree
    needs (it splits the same frame by sample).
    """
    focused = frames.focus(tree, lambda f: runs_the_script(f.function, f.file), name="<script>")
    # Our frames inside the script are the hand-offs to its own profiler: their time is spent
    # where the script called them.
    cleaned = frames.remove(focused, lambda f: is_import_machinery(f.file) or is_harness(f.file))
    cleaned = frames.remove(cleaned, lambda f: is_decorator(f.file), own=DECORATOR_OWN)
    return frames.prune(cleaned, min_fraction)


register(PyinstrumentProfiler())
