"""Read the JSON documents of a synthesized stack back as Python values.

The library builds token-bearing JSON (IAM policies, container definitions, event patterns) with
``Fn.jsonencode``, so the synthesized attribute is a Terraform expression such as
``${jsonencode({"Effect" = "Allow", "Resource" = aws_s3_bucket.b.arn})}``. ``decode`` turns it into the
value Terraform would produce, with each reference written as ``"${reference}"`` (what ``json.dumps``
around a token used to give), so tests can compare documents. Plain JSON strings are decoded too.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PREFIX, _SUFFIX = "${jsonencode(", ")}"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def decode(text: str) -> Any:
    """The value of a ``${jsonencode(...)}`` expression or of a JSON string."""
    if not (text.startswith(_PREFIX) and text.endswith(_SUFFIX)):
        return json.loads(text)
    parser = _Parser(text[len(_PREFIX) : -len(_SUFFIX)])
    value = parser.value()
    parser.skip_space()
    if parser.pos != len(parser.text):
        raise ValueError(f"trailing text at {parser.pos}: {parser.text[parser.pos : parser.pos + 40]!r}")
    return value


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n\r":
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r} at {self.pos}: {self.text[self.pos : self.pos + 40]!r}")
        self.pos += 1

    def value(self) -> Any:
        char = self.peek()
        if char == "{":
            return self.mapping()
        if char == "[":
            return self.sequence()
        if char == '"':
            return self.string()
        return self.bare()

    def mapping(self) -> dict:
        self.expect("{")
        result = {}
        while self.peek() != "}":
            key = self.string() if self.peek() == '"' else self.bare()
            self.skip_space()
            if self.text[self.pos] not in "=:":
                raise ValueError(f"expected '=' at {self.pos}")
            self.pos += 1
            result[key] = self.value()
            if self.peek() == ",":
                self.pos += 1
        self.expect("}")
        return result

    def sequence(self) -> list:
        self.expect("[")
        result = []
        while self.peek() != "]":
            result.append(self.value())
            if self.peek() == ",":
                self.pos += 1
        self.expect("]")
        return result

    def string(self) -> str:
        self.expect('"')
        out, depth = [], 0
        while True:
            char = self.text[self.pos]
            if char == "\\":
                out.append(_ESCAPES.get(self.text[self.pos + 1], self.text[self.pos + 1]))
                self.pos += 2
                continue
            if self.text.startswith("$${", self.pos) or self.text.startswith("%%{", self.pos):
                out.append(self.text[self.pos + 1 : self.pos + 3])  # escaped template sequence: literal
                self.pos += 3
                continue
            if self.text.startswith("${", self.pos):
                depth += 1
                out.append("${")
                self.pos += 2
                continue
            if char == "}" and depth:
                depth -= 1
            elif char == '"' and not depth:
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1

    def bare(self) -> Any:
        self.skip_space()
        match = re.match(r"[^,\]\}=\s]+(?:\[[^\]]*\][^,\]\}=\s]*)*", self.text[self.pos :])
        if not match:
            raise ValueError(f"unexpected text at {self.pos}: {self.text[self.pos : self.pos + 40]!r}")
        token = match.group(0)
        self.pos += len(token)
        if token in ("true", "false"):
            return token == "true"
        if token == "null":
            return None
        if re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", token):
            return json.loads(token)
        return "${" + token + "}"
