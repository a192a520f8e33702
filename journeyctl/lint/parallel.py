"""Work spread over worker processes: chunks handed out in order, a dead worker and Ctrl-C
handled, nothing imported unless used."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from journeyctl.core.errors import JourneyctlError

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_WORKER = 8
"""Chunks each worker gets on average: small enough that the load evens out."""


def ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops giving out work)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def in_chunks(
    work: Callable[[list[T]], R],
    items: Sequence[T],
    jobs: int,
    setup: Callable[..., None],
    setup_args: tuple,
    what: str,
) -> Iterator[R]:
    """`work(chunk)` for consecutive chunks of `items` in `jobs` worker processes, results in
    order. Each worker first runs `setup(*setup_args)` (which should call ignore_interrupts).
    A worker that dies is a JourneyctlError naming `what` was running; on any error or Ctrl-C
    no more work is given out and nothing waits for the rest."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = -(-len(items) // (jobs * CHUNKS_PER_WORKER))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    # fork starts a worker without importing anything again; elsewhere it is not safe
    method = "fork" if sys.platform == "linux" else "spawn"
    pool = ProcessPoolExecutor(
        min(jobs, len(chunks)),
        multiprocessing.get_context(method),
        initializer=setup,
        initargs=setup_args,
    )
    try:
        yield from pool.map(work, chunks)
    except BaseException as exc:  # Ctrl-C too
        pool.shutdown(wait=False, cancel_futures=True)
        if isinstance(exc, BrokenProcessPool):
            raise JourneyctlError(
                f"a worker process of {what} stopped unexpectedly (out of memory, or killed); "
                "run again with --jobs 1 to work in one process"
            ) from None
        raise
    pool.shutdown()
