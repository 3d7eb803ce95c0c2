"""Plaintext secret hunting: likely secrets in files, reported as file:line and a kind, never the value.

A finding needs evidence, not just randomness: either a credential format with structure
(a known prefix and length, GitHub's CRC-32 checksum, a JWT whose header decodes, a PEM
private-key block with a body), or a secret-like name (`DB_PASSWORD`, `api_key`, `.netrc`'s
`password`, a `.pgpass` field...) whose value passes the value tests: not a placeholder, a
reference, a variable, a path, a URL without a password, an identifier, a number, a type name
or a code expression. A random-looking string on a line that names no secret is never a finding.

Speed: a file is searched for a few dozen fixed strings (prefixes and keywords) at C speed; only
the lines holding one are read by the rules. Binary files, very large files, minified bundles
and vendored or generated folders are skipped by default.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

MAX_BYTES = 2_000_000  # a data dump is not a dotfile; reading it would only make the scan slow
IGNORE_FILE = ".bootstrap-secrets-ignore"
INLINE_MARKERS = ("gitleaks:allow", "pragma: allowlist secret", "bootstrap: allow-secret")
NEXT_LINE_MARKER = "pragma: allowlist nextline secret"


@dataclass(frozen=True)
class Hit:
    """One likely secret; `masked` shows its length, never the value; `fingerprint` is a one-way
    digest of the value, for `.bootstrap-secrets-ignore`."""

    path: Path
    line: int
    kind: str
    masked: str
    rule: str = ""
    fingerprint: str = ""
    ignore_path: str = ""  # the path as `.bootstrap-secrets-ignore` names it (relative to its folder)

    @property
    def ignore_line(self) -> str:
        return f"{self.ignore_path or self.path.as_posix()}:{self.rule}:{self.fingerprint}"


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def mask(value: str) -> str:
    return f"{'*' * 8} ({len(value)} characters)"


def fingerprint(value: str) -> str:
    """A short one-way digest of a value, slow to guess from: what an ignore line names instead
    of the value itself."""
    return hashlib.pbkdf2_hmac("sha256", value.encode(), b"bootstrap-secrets-ignore", 1000)[:8].hex()


# --- documented example values ----------------------------------------------------------------

# SHA-256 (first 32 hex digits) of values that vendors publish in their documentation (AWS's
# example key pair, the jwt.io sample token, Stripe's and Firebase's documented keys). Only the
# digests live here, so this file holds no token-shaped string for other scanners to trip on.
_DOCUMENTED = frozenset(
    {
        "1a5d44a2dca19669d72edf4c4f1c27c4",
        "78314b11be2e581549ac1c4f616563fa",
        "c6ea27c534f993d31f0aef882e3d200e",
        "e21b597ba6b9cafa59d9ebc4d65c0385",
        "7f75367e7881255134e1375e723d1dea",
        "2cafc0970149a84f3b9e62eaf169f36f",
        "f2d6ca16515033e5dce14eba840b979d",
        "7e8de44ea9ecf6d53415c90f5b249a85",
        "f56e323494a6ffc2064e7a955908957d",
    }
)


def documented_example(value: str) -> bool:
    if value.endswith(("EXAMPLE", "EXAMPLEKEY")):
        return True  # AWS's documentation writes every example key this way
    return hashlib.sha256(value.encode()).hexdigest()[:32] in _DOCUMENTED


# --- value tests ------------------------------------------------------------------------------

_REFERENCE = re.compile(r"^(op|bw|pass|keyring|vault|arn|ssm|secretsmanager|gcpsm|azkv)[:/]", re.IGNORECASE)
_PLACEHOLDER_WORDS = re.compile(
    r"your|example|placeholder|change[_-]?me|dummy|sample|redacted|replace|insert|xxxx|\*\*\*|\.\.\.|"
    r"not[_-]?a[_-]?real|notreal|password|passwd|secret|token|hunter2|tiger|lorem|foobar|undefined|"
    r"(?<![a-z])my[_-]|"
    # short words only as words of their own: "tBd" inside a random string is no placeholder
    r"(?<![a-z])(?:todo|tbd|fake|test|demo|here|none|null|nil)(?![a-z])",
    re.IGNORECASE,
)
_TEMPLATE = re.compile(r"\{\{|\$\{|\{%|<%|\$\(|#\{|%\(\w+\)s|@\w+@|^%\w+%$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NUMBERISH = re.compile(r"^[\^~<>=!v]*[\d.,_:+x*-]+$")  # numbers, versions, ranges
_VERSION_OR_DATE = re.compile(r"^(?:v?\d+(?:\.\d+)+(?:[-+][\w.-]+)?|\d{4}-\d\d-\d\d(?:[T ][\d:.]+Z?)?)$")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_IDENTIFIER = re.compile(
    r"^(?:[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+|_*[A-Z][A-Z0-9]*(?:[_.-][A-Z0-9]+)+|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|"
    r"[A-Za-z_]\w*(?:::|\.|->)\w+.*)$"
)
_CAMEL = re.compile(r"^(?:[A-Z]?[a-z]+)+$")


def _classes(value: str) -> int:
    lower = upper = digit = other = False
    for char in value:
        if char.islower():
            lower = True
        elif char.isupper():
            upper = True
        elif char.isdigit():
            digit = True
        else:
            other = True
    return lower + upper + digit + other


def _repetitive(value: str) -> bool:
    counts = Counter(value)
    return len(counts) <= 3 or counts.most_common(1)[0][1] > len(value) / 2


def harmless(value: str) -> bool:
    """What belongs in a file instead of a secret: a reference, a variable, a template, a placeholder."""
    value = value.strip().strip("\"'")
    if len(value) < 4 or _REFERENCE.match(value) or _TEMPLATE.search(value):
        return True
    if value[0] in "$<[{(%*.#!@&|`\\" or value.endswith(">"):
        return True
    return _repetitive(value) or bool(_PLACEHOLDER_WORDS.search(value)) or documented_example(value)


def passes_value_tests(value: str, quoted: bool, min_length: int = 6, strict: bool = False) -> bool:
    """A value after a secret-like name that looks like a real secret, not something else."""
    if len(value) < min_length or len(value) > 4096 or any(c.isspace() for c in value):
        return False
    if harmless(value):
        return False
    if value[0] in "/~-" or value.startswith(("./", "../")) or re.match(r"^[A-Za-z]:\\", value):
        return False  # a path or a command-line flag
    if "://" in value or _UUID.match(value) or _NUMBERISH.match(value) or _EMAIL.match(value):
        return False
    if (
        _VERSION_OR_DATE.match(value)
        or re.match(r"^(sha\d+|md5|sha)[:-]", value, re.IGNORECASE)
        or value.lower() in ("true", "false", "yes", "no")
    ):
        return False
    if _IDENTIFIER.match(value):
        return False  # DBT_PASSWORD, hf-token, settings.TOKEN, odbc::odbc: a name, not a value
    if not quoted and any(c in value for c in "()[]"):
        return False  # a call or an index: code that fetches the secret
    if value.isalpha():
        # a word, a type name or an identifier, unless it is long and random-looking
        if len(value) < 16 or _CAMEL.match(value) or value.islower() or value.isupper():
            return False
    elif _classes(value) < 2:
        return False
    if strict:
        # a name like "token" or "key" also names counters, ids and settings: only a long,
        # random-looking value counts there
        words = re.sub(r"[^A-Za-z0-9]", "", value)
        if ":" in value or _CAMEL.match(words) or entropy(value) < 3.0 or len(value) < 16:
            return False
        return any(c.isdigit() for c in value) or (len(words) >= 32 and _classes(words) >= 2)
    return True


# --- names ------------------------------------------------------------------------------------

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_KEY_KINDS = {
    "api", "access", "secret", "private", "account", "app", "application", "master", "encryption", "signing",
    "fernet", "client", "storage", "shared", "subscription", "license", "admin", "live", "prod", "auth",
    "consumer", "webhook", "service", "sas", "primary", "secondary",
}  # fmt: skip
# Words after the secret word that make the name about something else: SECRET_NAME, token_url...
_QUALIFIERS = {
    "name", "names", "id", "ids", "file", "files", "path", "paths", "dir", "directory", "url", "uri", "uris",
    "urls", "endpoint", "type", "types", "timeout", "expiry", "expires", "expiration", "seconds", "ttl",
    "length", "len", "count", "size", "limit", "env", "var", "variable", "field", "header", "prefix", "suffix",
    "format", "policy", "rotation", "version", "store", "manager", "helper", "process", "source", "provider",
    "method", "mode", "enabled", "enable", "disabled", "required", "algorithm", "cmd", "command", "prompt",
    "hint", "label", "regex", "pattern", "reset", "min", "max", "status", "state", "index", "column", "table",
    "hash", "digest", "arn", "ref", "template", "location", "kind", "class", "schema", "spec", "validator",
    "input", "text", "msg", "message", "error", "title", "description", "help", "question", "strength",
    "changed", "updated", "created", "at", "date", "time", "lifetime", "valid", "param", "bytes", "bits",
    "encoding", "charset", "uuid", "list", "map", "dict", "builder", "factory", "handler", "callback",
    "function", "exists", "present", "visible", "scope", "scopes", "mount", "key_id", "getter", "setter",
    "usage", "placeholder", "example", "selector", "keyring", "backend", "lookup", "option",
    "options", "flag", "check", "audience", "issuer", "region", "host", "port", "user", "username", "login",
    "email", "owner", "auth", "kwargs", "args", "dto", "model", "request", "response", "pem",
    "last", "used", "age", "mgr", "window", "interval", "period", "delay", "retries", "attempts", "dialog", "widget", "button",
}  # fmt: skip
# Words before it that do the same: max_tokens, public_key, pad_token, NextToken, csrf-token...
_PREFIXES = {
    "max", "min", "total", "num", "count", "public", "pad", "bos", "eos", "unk", "cls", "sep", "mask", "next",
    "continuation", "pagination", "page", "change", "request", "purchase", "lifecycle", "idempotency", "csrf",
    "xsrf", "cancel", "sequence", "schema", "bucket", "partition", "sort", "primary", "foreign", "cache",
    "lookup", "forgot", "reset", "has", "is", "show", "hide", "verify", "validate", "check", "prompt", "ask",
    "no", "without", "invalid", "expired", "old", "default", "empty", "fake", "dummy", "test", "example",
    "sample", "mock", "placeholder", "tokenizer", "special", "input", "output", "start", "end", "stop", "eot",
    "begin", "marker", "cursor", "sync", "paging", "resume", "upload", "activation", "confirmation",
}  # fmt: skip


def secret_name(name: str) -> Optional[str]:
    """How strongly a name says "secret": 'password' (a short value is enough), 'token' (the value
    must look random), or None when it names no secret (or names something about one)."""
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words:
        return None
    found, strength = -1, None
    for i, word in enumerate(words):
        kind = None
        if (
            any(p in word for p in ("password", "passwd", "passphrase"))
            or word in ("pass", "pwd", "pw")
            or word.endswith("pwd")
            or word in ("dbpass", "pgpass", "userpass", "rootpass", "adminpass")
        ):
            kind = "password"
        elif word in ("secret", "secrets", "token", "credential", "credentials", "creds", "fernet", "sas"):
            kind = "token"
        elif word.endswith(("secret", "token")) or (word.startswith(("secret", "token")) and len(word) <= 12):
            kind = "token" if word not in ("tokens", "tokenizer", "tokenize", "tokenized", "tokenization") else None
        elif word in ("apikey", "accesskey", "secretkey", "privatekey", "accountkey", "masterkey", "appkey",
                      "authtoken", "authkey", "apitoken", "sastoken"):  # fmt: skip
            kind = "token"
        elif word == "key" and ((i > 0 and words[i - 1] in _KEY_KINDS) or len(words) == 1):
            kind = "token" if len(words) > 1 else "key"
        elif word == "auth" and len(words) == 1:
            kind = "token"
        if kind:
            found, strength = i, kind
    if strength is None:
        return None
    if any(w in _QUALIFIERS for w in words[found + 1 :]):
        return None
    if any(w in _PREFIXES for w in words[:found]):
        return None
    return strength


# --- formats ----------------------------------------------------------------------------------


def _not_placeholder(value: str) -> bool:
    body = re.sub(r"^[A-Za-z]+[_-]", "", value)
    if _repetitive(body) or re.search(r"(?i)x{6,}|0{8,}", body) or "EXAMPLE" in value:
        return False  # AWS's documentation marks its sample tokens with EXAMPLE
    return not documented_example(value)


_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _github_checksum(value: str) -> bool:
    """GitHub's token format: 30 random base62 characters, then their CRC-32 in 6 base62 digits."""
    body, check = value[4:34], value[34:]
    number = zlib.crc32(body.encode()) & 0xFFFFFFFF
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _B62[rest] + digits
    return digits.rjust(6, "0") == check


def _jwt(value: str) -> bool:
    header = value.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded and str(decoded.get("alg")).lower() != "none"


def _random(value: str) -> bool:
    return _not_placeholder(value) and entropy(value) >= 3.0


Format = tuple[str, str, "re.Pattern[str]", Callable[[str], bool]]
_FORMATS: list[Format] = [
    ("aws-access-key-id", "AWS access key id",
     re.compile(r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])"),
     lambda v: len(set(v[4:])) >= 6 and not documented_example(v)),
    ("aws-session-token", "AWS session token",
     re.compile(r"((?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{100,})"), _not_placeholder),
    ("github-token", "GitHub token", re.compile(r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9])"),
     _github_checksum),
    ("github-token", "GitHub token", re.compile(r"(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"),
     _not_placeholder),
    ("gitlab-token", "GitLab token", re.compile(r"(?<![A-Za-z0-9])(gl(?:pat|dt|ptt|rt|cbt|oas)-[\w-]{20,})"),
     _not_placeholder),
    ("slack-webhook", "Slack webhook URL",
     re.compile(r"(hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,}/[AB][A-Z0-9]{6,}/[A-Za-z0-9]{20,})"),
     _not_placeholder),
    ("slack-token", "Slack token", re.compile(r"(?<![A-Za-z0-9])(xox[abposre]-\d{6,}(?:-\d{6,})*-[A-Za-z0-9]{20,})"),
     _not_placeholder),
    ("stripe-key", "Stripe secret key", re.compile(r"(?<![A-Za-z0-9])((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,})"),
     _not_placeholder),
    ("anthropic-key", "Anthropic API key", re.compile(r"(sk-ant-(?:api|admin)\d\d-[\w-]{80,}AA)(?![\w-])"),
     _not_placeholder),
    ("openai-key", "OpenAI API key",
     re.compile(r"(?<![\w-])(sk-(?:(?:proj|svcacct|admin|None)-)?[\w-]{10,}T3BlbkFJ[\w-]{10,})"), _not_placeholder),
    ("openai-key", "OpenAI API key", re.compile(r"(?<![\w-])(sk-(?:proj|svcacct|admin)-[\w-]{40,})"), _random),
    ("google-api-key", "Google API key", re.compile(r"(?<![\w-])(AIza[\w-]{35})(?![\w-])"), _not_placeholder),
    ("google-oauth", "Google OAuth refresh token", re.compile(r"(?<![\w/])(1//0[\w-]{40,})"), _random),
    ("google-oauth", "Google OAuth client secret", re.compile(r"(GOCSPX-[\w-]{28})"), _not_placeholder),
    ("huggingface-token", "Hugging Face token", re.compile(r"(?<![A-Za-z0-9])(hf_[A-Za-z]{34})(?![A-Za-z0-9])"),
     lambda v: _not_placeholder(v) and len(set(v[3:])) >= 10),
    ("databricks-token", "Databricks token", re.compile(r"(?<![A-Za-z0-9])(dapi[0-9a-f]{32}(?:-\d+)?)(?![A-Za-z0-9])"),
     _not_placeholder),
    ("pypi-token", "PyPI upload token", re.compile(r"(pypi-AgE[A-Za-z0-9_-]{50,})"), _not_placeholder),
    ("npm-token", "npm token", re.compile(r"(?<![A-Za-z0-9])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])"), _not_placeholder),
    ("sendgrid-key", "SendGrid API key", re.compile(r"(SG\.[\w-]{22}\.[\w-]{43})"), _not_placeholder),
    ("jwt", "JSON web token", re.compile(r"(?<![\w-])(eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,})"),
     lambda v: _jwt(v) and not documented_example(v)),
]  # fmt: skip
# What a line must hold for each format above to be tried at all (same order)
_HINTS: list[tuple[str, ...]] = [
    ("AKIA", "ASIA", "ABIA", "ACCA"), ("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"), ("gh",), ("github_pat_",), ("gl",),
    ("hooks.slack",), ("xox",), ("k_live_", "k_test_"), ("sk-ant-",), ("T3BlbkFJ",), ("sk-",), ("AIza",), ("1//0",),
    ("GOCSPX-",), ("hf_",), ("dapi",), ("pypi-",), ("npm_",), ("SG.",), ("eyJ",),
]  # fmt: skip
assert len(_HINTS) == len(_FORMATS)

# Fixed strings that must be in a line for any rule to fire: searched for in the raw bytes (case
# matters for prefixes) and in the lowercased bytes (names and keywords).
_RAW_ANCHORS = (
    b"AKIA", b"ASIA", b"ABIA", b"ACCA", b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_", b"glpat-",
    b"hooks.slack.com", b"xox", b"k_live_", b"k_test_", b"sk-", b"AIza", b"1//0", b"GOCSPX-", b"hf_", b"dapi",
    b"pypi-AgE", b"npm_", b"SG.", b"eyJ", b"-----BEGIN",
)  # fmt: skip
_LOWER_ANCHORS = (
    b"pass", b"pwd", b"secret", b"token", b"api_key", b"apikey", b"api-key", b"access_key", b"accesskey",
    b"access.key", b"account.key", b"accountkey", b"private_key", b"privatekey", b"credential", b"creds",
    b"auth", b"fernet", b'"key"', b"'key'", b"bearer", b"mysql", b"curl", b"-u ", b"--user",
)  # fmt: skip
_URL_ANCHOR = re.compile(rb"://[^\s/:@'\"<>]*:[^\s/@'\"<>]+@")
_PEM = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----")

_NAME = r"[A-Za-z_][\w.-]*"
_ASSIGNMENT = re.compile(
    rf"""(?P<q>["']?)(?P<name>{_NAME})(?P=q)\]?[ \t]*(?::=|=>|<-|=|:(?!:))[ \t]*
    (?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>(?:[^\s"'`;,&<>)\]}}]|&(?![\w.-]+=|amp;))+))""",
    re.VERBOSE,
)
# call arguments: .option("password", "..."), config.set("db", "password", "...")
_PAIR = re.compile(rf"""[(,]\s*["'](?P<name>{_NAME})["']\s*,\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
_PAIR_OPEN = re.compile(rf"""^\s*["'](?P<name>{_NAME})["']\s*,\s*$""")
_SHELL_SET = re.compile(
    r"""(?:^|[\s;])(?:set\s+-[a-zA-Z]*x[a-zA-Z]*|setenv)\s+(?P<name>\w+)\s+(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))"""
)
_PROPERTY = re.compile(r"^\s*(?P<name>[A-Za-z][\w-]*(?:\.[\w-]+)+)[ \t]+(?P<bare>[^\s=:]\S*)\s*$")
_NETRC = re.compile(r"(?:^\s*|\b(?:machine|login|account)\s+\S+\s+)password\s+(?P<bare>\S+)")
_FLAG = re.compile(r"""(?:^|\s)--?(?P<name>[\w-]+)(?:=|\s+)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))""")
_CURL_USER = re.compile(r"""(?:^|\s)(?:-u|--user)(?:\s+|=)?(?P<arg>["']?[^\s]+)""")
_MYSQL = re.compile(r"\bmysql(?:dump|admin|sh)?\b.*?\s-p(?P<bare>[^\s-]\S*)")
_HEADER = re.compile(r"(?i)authorization:\s*(?:bearer|token|basic)\s+(?P<bare>[^\s\"'\\]+)")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://(?P<user>[^\s/:@'\"<>{}$]*):(?P<pw>[^\s/@'\"<>]+)@(?P<host>[^\s/'\"<>?#]*)")


def _value(match: re.Match[str]) -> tuple[str, bool]:
    groups = match.groupdict()
    for group in ("dq", "sq"):
        if groups.get(group) is not None:
            return groups[group], True
    return (groups.get("bare") or "").rstrip(",.;"), False


def _named(name: str, value: str, quoted: bool) -> bool:
    strength = secret_name(name)
    if strength is None:
        return False
    if strength == "password":
        return passes_value_tests(value, quoted)
    if strength == "key":
        return passes_value_tests(value, quoted, min_length=20, strict=True)
    return passes_value_tests(value, quoted, min_length=12, strict=True)


Finding = tuple[str, str, str]  # rule, label, value


def _line_finding(line: str, pgpass: bool = False) -> Optional[Finding]:
    """The strongest finding on one line (formats first, then names), or None."""
    for (rule, label, pattern, valid), hints in zip(_FORMATS, _HINTS):
        if not any(hint in line for hint in hints):
            continue
        for found in pattern.finditer(line):
            if valid(found.group(1)):
                return rule, label, found.group(1)
    for found in _URL.finditer(line):
        password = found.group("pw")
        if password != found.group("user") and not harmless(password) and not password.isalpha():
            return "url-password", "password in a URL", password
    for found in _HEADER.finditer(line):
        value = found.group("bare")
        if passes_value_tests(value, True, min_length=16) or (
            len(value) >= 16 and _classes(value) >= 2 and not harmless(value)
        ):
            return "auth-header", "token in an Authorization header", value
    for found in _MYSQL.finditer(line):
        if passes_value_tests(found.group("bare"), False):
            return "cli-password", "password on a mysql command line", found.group("bare")
    for found in _CURL_USER.finditer(line):
        arg = found.group("arg").replace('"', "").replace("'", "")
        if ":" in arg and not arg.startswith("<"):
            password = arg.split(":", 1)[1]
            if passes_value_tests(password, True):
                return "cli-password", "password in curl -u", password
    if pgpass:
        fields = line.split(":")
        if len(fields) == 5 and not line.lstrip().startswith("#") and passes_value_tests(fields[4], True, min_length=4):
            return "pgpass", "password in .pgpass", fields[4]
    for pattern in (_ASSIGNMENT, _SHELL_SET, _PAIR, _FLAG):
        at = 0
        while (assigned := pattern.search(line, at)) is not None:
            value, quoted = _value(assigned)
            name = assigned.group("name")
            bare = assigned.groupdict().get("bare") is not None
            if not (bare and line[assigned.end() : assigned.end() + 1] in ("(", "[")) and _named(name, value, quoted):
                return "secret-assignment", f"{name} assignment", value
            # a quoted value may hold more (a connection string's AccountKey=...): look inside it
            inner = [assigned.start(g) for g in ("dq", "sq", "bare") if assigned.groupdict().get(g) is not None]
            at = max(inner[0] if inner else assigned.end(), assigned.start() + 1)
    for found in _NETRC.finditer(line):
        if passes_value_tests(found.group("bare"), False):
            return "netrc-password", "password in a .netrc-style line", found.group("bare")
    prop = _PROPERTY.match(line)
    if prop and _named(prop.group("name"), prop.group("bare"), False):
        return "secret-assignment", f"{prop.group('name')} assignment", prop.group("bare")
    return None


def _pem_finding(text: str, start: int) -> Optional[Finding]:
    """A PEM private-key header followed by a key body (not a header named in code or docs)."""
    found = _PEM.match(text, start)
    if not found:
        return None
    after = text[found.end() : found.end() + 600].replace("\\r", "").replace("\\n", "\n")
    for line in after.split("\n"):
        line = line.strip().strip("\"',")
        if not line or ":" in line:
            continue  # PGP armour headers (Version: ...), Proc-Type / DEK-Info
        if re.match(r"^[A-Za-z0-9+/=]{40,}$", line) and not _repetitive(line):
            return "private-key", "private key", found.group(0) + line
        return None
    return None


def _notebook_view(line: str) -> str:
    """A notebook's JSON line as the source it encodes: `"x = \\"v\\"\\n",` -> `x = "v"`."""
    stripped = line.strip().rstrip(",")
    if len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"':
        try:
            decoded = json.loads(stripped)
        except ValueError:
            return line
        if isinstance(decoded, str):
            return decoded.rstrip("\n")
    return line


def _unescaped(line: str) -> str:
    return line.replace('\\\\"', '"').replace('\\"', '"').replace("\\n", " ")


def _allowed(line: str) -> bool:
    return any(marker in line for marker in INLINE_MARKERS)


_NOTEBOOK = (".ipynb",)
_PGPASS = (".pgpass", "pgpass.conf")


def _candidate_starts(data: bytes) -> set[int]:
    """Start offsets of the lines that hold an anchor."""
    starts: set[int] = set()

    def collect(haystack: bytes, needle: bytes) -> None:
        at = haystack.find(needle)
        while at != -1:
            begin = haystack.rfind(b"\n", 0, at) + 1
            starts.add(begin)
            end = haystack.find(b"\n", at)
            if end == -1:
                return
            at = haystack.find(needle, end)

    for needle in _RAW_ANCHORS:
        if needle in data:
            collect(data, needle)
    lowered = data.lower()
    for needle in _LOWER_ANCHORS:
        if needle in lowered:
            collect(lowered, needle)
    if b"://" in data:
        for found in _URL_ANCHOR.finditer(data):
            starts.add(data.rfind(b"\n", 0, found.start()) + 1)
    return starts


def findings(path: Path, data: bytes) -> Iterator[tuple[int, Finding]]:
    """(line number, finding) for each line of `data` that holds a likely secret."""
    name = path.name.lower()
    if name == IGNORE_FILE:
        return  # fingerprints, not values
    notebook, pgpass = name.endswith(_NOTEBOOK), name in _PGPASS
    starts = _candidate_starts(data)
    if pgpass:
        starts |= {0} | {m.end() for m in re.finditer(b"\n", data)}
    if not starts:
        return
    ordered = sorted(s for s in starts if s < len(data))
    text_cache: dict[int, str] = {}

    def line_at(begin: int) -> tuple[str, int]:
        end = data.find(b"\n", begin)
        end = len(data) if end == -1 else end
        if begin not in text_cache:
            text_cache[begin] = data[begin:end].decode("utf-8", errors="replace").rstrip("\r")
        return text_cache[begin], end + 1

    number, last = 1, 0
    previous_allows_next = False
    for begin in ordered:
        number += data.count(b"\n", last, begin)
        last = begin
        line, after = line_at(begin)
        if _allowed(line):
            continue
        if begin > 0:
            before = data.rfind(b"\n", 0, begin - 1) + 1
            previous_allows_next = NEXT_LINE_MARKER.encode() in data[before:begin]
            if previous_allows_next:
                continue
        found: Optional[Finding] = None
        if "-----BEGIN" in line:
            text = line + "\n" + data[after : after + 2000].decode("utf-8", errors="replace")
            for at in (m.start() for m in re.finditer("-----BEGIN", line)):
                found = _pem_finding(text, at)
                if found:
                    break
        if found is None:
            view = _notebook_view(line) if notebook else line
            if '\\"' in view:
                view = _unescaped(view)
            found = _line_finding(view, pgpass)
            if found is None and after < len(data) and _PAIR_OPEN.search(view):
                # the value on the next line: spark.conf.set(\n "fs.azure.account.key...",\n "value")
                following, _ = line_at(after)
                following = _notebook_view(following) if notebook else following
                found = _line_finding("(" + view.strip() + " " + following.strip())
                if found is not None and not _allowed(following):
                    yield number + 1, found
                continue
        if found is not None:
            yield number, found


# --- files and folders ------------------------------------------------------------------------

SKIP_DIRS = {
    ".git", ".hg", ".svn", "node_modules", "bower_components", ".venv", "venv", "site-packages", "__pycache__",
    ".terraform", ".terragrunt-cache", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist",
    "build", "vendor", "third_party", ".ipynb_checkpoints", ".next", ".nuxt", "dbt_packages", ".gradle",
}  # fmt: skip
_BINARY_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".bmp", ".tif", ".tiff", ".pdf", ".zip", ".gz", ".tgz",
    ".bz2", ".xz", ".zst", ".7z", ".whl", ".egg", ".jar", ".so", ".dylib", ".dll", ".exe", ".pyc", ".pyo",
    ".parquet", ".feather", ".arrow", ".orc", ".avro", ".pkl", ".pickle", ".npy", ".npz", ".h5", ".hdf5",
    ".db", ".sqlite", ".sqlite3", ".duckdb", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mo", ".class",
    ".o", ".a", ".onnx", ".pt", ".bin", ".safetensors", ".mp3", ".mp4", ".wav", ".mov",
}  # fmt: skip
_GENERATED_SUFFIXES = (".min.js", ".min.css", ".js.map", ".css.map", ".map")
_BUNDLE_SUFFIXES = (".js", ".mjs", ".cjs", ".css", ".html", ".htm")


def generated(path: Path, data: bytes) -> bool:
    """A minified bundle or source map: built from sources that are scanned where they live."""
    name = path.name.lower()
    if name.endswith(_GENERATED_SUFFIXES):
        return True
    return name.endswith(_BUNDLE_SUFFIXES) and len(data) > 4096 and data.count(b"\n") * 300 < len(data)


def _root_of(path: Path, cache: dict[Path, Optional[Path]]) -> Optional[Path]:
    """The nearest folder above `path` that is a repository root or holds an ignore file."""
    folder = path.parent.absolute()
    seen = []
    found: Optional[Path] = None
    while True:
        if folder in cache:
            found = cache[folder]
            break
        seen.append(folder)
        if (folder / IGNORE_FILE).is_file() or (folder / ".git").exists():
            found = folder
            break
        if folder.parent == folder:
            break
        folder = folder.parent
    for item in seen:
        cache[item] = found
    return found


def read_ignores(root: Optional[Path]) -> set[str]:
    if root is None:
        return set()
    try:
        text = (root / IGNORE_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


class Scanner:
    """Scans files one at a time, remembering each repository's ignore file."""

    def __init__(self, include_all: bool = False) -> None:
        self.include_all = include_all
        self.roots: dict[Path, Optional[Path]] = {}
        self.ignores: dict[Optional[Path], set[str]] = {}
        self.silenced = 0
        self.files = 0

    def run(self, paths: Iterable[Path]) -> list[Hit]:
        targets = list(paths)
        explicit = {p for p in targets if p.is_file()}
        hits: list[Hit] = []
        for path in walk(targets, self.include_all):
            self.files += 1
            hits += self.file(path, explicit=path in explicit)
        return hits

    def staged(self, root: Path, diff: str) -> list[Hit]:
        """Findings in the lines a commit adds (`git diff --cached -U0` of the repository at `root`)."""
        hits: list[Hit] = []
        for name, text in added_lines(diff).items():
            self.files += 1
            data = text.encode("utf-8", errors="surrogateescape")
            hits += self.hits(Path(name), data, root=root, relative=name)
        return hits

    def hits(self, path: Path, data: bytes, root: Optional[Path] = None, relative: Optional[str] = None) -> list[Hit]:
        found = list(findings(path, data))
        if not found:
            return []
        if relative is None:
            root = _root_of(path, self.roots)
            try:
                relative = path.absolute().relative_to(root).as_posix() if root else path.as_posix()
            except ValueError:
                relative = path.as_posix()
        if root not in self.ignores:
            self.ignores[root] = read_ignores(root)
        ignores = self.ignores[root]
        hits = []
        for number, (rule, label, value) in found:
            hit = Hit(path, number, label, mask(value), rule, fingerprint(value), relative)
            if hit.ignore_line in ignores:
                self.silenced += 1
                continue
            hits.append(hit)
        return hits

    def file(self, path: Path, explicit: bool = False) -> list[Hit]:
        if not explicit and not self.include_all and path.suffix.lower() in _BINARY_SUFFIXES:
            return []
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError:
            return []
        if len(data) > MAX_BYTES:
            if not self.include_all:
                return []
            with path.open("rb") as handle:
                data = handle.read()
        if b"\0" in data[:8192]:
            return []  # binary
        if not explicit and not self.include_all and generated(path, data):
            return []
        return self.hits(path, data)


def scan_text(path: Path, text: str) -> Iterator[Hit]:
    """Likely secrets in `text`, as the file `path` would hold it (no ignore file applies)."""
    for number, (rule, label, value) in findings(path, text.encode("utf-8", errors="surrogateescape")):
        yield Hit(path, number, label, mask(value), rule, fingerprint(value), path.as_posix())


def scan_line(text: str) -> Optional[tuple[str, str]]:
    """(kind, masked value) of the first likely secret on a line, or None."""
    for _, (_, label, value) in findings(Path("line"), text.encode("utf-8", errors="surrogateescape")):
        return label, mask(value)
    return None


def walk(paths: Iterable[Path], include_all: bool = False) -> Iterator[Path]:
    """Files under `paths`, in order; vendored and generated folders left out unless `include_all`."""
    import os

    for path in paths:
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                if not include_all:
                    dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
                dirs.sort()
                for name in sorted(files):
                    child = Path(folder, name)
                    if child.is_file():
                        yield child
        elif path.is_file():
            yield path


def scan(paths: Iterable[Path], include_all: bool = False) -> list[Hit]:
    return Scanner(include_all).run(paths)


_HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,\d+)? @@")


def _diff_path(text: str) -> str:
    """A path as git prints it in a diff header: `b/x`, or C-quoted `"b/na\\"me"`."""
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1].encode("latin-1", errors="backslashreplace").decode("unicode_escape")
        text = text.encode("latin-1", errors="replace").decode("utf-8", errors="replace")
    return text[2:] if text.startswith("b/") else text


def added_lines(diff: str) -> dict[str, str]:
    """Each file's added lines from a `-U0` diff, at their own line numbers (other lines empty)."""
    files: dict[str, list[str]] = {}
    lines: Optional[list[str]] = None
    number = 0
    header = False
    for line in diff.split("\n"):
        if line.startswith("diff --git "):
            header, lines = True, None
        elif header and line.startswith("+++ "):
            name = line[4:].rstrip("\t")
            lines = None if name == "/dev/null" else files.setdefault(_diff_path(name), [])
        elif line.startswith("@@"):
            header = False
            found = _HUNK.match(line)
            number = int(found.group(1)) if found else 0
        elif not header and line.startswith("+") and lines is not None and number > 0:
            while len(lines) < number - 1:
                lines.append("")
            lines.append(line[1:])
            number += 1
    return {name: "\n".join(body) + "\n" for name, body in files.items() if body}


# Where plaintext secrets usually hide on a data person's laptop
HOME_FILES = (
    ".bash_history",
    ".zsh_history",
    ".local/share/fish/fish_history",
    ".python_history",
    ".psql_history",
    ".mysql_history",
    ".bashrc",
    ".bash_profile",
    ".zshrc",
    ".zprofile",
    ".profile",
    ".zshenv",
    ".config/fish/config.fish",
    ".cshrc",
    ".tcshrc",
    ".Renviron",
    ".aws/credentials",
    ".netrc",
    ".pgpass",
    ".my.cnf",
    ".env",
    ".npmrc",
    ".pypirc",
    ".s3cfg",
    ".docker/config.json",
    ".databrickscfg",
    ".dbt/profiles.yml",
    ".snowsql/config",
    ".git-credentials",
    ".kaggle/kaggle.json",
    ".cache/huggingface/token",
    ".config/gcloud/application_default_credentials.json",
)
PASSWORD_FILES = re.compile(
    r"(?i)^(passwords?|passwd|secrets?|credentials?|logins?)[\w.-]*\.(txt|csv|md|xlsx?|json|ya?ml)$"
)


def default_paths(home: Path, cwd: Path, repo_root: Optional[Path]) -> list[Path]:
    """Dotfiles and histories, `.env` files of the repository at hand, passwords.txt-like files."""
    found = [home / name for name in HOME_FILES if (home / name).is_file()]
    for folder in (home, home / "Desktop", home / "Documents", home / "Downloads"):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file() and PASSWORD_FILES.match(p.name))
    root = repo_root or cwd
    if root != home:
        found += sorted(
            p
            for p in walk([root])
            if (p.name == ".env" or p.name.startswith(".env."))
            and not p.name.endswith((".refs", ".example", ".template"))
        )
    return list(dict.fromkeys(found))
