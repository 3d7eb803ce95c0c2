"""The plaintext scanner over planted secrets (each must be found) and reference-only files
(nothing may be reported). Planted secrets are generated here, not committed: a repository
holding secret-shaped strings trips other people's scanners."""

from __future__ import annotations

import random
import string
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bootstrap.components.secrets import scan as secretscan
from bootstrap.components.secrets.backends.envfile import parse_text
from tests.strategies import messy_text_file

CORPUS = Path(__file__).parent / "corpus" / "secrets"


def planted(rng: random.Random) -> list[str]:
    def pick(alphabet: str, n: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    up, alnum, b64 = (
        string.ascii_uppercase + string.digits,
        string.ascii_letters + string.digits,
        string.ascii_letters + string.digits + "+/",
    )
    return [
        f"aws_access_key_id = AKIA{pick(up, 16)}",
        f"aws_secret_access_key = {pick(b64, 40)}",
        f"export AWS_SECRET_ACCESS_KEY={pick(b64, 40)}",
        f"GITHUB_TOKEN=ghp_{pick(alnum, 36)}",
        f"git clone https://ada:ghp_{pick(alnum, 36)}@github.com/acme/x.git",
        f"token: glpat-{pick(alnum, 20)}",
        f"SLACK_BOT=xoxb-{pick(string.digits, 12)}-{pick(alnum, 24)}",
        f"stripe.api_key = 'sk_live_{pick(alnum, 24)}'",
        f"GOOGLE_KEY=AIza{pick(alnum, 35)}",
        f"OPENAI_API_KEY=sk-proj-{pick(alnum, 40)}",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----",
        f"WAREHOUSE_PASSWORD={pick(alnum, 14)}",
        f"export SNOWFLAKE_PASSWORD='{pick(alnum, 10)}!'",
        f'    password: "{pick(alnum, 12)}"',
        f'db_pass = "{pick(alnum, 3)}{pick(string.ascii_lowercase, 6)}"',
        f"DATABASE_URL=postgresql://etl:{pick(alnum, 16)}@db.internal/analytics",
        f"mysql -u root -p{pick(alnum, 12)} warehouse",
        f'"api_key": "{pick(alnum, 32)}",',
        f"Authorization: Bearer eyJ{pick(alnum, 20)}.eyJ{pick(alnum, 30)}.{pick(alnum, 30)}",
        f"set -x DBT_TOKEN {pick(alnum, 3)}{pick(string.digits, 3)}{pick(string.ascii_uppercase, 3)}{pick(alnum, 30)}",
        f"curl -H 'X-Api-Key: {pick(alnum, 40)}' https://api.acme.io",
        f"PGPASSWORD={pick(alnum, 12)} psql -h db.internal",
        f"client_secret={pick(alnum, 30)}",
    ]


def test_precision_and_recall_over_the_corpus(tmp_path: Path) -> None:
    rng = random.Random(7)
    positives = planted(rng)
    planted_file = tmp_path / "planted.txt"
    planted_file.write_text("\n".join(positives) + "\n")
    hits = secretscan.scan([planted_file, CORPUS])
    true_lines = {(planted_file, n) for n in range(1, len(positives) + 1)}
    found = {(h.path, h.line) for h in hits}
    tp = len(found & true_lines)
    fp = sorted(found - true_lines)
    recall = tp / len(true_lines)
    precision = tp / len(found) if found else 1.0
    print(f"scanner: precision {precision:.2f}, recall {recall:.2f} ({tp}/{len(true_lines)} planted, {len(fp)} false)")
    missed = [positives[n - 1].split("=")[0][:20] for (_, n) in sorted(true_lines - found)]
    assert recall == 1.0, f"missed: {missed}"
    assert precision == 1.0, f"false positives: {[f'{p.name}:{n}' for p, n in fp]}"
    # the value is never in what the scanner reports
    for hit in hits:
        line = positives[hit.line - 1]
        assert not any(len(w) >= 8 and w in hit.masked for w in line.replace("=", " ").split())


def test_masked_value_keeps_only_its_length() -> None:
    found = secretscan.scan_line("WAREHOUSE_PASSWORD=Tr0ub4dor&3")
    assert found == ("WAREHOUSE_PASSWORD assignment", "******** (11 characters)")


def test_reference_files_parse_and_pass_the_scan() -> None:
    entries = parse_text((CORPUS / "env.refs").read_text(), "env.refs")
    assert [e.name for e in entries][:2] == ["WAREHOUSE_PASSWORD", "SNOWFLAKE_PASSWORD"]
    assert [str(r) for r in entries[5].refs] == ["pass://data/warehouse"]


def test_default_paths(tmp_path: Path, home: Path) -> None:
    (home / ".zsh_history").write_text("x\n")
    (home / "Documents").mkdir()
    (home / "Documents" / "passwords.txt").write_text("x\n")
    (home / "Documents" / "report.txt").write_text("x\n")
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    for name in (".env", "sub/.env.local", ".env.example", ".env.refs"):
        (repo / name).write_text("x\n")
    found = secretscan.default_paths(home, repo, repo)
    assert set(found) == {
        home / ".zsh_history",
        home / "Documents" / "passwords.txt",
        repo / ".env",
        repo / "sub" / ".env.local",
    }


@given(
    messy_text_file(), st.lists(st.sampled_from(["A=pass://x/y", "B=op://V/i/f", "C={{ bw://i }}", "D=x"]), max_size=4)
)
@settings(max_examples=60, deadline=None)
def test_messy_files_never_crash_the_parser_or_the_scanner(data: bytes, refs: list[str]) -> None:
    from bootstrap.system.errors import UserError

    text = data.decode("utf-8", errors="surrogateescape") + "\n" + "\n".join(refs)
    list(secretscan.scan_text(Path("f"), text))
    try:
        entries = parse_text(text, "f")
    except UserError as exc:
        assert str(exc).startswith("f:")  # one line naming the file and line
    else:
        assert all(e.name for e in entries)


@given(st.text(alphabet=string.ascii_letters + string.digits + "+/", min_size=8, max_size=60))
@settings(max_examples=100, deadline=None)
def test_masked_findings_never_hold_the_value(value: str) -> None:
    assume(not secretscan.harmless(value))  # xxxxxxxx, "password": placeholders, not findings
    found = secretscan.scan_line(f"export DB_PASSWORD={value}")
    assert found is not None and value not in found[1] and found[1].endswith(f"({len(value)} characters)")
