"""Helpers for values that Terraform would otherwise interpret."""


def literal(text: str) -> str:
    """Escape Terraform's template sequences (``${`` and ``%{``) so that ``text`` reaches AWS unchanged:
    shell variables in a buildspec, template literals in JavaScript."""
    return text.replace("${", "$${").replace("%{", "%%{")
