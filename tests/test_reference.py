"""docs/REFERENCE.md is generated from the code (the construct library and the devkit's pytest plugin) and must match it."""

from __future__ import annotations

import dataclasses

import pytest

import cdktf_fargate
from cdktf_devkit import reference
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

PACKAGE = "cdktf_fargate"


def test_reference_is_up_to_date():
    assert reference.is_current(ROOT / "docs" / "REFERENCE.md", PACKAGE), "docs/REFERENCE.md is stale: run 'make reference'"


def test_reference_covers_every_fixture_of_the_plugin():
    text = reference.render(PACKAGE)
    for fixture in ("local_aws_settings", "local_aws", "cdktf_app", "terraform_toolchain"):
        assert f"| `{fixture}` | session |" in text
    for fixture in ("cdktf_synth", "terraform"):  # one per app, made once per session
        assert f"| `{fixture}` | module |" in text


@pytest.mark.parametrize("config", [name for name in cdktf_fargate.__all__ if name.endswith("Config")])
def test_every_config_field_documents_its_default(config):
    cls = getattr(cdktf_fargate, config)
    docs = reference.field_docs(cls)
    undocumented = [f.name for f in dataclasses.fields(cls) if not docs.get(f.name)]
    assert undocumented == []
    missing_default = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING and "Default" not in docs[f.name] and "default" not in docs[f.name]
    ]
    assert missing_default == []
