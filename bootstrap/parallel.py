"""Work done side by side on threads (doctor's checks, secret look-ups), ended cleanly on Ctrl-C.

Only the main thread sees Ctrl-C, SIGTERM or a closed terminal, and a thread cannot be
interrupted. So the main thread stops waiting, ends the programs the threads wait for (they then
return, removing their temporary folders on the way) and gives them a moment to do so.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable, TypeVar

from bootstrap import proc
from bootstrap.errors import Stopped

T = TypeVar("T")
R = TypeVar("R")


def each(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """fn of every item, at most `workers` at once; the results in the order of the items."""
    if not items:
        return []
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(items))))
    futures = [pool.submit(fn, item) for item in items]
    try:
        return [future.result() for future in futures]
    except KeyboardInterrupt:
        _stop(futures, signal.SIGINT)
        raise
    except Stopped as exc:
        _stop(futures, exc.signum)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _stop(futures: list[Future[R]], signum: int) -> None:
    for future in futures:
        future.cancel()
    proc.LIVE.stop(signum)
    wait(futures, timeout=2 * proc.GRACE)
