#!/usr/bin/env python
"""Baseline for the service benchmark: the workshop's original service, as it was written.

A plain Flask app on Flask's development server that re-reads todos.json on every request.
Only for `make bench`; never deployed.
"""

import argparse
import json
from pathlib import Path

from flask import Flask, Response

DATA_FILE = Path(__file__).resolve().parent.parent / "app" / "todo_service" / "data" / "todos.json"

app = Flask(__name__)


@app.route("/")
def health():
    return Response(
        json.dumps({"message": "Nothing here, used for health check. Try /todos instead."}), mimetype="application/json"
    )


@app.route("/todos")
def todos():
    with open(DATA_FILE, encoding="utf-8") as f:
        data = json.load(f)
    response = Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    app.run(host="127.0.0.1", port=parser.parse_args().port)
