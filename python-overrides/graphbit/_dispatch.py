"""The bridge between Python (asyncio or plain threads) and the C library.

The library's asynchronous calls deliver their result in the thread-default
``GMainContext`` of the thread that started them, as GIO does. asyncio does
not iterate a GLib context, so graphbit owns one *dispatch thread* running a
private ``GMainContext``: operations are started there, their callbacks run
there, and the results are handed to asyncio with
``loop.call_soon_threadsafe`` (or to a waiting thread through an event).
Any asyncio event loop works, with no loop policy imposed on the user.

Blocking calls call the C blocking variant, which PyGObject runs with the
GIL released; a completion's HTTP exchange then runs in the calling thread
itself. From the main thread, Ctrl-C still interrupts the wait (and cancels
the request): Python's signal handler writes the signal number to a pipe
(``signal.set_wakeup_fd``) that graphbit watches, and graphbit cancels the
call's cancellable, since no Python handler can run while the main thread
waits in C.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
import weakref
from typing import Any, Callable, Optional

from ._errors import translate
from ._native import Gio, GLib, Graphbit

__all__ = ["call_async", "call_queued", "run_async", "run_blocking", "run_queued", "stop"]

# start(cancellable, callback) begins an asynchronous C call;
# finish(result) completes it (raising GLib.Error on failure).
Start = Callable[[Gio.Cancellable, Callable[..., None]], None]
Finish = Callable[[Any], Any]


class _DispatchThread:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self._context: Optional[GLib.MainContext] = None
        self._loop: Optional[GLib.MainLoop] = None
        self._pending_lock = threading.Lock()
        self._pending: list = []
        self._drain_scheduled = False

    def context(self) -> GLib.MainContext:
        context = self._context
        if context is not None:
            return context
        with self._lock:
            if self._context is None:
                self._start_locked()
            return self._context

    def _start_locked(self) -> None:
        context = GLib.MainContext.new()
        loop = GLib.MainLoop.new(context, False)
        ready = threading.Event()

        def run() -> None:
            context.push_thread_default()
            ready.set()
            loop.run()
            context.pop_thread_default()

        thread = threading.Thread(target=run, name="graphbit-dispatch", daemon=True)
        thread.start()
        ready.wait()
        self._thread, self._loop, self._context = thread, loop, context

    def invoke(self, function: Callable[[], None]) -> None:
        """Runs ``function`` on the dispatch thread.

        Functions queued while the thread has not run the previous ones yet
        ride on the same wake-up: starting 64 calls at once wakes it once.
        """
        with self._pending_lock:
            self._pending.append(function)
            if self._drain_scheduled:
                return
            self._drain_scheduled = True
        self.context().invoke_full(GLib.PRIORITY_DEFAULT, self._drain)

    def _drain(self, *_: Any) -> bool:
        while True:
            with self._pending_lock:
                if not self._pending:
                    self._drain_scheduled = False
                    return GLib.SOURCE_REMOVE
                batch, self._pending = self._pending, []
            for function in batch:
                function()

    def stop(self) -> None:
        with self._lock:
            thread, loop, context = self._thread, self._loop, self._context
            self._thread = self._loop = self._context = None
        if thread is None:
            return
        context.invoke_full(GLib.PRIORITY_DEFAULT, lambda *_: loop.quit() or GLib.SOURCE_REMOVE)
        if thread is not threading.current_thread():
            thread.join()

    def forget_after_fork(self) -> None:
        # The thread does not exist in a forked child; start afresh there.
        self._lock = threading.Lock()
        self._thread = self._loop = self._context = None
        self._pending_lock = threading.Lock()
        self._pending = []
        self._drain_scheduled = False


_dispatcher = _DispatchThread()
os.register_at_fork(after_in_child=_dispatcher.forget_after_fork)


def stop() -> None:
    """Stops the dispatch thread (it restarts on the next call)."""
    _dispatcher.stop()


def _settle(future: "asyncio.Future[Any]", ok: bool, value: Any) -> None:
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class _Outbox:
    """Results on their way from the dispatch thread to one event loop.

    Results that arrive while the loop has not taken the previous ones yet
    share one ``call_soon_threadsafe`` (one wake-up of the loop).
    """

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.lock = threading.Lock()
        self.results: list = []
        self.scheduled = False

    def put(self, future: "asyncio.Future[Any]", ok: bool, value: Any) -> None:
        with self.lock:
            self.results.append((future, ok, value))
            if self.scheduled:
                return
            self.scheduled = True
        try:
            self.loop.call_soon_threadsafe(self.deliver)
        except RuntimeError:
            pass  # the event loop was closed before the call finished

    def deliver(self) -> None:
        with self.lock:
            results, self.results = self.results, []
            self.scheduled = False
        for future, ok, value in results:
            _settle(future, ok, value)


_outboxes: "weakref.WeakKeyDictionary[Any, _Outbox]" = weakref.WeakKeyDictionary()


def _outbox(loop: Any) -> _Outbox:
    outbox = _outboxes.get(loop)
    if outbox is None:
        outbox = _outboxes[loop] = _Outbox(loop)
    return outbox


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
        self.next_tag = 0
        loop.add_reader(self.queue.get_fd(), self.drain)

    def start(self, begin: Callable[..., None], convert: Callable[[Any], Any]) -> "asyncio.Future[Any]":
        self.next_tag += 1
        tag = self.next_tag
        future = self.loop.create_future()
        cancellable = Gio.Cancellable()
        self.waiting[tag] = (future, convert)
        future.add_done_callback(lambda f: cancellable.cancel() if f.cancelled() else None)
        begin(cancellable, self.queue, tag)
        return future

    def drain(self) -> None:
        queue, waiting = self.queue, self.waiting
        while True:
            completion = queue.pop()
            if completion is None:
                return
            entry = waiting.pop(completion.get_tag(), None)
            if entry is None or entry[0].done():
                continue
            future, convert = entry
            try:
                value = convert(completion)
            except GLib.Error as error:
                future.set_exception(translate(error))
            except BaseException as error:  # noqa: BLE001 - forwarded, never swallowed
                future.set_exception(error)
            else:
                future.set_result(value)

    def close(self) -> None:
        if not self.loop.is_closed():
            self.loop.remove_reader(self.queue.get_fd())


_completions: "weakref.WeakKeyDictionary[Any, _LoopCompletions]" = weakref.WeakKeyDictionary()


def run_queued(begin: Callable[..., None], convert: Callable[[Any], Any]) -> "asyncio.Future[Any]":
    """Starts ``begin(cancellable, queue, tag)``, a C call reporting to a completion queue.

    Must be called with a running event loop; the future resolves to
    ``convert(completion)`` (which calls ``completion.propagate()``, raising
    the call's error). Cancelling it cancels the C call.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    completions = _completions.get(loop)
    if completions is None:
        # Queues of loops that were closed since go now (their pipes too).
        for old_loop in [old for old in _completions.keys() if old.is_closed()]:
            del _completions[old_loop]
        completions = _completions[loop] = _LoopCompletions(loop)
    return completions.start(begin, convert)


async def call_queued(begin: Callable[..., None], convert: Callable[[Any], Any]) -> Any:
    """A coroutine for ``run_queued`` (see ``call_async``)."""
    return await run_queued(begin, convert)


def run_async(start: Start, finish: Finish) -> "asyncio.Future[Any]":
    """Starts a C asynchronous call and returns an asyncio future for it.

    Must be called with a running event loop. Cancelling the future cancels
    the C operation (and aborts its HTTP exchange).
    """
    import asyncio  # here, not at import time: most programs never need it (25 ms)

    loop = asyncio.get_running_loop()
    future = loop.create_future()
    cancellable = Gio.Cancellable()
    outbox = _outbox(loop)

    def deliver(ok: bool, value: Any) -> None:
        outbox.put(future, ok, value)

    def callback(_source: Any, result: Any, *_user_data: Any) -> None:
        try:
            value = finish(result)
        except GLib.Error as error:
            deliver(False, translate(error))
        except BaseException as error:  # noqa: BLE001 - forwarded, never swallowed
            deliver(False, error)
        else:
            deliver(True, value)

    def begin() -> None:
        try:
            start(cancellable, callback)
        except BaseException as error:  # noqa: BLE001
            deliver(False, error)

    future.add_done_callback(lambda f: cancellable.cancel() if f.cancelled() else None)
    _dispatcher.invoke(begin)
    return future


async def call_async(start: Start, finish: Finish) -> Any:
    """A coroutine running a C asynchronous call (see ``run_async``).

    Methods return this rather than the future itself so that the result
    works everywhere a coroutine does: ``await``, ``asyncio.run()``,
    ``asyncio.gather()``, ``create_task()``. Arguments are checked before it
    is created, so bad ones still raise at call time.
    """
    return await run_async(start, finish)


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


atexit.register(stop)
