"""gunicorn settings for the TodoList service; each can be overridden by an environment variable.

| variable | default | meaning |
|---|---|---|
| ``TODO_BIND`` | ``0.0.0.0:8080`` | address and port |
| ``TODO_WORKER_CLASS`` | ``sync`` with the file store, ``gthread`` with DynamoDB | gunicorn worker class |
| ``TODO_WORKERS`` | 4 (``sync``) or 2 (``gthread``) | worker processes |
| ``TODO_THREADS`` | 4 | threads per ``gthread`` worker |
| ``TODO_ACCESS_LOG`` | ``-`` (stdout) | access log file: one JSON object per request |
| ``TODO_LOG_LEVEL`` | ``info`` | error log level |
"""

import os

# The file store answers from memory: a process per request in flight (sync workers) has no thread
# hand-offs and no lock contention, and gave the lowest tail latency. The DynamoDB store waits on the
# network for every request: threads keep a worker busy while calls are in flight.
worker_class = os.environ.get("TODO_WORKER_CLASS") or ("gthread" if os.environ.get("TODO_TABLE_NAME") else "sync")
threaded = worker_class == "gthread"

bind = os.environ.get("TODO_BIND", "0.0.0.0:8080")
workers = int(os.environ.get("TODO_WORKERS", "2" if threaded else "4"))
threads = int(os.environ.get("TODO_THREADS", "4")) if threaded else 1
keepalive = 5
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("TODO_ACCESS_LOG", "-")
logger_class = "todo_service.access_log.JsonAccessLogger"
errorlog = "-"
loglevel = os.environ.get("TODO_LOG_LEVEL", "info")
wsgi_app = "todo_service:create_app()"
