"""Work on several processes gives what one process gives, in input order, never with a stale model,
and leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from zonenlp import InputTypeError, InputValueError, TfidfFeaturizer, ThemeClassifier
from zonenlp.workers import resolve_jobs


# Whether the results of the worker processes equal this process's to the last bit
# depends on which of numpy's or scipy's sparse product each process has used
# (the same sums in another order): they agree to within rounding.
CLOSE = {"rtol": 1e-12, "atol": 1e-15}


def characters(**params) -> ThemeClassifier:
    """A model of character n-grams, as the shipped one: its workers start without a dictionary to load."""
    return ThemeClassifier(featurizer=TfidfFeaturizer(use_words=False), cv=3, **params)


def descendants(pid: int) -> set[int]:
    """The processes started by ``pid``, and by those, read from /proc."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:  # the task ended meanwhile
                continue
            todo += children - found
            found |= children
    return found


def workers_of(pid: int) -> set[int]:
    """The worker processes of ``pid`` (not loky's resource trackers, which stay)."""
    return {child for child in descendants(pid) if b"LokyProcess" in _cmdline(child)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def running(pid: int) -> bool:
    """Whether ``pid`` is alive; a zombie has exited (only its parent's wait is missing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until_gone(pids: set[int], seconds: float = 15.0) -> set[int]:
    """The ``pids`` still running after at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return {pid for pid in pids if running(pid)}


def warm_up(model: ThemeClassifier, texts: list[str]) -> None:
    """Calls until the model's workers have handed back results: until then, a call
    computes in this process what they have not finished (see zonenlp.workers)."""
    from zonenlp import workers

    deadline = time.monotonic() + 30
    while not (workers._workers.get(model) is not None and workers._workers[model].warm) and time.monotonic() < deadline:
        model.predict_proba(texts, n_jobs=2)
        time.sleep(0.2)
    assert workers._workers[model].warm


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads processes from /proc (Linux)")


def test_processes_give_the_same_results_in_order(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set] * 2
    serial = shipped_model.predict_proba(texts, batch_size=7)
    np.testing.assert_allclose(shipped_model.predict_proba(texts, n_jobs=2, batch_size=7), serial, **CLOSE)
    np.testing.assert_allclose(shipped_model.predict_proba(texts * 12, n_jobs=2), shipped_model.predict_proba(texts * 12), **CLOSE)
    assert (shipped_model.predict(texts, n_jobs=2, batch_size=7) == shipped_model.predict(texts)).all()
    reversed_texts = texts[::-1]  # a second call, other texts, the same workers
    np.testing.assert_allclose(shipped_model.predict_proba(reversed_texts, n_jobs=2, batch_size=7)[::-1], serial, **CLOSE)


def test_tag_many_streams_a_generator(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set]
    expected = shipped_model.tag(texts)
    assert list(shipped_model.tag_many(iter(texts), batch_size=8)) == expected
    assert list(shipped_model.tag_many((t for t in texts), batch_size=8, n_jobs=2)) == expected
    assert list(shipped_model.tag_many(iter([]))) == []


def test_errors_name_the_index_in_the_whole_input(shipped_model):
    texts = ["园区签约项目"] * 12 + ["招" * 1_000_001]
    with pytest.raises(InputValueError, match=r"texts\[12\]"):
        shipped_model.predict(texts, n_jobs=2, batch_size=5)
    with pytest.raises(InputTypeError, match=r"texts\[3\]"):
        list(shipped_model.tag_many(iter(["好", "好", "好", None]), batch_size=2))


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, True, "2"])
def test_bad_n_jobs(n_jobs, shipped_model):
    with pytest.raises(InputValueError, match="n_jobs"):
        resolve_jobs(n_jobs)
    with pytest.raises(InputValueError, match="n_jobs"):  # however short the input
        shipped_model.predict(["园区签约项目"], n_jobs=n_jobs)


def test_resolve_jobs():
    assert resolve_jobs(None) == 1 and resolve_jobs(3) == 3 and resolve_jobs(-1) == (os.cpu_count() or 1)


def test_a_refit_or_another_backend_never_predicts_with_the_old_model(tiny_corpus):
    texts, labels = tiny_corpus
    many = texts * (600 // len(texts) + 1)
    model = characters().fit(texts, labels)
    first = model.predict_proba(many, n_jobs=2)
    np.testing.assert_allclose(first, model.predict_proba(many), **CLOSE)
    warm_up(model, many)  # workers that hand back results: reused wrongly, their figures would show
    swapped = [["talent"] if l == ["investment"] else ["investment"] if l == ["talent"] else l for l in labels]
    model.fit(texts, swapped)  # the workers hold the first fit: a call must not use it
    refit = model.predict_proba(many, n_jobs=2)
    np.testing.assert_allclose(refit, model.predict_proba(many), **CLOSE)
    assert not np.allclose(refit, first)
    warm_up(model, many)
    # estimators assigned by hand: the workers hold the ones they started with
    other = characters(C=0.1).fit(texts, labels)
    model.estimators_ = other.estimators_
    np.testing.assert_allclose(model.predict_proba(many, n_jobs=2), other.predict_proba(many), **CLOSE)
    assert not np.allclose(other.predict_proba(many), refit)


@needs_proc
def test_another_backend_starts_new_workers(tiny_corpus):
    """A model with words segments: after use_backend its workers must segment as this process does."""
    texts, labels = tiny_corpus
    many = texts * 30
    model = ThemeClassifier(cv=3).fit(texts, labels)  # word and character n-grams
    model.predict_proba(many, n_jobs=2, batch_size=50)
    first = workers_of(os.getpid())
    model.use_backend("rjieba" if model.backend == "jieba" else "jieba")
    np.testing.assert_allclose(model.predict_proba(many, n_jobs=2, batch_size=50), model.predict_proba(many), **CLOSE)
    assert workers_of(os.getpid()) - first, "the workers of the other backend were used"
    model.release_workers()


def test_results_stay_right_when_other_code_replaces_the_workers(shipped_model, seed_set):
    """joblib's workers are one set per process, shared with scikit-learn's n_jobs: a
    call for something else in between starts others, and ours start again."""
    from joblib import Parallel, delayed

    texts = [r["text"] for r in seed_set] * 12
    expected = shipped_model.predict_proba(texts)
    np.testing.assert_allclose(shipped_model.predict_proba(texts, n_jobs=2), expected, **CLOSE)
    assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4)) == [0, 1, 2, 3]
    np.testing.assert_allclose(shipped_model.predict_proba(texts, n_jobs=2), expected, **CLOSE)


def test_calls_from_two_threads_at_once_give_one_process_figures(shipped_model, seed_set):
    from concurrent.futures import ThreadPoolExecutor

    texts = [r["text"] for r in seed_set] * 30
    expected = shipped_model.predict_proba(texts)
    with ThreadPoolExecutor(2) as threads:
        results = list(threads.map(lambda _: shipped_model.predict_proba(texts, n_jobs=2), range(4)))
    for result in results:
        np.testing.assert_allclose(result, expected, **CLOSE)


@needs_proc
def test_release_workers_lets_them_exit_and_the_next_call_starts_new_ones(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set] * 12
    expected = shipped_model.predict_proba(texts)
    shipped_model.release_workers()
    others = workers_of(os.getpid())  # earlier tests' (joblib's own stay for minutes)
    np.testing.assert_allclose(shipped_model.predict_proba(texts, n_jobs=2), expected, **CLOSE)
    started = workers_of(os.getpid()) - others
    assert len(started) == 1
    assert shipped_model.release_workers() is shipped_model
    assert wait_until_gone(started, 10) == set()
    np.testing.assert_allclose(shipped_model.predict_proba(texts, n_jobs=2), expected, **CLOSE)
    assert len(workers_of(os.getpid()) - others - started) == 1  # a new worker


@needs_proc
def test_idle_workers_exit(shipped_model, seed_set, monkeypatch):
    from zonenlp import workers

    texts = [r["text"] for r in seed_set] * 12
    shipped_model.release_workers()
    monkeypatch.setattr(workers, "IDLE_SECONDS", 0.5)
    others = workers_of(os.getpid())
    shipped_model.predict(texts, n_jobs=2)
    started = workers_of(os.getpid()) - others
    assert started and wait_until_gone(started, 10) == set(), "the worker did not exit after its idle time"
    assert (shipped_model.predict(texts, n_jobs=2) == shipped_model.predict(texts)).all()  # a new one starts
    shipped_model.release_workers()  # none with a short idle time for the next tests


PARENT = """
import os, signal, sys
from pathlib import Path
import zonenlp

def descendants(pid):
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            children = {int(c) for c in (task / "children").read_text().split()} - found
            found |= children
            todo += children
    return found

if __name__ == "__main__":
    model = zonenlp.load()
    model.predict(["园区签约项目5个。", "高新区出台人才新政。"] * 600, n_jobs=2)
    print(*descendants(os.getpid()), flush=True)
    if sys.argv[1] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)  # no exit handler runs: nobody tells the workers to stop
"""


@needs_proc
@pytest.mark.parametrize("ending", ["exit", "kill"])
def test_workers_are_gone_after_their_parent_exits_or_is_killed(tmp_path, ending):
    script, out, err = tmp_path / "parent.py", tmp_path / "out.txt", tmp_path / "err.txt"
    script.write_text(PARENT, encoding="utf-8")
    # the zonenlp this test runs, installed or not, is the one the parent imports (no PYTHONPATH of
    # our own: src/ alone lacks the model, which an install lays out as the package zonenlp._models)
    # output to files, not pipes, which the workers would hold open: the parent's end is what is timed here
    with open(out, "w") as stdout, open(err, "w") as stderr:
        code = subprocess.run([sys.executable, str(script), ending], stdout=stdout, stderr=stderr, timeout=120).returncode
    assert code == (-signal.SIGKILL if ending == "kill" else 0), err.read_text()[-2000:]
    workers = set(map(int, out.read_text().split()))
    assert workers, "the parent started no worker"
    assert wait_until_gone(workers, 5) == set()
