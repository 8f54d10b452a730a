"""The bridge between Python (asyncio or plain threads) and the C library.

Awaitables start a C call that reports to a ``Graphbit.CompletionQueue``
(one per event loop): the call runs on a graphbit worker, which leaves its
outcome in the queue, and the loop, watching the queue's file descriptor
with ``add_reader()``, settles every finished future at once. No GLib main
context runs in Python, no extra thread exists, and PyGObject never calls
back into Python (its 3.42 release leaks a little on every such callback).

Blocking calls call the C blocking variant, which PyGObject runs with the
GIL released; a completion's HTTP exchange then runs in the calling thread
itself. From the main thread, Ctrl-C still interrupts the wait (and cancels
the request): Python's signal handler writes the signal number to a pipe
(``signal.set_wakeup_fd``) that graphbit watches, and graphbit cancels the
call's cancellable, since no Python handler can run while the main thread
waits in C.
"""

from __future__ import annotations

import collections
import os
import signal
import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, Optional, Tuple

from ._errors import translate
from ._native import Gio, GLib, Graphbit

if TYPE_CHECKING:
    import asyncio

__all__ = ["StreamPump", "call_queued", "run_blocking", "run_queued"]

class _LoopCompletions:
    """Calls whose outcome reaches one event loop through a completion queue.

    The call runs on a graphbit worker, which leaves the outcome in a
    ``Graphbit.CompletionQueue``; the loop watches the queue's fd and
    settles every waiting future at once. No dispatch thread, no main
    context, and the interpreter lock is only taken by the loop's thread.
    """

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.queue = Graphbit.CompletionQueue.new()
        self.waiting: dict = {}
        self.pumps: dict = {}  # tag -> StreamPump
        self.next_tag = 0
        loop.add_reader(self.queue.get_fd(), self.drain)

    def start(self, begin: Callable[..., None], convert: Callable[[Any], Any]) -> "Tuple[asyncio.Future[Any], int]":
        """Starts ``begin(None, queue, tag)``; its future and tag.

        No Gio.Cancellable per call (a Python-made GObject whose last
        reference goes on a worker costs ~10 us there): the queue makes one
        in C, and ``queue.cancel(tag)`` cancels it.
        """
        self.next_tag += 1
        tag = self.next_tag
        future = self.loop.create_future()
        self.waiting[tag] = (future, convert)
        begin(None, self.queue, tag)
        return future, tag

    def start_pump(self, pump: "StreamPump", begin: Callable[..., None]) -> int:
        self.next_tag += 1
        self.pumps[self.next_tag] = pump
        begin(None, self.queue, self.next_tag)
        return self.next_tag

    def drain(self) -> None:
        # pop_text() hands a text success over as a plain str, with no
        # Completion wrapper to make and free (~6 us each); any other
        # outcome comes as the Completion, for convert().
        pop, waiting = self.queue.pop_text, self.waiting
        while True:
            taken, tag, text, completion = pop()
            if not taken:
                return
            entry = waiting.pop(tag, None)
            if entry is None:
                pump = self.pumps.get(tag)
                if pump is not None and pump.feed(text, completion):
                    del self.pumps[tag]
                continue
            future, convert = entry
            if future.done():
                continue
            if completion is None:
                future.set_result(text)
                continue
            try:
                value = convert(completion)
            except GLib.Error as error:
                future.set_exception(translate(error))
            except BaseException as error:  # noqa: BLE001 - forwarded, never swallowed
                future.set_exception(error)
            else:
                future.set_result(value)


_completions: "weakref.WeakKeyDictionary[Any, _LoopCompletions]" = weakref.WeakKeyDictionary()


_last: Optional[_LoopCompletions] = None  # the last loop's, for the common case of one loop


def _loop_completions() -> _LoopCompletions:
    """The completion queue of the running event loop, made on first use."""
    import asyncio

    global _last
    loop = asyncio.get_running_loop()
    last = _last
    if last is not None and last.loop is loop:
        return last
    completions = _completions.get(loop)
    if completions is None:
        # Queues of loops that were closed since go now (their pipes too).
        for old_loop in [old for old in _completions.keys() if old.is_closed()]:
            del _completions[old_loop]
        completions = _completions[loop] = _LoopCompletions(loop)
    _last = completions
    return completions


def run_queued(begin: Callable[..., None], convert: Callable[[Any], Any]) -> "asyncio.Future[Any]":
    """Starts ``begin(None, queue, tag)``, a C call reporting to a completion queue.

    Must be called with a running event loop. The future resolves to the
    text of a call whose outcome is text alone, else to
    ``convert(completion)`` (which calls ``completion.propagate()``,
    raising the call's error). Cancelling it cancels the C call
    (``queue.cancel(tag)``).
    """
    completions = _loop_completions()
    future, tag = completions.start(begin, convert)
    queue = completions.queue
    future.add_done_callback(lambda f: queue.cancel(tag) if f.cancelled() else None)
    return future


class StreamPump:
    """A stream's text, pushed by C to the loop's completion queue as it arrives.

    ``begin(None, queue, tag)`` starts the C pump
    (``LlmStream.pump_queued``): a graphbit worker reads the stream and
    pushes each piece; text that arrives while the loop is busy joins the
    piece still waiting, so the loop takes one piece per wake-up. ``next()``
    returns a waiting piece at once, else waits for one; None at the end.
    Cancelling a waiting ``next()`` aborts the stream.
    """

    __slots__ = ("queue", "tag", "pieces", "waiter", "finished", "error", "loop")

    def __init__(self, begin: Callable[..., None]) -> None:
        completions = _loop_completions()
        self.loop = completions.loop
        self.queue = completions.queue
        self.pieces: collections.deque = collections.deque()
        self.waiter: Optional["asyncio.Future[None]"] = None
        self.finished = False
        self.error: Optional[BaseException] = None
        self.tag = completions.start_pump(self, begin)

    def feed(self, text: Optional[str], completion: Any) -> bool:
        """Takes a piece of text, or the pump's last completion (the end or the error); True at the end."""
        if text is not None:
            self.pieces.append(text)
        else:
            self.finished = True
            try:
                completion.propagate()
            except GLib.Error as error:
                self.error = translate(error)
        waiter = self.waiter
        if waiter is not None:
            self.waiter = None
            if not waiter.done():
                waiter.set_result(None)
        return self.finished

    async def next(self) -> Optional[str]:
        import asyncio

        while True:
            if self.pieces:
                return self.pieces.popleft()
            if self.finished:
                if self.error is not None:
                    raise self.error
                return None
            if self.waiter is not None:
                raise RuntimeError("another task is already waiting for this stream's next chunk")
            waiter = self.waiter = self.loop.create_future()
            try:
                await waiter
            except asyncio.CancelledError:
                self.waiter = None
                self.queue.cancel(self.tag)
                raise

    def abort(self) -> None:
        """Aborts the stream unless it ended (for a dropped iterator)."""
        if not self.finished:
            self.queue.cancel(self.tag)


async def call_queued(begin: Callable[..., None], convert: Callable[[Any], Any]) -> Any:
    """``run_queued`` as a coroutine; cancelling its task cancels the C call."""
    import asyncio

    completions = _loop_completions()
    future, tag = completions.start(begin, convert)
    try:
        return await future
    except asyncio.CancelledError:
        # Cheaper than a done callback on every future.
        completions.queue.cancel(tag)
        raise


class _MainThreadInterrupts:
    """How Ctrl-C reaches a blocking call while the main thread waits in C.

    graphbit watches the read end of a pipe (``Graphbit.set_interrupt_fd``);
    during a blocking call the write end is Python's wakeup fd, so the
    signal handler writes SIGINT's number there and graphbit cancels the
    main thread's interruptible cancellable. That cancellable is reused
    from call to call until an interrupt cancels it.
    """

    def __init__(self) -> None:
        self.read_fd = -1
        self.write_fd = -1
        self.cancellable: Optional[Gio.Cancellable] = None

    def prepare(self) -> Gio.Cancellable:
        if self.write_fd < 0:
            read_fd, write_fd = os.pipe()
            os.set_blocking(read_fd, False)
            os.set_blocking(write_fd, False)
            Graphbit.set_interrupt_fd(read_fd)
            self.read_fd, self.write_fd = read_fd, write_fd
        cancellable = self.cancellable
        if cancellable is None or cancellable.is_cancelled():
            if cancellable is not None:
                Graphbit.remove_interruptible(cancellable)
            cancellable = self.cancellable = Gio.Cancellable()
            Graphbit.add_interruptible(cancellable)
        return cancellable

    def forget_after_fork(self) -> None:
        # graphbit forgets the fd and the cancellable in the child; the
        # pipe is the parent's.
        for fd in (self.read_fd, self.write_fd):
            if fd >= 0:
                os.close(fd)
        self.read_fd = self.write_fd = -1
        self.cancellable = None


_interrupts = _MainThreadInterrupts()
os.register_at_fork(after_in_child=_interrupts.forget_after_fork)


def run_blocking(blocking: Callable[[Optional[Gio.Cancellable]], Any]) -> Any:
    """Runs ``blocking(cancellable)``, a C blocking call, in the calling thread.

    In the main thread, Ctrl-C cancels the call and raises
    ``KeyboardInterrupt`` once it has wound down.
    """
    if threading.current_thread() is not threading.main_thread():
        try:
            return blocking(None)
        except GLib.Error as error:
            raise translate(error) from error

    cancellable = _interrupts.prepare()
    previous_fd = signal.set_wakeup_fd(_interrupts.write_fd, warn_on_full_buffer=False)
    try:
        return blocking(cancellable)
    except GLib.Error as error:
        failure = error
    except RuntimeError:
        # The SIGINT handler raised (KeyboardInterrupt, normally) while
        # PyGObject was turning the cancellation into an exception, which
        # makes that conversion fail and loses what was raised.
        if cancellable.is_cancelled():
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.set_wakeup_fd(previous_fd, warn_on_full_buffer=False)
    raise translate(failure) from failure
