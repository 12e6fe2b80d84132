"""The construct library stays in short functions, and writes each kind of IAM statement and log group in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cdktf_fargate

pytestmark = pytest.mark.unit

LIBRARY = Path(cdktf_fargate.__file__).parent
MAX_FUNCTION_LINES = 60
SHARED_HELPERS = {
    # text that only its helper writes -> the module of that helper
    '"ecr:GetAuthorizationToken"': "_iam.py",
    '"ecr:BatchGetImage"': "_iam.py",
    '"logs:CreateLogStream"': "_iam.py",
    '"logs:PutLogEvents"': "_iam.py",
    '"iam:PassRole"': "_iam.py",
    "CloudwatchLogGroup(": "_logs.py",
    '"CKV_AWS_158"': "_logs.py",
}


def library_files() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def function_lengths(path: Path) -> list[tuple[str, int]]:
    """(line and name, lines from ``def`` to the end of the body) of every function and method in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        (f"{node.lineno} {node.name}", node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def test_function_lengths_are_measured_from_def_to_the_end_of_the_body(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("@decorator\ndef f(\n    a,\n):\n    x = 1\n\n    return x\n")
    assert [length for _, length in function_lengths(source)] == [6]


def test_no_function_in_the_library_is_over_60_lines():
    long = [
        f"{path.relative_to(LIBRARY)}:{where} ({length} lines)"
        for path in library_files()
        for where, length in function_lengths(path)
        if length > MAX_FUNCTION_LINES
    ]
    assert not long, f"split into short methods, one per part: {long}"


@pytest.mark.parametrize("text", sorted(SHARED_HELPERS))
def test_each_kind_of_statement_and_log_group_is_written_by_its_helper_only(text):
    home = SHARED_HELPERS[text]
    elsewhere = [str(p.relative_to(LIBRARY)) for p in library_files() if p.name != home and text in p.read_text()]
    assert not elsewhere, f"{text} is written in {elsewhere}: use the helper in {home}"
