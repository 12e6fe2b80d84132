"""Start the jsii kernel early and let it load assemblies while Python imports.

jsii starts its Node kernel when the first binding package is imported, then waits for the
kernel to answer each assembly load: about 0.4 s to start Node and 0.3 s to load ``constructs``,
``cdktf`` and the AWS provider, with Python idle. Python has about as much work of its own (the
binding modules' class bodies), so here the kernel is started as ``cdktf`` or ``constructs`` is
first imported, the loads are written to it as soon as they are known, and their answers are
read when the first call that needs an answer is made: a failed load is raised there, naming the
assembly. The loads the binding packages ask for later are the same ones, and are answered at
once without being sent again.

It relies on the internals of the pinned jsii runtime (``cdktf_fargate._fast_synth`` checks the version), and is
imported only when the kernel is about to start.
"""

from __future__ import annotations

import atexit
import json
from collections.abc import Callable
from typing import Any

from jsii._kernel.providers import process
from jsii._kernel.types import KernelRequest, KernelResponse, LoadRequest, LoadResponse
from jsii._runtime import kernel
from jsii.errors import ErrorType, JavaScriptError, JSIIError

from .assemblies import Load

OnAnswer = Callable[[Exception | None], None]


def start(loads: list[Load], on_answer: dict[str, OnAnswer] | None = None) -> bool:
    """Start the kernel and write ``loads`` to it in order; False, doing nothing, when a kernel is
    already running. A load's error is given to ``on_answer[name]`` if there is one, else raised
    by the first call that reads answers."""
    if not _kernel_idle(kernel.provider):
        return False
    node = _QueueingNodeProcess(on_answer or {})
    node.start()
    try:
        for load in loads:
            node.queue(load)
    except BaseException:
        node.abandon()
        raise
    kernel.provider = _EarlyProvider(node)
    return True


def queue(load: Load) -> bool:
    """Write one more load to the kernel started here; False when it was not started here."""
    if not isinstance(kernel.provider, _EarlyProvider):
        return False
    kernel.provider._process.queue(load)
    return True


def _kernel_idle(provider: Any) -> bool:
    if type(provider) is not process.ProcessProvider:
        return False
    getter = process.ProcessProvider._process.fget  # jsii's memoized_property keeps the process in a closure
    cells = dict(zip(getter.__code__.co_freevars, getter.__closure__ or (), strict=True))
    return "stored" in cells and cells["stored"].cell_contents == []


class _QueueingNodeProcess(process._NodeProcess):
    def __init__(self, on_answer: dict[str, OnAnswer]) -> None:
        super().__init__()
        self._on_answer = on_answer
        self._unread: list[Load | None] = []  # whose answers are still to be read; None is the hello
        self._queued: set[tuple[str, str]] = set()

    def handshake(self) -> None:  # start() calls it; the hello is read with the first answer needed
        self._unread.append(None)

    def queue(self, load: Load) -> None:
        # A handful of short answers wait unread: far less than a pipe holds, so the kernel never blocks on them.
        request = LoadRequest(name=load.name, version=load.version, tarball=load.tarball)
        data = json.dumps(self._serializer.unstructure(request), default=process.jdefault).encode("utf8")
        self._process.stdin.write(b"%b\n" % data)
        self._process.stdin.flush()
        self._unread.append(load)
        self._queued.add((load.name, load.version))

    def send(self, request: KernelRequest, response_type: type[KernelResponse]) -> Any:
        if isinstance(request, LoadRequest) and (request.name, request.version) in self._queued:
            return LoadResponse(assembly=request.name, types=0)  # nobody reads it: jsii's load returns None
        self.catch_up()
        return super().send(request, response_type)

    def catch_up(self) -> None:
        while self._unread:
            load = self._unread.pop(0)
            if load is None:
                super().handshake()
                continue
            answer = self._serializer.structure(self._next_message(), process._ProcessResponse)
            error = _error_of(answer, load) if isinstance(answer, process._ErrorResponse) else None
            if load.name in self._on_answer:
                self._on_answer[load.name](error)
            elif error is not None:
                raise error

    def abandon(self) -> None:
        atexit.unregister(self.stop)
        self._process.kill()
        self._process.wait()


def _error_of(answer: Any, load: Load) -> Exception:
    """The exception jsii raises for a failed load, naming the assembly (it may surface at a later call)."""
    kind = JSIIError if answer.name == ErrorType.JSII_FAULT.value else RuntimeError
    error = kind(f"loading the {load.name} {load.version} assembly: {answer.error}")
    error.__cause__ = JavaScriptError(answer.stack)
    return error


class _EarlyProvider(process.ProcessProvider):
    def __init__(self, started: _QueueingNodeProcess) -> None:
        self._started = started

    @property
    def _process(self) -> _QueueingNodeProcess:
        return self._started
