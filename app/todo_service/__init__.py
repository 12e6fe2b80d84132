"""The TodoList service: a Flask app factory."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from .config import ServiceConfig
from .cors import enable_cors
from .routes import api
from .store import TodoStore, open_store


def create_app(config: ServiceConfig | None = None, store: TodoStore | None = None) -> Flask:
    """Build the app. ``config`` defaults to the environment; ``store`` to the one the config names."""
    config = config if config is not None else ServiceConfig.from_env()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=config.max_body_bytes, JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["todo_store"] = store if store is not None else open_store(config)
    enable_cors(app, config.cors_origins)
    app.register_blueprint(api)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:  # every error is JSON, never an HTML page
        response = jsonify(error=error.name, message=error.description)
        response.status_code = error.code or 500
        for key, value in error.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value  # keeps Allow on 405
        return response

    return app
