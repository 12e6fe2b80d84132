"""gunicorn settings for the TodoList service; each can be overridden by an environment variable."""

import os

bind = os.environ.get("TODO_BIND", "0.0.0.0:8080")
workers = int(os.environ.get("TODO_WORKERS", "2"))
threads = int(os.environ.get("TODO_THREADS", "4"))
worker_class = "gthread"
keepalive = 5
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("TODO_ACCESS_LOG", "-")
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s",'
    '"status":%(s)s,"bytes":"%(B)s","duration_us":%(D)s,"agent":"%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("TODO_LOG_LEVEL", "info")
wsgi_app = "todo_service:create_app()"
