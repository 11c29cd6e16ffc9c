"""The engine's threads: every block is integrated exactly once whatever the threads, and an error (or Ctrl-C)
in one range of blocks stops the ranges not yet started."""

from __future__ import annotations

import threading
import time

import pytest

from model.engine.integrator import in_parallel


@pytest.mark.parametrize("n_blocks, threads", [(1, 4), (5, 2), (64, 2), (63, 3), (7, 1), (100, None)])
def test_every_block_is_run_once(n_blocks, threads):
    seen, lock = [], threading.Lock()

    def work(first, last):
        with lock:
            seen.extend(range(first, last))

    in_parallel(work, n_blocks, threads)
    assert sorted(seen) == list(range(n_blocks))


def test_an_error_in_one_range_is_raised_and_the_ranges_not_started_are_dropped():
    started = []

    def work(first, last):
        started.append(first)
        if first == 0:
            raise ValueError("a kernel refused")
        time.sleep(0.2)  # the other thread stays busy while the error is seen

    with pytest.raises(ValueError, match="refused"):
        in_parallel(work, 64, threads=2)
    assert len(started) < 16  # 16 ranges of 4 blocks: those queued behind the error never ran
