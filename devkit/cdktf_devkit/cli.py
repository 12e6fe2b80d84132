"""``python -m cdktf_devkit COMMAND``: parse the command line and dispatch to the module that does the job."""

from __future__ import annotations

import argparse
import sys

from . import deploy, toolchain
from .errors import PrerequisiteError
from .localaws import serve
from .project import Project, load, target_of

say = deploy.say


def cmd_reference(package: str, check: bool) -> int:
    from . import reference

    path = toolchain.project_root() / "docs" / "REFERENCE.md"
    if check:
        if reference.is_current(path, package):
            return 0
        print(f"error: {path} is stale: run 'python -m cdktf_devkit reference --package {package}'", file=sys.stderr)
        return 1
    reference.write(path, package)
    say(f"wrote {path}")
    return 0


def cmd_scan(project: Project, record: bool) -> int:
    from . import scan

    root = toolchain.project_root()
    environments = dict(project.scan_environments)
    say(f"policy scan (checkov) of the {' and '.join(environments)} synth of every stack")
    results = scan.scan(root, root / "build", environments)
    for line in scan.table(results):
        print(f"  {line}")
    problems = [
        f"{target} {stack}: {kind} {item}"
        for target, by_stack in results.items()
        for stack, r in sorted(by_stack.items())
        for kind, items in (("FAILED", r.failed), ("STALE NOTE", r.stale))
        for item in items
    ]
    doc = root / "docs" / "SECURITY.md"
    text = scan.document(results)
    if record:
        say(f"{'updated' if scan.record(doc, text) else 'unchanged'}: {doc.relative_to(root)}")
    elif scan.documented(doc) != text:
        problems.append(f"{doc.relative_to(root)} does not hold these figures: run 'make scan RECORD=1'")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        say("scan passed: no failed check, every suppression noted next to its resource")
    return 1 if problems else 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cdktf_devkit", description=__doc__)
    parser.add_argument(
        "--project", help="the app's devkit hooks as module:attribute (default: [tool.cdktf-devkit] project in pyproject.toml)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check prerequisites and write the Terraform CLI config")
    serve_parser = sub.add_parser("serve-local-aws", help="run the local AWS in the foreground")
    serve_parser.add_argument("--port", type=int, required=True)
    serve_parser.add_argument("--without-compat", action="store_true", help="plain moto, without the compatibility layer")
    sub.add_parser("bootstrap", help="create the Terraform state bucket")
    verbs = {
        "up": "start the local AWS, bootstrap state, deploy the stacks, print the outputs",
        "deploy": "terraform apply of the stacks, in dependency order",
        "diff": "terraform plan of the stacks, all at once",
        "destroy": "terraform destroy of the stacks, each after the stacks that read its outputs",
    }
    for verb, text in verbs.items():
        verb_parser = sub.add_parser(verb, help=f"{text} (VERBOSE=1 streams Terraform's output)")
        verb_parser.add_argument("stacks", nargs="*", default=["*"], help="stack names (default: every stack)")
    sub.add_parser("synth", help="run the app command of cdktf.json into the synth directory")
    sub.add_parser("outputs", help="print the outputs of the last deploy")
    hcl_parser = sub.add_parser("hcl", help="write every stack as plain Terraform (HCL)")
    hcl_parser.add_argument("--output", default="hcl", help="directory to write into (default: hcl)")
    sub.add_parser("down", help="run the project's before_down hook and stop the local AWS")
    reference_parser = sub.add_parser("reference", help="write docs/REFERENCE.md from a construct library and the pytest plugin")
    reference_parser.add_argument("--package", required=True, help="the construct library's import name")
    reference_parser.add_argument("--check", action="store_true", help="fail if docs/REFERENCE.md is stale")
    scan_parser = sub.add_parser("scan", help="checkov over every synthesized stack; fails on a failed check")
    scan_parser.add_argument("--record", action="store_true", help="write the figures into docs/SECURITY.md")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "serve-local-aws":
        serve(args.port, compat_layer=not args.without_compat)
        return 0
    if args.command == "reference":
        return cmd_reference(args.package, args.check)
    user_errors: tuple[type[BaseException], ...] = ()
    try:
        project = load(args.project, toolchain.project_root())
        user_errors = project.user_errors
        if args.command == "scan":
            return cmd_scan(project, args.record)
        target = target_of(project)
        if args.command == "check":
            tools = deploy.tools_for(target)
            say(f"ok: terraform {tools.terraform}, cdktf {tools.cdktf}, providers from {tools.mirror or 'the registry'}")
        elif args.command == "bootstrap":
            deploy.bootstrap(target)
        elif args.command == "up":
            deploy.up(project, target, args.stacks)
        elif args.command == "diff":
            deploy.diff(target, args.stacks)
        elif args.command == "deploy":
            deploy.deploy(target, args.stacks)
        elif args.command == "destroy":
            deploy.destroy(target, args.stacks)
        elif args.command == "synth":
            deploy.synth(deploy.tools_for(target))
        elif args.command == "hcl":
            from . import hcl

            tools = deploy.tools_for(target)
            deploy.synth(tools)
            for path in hcl.write_stacks(tools, tools.synth_dir, tools.root / args.output):
                say(f"wrote {path.relative_to(tools.root)}")
        elif args.command == "outputs":
            deploy.print_outputs(deploy.outputs_file(deploy.tools_for(target).build_dir, target))
        elif args.command == "down":
            deploy.down(project, target, toolchain.project_root())
    except PrerequisiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        if isinstance(error, user_errors):
            print(f"error: {error}", file=sys.stderr)
            return 1
        raise
    return 0
