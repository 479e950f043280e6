"""Tagging in worker processes gives what tagging in one process gives, in input order."""

import os
import time

import numpy as np
import pytest

from zonenlp import InputTypeError, InputValueError, ThemeClassifier
from zonenlp.parallel import resolve_jobs


def test_processes_give_the_same_results_in_order(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set] * 2
    serial = shipped_model.predict_proba(texts, batch_size=7)
    parallel = shipped_model.predict_proba(texts, n_jobs=2, batch_size=7)
    np.testing.assert_array_equal(parallel, serial)
    # small and large batches sum the same products in another order (numpy's
    # or scipy's sparse product): equal up to the last bits of a double
    np.testing.assert_allclose(shipped_model.predict_proba(texts), serial, rtol=1e-12, atol=1e-15)
    assert shipped_model.predict_labels(texts, n_jobs=2, batch_size=7) == shipped_model.predict_labels(texts)


def test_tag_many_streams_a_generator(shipped_model, seed_set):
    texts = [r["text"] for r in seed_set]
    expected = shipped_model.tag(texts)
    assert list(shipped_model.tag_many(iter(texts), batch_size=8)) == expected
    shipped_model.release_workers()
    assert list(shipped_model.tag_many((t for t in texts), batch_size=8, n_jobs=2)) == expected
    assert shipped_model.__dict__["_kept_workers"].usable  # a group of batches is shared as predict_proba shares a list
    assert list(shipped_model.tag_many(iter([]))) == []


def test_errors_name_the_index_in_the_whole_input(shipped_model):
    texts = ["园区签约项目"] * 12 + ["招" * 1_000_001]
    with pytest.raises(InputValueError, match=r"texts\[12\]"):
        shipped_model.predict(texts, n_jobs=2, batch_size=5)
    with pytest.raises(InputTypeError, match=r"texts\[3\]"):
        list(shipped_model.tag_many(iter(["好", "好", "好", None]), batch_size=2))


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, True, "2"])
def test_bad_n_jobs(n_jobs):
    with pytest.raises(InputValueError, match="n_jobs"):
        resolve_jobs(n_jobs)


def test_resolve_jobs():
    assert resolve_jobs(None) == 1 and resolve_jobs(3) == 3 and resolve_jobs(-1) >= 1


def _pid_and_batch(state, batch):
    time.sleep(0.02)  # long enough that the worker still holds two batches when the third comes
    return os.getpid(), state, batch


def test_the_calling_process_works_too_and_order_is_kept():
    from zonenlp import parallel

    results = list(parallel.map_batches("state", _pid_and_batch, range(12), n_jobs=2))
    assert [batch for _, _, batch in results] == list(range(12))
    assert {state for _, state, _ in results} == {"state"}
    pids = {pid for pid, _, _ in results}
    assert os.getpid() in pids and len(pids) == 2  # this process and one worker: two busy processes on two cores
    assert parallel._WORKER_STATE is None  # the workers' state is never set in the caller


def test_one_job_runs_in_this_process():
    from zonenlp import parallel

    results = list(parallel.map_batches("state", _pid_and_batch, range(3), n_jobs=1))
    assert results == [(os.getpid(), "state", b) for b in range(3)]


@pytest.mark.parametrize("n, size, jobs", [(0, 500, 2), (1, 500, 2), (1000, 500, 2), (10_000, 500, 2), (10_000, 100, 4), (70, 500, 3)])
def test_tapering_ranges_cover_the_input_shortening_towards_its_end(n, size, jobs):
    from zonenlp.parallel import SHORTEST_RANGE, tapering_ranges

    bounds = tapering_ranges(n, size, jobs)
    assert [start for start, _ in bounds] == [stop for _, stop in [(0, 0), *bounds]][:-1]
    assert (bounds[-1][1] if bounds else 0) == n
    lengths = [stop - start for start, stop in bounds]
    assert all(0 < length <= size for length in lengths) and lengths == sorted(lengths, reverse=True)
    assert all(length >= SHORTEST_RANGE for length in lengths[:-1])
    if n >= 4 * size * jobs:  # full ranges while much is left, then shorter ones
        assert lengths[0] == size and lengths[-2] < size


def _pid_and_range(state, shared, start, stop):
    time.sleep(0.01)  # long enough that the worker starts before this process has claimed every range
    return os.getpid(), state, shared, start, stop


def test_kept_workers_claim_ranges_with_this_process_and_are_reused():
    from zonenlp.parallel import KeptWorkers

    bounds = [(i, i + 1) for i in range(30)]
    kept = KeptWorkers("state", 2)
    try:
        first = kept.map("state", _pid_and_range, "input", bounds)
        assert [(start, stop) for *_, start, stop in first] == bounds
        assert {(state, shared) for _, state, shared, _, _ in first} == {("state", "input")}
        first_pids = {pid for pid, *_ in first}
        assert len(first_pids) == 2 and os.getpid() in first_pids
        again = kept.map("state", _pid_and_range, "other input", bounds[:20])
        assert [(shared, start) for _, _, shared, start, _ in again] == [("other input", i) for i in range(20)]
        assert {pid for pid, *_ in again} <= first_pids  # the same worker, not a new one
    finally:
        kept.close()
    assert not kept.usable and kept.map("state", _pid_and_range, "input", bounds) is None


def _frozen_objects(state, shared, start, stop):
    import gc

    time.sleep(0.01)
    return os.getpid(), gc.get_freeze_count()


def test_workers_keep_what_they_inherited_out_of_the_garbage_collectors_sight():
    import gc

    from zonenlp.parallel import KeptWorkers

    kept = KeptWorkers("state", 2)
    try:
        counts = dict(kept.map("state", _frozen_objects, None, [(i, i + 1) for i in range(20)]))
    finally:
        kept.close()
    worker = next(pid for pid in counts if pid != os.getpid())
    assert counts[worker] > 1000 and gc.get_freeze_count() == 0  # frozen there, not here


def _fail_at_ten(state, shared, start, stop):
    time.sleep(0.005)
    if start == 10:
        raise ValueError(f"range {start} failed in {'this process' if os.getpid() == state else 'a worker'}")
    return start


def test_an_error_in_either_process_is_raised_here_and_ends_the_workers():
    from zonenlp.parallel import KeptWorkers

    kept = KeptWorkers(os.getpid(), 2)
    with pytest.raises(ValueError, match="range 10 failed"):
        kept.map(os.getpid(), _fail_at_ten, None, [(i, i + 1) for i in range(40)])
    assert not kept.usable


def test_idle_kept_workers_exit():
    from zonenlp.parallel import KeptWorkers

    kept = KeptWorkers("state", 2, idle_seconds=0.2)
    kept.map("state", _pid_and_range, None, [(0, 1), (1, 2)])
    deadline = time.monotonic() + 10
    while kept.usable and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not kept.usable


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "killed.py"
    script.write_text(
        "import os, signal, time\n"
        "from zonenlp.parallel import KeptWorkers\n"
        "def pid(state, shared, start, stop):\n"
        "    time.sleep(0.01)\n"
        "    return os.getpid()\n"
        "if __name__ == '__main__':\n"
        "    kept = KeptWorkers(None, 2)\n"
        "    print(*(set(kept.map(None, pid, None, [(i, i + 1) for i in range(20)])) - {os.getpid()}), flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)  # no exit handler runs: nobody tells the worker to stop\n",
        encoding="utf-8",
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    (worker,) = map(int, out.stdout.split())

    def running() -> bool:  # a zombie has exited: only its parent's (here init's) wait is missing
        try:
            return open(f"/proc/{worker}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 15
    while running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running()


def test_a_forked_child_does_not_use_its_parents_workers(shipped_model, seed_set):
    import multiprocessing

    texts = [r["text"] for r in seed_set] * 12
    expected = shipped_model.predict_labels(texts)
    shipped_model.predict(texts, n_jobs=2)
    kept = shipped_model.__dict__["_kept_workers"]

    def child() -> None:  # starts its own worker, leaves its parent's alone
        same = not kept.usable and shipped_model.predict_labels(texts, n_jobs=2) == expected
        own = shipped_model.__dict__["_kept_workers"] is not kept
        shipped_model.release_workers()
        os._exit(0 if same and own else 1)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(60)
    assert process.exitcode == 0 and kept.usable and shipped_model.__dict__["_kept_workers"] is kept


def test_a_list_is_shared_in_tapering_ranges_with_one_process_figures(shipped_model, seed_set):
    """The figures do not depend on which process computed a range: they are those
    of one process computing the same ranges, and one process's with its default
    batches up to the last bits of a double (other batches sum in another order)."""
    from zonenlp.parallel import tapering_ranges

    texts = [r["text"] for r in seed_set] * 20
    shared = shipped_model.predict_proba(texts, n_jobs=2)
    same_ranges = [shipped_model.predict_proba(texts[a:b], batch_size=b - a) for a, b in tapering_ranges(len(texts), 500, 2)]
    np.testing.assert_array_equal(shared, np.vstack(same_ranges))
    np.testing.assert_allclose(shared, shipped_model.predict_proba(texts), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(shipped_model.predict_proba(texts[::-1], n_jobs=2)[::-1], shared)  # a second call, new texts


def test_a_model_keeps_its_workers_until_what_they_copied_changes(tiny_corpus):
    import pickle

    texts, labels = tiny_corpus
    many = texts * (600 // len(texts) + 1)
    model = ThemeClassifier(cv=3).fit(texts, labels)
    model.predict(many, n_jobs=2)
    kept = model.__dict__["_kept_workers"]
    model.predict(many, n_jobs=2)
    assert model.__dict__["_kept_workers"] is kept  # reused
    assert "_kept_workers" not in pickle.loads(pickle.dumps(model)).__dict__
    swapped = [["talent"] if l == ["investment"] else ["investment"] if l == ["talent"] else l for l in labels]
    model.fit(texts, swapped)  # the workers hold the first fit: a call must not use them
    np.testing.assert_allclose(model.predict_proba(many, n_jobs=2), model.predict_proba(many), rtol=1e-12, atol=1e-15)
    assert model.__dict__["_kept_workers"] is not kept and not kept.usable
    refit = model.__dict__["_kept_workers"]
    model.use_backend("rjieba" if model.backend == "jieba" else "jieba")
    model.predict(many, n_jobs=2)
    assert model.__dict__["_kept_workers"] is not refit and not refit.usable
    last = model.__dict__["_kept_workers"]
    assert model.release_workers() is model and not last.usable and "_kept_workers" not in model.__dict__


def test_calls_from_two_threads_at_once_give_one_process_figures(shipped_model, seed_set):
    from concurrent.futures import ThreadPoolExecutor

    texts = [r["text"] for r in seed_set] * 30
    expected = shipped_model.predict_proba(texts)
    with ThreadPoolExecutor(2) as threads:
        results = list(threads.map(lambda _: shipped_model.predict_proba(texts, n_jobs=2), range(4)))
    for result in results:
        np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15)


def test_spawned_workers_give_the_same_results(tmp_path):
    """Where workers are spawned, not forked (macOS, Windows), the model and the keyword
    extractor reach them pickled: predict and the batch tagger give what one process gives."""
    import subprocess
    import sys

    code = (
        "import multiprocessing, json, sys\n"
        "import zonenlp\n"
        "from zonenlp.batch import tag_chunks\n"
        "if __name__ == '__main__':  # a spawned worker imports this file again\n"
        "    multiprocessing.set_start_method('spawn')\n"
        "    texts = [json.loads(l)['text'] for l in open(sys.argv[1], encoding='utf-8')][:40] * 20\n"
        "    m = zonenlp.load()\n"
        "    assert m.predict_labels(texts, n_jobs=2) == m.predict_labels(texts)\n"
        "    chunks = [texts[i:i + 100] for i in range(0, len(texts), 100)]\n"
        "    assert list(tag_chunks(m, chunks, k=3, n_jobs=2)) == list(tag_chunks(m, chunks, k=3))\n"
        "    print('same')\n"
    )
    script = tmp_path / "spawned.py"
    script.write_text(code, encoding="utf-8")
    from conftest import SEED_SET

    out = subprocess.run([sys.executable, str(script), str(SEED_SET)], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "same", out.stderr[-2000:]
