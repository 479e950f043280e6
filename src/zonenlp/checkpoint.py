"""Writing a batch job's output so that no record is lost: checkpoints, resuming, duplicate ids, safe paths.

:class:`CheckpointedWriter` writes ``OUT.part`` and its checkpoint
(``OUT.checkpoint``: records and bytes committed, the last id, the job's
settings); ``OUT.part`` becomes ``OUT`` only when the job is complete. A killed
job is continued by :meth:`~CheckpointedWriter.resume`, and :func:`skip_written`
passes over the input records the partial output holds.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np

from .errors import InputValueError, OutputPathError
from .records import columns, row

__all__ = ["CheckpointedWriter", "SeenIds", "skip_written", "check_output_path", "working_files"]


def _csv_text(rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def working_files(output: Path) -> tuple[Path, Path]:
    """``OUT.part`` and ``OUT.checkpoint``: where a job writes before ``OUT`` exists."""
    return output.with_name(output.name + ".part"), output.with_name(output.name + ".checkpoint")


class CheckpointedWriter:
    """Appends chunks of records to ``OUT.part``; after each chunk, fsyncs it and
    renames a new checkpoint into place, so the checkpoint never names bytes
    that are not on disk. A resume cuts ``OUT.part`` back to its checkpoint."""

    def __init__(self, target: Path, fmt: str, labels: Sequence[str], with_figures: bool, settings: dict[str, Any]) -> None:
        self.target = target
        self.part, self.checkpoint = working_files(target)
        self.format = fmt
        self.labels = list(labels)
        self.with_figures = with_figures
        self.settings = settings
        self.records = self.tagged = self.failed = self.duplicates = 0
        self.last_id: Any = None
        self._fh: IO[bytes] | None = None

    def _encode(self, ids: Sequence[str], results: Sequence[dict[str, Any]], duplicates: Sequence[bool]) -> bytes:
        records = zip(ids, results, duplicates)
        if self.format == "jsonl":
            flagged = ({"id": i, "duplicate_id": True, **r} if d else {"id": i, **r} for i, r, d in records)
            text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in flagged)
        else:
            text = _csv_text(
                [i, *row(r, self.labels, figures=self.with_figures, text=True), "true" if d else ""]
                for i, r, d in records
            )
        # an id carrying undecodable input bytes (lone surrogates) is written as
        # \udcXX, which JSON reads back as the same string, instead of failing
        return text.encode("utf-8", "backslashreplace")

    def start(self) -> None:
        """Begin a new ``OUT.part`` (a stale one and its checkpoint are discarded)."""
        self.checkpoint.unlink(missing_ok=True)
        self._fh = open(self.part, "wb")
        if self.format == "csv":
            header = ["id", *columns(self.labels, figures=self.with_figures), "duplicate_id"]
            self._fh.write(_csv_text([header]).encode("utf-8"))

    def resume(self) -> bool:
        """Continue ``OUT.part`` from its checkpoint; ``False`` when there is nothing to continue."""
        if not (self.checkpoint.is_file() and self.part.is_file()):
            return False
        try:
            state = json.loads(self.checkpoint.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputValueError(f"cannot read {self.checkpoint}: {exc}; run without --resume to start over") from None
        old, new = state.get("settings", {}), self.settings
        if old != new:
            changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            raise InputValueError(
                f"{self.part} was written with other settings ({', '.join(changed)} differ); "
                "resume with the options of the first run, or run without --resume to start over"
            )
        if self.part.stat().st_size < state["bytes"]:
            raise InputValueError(f"{self.part} is shorter than its checkpoint records; run without --resume to start over")
        self._fh = open(self.part, "r+b")
        self._fh.truncate(state["bytes"])  # drop whatever was written after the last checkpoint
        self._fh.seek(state["bytes"])
        self.records, self.tagged, self.failed = state["records"], state["tagged"], state["failed"]
        self.duplicates = state.get("duplicates", 0)
        self.last_id = state["last_id"]
        return True

    def write(self, ids: Sequence[str], results: Sequence[dict[str, Any]], duplicates: Sequence[bool]) -> None:
        """Append one chunk and commit it; ``duplicates`` flags the records whose id an earlier one had."""
        assert self._fh is not None, "start() or resume() first"
        self._fh.write(self._encode(ids, results, duplicates))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.records += len(results)
        failed = sum("error" in r for r in results)
        self.failed += failed
        self.tagged += len(results) - failed
        self.duplicates += sum(duplicates)
        if ids:
            self.last_id = ids[-1]
        state = {"records": self.records, "bytes": self._fh.tell(), "tagged": self.tagged, "failed": self.failed,
                 "duplicates": self.duplicates, "last_id": self.last_id, "settings": self.settings}
        temporary = self.checkpoint.with_name(self.checkpoint.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as fh:
            json.dump(state, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, self.checkpoint)

    def finish(self) -> None:
        """Make ``OUT.part`` the output. The checkpoint goes first: were the job killed
        between the two steps, a resume would start over rather than trust a
        checkpoint of a file that has been renamed."""
        assert self._fh is not None
        self._fh.close()
        self.checkpoint.unlink(missing_ok=True)
        os.replace(self.part, self.target)

    def close(self) -> None:
        """Close ``OUT.part`` if it is open (after an error: it stays, with its checkpoint, for a resume)."""
        if self._fh is not None and not self._fh.closed:
            self._fh.close()


class SeenIds:
    """The ids a job has written, to flag the ones that come again.

    Held as 64-bit hashes in sorted numpy runs, merged like a binary counter:
    8 bytes an id instead of a Python string and set slot, O(n log n) work in
    all. The per-process salt of Python's string hash is no obstacle: a resumed
    job hashes again the ids it skips. Two ids share a hash with odds of about
    n² / 2⁶⁵ (10⁻⁸ for a million ids).
    """

    def __init__(self) -> None:
        self._runs: list[Any] = []

    def add(self, ids: Sequence[str]) -> list[bool]:
        """Record ``ids`` (in order); for each, whether an earlier id (in this call or before) was the same."""
        if not ids:
            return []
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        repeated = np.zeros(len(ids), dtype=bool)
        # among equal ids of this call, all but the first (stable order keeps it first) come again
        repeated[order[1:][ordered[1:] == ordered[:-1]]] = True
        for run in self._runs:
            at = np.minimum(np.searchsorted(run, hashes), len(run) - 1)
            repeated |= run[at] == hashes
        self._runs.append(ordered)
        while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
            last = self._runs.pop()
            # two sorted runs: a stable sort (timsort) of their concatenation merges them in linear time
            self._runs[-1] = np.sort(np.concatenate([self._runs[-1], last]), kind="stable")
        return repeated.tolist()


def skip_written(records: Iterator[tuple[str, object]], n: int, last_id: Any, part: Path, seen: SeenIds) -> None:
    """Consume the ``n`` records an earlier run wrote, checking that the last of them has its id,
    and note their ids in ``seen``."""
    record_id: Any = None
    for start in range(0, n, 10_000):
        size = min(10_000, n - start)
        ids = [i for i, _ in islice(records, size)]
        if len(ids) < size:
            raise InputValueError(
                f"{part} holds {n:,} records but the input has only {start + len(ids):,}; "
                "it is the output of another input"
            )
        seen.add(ids)
        record_id = ids[-1]
    # ids go through JSON in the checkpoint: compare them as JSON (1 == 1, not "1")
    if n and json.dumps(record_id, ensure_ascii=False) != json.dumps(last_id, ensure_ascii=False):
        raise InputValueError(
            f"record {n:,} of the input has id {record_id!r} but {part} ends with id {last_id!r}; "
            "it is the output of another input"
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they lead
        return a.resolve() == b.resolve()


def check_output_path(output: Path, inputs: Sequence[Path], *, overwrite: bool = False) -> None:
    """Refuse an ``output`` that would destroy data, before anything is written.

    The output and its working files must not be any of ``inputs`` (compared with
    :func:`os.path.samefile`, which sees through links, else by resolved path); an
    existing ``output`` is refused unless ``overwrite``. Raises :class:`~zonenlp.errors.OutputPathError`.
    """
    for written in [output, *working_files(output)]:
        for source in inputs:
            if _same_file(written, source):
                what = "the output" if written == output else f"the job's working file {written}"
                raise OutputPathError(
                    f"{what} would be the input file {source}; writing it would destroy the input. "
                    "Choose another output path"
                )
    if output.is_dir():
        raise OutputPathError(f"the output {output} is a directory; give a file name")
    if not overwrite and (output.exists() or output.is_symlink()):
        raise OutputPathError(f"the output {output} already exists; remove it, choose another path, or pass --force to replace it")
