"""The releases app handed to the cdktf-devkit pytest plugin."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "main.py"


def load_app():
    """examples/releases/main.py under its own module name (the repository's root has a main.py too)."""
    spec = importlib.util.spec_from_file_location("releases_app", APP)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RELEASES = load_app()


@pytest.fixture(scope="session")
def cdktf_app():
    def build(settings, outdir):
        environment = RELEASES.Environment(local_port=settings.port, region=settings.region, state_bucket=settings.state_bucket)
        return RELEASES.build_app(outdir, environment)

    return build
