"""CORS for the API: allowed origins from the config ("*" allows any), answered on every response.

Small on purpose: the service needs simple requests and preflights for its own methods, nothing else,
and this runs on every request.
"""

from __future__ import annotations

from flask import Flask, Response, request

ALLOWED_METHODS = "GET, HEAD, POST, PATCH, DELETE, OPTIONS"
PREFLIGHT_MAX_AGE_S = "600"


def enable_cors(app: Flask, origins: tuple[str, ...]) -> None:
    any_origin = "*" in origins
    allowed = frozenset(origins)

    @app.after_request
    def add_cors_headers(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin is None:
            return response
        response.vary.add("Origin")
        if not (any_origin or origin in allowed):
            return response
        headers = response.headers
        headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            requested = request.headers.get("Access-Control-Request-Headers")
            if requested:
                headers["Access-Control-Allow-Headers"] = requested
            headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE_S
        return response
