"""A request an AWS SDK repeats gets the answer its first attempt got, not a second run.

An SDK repeats a request whose answer it did not receive (a connection reset, a timeout), with the
same ``amz-sdk-invocation-id`` header and ``amz-sdk-request: attempt=N``. On a busy machine the local
AWS can carry out the first attempt and the answer still be lost; moto then carries out the repeat
too, which a create turns into a duplicate and a delete or revoke into an error AWS would not have
given: an apply failed with "revoking default IPv4 egress rule for Security Group ... InvalidPermission.
NotFound" because the first RevokeSecurityGroupEgress had already removed the rule.

``ReplayRetries`` wraps the local AWS's WSGI app: attempts of one invocation run one at a time, and
once an attempt that changes something has succeeded, a later attempt is answered with its response.
Each replay is logged, so a log shows how often it happened.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

INVOCATION_HEADER = "HTTP_AMZ_SDK_INVOCATION_ID"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEPT_INVOCATIONS = 4096  # an apply of every stack sends about 1,500 requests; a retry follows within minutes

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class _Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


class _Invocation:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answer: _Answer | None = None


class ReplayRetries:
    def __init__(self, app: WsgiApp, log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)):
        self.app = app
        self.log = log
        self._invocations: OrderedDict[str, _Invocation] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        invocation_id = environ.get(INVOCATION_HEADER)
        if not invocation_id or environ.get("REQUEST_METHOD") in READ_ONLY_METHODS:
            return self.app(environ, start_response)
        invocation = self._invocation(invocation_id)
        with invocation.lock:
            if invocation.answer is None:
                answer = self._run(environ)
                if answer.status.startswith(("2", "3")):
                    invocation.answer = answer
            else:
                answer = invocation.answer
                self.log(
                    f"replayed the answer to a repeated request: {environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
                    f" (invocation {invocation_id}, {environ.get('HTTP_AMZ_SDK_REQUEST', 'attempt unknown')})"
                )
        start_response(answer.status, answer.headers)
        return [answer.body]

    def _invocation(self, invocation_id: str) -> _Invocation:
        with self._lock:
            invocation = self._invocations.pop(invocation_id, None) or _Invocation()
            self._invocations[invocation_id] = invocation
            while len(self._invocations) > KEPT_INVOCATIONS:
                self._invocations.popitem(last=False)
            return invocation

    def _run(self, environ: dict[str, Any]) -> _Answer:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            started[:] = [status, headers]
            return lambda _: None

        body = self.app(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        status, headers = started
        return _Answer(status, list(headers), content)
