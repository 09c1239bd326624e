"""The annotated source: the script's own files, line by line, with heat bars for CPU time,
memory at the peak and memory at exit, folded to the blocks that have figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from reporter.analysis import lines as line_analysis
from reporter.analysis.lines import LineRow
from reporter.render.format import short_path
from reporter.results import LineTimeSummary, MemraySummary, WorkloadResult

# A block is unfolded by default when one of its lines has at least this much of a measure.
HOT_SHARE = 0.01
SHORT_BLOCK = 3  # lines: a stretch this short is shown, folding it would hide nothing


@dataclass
class SourceLine:
    """One line of a file as the page draws it; widths are percentages of the bar."""

    number: int
    text: str
    row: Optional[LineRow]
    time_width: float
    peak_width: float
    exit_width: float


@dataclass
class SourceBlock:
    """A top-level function or class, or module code between them."""

    first: int
    last: int
    name: str
    hot: bool
    lines: list[SourceLine]


@dataclass
class SourceFile:
    """One file of the script's own, in blocks; `rows` when its text was not kept."""

    path: str
    anchor: str
    blocks: list[SourceBlock]
    rows: list[LineRow]


@dataclass
class LinesView:
    """Everything the line-by-line section shows."""

    files: list[SourceFile]
    top_time: list[LineRow]
    top_peak: list[LineRow]
    top_exit: list[LineRow]
    timed: Optional[LineTimeSummary]
    memory: Optional[MemraySummary]
    charged_peak: int  # bytes at the peak charged to the script's lines
    charged_exit: int
    min_samples: int = line_analysis.MIN_SAMPLES

    def anchor(self, row: LineRow) -> str:
        """The id of a row's line in the annotated source."""
        path = short_path(row.file)
        found = next((f.anchor for f in self.files if f.path == path), "")
        return f"{found}-L{row.line}" if found else "line-by-line"

    def line_anchor(self, file: str, line: int) -> str:
        """The id of that line of that file (an absolute path) in the annotated source; ""
        where the source view does not show it."""
        path = short_path(file)
        found = next((f for f in self.files if f.path == path and f.blocks), None)
        last = found.blocks[-1].last if found else 0
        return f"{found.anchor}-L{line}" if found and 1 <= line <= last else ""

    @property
    def mean_interval_s(self) -> float:
        """The CPU time between two samples, as the kernel delivered them."""
        return self.timed.cpu_s / self.timed.samples if self.timed and self.timed.samples else 0.0


def lines_view(result: WorkloadResult, top: int = 8) -> Optional[LinesView]:
    """The section's view model; None when neither the sampler nor memray gave line figures."""
    rows = line_analysis.line_rows(result)
    if not rows:
        return None
    timed, memory = line_analysis.captures(result)
    peak = memory.peak_bytes if memory and memory.peak_bytes else 0
    exit_total = memory.exit_bytes if memory and memory.exit_bytes else 0
    files = []
    for i, path in enumerate(dict.fromkeys([*result.sources, *(r.file for r in rows)]), 1):
        mine = [r for r in rows if r.file == path]
        if not mine:
            continue
        text = result.sources.get(path)
        files.append(SourceFile(
            path=short_path(path), anchor=f"src{i}",
            blocks=_blocks(text, mine, peak, exit_total) if text is not None else [],
            rows=[] if text is not None else sorted(mine, key=lambda r: r.line)))
    return LinesView(
        files=files,
        top_time=line_analysis.hottest(rows, "time_share_with_calls", top),
        top_peak=line_analysis.hottest(rows, "peak_bytes", top),
        top_exit=line_analysis.hottest(rows, "exit_bytes", top),
        timed=timed, memory=memory,
        charged_peak=sum(r.peak_bytes for r in rows),
        charged_exit=sum(r.exit_bytes for r in rows),
    )


def _blocks(text: str, rows: list[LineRow], peak: int, exit_total: int) -> list[SourceBlock]:
    by_line = {r.line: r for r in rows}
    hot = [r.line for r in rows if r.time_share_with_calls >= HOT_SHARE
           or (peak and r.peak_bytes >= HOT_SHARE * peak)
           or (exit_total and r.exit_bytes >= HOT_SHARE * exit_total)]
    texts = text.splitlines()
    found = []
    for block in line_analysis.blocks(text, hot):
        drawn = []
        for number in range(block.first, block.last + 1):
            row = by_line.get(number)
            drawn.append(SourceLine(
                number=number, text=texts[number - 1], row=row,
                time_width=_width(row.time_share_with_calls if row else 0.0),
                peak_width=_width(row.peak_bytes / peak if row and peak else 0.0),
                exit_width=_width(row.exit_bytes / exit_total if row and exit_total else 0.0)))
        shown = block.hot or block.last - block.first < SHORT_BLOCK
        found.append(SourceBlock(block.first, block.last, block.name, shown, drawn))
    return found


def _width(share: float) -> float:
    return round(100 * min(max(share, 0.0), 1.0), 1)
