"""The bridge between Python (asyncio or plain threads) and the C library.

The library's asynchronous calls deliver their result in the thread-default
``GMainContext`` of the thread that started them, as GIO does. asyncio does
not iterate a GLib context, so graphbit owns one *dispatch thread* running a
private ``GMainContext``: operations are started there, their callbacks run
there, and the results are handed to asyncio with
``loop.call_soon_threadsafe`` (or to a waiting thread through an event).
Any asyncio event loop works, with no loop policy imposed on the user.

Blocking calls made from the main thread start the asynchronous C call
and iterate a private main context of the main thread until it completes,
waking regularly so that Ctrl-C interrupts the wait (and cancels the
request). Blocking calls from other threads call the C blocking variant
directly; PyGObject releases the GIL around both.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any, Callable, Optional

from ._errors import translate
from ._native import Gio, GLib

__all__ = ["call_async", "run_async", "run_blocking", "stop"]

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
        """Runs ``function`` on the dispatch thread."""

        def dispatch(*_: Any) -> bool:
            function()
            return GLib.SOURCE_REMOVE

        self.context().invoke_full(GLib.PRIORITY_DEFAULT, dispatch)

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


_dispatcher = _DispatchThread()
os.register_at_fork(after_in_child=_dispatcher.forget_after_fork)


def stop() -> None:
    """Stops the dispatch thread (it restarts on the next call)."""
    _dispatcher.stop()


def _settle(future: asyncio.Future, ok: bool, value: Any) -> None:
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


def run_async(start: Start, finish: Finish) -> "asyncio.Future[Any]":
    """Starts a C asynchronous call and returns an asyncio future for it.

    Must be called with a running event loop. Cancelling the future cancels
    the C operation (and aborts its HTTP exchange).
    """
    import asyncio  # here, not at import time: most programs never need it (25 ms)

    loop = asyncio.get_running_loop()
    future = loop.create_future()
    cancellable = Gio.Cancellable()

    def deliver(ok: bool, value: Any) -> None:
        try:
            loop.call_soon_threadsafe(_settle, future, ok, value)
        except RuntimeError:
            pass  # the event loop was closed before the call finished

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


class _MainThreadWaits:
    """The main thread's private GMainContext for blocking calls.

    A blocking call from the main thread starts the asynchronous C call and
    iterates this context until its callback runs: the same two thread
    hand-overs as the C blocking variant, without going through the
    dispatch thread. Iterating releases the GIL; a timer wakes it every
    ``TICK_MS`` so that a Ctrl-C delivered to another thread is still seen
    soon (Python only runs signal handlers in the main thread).
    """

    TICK_MS = 100

    def __init__(self) -> None:
        self.context: Optional[GLib.MainContext] = None

    def get(self) -> GLib.MainContext:
        if self.context is None:
            context = GLib.MainContext.new()
            tick = GLib.timeout_source_new(self.TICK_MS)
            tick.set_callback(lambda *_: GLib.SOURCE_CONTINUE)
            tick.attach(context)
            self.context = context
        return self.context

    def forget_after_fork(self) -> None:
        self.context = None


_main_waits = _MainThreadWaits()
os.register_at_fork(after_in_child=_main_waits.forget_after_fork)


def run_blocking(start: Start, finish: Finish, blocking: Callable[[], Any]) -> Any:
    """Runs a C call to completion in the calling thread.

    ``blocking()`` calls the C blocking variant. In the main thread the
    asynchronous variant is run on a private main context instead, so that
    Ctrl-C interrupts the wait and cancels the request.
    """
    if threading.current_thread() is not threading.main_thread():
        try:
            return blocking()
        except GLib.Error as error:
            raise translate(error) from error

    outcome: dict = {}
    cancellable = Gio.Cancellable()
    interrupted: Optional[BaseException] = None

    def callback(_source: Any, result: Any, *_user_data: Any) -> None:
        try:
            outcome["value"] = finish(result)
        except GLib.Error as error:
            outcome["error"] = translate(error)
        except BaseException as error:  # noqa: BLE001
            outcome["error"] = error

    context = _main_waits.get()
    context.push_thread_default()
    try:
        start(cancellable, callback)
        while not outcome:
            try:
                context.iteration(True)
            except KeyboardInterrupt as error:
                # Cancel, then wait for the call to wind down before raising.
                interrupted = error
                cancellable.cancel()
    finally:
        context.pop_thread_default()
    if interrupted is not None:
        raise interrupted
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


atexit.register(stop)
