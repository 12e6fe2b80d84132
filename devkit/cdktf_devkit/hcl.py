"""Convert a synthesized stack (Terraform JSON) into Terraform's native syntax (HCL).

Used by ``make hcl`` when ``cdktf synth --hcl`` produces HCL that Terraform rejects (its converter
re-tokenizes JSON strings that carry interpolations, such as IAM policies and container
definitions). Terraform JSON strings are already templates, so each value carries over as is; only
the choice between ``name = value`` and a nested ``name { ... }`` block needs the provider's schema,
which ``terraform providers schema -json`` prints offline once the provider is installed.

``jsonencoded`` reads a ``${jsonencode(...)}`` that cdktf wrote back into data: the policy scan
(``cdktf_devkit.scan``) hands checkov each such document as JSON.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .toolchain import AWS_PROVIDER_VERSION, Toolchain

PROVIDER_KEY = "registry.terraform.io/hashicorp/aws"
META_REFERENCE_LISTS = {"depends_on"}
SECTIONS = {"//", "terraform", "provider", "data", "resource", "output", "moved"}
"""Top-level sections of a synthesized stack that ``convert`` writes (``//`` is cdktf's metadata, dropped)."""
TERRAFORM_BLOCKS = {"required_providers", "backend"}
TERRAFORM_NESTED_BLOCKS = {"cloud"}
Schema = dict[str, Any]


def provider_schema(tools: Toolchain) -> Schema:
    """The AWS provider's schema, cached under build/ for the pinned version."""
    cache = tools.build_dir / f"aws-provider-schema-{AWS_PROVIDER_VERSION}.json"
    if not cache.is_file():
        with tempfile.TemporaryDirectory() as workdir:
            required = {
                "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION}}}
            }
            (Path(workdir) / "main.tf.json").write_text(json.dumps(required))
            env = tools.env()
            subprocess.run(
                [tools.terraform, "init", "-backend=false", "-input=false"], cwd=workdir, env=env, check=True, capture_output=True
            )
            schema = subprocess.run(
                [tools.terraform, "providers", "schema", "-json"],
                cwd=workdir,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(schema)
    return json.loads(cache.read_text())["provider_schemas"][PROVIDER_KEY]


LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def string(value: str) -> str:
    """A JSON string as an HCL quoted template. Terraform reads both as the same template language:
    literal text is escaped for a quoted string, while ``${...}`` and ``%{...}`` are expressions and
    carry over verbatim (``${jsonencode({"a" = "b"})}`` keeps its quotes unescaped). Literal ``$${``
    and ``%%{`` stay as they are."""
    out: list[str] = []
    i = 0
    while i < len(value):
        if value.startswith(("$${", "%%{"), i):
            out.append(value[i : i + 3])
            i += 3
        elif value.startswith(("${", "%{"), i):
            end = _expression_end(value, i + 2)
            out.append(value[i:end])
            i = end
        else:
            out.append(LITERAL_ESCAPES.get(value[i], value[i]))
            i += 1
    return '"' + "".join(out) + '"'


def _expression_end(text: str, start: int) -> int:
    """Index just past the ``}`` that closes the template expression starting at ``start``."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _quoted_end(text, i + 1)
            continue
        if char in "{([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    raise ValueError(f"unterminated template expression in {text!r}")


def _quoted_end(text: str, start: int) -> int:
    """Index just past the closing quote of a string literal inside an expression (which may itself
    hold ``${...}``)."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(("$${", "%%{"), i):
            i += 3
        elif text.startswith(("${", "%{"), i):
            i = _expression_end(text, i + 2)
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    raise ValueError(f"unterminated string literal in a template expression of {text!r}")


JSONENCODE = "${jsonencode("
HCL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
Interpolation = Callable[[str], Any]


def jsonencoded(value: Any, interpolation: Interpolation) -> Any:
    """The argument of a template that is one ``${jsonencode(...)}`` call, as plain data (what
    Terraform would encode, with each expression replaced by ``interpolation(its text)``); ``None``
    for any other value. Reads what cdktf writes for ``Fn.jsonencode``: objects, tuples, quoted
    strings, numbers, ``true``, ``false`` and ``null``. Any other expression in it (a reference such
    as ``aws_s3_bucket.b.arn``, a function call), and each ``${...}`` inside a string, is handed to
    ``interpolation``; literal ``$${`` and ``%%{`` come out as ``${`` and ``%{``."""
    if not (isinstance(value, str) and value.startswith(JSONENCODE) and _expression_end(value, 2) == len(value)):
        return None
    decoded, end = _literal(value, len(JSONENCODE), interpolation)
    return decoded if value[_blank_end(value, end) :] == ")}" else None


def literal_text(text: str) -> str:
    """``text`` as a template that means exactly ``text``: ``${`` and ``%{`` escaped."""
    return text.replace("${", "$${").replace("%{", "%%{")


def _blank_end(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _literal(text: str, i: int, interpolation: Interpolation, stops: str = ",") -> tuple[Any, int]:
    """(value, index just past it) of the HCL value starting at or after ``i``; a bare expression
    ends at one of ``stops`` or at a closing bracket."""
    i = _blank_end(text, i)
    if text[i] == '"':
        end = _quoted_end(text, i + 1)
        return _template(text[i + 1 : end - 1], interpolation), end
    if text[i] == "{":
        return _collection(text, i + 1, "}", interpolation)
    if text[i] == "[":
        return _collection(text, i + 1, "]", interpolation)
    end = _bare_end(text, i, stops)
    bare = text[i:end].strip()
    if stops != ",":  # an object key: a bare name is the name itself
        return bare, end
    if bare in ("true", "false", "null") or NUMBER.fullmatch(bare):
        return json.loads(bare), end
    return interpolation(bare), end


def _collection(text: str, i: int, close: str, interpolation: Interpolation) -> tuple[Any, int]:
    """An object (``{"key" = value, ...}``, ``:`` also separates) or a tuple, from just past its opening bracket."""
    keys: list[Any] = []
    values: list[Any] = []
    i = _blank_end(text, i)
    while text[i] != close:
        if close == "}":
            key, i = _literal(text, i, interpolation, stops="=:")
            keys.append(key)
            i = _blank_end(text, i) + 1  # past = or :
        value, i = _literal(text, i, interpolation)
        values.append(value)
        i = _blank_end(text, i)
        i = _blank_end(text, i + 1) if text[i] == "," else i
    return (dict(zip(keys, values, strict=True)) if close == "}" else values), i + 1


def _bare_end(text: str, i: int, stops: str) -> int:
    """Index of the stop character or closing bracket, outside any bracket or string, that ends the
    bare expression at ``i``."""
    depth = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _quoted_end(text, i + 1)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif char in stops and depth == 0:
            return i
        i += 1
    raise ValueError(f"unterminated expression in {text!r}")


def _template(body: str, interpolation: Interpolation) -> Any:
    """The text of a quoted template (between its quotes) with escapes resolved; a template that is
    one ``${...}`` is ``interpolation(expression)``, any other holds each as ``str(interpolation(...))``."""
    out: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\":
            if body[i + 1] in "uU":
                width = 4 if body[i + 1] == "u" else 8
                out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
                i += 2 + width
            else:
                out.append(HCL_ESCAPES.get(body[i + 1], body[i + 1]))
                i += 2
        elif body.startswith(("$${", "%%{"), i):
            out.append(body[i + 1 : i + 3])
            i += 3
        elif body.startswith(("${", "%{"), i):
            end = _expression_end(body, i + 2)
            if i == 0 and end == len(body) and body[0] == "$":
                return interpolation(body[2 : end - 1].strip())
            out.append(str(interpolation(body[i + 2 : end - 1].strip())))
            i = end
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def expression(value: Any, indent: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return string(value)
    inner = indent + "  "
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "".join(f"{inner}{expression(item, inner)},\n" for item in value) + f"{indent}]"
    if not value:
        return "{}"
    return "{\n" + "".join(f"{inner}{string(k)} = {expression(v, inner)}\n" for k, v in value.items()) + f"{indent}}}"


def reference(value: str) -> str:
    """``"aws_lb_listener.x"`` or ``"${aws_lb_listener.x}"`` as a bare reference."""
    return value[2:-1] if value.startswith("${") and value.endswith("}") else value


def body(values: dict[str, Any], block: Schema | None, indent: str, top_level: bool = True) -> list[str]:
    """Arguments and nested blocks of one block; meta-arguments only at the top of a resource."""
    lines: list[str] = []
    nested = (block or {}).get("block_types", {})
    for key, value in values.items():
        if key == "//":
            continue
        if top_level and key in META_REFERENCE_LISTS:
            lines.append(f"{indent}{key} = [{', '.join(reference(v) for v in value)}]")
        elif top_level and key == "provider" and isinstance(value, str):
            lines.append(f"{indent}provider = {reference(value)}")
        elif top_level and key == "lifecycle":
            lines.append(f"{indent}lifecycle {{")
            for name, setting in value.items():
                if name == "ignore_changes" and isinstance(setting, list):
                    lines.append(f"{indent}  ignore_changes = [{', '.join(setting)}]")
                else:
                    lines.append(f"{indent}  {name} = {expression(setting, indent + '  ')}")
            lines.append(f"{indent}}}")
        elif key in nested:
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"{indent}{key} {{")
                lines.extend(body(item, nested[key]["block"], indent + "  ", top_level=False))
                lines.append(f"{indent}}}")
        else:
            lines.append(f"{indent}{key} = {expression(value, indent)}")
    return lines


def convert(stack: dict[str, Any], schema: Schema) -> str:
    """One stack's Terraform JSON as HCL (not yet canonically formatted: ``write_stacks`` runs
    ``terraform fmt``). Raises ValueError on a top-level section it cannot convert, rather than drop it."""
    unknown = sorted(set(stack) - SECTIONS)
    if unknown:
        raise ValueError(
            f"cannot convert the section(s) {', '.join(unknown)} to HCL: cdktf_devkit.hcl handles {', '.join(sorted(SECTIONS))}"
        )
    out: list[str] = ["# Plain Terraform converted from the synthesized stack by cdktf_devkit.hcl.", ""]
    terraform = stack.get("terraform", {})
    if terraform:
        out.append("terraform {")
        if "required_providers" in terraform:
            out.append("  required_providers {")
            for name, requirement in terraform["required_providers"].items():
                source = requirement.get("source", "")
                requirement = {**requirement, "source": f"hashicorp/{source}" if source and "/" not in source else source}
                out.append(f"    {name} = {expression(requirement, '    ')}")
            out.append("  }")
        for kind, settings in terraform.get("backend", {}).items():
            out.append(f'  backend "{kind}" {{')
            out.extend(body(settings, None, "    "))
            out.append("  }")
        for key, value in terraform.items():
            if key in TERRAFORM_BLOCKS:
                continue
            if key in TERRAFORM_NESTED_BLOCKS:
                out.append(f"  {key} {{")
                out.extend(body(value, None, "    ", top_level=False))
                out.append("  }")
            else:  # required_version and other plain arguments
                out.append(f"  {key} = {expression(value, '  ')}")
        out += ["}", ""]
    for name, configs in stack.get("provider", {}).items():
        for config in configs if isinstance(configs, list) else [configs]:
            out.append(f'provider "{name}" {{')
            out.extend(body(config, schema["provider"]["block"], "  "))
            out += ["}", ""]
    for section, schemas in (("data", schema["data_source_schemas"]), ("resource", schema["resource_schemas"])):
        for kind, items in stack.get(section, {}).items():
            block = schemas.get(kind, {}).get("block")
            for name, values in items.items():
                out.append(f'{section} "{kind}" "{name}" {{')
                out.extend(body(values, block, "  "))
                out += ["}", ""]
    for move in stack.get("moved", []):  # a resource whose address changed (Terraform's moved block)
        out += ["moved {", f"  from = {reference(move['from'])}", f"  to   = {reference(move['to'])}", "}", ""]
    for name, values in stack.get("output", {}).items():
        out.append(f'output "{name}" {{')
        out.extend(body(values, None, "  "))
        out += ["}", ""]
    return "\n".join(out)


def write_stacks(tools: Toolchain, synth_dir: Path, out_dir: Path) -> list[Path]:
    """Convert every stack of a synth directory into out_dir/stacks/<stack>/main.tf, in Terraform's
    canonical format (``terraform fmt``, so ``terraform fmt -check`` passes on what is written)."""
    schema = provider_schema(tools)
    written = []
    for source in sorted(synth_dir.glob("stacks/*/cdk.tf.json")):
        target = out_dir / "stacks" / source.parent.name / "main.tf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(convert(json.loads(source.read_text()), schema))
        written.append(target)
    if written:
        formatted = subprocess.run(
            [tools.terraform, "fmt", "-list=false", "-no-color", *(str(path) for path in written)],
            env=tools.env(),
            capture_output=True,
            text=True,
        )
        if formatted.returncode != 0:
            raise RuntimeError(f"terraform fmt rejected the converted HCL:\n{formatted.stderr.strip()}")
    return written
