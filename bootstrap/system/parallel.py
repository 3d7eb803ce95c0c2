"""Work done side by side on threads (doctor's checks, secret look-ups), ended cleanly on Ctrl-C.

Only the main thread sees Ctrl-C, SIGTERM or a closed terminal, and a thread cannot be
interrupted. So the main thread stops waiting, ends the programs the threads wait for (they then
return, removing their temporary folders on the way) and gives them a moment to do so. The
threads are daemons: one stuck in something else does not keep a stopped bootstrap alive.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Sequence
from typing import Callable, Generic, TypeVar, Union

from bootstrap.system import proc
from bootstrap.system.errors import Stopped

T = TypeVar("T")
R = TypeVar("R")


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Work(Generic[T, R]):
    def __init__(self, fn: Callable[[T], R], items: Sequence[T]) -> None:
        self.fn = fn
        self.items = items
        self.todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in range(len(items)):
            self.todo.put(index)
        self.done: queue.Queue[tuple[int, Union[R, _Failed]]] = queue.Queue()
        self.cancelled = False

    def worker(self) -> None:
        while not self.cancelled:
            try:
                index = self.todo.get_nowait()
            except queue.Empty:
                return
            try:
                self.done.put((index, self.fn(self.items[index])))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread, which raises it
                self.done.put((index, _Failed(exc)))


def each(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """fn of every item, at most `workers` at once; the results in the order of the items.

    When fn raises, the first such exception (in the order of the items) is raised once every
    item is done."""
    if not items:
        return []
    work = _Work(fn, items)
    threads = [
        threading.Thread(target=work.worker, name=f"bootstrap-worker-{n}", daemon=True)
        for n in range(max(1, min(workers, len(items))))
    ]
    results: dict[int, Union[R, _Failed]] = {}
    try:
        for thread in threads:  # inside: a signal may come while the first ones already work
            thread.start()
        while len(results) < len(items):
            index, result = work.done.get()
            results[index] = result
    except KeyboardInterrupt:
        _stop(work, threads, signal.SIGINT)
        raise
    except Stopped as exc:
        _stop(work, threads, exc.signum)
        raise
    ordered = [results[index] for index in range(len(items))]
    for result in ordered:
        if isinstance(result, _Failed):
            raise result.error
    return ordered  # type: ignore[return-value] # no _Failed is left


def _stop(work: _Work[T, R], threads: list[threading.Thread], signum: int) -> None:
    work.cancelled = True
    proc.LIVE.stop(signum)
    deadline = time.monotonic() + 2 * proc.GRACE
    for thread in threads:
        if thread.ident is not None:  # started
            thread.join(max(0.0, deadline - time.monotonic()))
