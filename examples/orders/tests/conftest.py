"""The Orders app handed to the cdktf-devkit pytest plugin: that is all a team writes to plan its stacks."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from unittest import mock

import pytest

APP = Path(__file__).resolve().parent.parent / "main.py"


def load_app():
    """examples/orders/main.py under its own module name (the repository's root has a main.py too)."""
    spec = importlib.util.spec_from_file_location("orders_app", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def cdktf_app():
    orders = load_app()

    def build(settings, outdir):
        # The app reads its target from ORDERS_* variables: point them at the plugin's local AWS.
        variables = {
            "ORDERS_ENV": "local",
            "ORDERS_LOCAL_AWS_PORT": str(settings.port),
            "ORDERS_REGION": settings.region,
            "ORDERS_STATE_BUCKET": settings.state_bucket,
        }
        with mock.patch.dict(os.environ, variables):
            return orders.build_app(outdir)

    return build
