"""ReplayRetries on a stand-in WSGI app that counts what it carried out."""

from __future__ import annotations

import pytest

from cdktf_devkit.retries import ReplayRetries

pytestmark = pytest.mark.unit


class CountingApp:
    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.runs = 0

    def __call__(self, environ, start_response):
        self.runs += 1
        start_response(self.statuses.pop(0), [("Content-Type", "text/plain")])
        return [f"run {self.runs}".encode()]


def call(app, method="POST", invocation="one", attempt=1):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/", "HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=3"}
    if invocation:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
    started = []
    body = b"".join(app(environ, lambda status, headers: started.append(status)))
    return started[0], body


def test_a_repeated_attempt_after_a_success_gets_the_same_answer_and_is_logged():
    inner, logged = CountingApp(["200 OK"]), []
    app = ReplayRetries(inner, log=logged.append)
    assert call(app) == call(app, attempt=2) == ("200 OK", b"run 1")
    assert inner.runs == 1 and len(logged) == 1 and "invocation one" in logged[0] and "attempt=2" in logged[0]


def test_a_repeated_attempt_after_a_failure_runs_again():
    inner = CountingApp(["503 Service Unavailable", "200 OK"])
    app = ReplayRetries(inner, log=lambda _: None)
    assert call(app) == ("503 Service Unavailable", b"run 1")
    assert call(app, attempt=2) == ("200 OK", b"run 2")


def test_reads_and_requests_without_an_invocation_id_always_run():
    inner = CountingApp(["200 OK"] * 4)
    app = ReplayRetries(inner, log=lambda _: None)
    call(app, method="GET"), call(app, method="GET", attempt=2)
    call(app, invocation=None), call(app, invocation=None)
    assert inner.runs == 4


def test_different_invocations_each_run():
    inner = CountingApp(["200 OK"] * 2)
    app = ReplayRetries(inner, log=lambda _: None)
    assert call(app, invocation="a") != call(app, invocation="b")
    assert inner.runs == 2
