"""docs/REFERENCE.md is generated from the code and must match it."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import ROOT
from cdktf_devkit import reference

pytestmark = pytest.mark.unit


def test_reference_is_up_to_date():
    assert reference.is_current(ROOT / "docs" / "REFERENCE.md"), "docs/REFERENCE.md is stale: run 'python -m cdktf_devkit reference'"


@pytest.mark.parametrize(("module", "construct", "config"), reference.CONSTRUCTS)
def test_every_config_field_documents_its_default(module, construct, config):
    import importlib

    cls = getattr(importlib.import_module(f"cdktf_fargate.{module}"), config)
    docs = reference.field_docs(cls)
    undocumented = [f.name for f in dataclasses.fields(cls) if not docs.get(f.name)]
    assert undocumented == []
    missing_default = [f.name for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING and "Default" not in docs[f.name] and "default" not in docs[f.name]]
    assert missing_default == []
