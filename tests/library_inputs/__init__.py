"""Inputs the construct library's own tests hand to the constructs: a buildspec and a site of no app
in particular (the TodoList app's are tested with the app)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILDSPEC = HERE / "buildspec.yml"
BLUE_GREEN_BUILDSPEC = HERE / "buildspec_blue_green.yml"
WEB_DIR = HERE / "site"
