"""AWS naming rules in one place: one :class:`NameRule` per kind of name the library sets or derives.

A rule does three things:

- ``check(field, value)`` refuses, with :class:`ConfigError`, a name the user set that AWS would reject
  (characters, length, first and last character, reserved prefixes and suffixes). A Terraform token
  (a lookup, another stack's output) is not checked: only Terraform knows its value.
- ``fit(text)`` turns a name the library derives (``f"{service_name}-nlb"``) into a valid one. A text
  that already obeys the rule is kept as it is; any other is cleaned (characters replaced, reserved
  prefixes dropped), cut to length and given a short stable hash of the whole text, so two different
  texts never end up as the same name.
- ``unique(construct, suffix)`` builds a default name from the construct's path, like AWS CDK's
  ``Names.uniqueResourceName``: a readable part from the path and an 8-character hash of the full path,
  so two constructs with default names never collide in one account and region.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._tokens import is_unresolved
from .errors import ConfigError

if TYPE_CHECKING:
    from constructs import Construct

HASH_LENGTH = 8


def stable_hash(text: str) -> str:
    """8 lowercase hex characters of the MD5 of ``text`` (not for security: a short stable suffix)."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class NameRule:
    """What AWS accepts as one kind of name."""

    kind: str
    """What the name names, for messages: ``"IAM role name"``."""
    max_length: int
    chars: str
    """Regular-expression character class body of the allowed characters, like ``A-Za-z0-9_-``."""
    chars_text: str
    """The allowed characters in words, for messages."""
    min_length: int = 1
    first: str | None = None
    """Character class body the first character must be in (None: any allowed character)."""
    last: str | None = None
    """Character class body the last character must be in (None: any allowed character)."""
    reserved_prefixes: tuple[str, ...] = ()
    """Prefixes AWS keeps for itself (compared without case)."""
    reserved_suffixes: tuple[str, ...] = ()
    no_runs: str = ""
    """Characters that must not follow one another (``.`` in S3: no ``..``)."""
    pattern: str | None = None
    """A full regular expression the name must also match (ECR's path segments)."""
    separators: str = ""
    """Characters of which no two may stand together when deriving a name (ECR: ``._-/``)."""
    lowercase: bool = False
    separator: str = "-"

    # ----------------------------------------------------------------- describing and checking

    def describe(self) -> str:
        """What is allowed, in words: ``IAM role names must be 1-64 characters of letters, digits and '+=,.@_-'``."""
        length = f"{self.min_length}-{self.max_length}" if self.min_length != self.max_length else str(self.max_length)
        parts = [f"{self.kind}s must be {length} characters of {self.chars_text}"]
        if self.first:
            parts.append(f"start with {self._class_text(self.first)}")
        if self.last:
            parts.append(f"end with {self._class_text(self.last)}")
        if self.reserved_prefixes:
            parts.append("not start with " + " or ".join(repr(p) for p in self.reserved_prefixes))
        if self.reserved_suffixes:
            parts.append("not end with " + " or ".join(repr(x) for x in self.reserved_suffixes))
        if self.no_runs:
            parts.append("hold no " + " or ".join(repr(c * 2) for c in self.no_runs))
        return ", ".join(parts)

    @staticmethod
    def _class_text(body: str) -> str:
        words = {
            "A-Za-z0-9": "a letter or digit",
            "a-z0-9": "a lowercase letter or digit",
            "A-Za-z": "a letter",
            "a-z": "a lowercase letter",
        }
        return words.get(body, f"one of [{body}]")

    def problem(self, value: str) -> str | None:
        """What is wrong with ``value`` (None when it obeys the rule)."""
        if not self.min_length <= len(value) <= self.max_length:
            return f"is {len(value)} characters long"
        if not re.fullmatch(f"[{self.chars}]*", value):
            bad = sorted(set(re.sub(f"[{self.chars}]", "", value)))
            return "holds " + ", ".join(repr(c) for c in bad)
        if self.first and not re.match(f"[{self.first}]", value):
            return f"starts with {value[0]!r}"
        if self.last and not re.fullmatch(f"[{self.last}]", value[-1]):
            return f"ends with {value[-1]!r}"
        for prefix in self.reserved_prefixes:
            if value.lower().startswith(prefix.lower()):
                return f"starts with the reserved {prefix!r}"
        for suffix in self.reserved_suffixes:
            if value.lower().endswith(suffix.lower()):
                return f"ends with the reserved {suffix!r}"
        for char in self.no_runs:
            if char * 2 in value:
                return f"holds {char * 2!r}"
        if self.pattern and not re.fullmatch(self.pattern, value):
            return "does not have the required form"
        return None

    def is_valid(self, value: Any) -> bool:
        return isinstance(value, str) and self.problem(value) is None

    def check(self, field: str, value: Any) -> Any:
        """Refuse ``value`` unless AWS accepts it as this kind of name. Tokens pass unchecked."""
        if is_unresolved(value):
            if not isinstance(value, str):
                raise ConfigError(field, value, f"must be a string: {self.describe()}")
            return value
        if not isinstance(value, str):
            raise ConfigError(field, value, f"must be a string: {self.describe()}")
        problem = self.problem(value)
        if problem is not None:
            raise ConfigError(field, value, f"{problem}; {self.describe()}")
        return value

    # ----------------------------------------------------------------- deriving

    def fit(self, text: str, *, hash_of: str | None = None) -> str:
        """``text`` if it obeys the rule, else a valid name made from it with a stable hash of it.

        ``hash_of`` (default ``text``) is what the hash is taken of. A text that holds a token is
        returned unchanged: only Terraform knows it (callers derive from the construct path instead).
        """
        if is_unresolved(text):
            return text
        if self.is_valid(text):
            return text
        return self._with_hash(text, stable_hash(hash_of if hash_of is not None else text))

    def derive(self, construct: Construct, text: str, suffix: str) -> str:
        """``fit(text)``; when ``text`` holds a token (only Terraform knows it, so its length and characters
        are unknown), ``unique(construct, suffix)`` instead."""
        return self.unique(construct, suffix) if is_unresolved(text) else self.fit(text)

    def unique(self, construct: Construct, suffix: str = "") -> str:
        """A name for ``construct`` from its path (``Stack/parent/id``): readable part, then the hash of the path."""
        path = construct.node.path + (f"/{suffix}" if suffix else "")
        components = [c for c in path.split("/") if c and c not in ("Default", "Resource")]
        return self._with_hash(self.separator.join(components), stable_hash(path))

    def _with_hash(self, text: str, digest: str) -> str:
        sep = self.separator
        cleaned = text.lower() if self.lowercase else text
        cleaned = re.sub(f"[^{self.chars}]+", sep, cleaned)
        for char in self.no_runs + sep:
            cleaned = re.sub(re.escape(char) + "{2,}", char, cleaned)
        if self.separators:
            run = f"[{re.escape(self.separators)}]{{2,}}"
            cleaned = re.sub(run, lambda m: "/" if "/" in m.group() else m.group()[0], cleaned)
        cleaned = self._trim(cleaned)
        changed = True
        while changed:  # drop reserved prefixes (they could repeat: 'sg-sg-x')
            changed = False
            for prefix in self.reserved_prefixes:
                if cleaned.lower().startswith(prefix.lower()):
                    cleaned, changed = self._trim(cleaned[len(prefix) :]), True
        room = self.max_length - len(sep) - len(digest)
        head = self._trim(cleaned[: max(room, 0)])
        name = f"{head}{sep}{digest}" if head else digest
        if self.first and not re.match(f"[{self.first}]", name):
            name = ("n" + name)[: self.max_length]
        problem = self.problem(name)
        if problem is not None:  # a rule this function cannot satisfy is a bug in the rule table
            raise AssertionError(f"{self.kind}: derived {name!r} {problem}")
        return name

    def _trim(self, head: str) -> str:
        """Strip characters that may not start or end a name, and separators at the ends."""
        strip = set(self.separator + self.no_runs + "._/-")
        while head and (head[0] in strip or (self.first and not re.match(f"[{self.first}]", head[0]))):
            head = head[1:]
        while head and head[-1] in strip:
            head = head[:-1]
        return head


# ----------------------------------------------------------------------------------- the rules
# Sources: the "Constraints"/"Length constraints"/"Pattern" sections of each service's API reference.

_ALNUM = "A-Za-z0-9"
_NAME_CHARS = "letters, digits, '-' and '_'"

ECS_CLUSTER = NameRule("ECS cluster name", 255, "A-Za-z0-9_-", _NAME_CHARS)
ECS_SERVICE = NameRule("ECS service name", 255, "A-Za-z0-9_-", _NAME_CHARS)
TASK_FAMILY = NameRule("task definition family", 255, "A-Za-z0-9_-", _NAME_CHARS)
CONTAINER = NameRule("container name", 255, "A-Za-z0-9_-", _NAME_CHARS)
LOAD_BALANCER = NameRule(
    "load balancer name",
    32,
    "A-Za-z0-9-",
    "letters, digits and '-'",
    first=_ALNUM,
    last=_ALNUM,
    reserved_prefixes=("internal-",),
)
TARGET_GROUP = NameRule("target group name", 32, "A-Za-z0-9-", "letters, digits and '-'", first=_ALNUM, last=_ALNUM)
SECURITY_GROUP = NameRule(
    "security group name",
    255,
    "A-Za-z0-9 ._:/()#,@+=&;{}!$*-",
    "letters, digits, spaces and '._-:/()#,@+=&;{}!$*'",
    reserved_prefixes=("sg-",),
)
IAM_ROLE = NameRule("IAM role name", 64, "A-Za-z0-9+=,.@_-", "letters, digits and '+=,.@_-'")
IAM_POLICY = NameRule("IAM policy name", 128, "A-Za-z0-9+=,.@_-", "letters, digits and '+=,.@_-'")
LOG_GROUP = NameRule(
    "CloudWatch log group name",
    512,
    "A-Za-z0-9._/#-",
    "letters, digits and '._-/#'",
    reserved_prefixes=("aws/",),
    separator="-",
)
EVENT_RULE = NameRule("EventBridge rule name", 64, "A-Za-z0-9._-", "letters, digits and '._-'")
SCALING_POLICY = NameRule("scaling policy name", 256, "A-Za-z0-9._-", "letters, digits and '._-'")
CODEBUILD_PROJECT = NameRule("CodeBuild project name", 255, "A-Za-z0-9_-", _NAME_CHARS, min_length=2, first=_ALNUM)
CODEPIPELINE = NameRule("pipeline name", 100, "A-Za-z0-9.@_-", "letters, digits and '.@_-'")
CODECOMMIT_REPOSITORY = NameRule(
    "CodeCommit repository name",
    100,
    "A-Za-z0-9._-",
    "letters, digits and '._-'",
    reserved_suffixes=(".git",),
)
ECR_REPOSITORY = NameRule(
    "ECR repository name",
    256,
    "a-z0-9._/-",
    "lowercase letters, digits and '._-', in segments separated by '/'",
    min_length=2,
    first="a-z0-9",
    last="a-z0-9",
    lowercase=True,
    separators="._-/",
    pattern=r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
)
DYNAMODB_TABLE = NameRule("DynamoDB table name", 255, "A-Za-z0-9_.-", "letters, digits and '_.-'", min_length=3)
S3_BUCKET = NameRule(
    "S3 bucket name",
    63,
    "a-z0-9.-",
    "lowercase letters, digits, '.' and '-'",
    min_length=3,
    first="a-z0-9",
    last="a-z0-9",
    lowercase=True,
    no_runs=".",
    reserved_prefixes=("xn--", "sthree-", "amzn-s3-demo-"),
    reserved_suffixes=("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"),
    pattern=r"(?!\d{1,3}(\.\d{1,3}){3}$).*",  # not formatted as an IP address
)
S3_BUCKET_PREFIX = NameRule(
    # Terraform's bucket_prefix allows 37 characters (AWS appends 26); PrivateBucket adds the final '-'.
    "S3 bucket name prefix",
    36,
    "a-z0-9-",
    "lowercase letters, digits and '-'",
    min_length=2,
    first="a-z0-9",
    last="a-z0-9",
    lowercase=True,
    reserved_prefixes=("xn--", "sthree-", "amzn-s3-demo-"),
)
ORIGIN_ACCESS_CONTROL = NameRule("CloudFront origin access control name", 64, "A-Za-z0-9._-", "letters, digits and '._-'")
RESPONSE_HEADERS_POLICY = NameRule("CloudFront response headers policy name", 128, "A-Za-z0-9_-", _NAME_CHARS)
TAG_KEY = NameRule(
    "tag key",
    128,
    r"\w .:/=+@-",
    "letters, digits, spaces and '_.:/=+-@'",
    reserved_prefixes=("aws:",),
)
TAG_VALUE = NameRule("tag value", 256, r"\w .:/=+@-", "letters, digits, spaces and '_.:/=+-@'", min_length=0)
NETWORK_NAME = NameRule("network name", 32, "A-Za-z0-9-", "letters, digits and '-'", first="A-Za-z", last=_ALNUM)
SITE_NAME = NameRule(
    "site name",
    31,
    "a-z0-9-",
    "lowercase letters, digits and '-'",
    min_length=2,
    first="a-z0-9",
    last="a-z0-9",
    lowercase=True,
)

CODEDEPLOY_NAME = NameRule(
    "CodeDeploy application or deployment group name", 100, "A-Za-z0-9._+=,@-", "letters, digits and '._+=,@-'"
)
ALARM = NameRule("CloudWatch alarm name", 255, "A-Za-z0-9._/#:+=,@ -", "letters, digits, spaces and '._/#:+=,@-'")

RULES = (
    CODEDEPLOY_NAME,
    ALARM,
    ECS_CLUSTER,
    ECS_SERVICE,
    TASK_FAMILY,
    CONTAINER,
    LOAD_BALANCER,
    TARGET_GROUP,
    SECURITY_GROUP,
    IAM_ROLE,
    IAM_POLICY,
    LOG_GROUP,
    EVENT_RULE,
    SCALING_POLICY,
    CODEBUILD_PROJECT,
    CODEPIPELINE,
    CODECOMMIT_REPOSITORY,
    ECR_REPOSITORY,
    DYNAMODB_TABLE,
    S3_BUCKET,
    S3_BUCKET_PREFIX,
    ORIGIN_ACCESS_CONTROL,
    RESPONSE_HEADERS_POLICY,
    TAG_KEY,
    NETWORK_NAME,
    SITE_NAME,
)


def check_tags(field: str, tags: Any) -> dict[str, str]:
    """Tags AWS accepts: keys 1-128 characters not starting with ``aws:``, values up to 256."""
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise ConfigError(field, tags, "must be a mapping of strings to strings")
    for key, value in tags.items():
        TAG_KEY.check(field, key)
        TAG_VALUE.check(f"{field}[{key!r}]", value)
    return dict(tags)
