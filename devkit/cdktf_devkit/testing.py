"""Synthesize a cdktf app, then plan, apply and destroy its stacks with real Terraform (tftest)
against the local AWS. The pytest plugin (``cdktf_devkit.plugin``) builds these for a session;
they work the same without pytest.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .deploy import stacks_in_waves
from .localaws import LocalAwsSettings
from .toolchain import Toolchain

AppFactory = Callable[[LocalAwsSettings, str], Any]
"""``(settings, outdir) -> cdktf.App``: builds the app pointed at the local AWS, writing into ``outdir``."""

CROSS_STACK_OUTPUT_PREFIX = "cross-stack-output-"  # cdktf's plumbing for cross-stack references


@dataclass(frozen=True)
class Synth:
    """A synthesized app: its cdktf.out-style directory and each stack's Terraform JSON."""

    outdir: Path
    stacks: dict[str, dict[str, Any]]

    def stack_dir(self, name: str) -> Path:
        """The directory of one synthesized stack (``cdk.tf.json`` and its assets)."""
        return self.outdir / "stacks" / name

    def resources(self, stack: str, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical id -> configuration of every ``resource_type`` resource in ``stack``."""
        return self.stacks[stack].get("resource", {}).get(resource_type, {})

    @property
    def waves(self) -> list[list[str]]:
        """Stack names in dependency waves: each wave depends only on the waves before it."""
        return stacks_in_waves(json.loads((self.outdir / "manifest.json").read_text()))

    @property
    def order(self) -> list[str]:
        """Stack names, each after the stacks it depends on."""
        return [stack for wave in self.waves for stack in wave]


def synthesize(app_factory: AppFactory, settings: LocalAwsSettings, outdir: Path) -> Synth:
    """Build the app with ``app_factory`` and synthesize it into ``outdir``."""
    app = app_factory(settings, str(outdir))
    app.synth()
    stacks = {path.parent.name: json.loads(path.read_text()) for path in sorted((outdir / "stacks").glob("*/cdk.tf.json"))}
    if not stacks:
        raise ValueError(f"the app wrote no stack into {outdir}: does its factory pass outdir to App(outdir=...)?")
    return Synth(outdir=outdir, stacks=stacks)


class Plan:
    """A stack's plan, as Terraform's JSON plan (``raw``, a tftest ``TerraformPlanOutput``) plus
    helpers that read like the assertion: ``resources(type)``, ``resource(type or address)``,
    ``actions(address)``, ``changes``, ``outputs``, ``is_clean``."""

    def __init__(self, stack: str, raw: Any) -> None:
        self.stack = stack
        self.raw = raw

    def resources(self, resource_type: str) -> list[dict[str, Any]]:
        """Planned values of every managed resource of ``resource_type`` (unknown values are absent)."""
        return [r["values"] for r in self._managed() if r["type"] == resource_type]

    def resource(self, type_or_address: str) -> dict[str, Any]:
        """Planned values of one resource: by address (``aws_vpc.network_vpc_1A2B``), or by type when
        the plan holds exactly one of it."""
        if type_or_address in self.addresses:
            return next(r["values"] for r in self._managed() if r["address"] == type_or_address)
        found = self.resources(type_or_address)
        if len(found) != 1:
            raise LookupError(
                f"{self.stack} plans {len(found)} {type_or_address} resources, not one: name one by address ({self._addresses_of(type_or_address)})"
            )
        return found[0]

    @property
    def addresses(self) -> list[str]:
        """Address of every planned managed resource."""
        return [r["address"] for r in self._managed()]

    @property
    def changes(self) -> dict[str, tuple[str, ...]]:
        """Address -> actions (``("create",)``, ``("update",)``, ``("delete", "create")``, ``("no-op",)``, ...)."""
        return {address: tuple(change["change"]["actions"]) for address, change in self.raw.resource_changes.items()}

    def actions(self, address: str) -> tuple[str, ...]:
        """The actions planned for one resource address."""
        try:
            return self.changes[address]
        except KeyError:
            raise LookupError(f"{self.stack} plans no change for {address}; it has {sorted(self.changes)}") from None

    @property
    def pending(self) -> dict[str, tuple[str, ...]]:
        """The changes that are not ``no-op`` or ``read``: what an apply would do."""
        return {address: actions for address, actions in self.changes.items() if actions not in (("no-op",), ("read",))}

    @property
    def is_clean(self) -> bool:
        """Nothing to do: no resource change and no output change."""
        outputs_changed = any(
            tuple(o.get("actions", ())) not in ((), ("no-op",)) for o in self.raw.get("output_changes", {}).values()
        )
        return not self.pending and not outputs_changed

    @property
    def outputs(self) -> dict[str, Any]:
        """Output name -> planned value (None while unknown until apply), without cdktf's cross-stack plumbing."""
        raw = self.raw.get("planned_values", {}).get("outputs", {})
        return {name: body.get("value") for name, body in raw.items() if not name.startswith(CROSS_STACK_OUTPUT_PREFIX)}

    def _managed(self) -> Iterator[dict[str, Any]]:
        return (r for r in self.raw.resources.values() if r["mode"] == "managed")

    def _addresses_of(self, resource_type: str) -> str:
        return ", ".join(r["address"] for r in self._managed() if r["type"] == resource_type) or "none"


class StackError(RuntimeError):
    """A terraform command of a stack failed; the message holds the end of its output."""


class Stacks:
    """Terraform for each stack of one synth, in a private working directory per stack (initialised
    once), against the local AWS. ``plan``, ``apply``, ``destroy``, ``apply_all``, ``destroy_all``,
    ``outputs``, ``assert_plans_clean``."""

    def __init__(self, synth: Synth, tools: Toolchain, local_aws: LocalAwsSettings, workdir: Path) -> None:
        self.synth, self.tools, self.local_aws, self.workdir = synth, tools, local_aws, workdir
        self.env = tools.env(local_aws.env())
        self._terraform: dict[str, Any] = {}
        self._saved_plans: dict[str, Path] = {}  # stack -> plan file no apply or destroy has made stale
        self.applied: list[str] = []

    def terraform(self, stack: str) -> Any:
        """The initialised ``tftest.TerraformTest`` of ``stack`` (for anything the helpers do not cover)."""
        if stack not in self._terraform:
            import tftest

            if stack not in self.synth.stacks:
                raise LookupError(f"no stack {stack!r} in the synth; it has {sorted(self.synth.stacks)}")
            directory = self.workdir / stack
            if not directory.exists():
                shutil.copytree(self.synth.stack_dir(stack), directory)
            terraform = tftest.TerraformTest(tfdir=str(directory), binary=self.tools.terraform, env=self.env)
            self._run(stack, "init", lambda: terraform.setup(cleanup_on_exit=False))
            self._terraform[stack] = terraform
        return self._terraform[stack]

    def plan(self, stack: str) -> Plan:
        """``terraform plan`` of ``stack`` against what is deployed. A stack that reads another's
        outputs needs that stack applied first (``apply``/``apply_all``)."""
        plan_file, _ = self._plan(stack)
        return self._show(stack, plan_file)

    def apply(self, stack: str) -> dict[str, Any]:
        """``terraform apply`` of ``stack``; returns its outputs. Right after ``plan(stack)`` (no apply or
        destroy in between) it applies that saved plan, so what the test asserted is what is applied."""
        terraform = self.terraform(stack)
        saved = self._saved_plans.pop(stack, None)
        arguments = ["-input=false", "-no-color", str(saved)] if saved else ["-input=false", "-no-color", "-auto-approve"]
        self._run(stack, "apply", lambda: terraform.execute_command("apply", *arguments))
        self._saved_plans.clear()
        if stack not in self.applied:
            self.applied.append(stack)
        return self.outputs(stack)

    def destroy(self, stack: str) -> None:
        """``terraform destroy`` of ``stack``."""
        terraform = self.terraform(stack)
        self._run(stack, "destroy", lambda: terraform.destroy())
        self._saved_plans.clear()
        if stack in self.applied:
            self.applied.remove(stack)

    def outputs(self, stack: str) -> dict[str, Any]:
        """Output name -> value from the stack's state, without cdktf's cross-stack plumbing."""
        terraform = self.terraform(stack)
        values = self._run(stack, "output", lambda: terraform.output())
        return {name: values[name] for name in values if not name.startswith(CROSS_STACK_OUTPUT_PREFIX)}

    def apply_all(self) -> dict[str, dict[str, Any]]:
        """Apply every stack in dependency order; stack -> outputs."""
        return {stack: self.apply(stack) for stack in self.synth.order}

    def destroy_all(self) -> None:
        """Destroy every stack in reverse dependency order."""
        for stack in reversed(self.synth.order):
            self.destroy(stack)

    def assert_plans_clean(self, stack: str) -> None:
        """Fail naming every pending change unless ``stack`` plans no change."""
        plan_file, changed = self._plan(stack)
        if changed:
            plan = self._show(stack, plan_file)
            raise AssertionError(f"{stack} does not plan clean: {plan.pending or 'outputs change'}")

    def _plan(self, stack: str) -> tuple[Path, bool]:
        """Plan ``stack`` into a saved plan file; (the file, whether anything would change)."""
        terraform = self.terraform(stack)
        plan_file = Path(terraform.tfdir) / "devkit.tfplan"
        arguments = ["-input=false", "-no-color", "-detailed-exitcode", f"-out={plan_file}"]
        result = self._run(stack, "plan", lambda: terraform.execute_command("plan", *arguments))
        self._saved_plans[stack] = plan_file
        return plan_file, result.retcode == 2

    def _show(self, stack: str, plan_file: Path) -> Plan:
        import tftest

        terraform = self.terraform(stack)
        shown = self._run(stack, "plan", lambda: terraform.execute_command("show", "-no-color", "-json", str(plan_file)))
        return Plan(stack, tftest.TerraformPlanOutput(json.loads(shown.out)))

    def _run(self, stack: str, what: str, call: Callable[[], Any]) -> Any:
        import tftest

        try:
            return call()
        except tftest.TerraformTestError as error:
            hint = ""
            dependencies = self._dependencies(stack)
            if what == "plan" and dependencies:
                hint = f" (it reads outputs of {', '.join(dependencies)}: apply them first)"
            raise StackError(f"terraform {what} of {stack} failed{hint}:\n{str(error)[-4000:]}") from None

    def _dependencies(self, stack: str) -> list[str]:
        manifest = json.loads((self.synth.outdir / "manifest.json").read_text())
        return list(manifest["stacks"].get(stack, {}).get("dependencies", []))


def self_signed_certificate(domain: str, days: int = 30) -> tuple[bytes, bytes]:
    """A PEM certificate and its private key for ``domain``, to import into the local AWS's ACM
    (``local_aws.client("acm").import_certificate(...)``) for a stack that looks a certificate up."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    private = key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    return certificate.public_bytes(pem), private
