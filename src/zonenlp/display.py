"""What zonenlp shows people: progress bars, aligned tables, JSON Lines and evaluation figures.

Progress bars are tqdm's, in one style, on standard error; library calls show
none unless asked. Tables measure cells in terminal columns (a Chinese
character takes two), clip a long cell with ``…`` and wrap a list cell onto
continuation lines, so that no item of it is lost.

>>> width("园区ab")
6
>>> clip("湘潭高新区招商", 9)
'湘潭高新…'
>>> wrap(["湘潭高新区", "招商引资", "签约项目"], 20)
['湘潭高新区、招商引资', '签约项目            ']
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TextIO

__all__ = ["show_progress", "progress_bar", "run_steps", "print_table", "print_jsonl", "print_scores"]

#: What separates the items of a list cell, and a table's columns.
ITEM_SEPARATOR = "、"
COLUMN_SEPARATOR = "  "

#: The one style of every bar: how far, how many of what, how fast, how long still, and the caller's figures.
BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar:24}| {n_fmt}/{total_fmt} {unit}, {rate_fmt}, {remaining} left{postfix}"


def show_progress(*, quiet: bool = False, force: bool = False) -> bool:
    """Whether a command shows a progress bar: ``force``, or standard error is a terminal and not ``quiet``."""
    return force or (not quiet and sys.stderr.isatty())


def progress_bar(*, total: float | None, unit: str, desc: str, show: bool, **options: Any) -> Any:
    """A tqdm bar on standard error (as it is at the call), disabled unless ``show``.

    ``options`` go to :class:`tqdm.tqdm` (``unit_scale=True`` for bytes, say).
    Use it as a context manager, or ``close()`` it: a shown bar then ends its line.
    """
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, disable=not show, file=sys.stderr, bar_format=BAR_FORMAT,
                mininterval=0.2, **options)


def run_steps(steps: Sequence[tuple[str, Callable[[], Any]]], *, desc: str, show: bool) -> list[Any]:
    """Call each function of ``steps``, ``(name, function)`` pairs, in order, under a bar
    that names the step running; returns their results."""
    results = []
    with progress_bar(total=len(steps), unit="steps", desc=desc, show=show) as bar:
        for name, function in steps:
            bar.set_postfix_str(name)
            results.append(function())
            bar.update()
    return results


def width(text: str) -> int:
    """How many terminal columns ``text`` takes: two for each wide or full-width character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _prefix(text: str, columns: int) -> str:
    """The longest start of ``text`` that fits in ``columns`` terminal columns."""
    used = 0
    for end, ch in enumerate(text):
        used += width(ch)
        if used > columns:
            return text[:end]
    return text


def clip(text: str, columns: int) -> str:
    """``text`` padded to ``columns`` terminal columns, or cut to them with a final ``…``."""
    if width(text) > columns:
        text = _prefix(text, columns - 1) + "…"
    return text + " " * (columns - width(text))


def wrap(items: Sequence[str], columns: int) -> list[str]:
    """``items`` joined by ``、`` onto as many lines of ``columns`` terminal columns as they
    need, each line padded: an item starts a new line when it does not fit on the current
    one, and one longer than a whole line goes on over the next."""
    lines: list[str] = []
    line = ""
    for item in items:
        if line and width(line + ITEM_SEPARATOR + item) > columns:
            lines.append(line)
            line = ""
        line += ITEM_SEPARATOR + item if line else item
        while width(line) > columns:
            lines.append(_prefix(line, columns))
            line = line[len(lines[-1]) :]
    lines.append(line)
    return [clip(text, columns) for text in lines]


def print_table(rows: list[dict[str, Any]], columns: list[tuple[str, str, int]], out: TextIO) -> None:
    """``rows`` as aligned columns; ``columns`` are ``(key, heading, width)``.

    A cell is clipped to its column's width; a cell that is a list is wrapped
    onto continuation lines instead, the other columns left blank there. The
    last column is not padded.
    """
    print(COLUMN_SEPARATOR.join(clip(heading, w) for _, heading, w in columns).rstrip(), file=out)
    print(COLUMN_SEPARATOR.join("-" * w for _, _, w in columns), file=out)
    for row in rows:
        cells = [wrap(row[key], w) if isinstance(row[key], list) else [clip(str(row[key]), w)] for key, _, w in columns]
        for n in range(max(map(len, cells))):
            line = [cell[n] if n < len(cell) else " " * w for cell, (_, _, w) in zip(cells, columns)]
            print(COLUMN_SEPARATOR.join(line).rstrip(), file=out)


def print_jsonl(rows: list[dict[str, Any]], out: TextIO) -> None:
    """Each of ``rows`` as one line of JSON, Chinese as it is (not ``\\u`` escapes)."""
    for row in rows:
        print(json.dumps(row, ensure_ascii=False), file=out)


def print_scores(scores: dict[str, Any], out: TextIO) -> None:
    """The figures of :meth:`zonenlp.ThemeClassifier.evaluate` as a table: one row per label, then the averages."""
    print(f"{'label':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}", file=out)
    for label, s in scores["per_label"].items():
        print(f"{label:<14}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}{s['support']:>10d}", file=out)
    print(
        f"micro F1 {scores['micro_f1']:.3f}  macro F1 {scores['macro_f1']:.3f}  "
        f"exact match {scores['exact_match']:.3f}  other F1 {scores['other_f1']:.3f}  n {scores['n']}",
        file=out,
    )
