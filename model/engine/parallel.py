"""Blocks of runs on all cores: the engine's threads, and any other work split into independent blocks."""

from __future__ import annotations

import concurrent.futures

import numba
import numpy as np


def in_parallel(work, n_blocks: int, threads: int | None = None) -> None:
    """Call ``work(first, last)`` on ranges of blocks that cover ``0 .. n_blocks``, on ``threads`` threads (default:
    numba's thread count, all cores unless ``NUMBA_NUM_THREADS`` or :func:`numba.set_num_threads` says
    otherwise).

    The kernels release the GIL, so the threads run at once; each range is
    a few blocks, handed out in order as threads come free, which keeps the
    cores busy to the end. Each block's numbers are the same whatever thread
    runs it and whatever the batch (every run's arithmetic is the same
    elementwise code), so they do not depend on ``threads``.
    """
    threads = max(1, min(threads or numba.get_num_threads(), n_blocks))
    if threads == 1:
        work(0, n_blocks)
        return
    bounds = np.linspace(0, n_blocks, min(n_blocks, _RANGES_PER_THREAD * threads) + 1).round().astype(int)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        ranges = [pool.submit(work, int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        try:
            for done in ranges:
                done.result()
        except BaseException:  # an error, or Ctrl-C: the ranges not yet started are dropped, not run
            for waiting in ranges:
                waiting.cancel()
            raise


#: Ranges of blocks per thread: enough to even out the threads' finishing times, few enough to cost nothing.
_RANGES_PER_THREAD = 8
