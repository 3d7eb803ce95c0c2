"""The plaintext scanner: every kind it knows, found where data people put it and left alone where
it is not a secret. Secret-shaped values are made up here at run time (a repository holding
token-shaped strings trips other people's scanners), so no literal in this file is one."""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bootstrap.components.secrets import scan as secretscan
from bootstrap.components.secrets.backends.envfile import parse_text
from tests.conftest import bootstrap
from tests.strategies import messy_text_file

CORPUS = Path(__file__).parent / "corpus" / "secrets"
RNG = random.Random(20240607)
UP, LO, DI = string.ascii_uppercase, string.ascii_lowercase, string.digits
ALNUM = UP + LO + DI


def pick(alphabet: str, n: int) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def mixed(n: int, alphabet: str = ALNUM) -> str:
    """Random, with upper, lower and digits, as real generated secrets nearly always are."""
    while True:
        value = pick(alphabet, n)
        if any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value):
            return value


def github(prefix: str = "gh" + "p_", valid: bool = True) -> str:
    body = mixed(30)
    number, digits = zlib.crc32(body.encode()) & 0xFFFFFFFF, ""
    while number:
        number, rest = divmod(number, 62)
        digits = (DI + UP + LO)[rest] + digits
    check = digits.rjust(6, "0")
    return prefix + body + (check if valid else check[::-1] if check != check[::-1] else "zzzzzz")


def pem(kind: str) -> str:
    body = base64.b64encode(RNG.randbytes(600)).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {kind}-----\n{lines}\n-----END {kind}-----\n"


def jwt() -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    signature = base64.urlsafe_b64encode(RNG.randbytes(32)).decode().rstrip("=")
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': 'ana', 'exp': 1893456000})}.{signature}"


def notebook(source: str) -> str:
    lines = [line + "\n" for line in source.split("\n")]
    cell = {"cell_type": "code", "execution_count": 1, "id": "a1", "metadata": {}, "outputs": [], "source": lines}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


SECRET = "@@"  # where the value goes in a case's text

# (rule, file name, text with @@ where the secret sits, the secret)
POSITIVES = [
    ("aws-access-key-id", ".bash_history", "export AWS_ACCESS_KEY_ID=@@\n", "AK" + "IA" + pick(UP + "234567", 16)),
    ("aws-access-key-id", "settings.py", 'KEY = "@@"\n', "AS" + "IA" + pick(UP + "234567", 16)),
    ("secret-assignment", "credentials", "[default]\naws_secret_access_key = @@\n", mixed(40, ALNUM + "/+")),
    ("secret-assignment", "spark-defaults.conf", "spark.hadoop.fs.s3a.secret.key   @@\n", mixed(40, ALNUM + "/+")),
    ("github-token", ".netrc", "machine github.com login ana password @@\n", github()),
    ("github-token", "requirements.txt", "git+https://@@@github.com/acme/lib.git\n", github("gh" + "o_")),
    ("github-token", ".bashrc", "export GH=@@\n", "github" + "_pat_" + mixed(22) + "_" + mixed(59)),
    ("gitlab-token", "pip.conf", "[global]\nindex-url = https://__token__:@@@gitlab.com/simple\n", "gl" + "pat-" + mixed(20)),
    ("slack-token", ".env", "SLACK=@@\n", "xo" + "xb-" + pick(DI, 12) + "-" + pick(DI, 13) + "-" + mixed(24)),
    ("slack-webhook", "dag.py", 'HOOK = "https://@@"\n', "hooks.sl" + "ack.com/services/T" + pick(UP + DI, 9) + "/B" + pick(UP + DI, 9) + "/" + mixed(24)),
    ("stripe-key", "pay.py", "stripe.api_key = '@@'\n", "sk" + "_live_" + mixed(30)),
    ("openai-key", ".env", "OPENAI_API_KEY=@@\n", "sk-" + "proj-" + mixed(40) + "T3Blbk" + "FJ" + mixed(40)),
    ("anthropic-key", "llm.py", 'client = Anthropic(api_key="@@")\n', "sk-" + "ant-api03-" + mixed(93, ALNUM + "_-") + "AA"),
    ("huggingface-token", ".cache/huggingface/token", "@@", "hf" + "_" + pick(UP + LO, 34)),
    ("huggingface-token", "train.py", "login(token='@@')\n", "hf" + "_" + pick(UP + LO, 34)),
    ("google-api-key", "geo.py", "gmaps = Client(key='@@')\n", "AI" + "zaSy" + mixed(33)),
    ("google-oauth", "adc.json", '{"refresh_token": "@@"}\n', "1//" + "0g" + mixed(90)),
    ("databricks-token", ".databrickscfg", "[DEFAULT]\ntoken = @@\n", "da" + "pi" + pick("0123456789abcdef", 32)),
    ("pypi-token", "history", "twine upload -u __token__ -p @@ dist/*\n", "py" + "pi-AgEIcHlwaS5vcmc" + mixed(80)),
    ("npm-token", ".npmrc", "//registry.npmjs.org/:_authToken=@@\n", "np" + "m_" + mixed(36)),
    ("sendgrid-key", "mail.py", 'SendGridAPIClient("@@")\n', "S" + "G." + mixed(22) + "." + mixed(43)),
    ("jwt", "auth.ipynb", None, jwt()),
    ("private-key", "id_rsa", "@@", pem("RSA PRIVATE KEY")),
    ("private-key", "id_ed25519", "@@", pem("OPENSSH PRIVATE KEY")),
    ("private-key", "sa.json", '{"type": "service_account", "private_key": "@@"}\n', pem("PRIVATE KEY").replace("\n", "\\n")),
    ("url-password", ".env", "DATABASE_URL=postgresql://etl:@@@db.internal/analytics\n", mixed(16)),
    ("url-password", "broker.env", "CELERY_BROKER_URL=redis://:@@@cache:6379/0\n", mixed(20)),
    ("secret-assignment", ".env", "WAREHOUSE_PASSWORD=@@\n", "Kx9#mQ2vLp7!"),
    ("secret-assignment", "profiles.yml", "dev:\n  outputs:\n    dev:\n      password: @@\n", "Gr8-Lakes-Data!"),
    ("secret-assignment", "profiles.yml", "dev:\n  private_key_passphrase: '@@'\n", mixed(14)),
    ("secret-assignment", "config", "[connections]\npassword = @@\n", "Sn0w-Flak3-2024!"),
    ("secret-assignment", "config.fish", "set -gx SNOWFLAKE_PASSWORD '@@'\n", "Sn0w-Fl4ke-Pr0d"),
    ("secret-assignment", "fish_history", "- cmd: set -x PGPASSWORD @@\n", "m4rk3t-Mix-77"),
    ("secret-assignment", ".cshrc", "setenv ORACLE_PASSWORD @@\n", "Or4cle!Legacy9"),
    ("secret-assignment", ".Renviron", "PGPASSWORD=@@\n", pick(LO, 8) + pick(DI, 7)),
    ("secret-assignment", "metabase.env", "MB_DB_PASS=@@\n", mixed(16)),
    ("secret-assignment", "job.py", 'df = spark.read.option("user", "etl").option("password", "@@").load()\n', "Kq7!vR2#pL9m"),
    ("secret-assignment", "pg.ipynb", None, "Tr0ub4dor&3x"),
    ("secret-assignment", "history", "airflow connections add x --conn-login etl --conn-password '@@'\n", "Sn0w-Etl-2024#"),
    ("secret-assignment", "kaggle.json", '{"username":"ana","key":"@@"}', pick("0123456789abcdef", 32)),
    ("secret-assignment", "airflow.cfg", "[core]\nfernet_key = @@\n", base64.urlsafe_b64encode(RNG.randbytes(32)).decode()),
    ("secret-assignment", ".env", 'AZURE="DefaultEndpointsProtocol=https;AccountName=x;AccountKey=@@;EndpointSuffix=core.windows.net"\n', base64.b64encode(RNG.randbytes(64)).decode()),
    ("secret-assignment", "odbc.ini", "conn = Driver={ODBC};Server=tcp:x,1433;Uid=ro;Pwd=@@;Encrypt=yes;\n", "d2LkV78zLx!t"),
    ("secret-assignment", ".env", "TWILIO_AUTH_TOKEN=@@\n", pick("0123456789abcdef", 32)),
    ("pgpass", ".pgpass", "# host:port:db:user:password\ndwh.internal:5432:analytics:ana:@@\n", "Tr0ub4dor&3x"),
    ("netrc-password", ".netrc", "machine ftp.vendor.com\n  login feed\n  password @@\n", "Fe3d!92kLm-x"),
    ("cli-password", "history", "mysql -h db -u root -p@@ analytics\n", "S3cr3tPass!"),
    ("cli-password", "history", "curl --cacert ca.crt -u elastic:@@ https://localhost:9200\n", "P@ssw0rd$1"),
    ("auth-header", "history", 'curl -H "Authorization: Bearer @@" https://api.acme.io\n', pick("0123456789abcdef", 32)),
]  # fmt: skip


def positive_text(name: str, text: str | None, secret: str) -> str:
    if text is not None:
        return text.replace(SECRET, secret)
    if name == "auth.ipynb":
        return notebook(f"r = requests.get(URL)\nr.json()  # {{'access_token': '{secret}'}}")
    return notebook(f'import psycopg2\nconn = psycopg2.connect(host="dwh", user="ana", password="{secret}")')


@pytest.mark.parametrize(("rule", "name", "text", "secret"), POSITIVES, ids=[f"{c[0]}-{c[1]}" for c in POSITIVES])
def test_each_kind_is_found_on_its_line_without_showing_the_value(
    tmp_path: Path, rule: str, name: str, text: str | None, secret: str
) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body = positive_text(name, text, secret)
    path.write_text(body)
    hits = secretscan.scan([path])
    assert [h.rule for h in hits] == [rule], hits
    first = secret.replace("\n", "\\n").split("\\n")[0] if "BEGIN" in secret else secret
    probe = first if first in body else json.dumps(secret)[1:-1]
    assert hits[0].line == body[: body.index(probe)].count("\n") + 1
    shown = f"{hits[0].kind} {hits[0].masked} {hits[0].ignore_line}"
    assert secret not in shown and secret[:12] not in shown


# (file name, text): what data people's files hold that is not a secret
NEGATIVES = [
    (".env", "OPENAI_API_KEY=<your-openai-key>\nDB_PASSWORD=changeme\nAPI_KEY=xxxxxxxxxxxxxxxxxxxx\n"),
    (".env", "DB_PASSWORD=${DB_PASSWORD}\nPGPASSWORD=${PGPASSWORD:-}\nTOKEN=$(pass show x)\n"),
    (".env", "DB_PASSWORD=your_password_here\nAWS_SECRET_ACCESS_KEY=your-secret-access-key-here\n"),
    (".env", "DB_PASSWORD=op://Data/warehouse/password\nTOKEN=pass://data/token\nSNOWFLAKE_PASSWORD=\n"),
    (".env", "DATABASE_URL=postgres://user:password@localhost:5432/db\nURL=postgres://${U}:${P}@h/db\n"),
    (".env", "GITHUB_TOKEN=gh" + "p_" + "x" * 36 + "\nHF_TOKEN=hf" + "_" + "x" * 34 + "\n"),
    (".env", "SLACK_BOT_TOKEN=xo" + "xb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx\nKEY=AK" + "IA" + "X" * 16 + "\n"),
    (".env", "AZURE_TENANT_ID=97fb0431-46ac-41df-9ef9-1a18545ce2a0\nAWS_ROLE_ARN=arn:aws:iam::123456789012:role/x\n"),
    (".env", "AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/token\nGOOGLE_APPLICATION_CREDENTIALS=/Users/ana/k.json\n"),
    ("profiles.yml", "dev:\n  password: \"{{ env_var('DBT_PASSWORD') }}\"\n  private_key_path: /Users/ana/.ssh/k.p8\n"),
    ("config.yaml", "warehouse:\n  password: ''\n  token: null\n  secret: \"********\"\n  api_key: REDACTED\n"),
    ("docs.md", "Example: aws_access_key_id = AK" + "IAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalr" + "XUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
    ("stripe_test.py", "stripe.api_key = 'sk" + "_test_4eC39HqLyjWDarjtT1zdp7dc'\n"),
    ("auth.md", "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n"),
    ("extract.py", 'PASSWORD = os.environ["DB_PASSWORD"]\napi_key = os.getenv("OPENAI_API_KEY")\npassword = conn.password\n'),
    ("connect.py", 'conn = connect(user="ana", password=getpass.getpass("Password: "))\npassword = keyring.get_password("x", "y")\n'),
    ("settings.py", "class Settings(BaseSettings):\n    snowflake_password: SecretStr\n    slack_token: SecretStr | None = None\n"),
    ("db.py", "def connect(user: str, password: str, host: str = 'localhost'):\n    return make(aws_secret_access_key=secret_key)\n"),
    ("limits.py", "TOKEN_EXPIRY_SECONDS = 3600\nPASSWORD_RESET_TIMEOUT = 259200\nmax_tokens = 1024\n"),
    ("train.yaml", "tokenizer: bert-base-uncased\npad_token: \"<pad>\"\nmax_tokens: 4096\n"),
    ("secrets.py", 'SECRET_NAME = "prod/analytics/redshift"\nLLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"\n'),
    ("oauth.py", "register(access_token_url='https://github.com/login/oauth/access_token')\n"),
    ("config", "[profile x]\ncredential_process = aws-vault export --format=json x\nauth_type = databricks-cli\n"),
    ("Jenkinsfile", "withCredentials([usernamePassword(credentialsId: 'a3f6', passwordVariable: 'PASSWORD')])\n"),
    ("poetry.lock", '[[package]]\nname = "pandas"\nfiles = [{file = "p.whl", hash = "sha256:' + "ab" * 32 + '"}]\ncontent-hash = "' + "cd" * 32 + '"\n'),
    ("package-lock.json", '{"node_modules/d3": {"integrity": "sha512-' + base64.b64encode(RNG.randbytes(64)).decode() + '"}}\n'),
    ("yarn.lock", 'minipass@^3.0.0:\n  version "3.3.6"\n    minipass "^3.0.0"\n    verdaccio-htpasswd: 11.0.0-6-next.41\n'),
    ("page.html", '<meta name="csrf-token" content="' + mixed(40) + '">\ncsrf-token=' + mixed(60) + "\n"),
    ("keys.py", 'public_key = "' + mixed(43) + '"\npublicToken = "' + mixed(43) + '"\n'),
    ("id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + mixed(43) + " ana@laptop\n"),
    ("README.md", "```\n-----BEGIN " + "PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----\n```\n"),
    ("keyutil.py", 'HEADER = "-----BEGIN ' + 'PRIVATE KEY-----"\n\ndef looks_like_key(text: str) -> bool:\n    return True\n'),
    ("history", "curl -u <user:password> https://x\ncurl --user neo4j:[PASSWORD] http://x\ncurl -u \"${u}\":\"${p}\" x\nmysql -u root -p\n"),
    ("history", 'curl -H "Authorization: Bearer $(gcloud auth print-access-token)" x\ncurl -H "Authorization: Bearer <token>" x\n'),
    ("config.fish", "set -gx SNOWFLAKE_PASSWORD (pass show snowflake/ana)\nset -gx AWS_PROFILE analytics\n"),
    ("ci.yml", "env:\n  DBT_PASSWORD: ${{ secrets.DBT_PASSWORD }}\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n"),
    ("data.csv", "id,value\n" + "".join(f"{i},{mixed(40)}\n" for i in range(20))),  # entropy alone is no evidence
    ("symbols", "".join(f"_ZN{mixed(30)}E@Base 1.0\n" for i in range(20))),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text"), NEGATIVES, ids=[f"{i}-{c[0]}" for i, c in enumerate(NEGATIVES)])
def test_what_is_not_a_secret_is_not_reported(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert secretscan.scan([path]) == []


def test_a_notebook_full_of_ordinary_code_is_clean(tmp_path: Path) -> None:
    png = base64.b64encode(RNG.randbytes(4000)).decode()
    cells = [
        {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {}, "source": [
            "from getpass import getpass\n", "pw = getpass('Snowflake password: ')\n",
            "resp = client.chat.completions.create(model='gpt-4o', messages=m, max_tokens=1024)\n",
            'token = dbutils.secrets.get(scope="ml", key="hf-token")\n'],
         "outputs": [{"name": "stdout", "output_type": "stream", "text": ["Snowflake password: ········\n"]},
                     {"data": {"image/png": png}, "metadata": {}, "output_type": "display_data"}]},
    ]  # fmt: skip
    path = tmp_path / "eda.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    assert secretscan.scan([path]) == []


def test_github_tokens_need_their_checksum() -> None:
    assert secretscan.scan_line(f"see {github()} here") is not None
    assert secretscan.scan_line(f"see {github(valid=False)} here") is None  # same shape, wrong checksum


def test_masked_value_keeps_only_its_length() -> None:
    found = secretscan.scan_line("WAREHOUSE_PASSWORD=Tr0ub4dor&3")
    assert found == ("WAREHOUSE_PASSWORD assignment", "******** (11 characters)")


def test_inline_markers_silence_one_line(tmp_path: Path) -> None:
    secret = mixed(16)
    path = tmp_path / ".env"
    path.write_text(
        f"A_PASSWORD={secret}  # gitleaks:allow\n"
        f"B_PASSWORD={secret}  # pragma: allowlist secret\n"
        f"C_PASSWORD={secret}  # bootstrap: allow-secret\n"
        "# pragma: allowlist nextline secret\n"
        f"D_PASSWORD={secret}\n"
        f"E_PASSWORD={secret}\n"
    )
    assert [h.line for h in secretscan.scan([path])] == [6]


def test_an_ignore_file_line_silences_exactly_one_finding(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "conf").mkdir()
    first, second = mixed(16), mixed(16)
    (repo / "conf" / "app.env").write_text(f"DB_PASSWORD={first}\nAPI_PASSWORD={second}\n")
    hits = secretscan.scan([repo])
    assert [h.line for h in hits] == [1, 2]
    assert hits[0].ignore_line.startswith("conf/app.env:secret-assignment:")
    assert first not in hits[0].ignore_line and hits[0].fingerprint != hits[1].fingerprint
    (repo / secretscan.IGNORE_FILE).write_text(f"# reviewed: a test fixture\n{hits[0].ignore_line}\n")
    scanner = secretscan.Scanner()
    assert [h.line for h in scanner.run([repo])] == [2]
    assert scanner.silenced == 1
    # the fingerprint follows the value: a new value on the same line is reported again
    (repo / "conf" / "app.env").write_text(f"DB_PASSWORD={mixed(16)}\n")
    assert [h.line for h in secretscan.scan([repo])] == [1]


def test_cli_prints_the_line_to_add_and_never_a_value(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    secrets = [text.replace(SECRET, value) for _, name, text, value in POSITIVES if text and "\n" in text[-1:]]
    values = [value for _, _, text, value in POSITIVES if text and "\n" in text[-1:]]
    (repo / "everything.txt").write_text("".join(secrets))
    out = bootstrap("secrets", "scan", str(repo))
    assert out.returncode == 1, out.stderr
    said = out.stdout + out.stderr
    for value in values:
        assert value not in said and value[:12] not in said
    reported = [line for line in out.stdout.splitlines() if line.startswith(str(repo))]
    assert len(reported) >= len(values) - 5
    hint = out.stdout.splitlines()[1]
    assert hint.startswith(f"  not a secret? add to {secretscan.IGNORE_FILE}: everything.txt:")
    (repo / secretscan.IGNORE_FILE).write_text(hint.split(": ", 1)[1] + "\n")
    again = bootstrap("secrets", "scan", str(repo))
    assert len([ln for ln in again.stdout.splitlines() if ln.startswith(str(repo))]) == len(reported) - 1
    assert f"(1 silenced by {secretscan.IGNORE_FILE})" in again.stdout


def test_vendored_generated_binary_and_large_files_are_skipped_unless_asked(tmp_path: Path) -> None:
    line = f"DB_PASSWORD={mixed(16)}\n"
    for name in ("node_modules/x/.env", ".venv/lib/.env", "dist/.env", "app.min.js", "app.env"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(line)
    (tmp_path / "bundle.js").write_text("var a=1;" * 2000 + line)  # minified: one very long line
    (tmp_path / "big.env").write_text("# filler\n" * 250_000 + line)
    (tmp_path / "blob.bin.env").write_bytes(b"\0\1\2" + line.encode())
    found = {h.path.relative_to(tmp_path).as_posix() for h in secretscan.scan([tmp_path])}
    assert found == {"app.env"}
    found = {h.path.relative_to(tmp_path).as_posix() for h in secretscan.scan([tmp_path], include_all=True)}
    assert found == {
        "node_modules/x/.env",
        ".venv/lib/.env",
        "dist/.env",
        "app.min.js",
        "app.env",
        "bundle.js",
        "big.env",
    }
    assert [h.line for h in secretscan.scan([tmp_path / "app.min.js"])] == [1]  # named on the command line: read


def test_staged_diff_keeps_line_numbers_of_added_lines() -> None:
    diff = (
        "diff --git a/a.env b/a.env\nindex 1..2 100644\n--- a/a.env\n+++ b/a.env\n"
        "@@ -3,0 +4,2 @@\n+X=1\n++++ not a header\n"
        "diff --git a/gone b/gone\n--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
        'diff --git a/sp ace b/sp ace\n--- /dev/null\n+++ "b/na\\"me"\n@@ -0,0 +1 @@\n+y\n'
    )
    added = secretscan.added_lines(diff)
    assert added == {"a.env": "\n\n\nX=1\n+++ not a header\n", 'na"me': "y\n"}


def test_reference_files_parse_and_pass_the_scan() -> None:
    entries = parse_text((CORPUS / "env.refs").read_text(), "env.refs")
    assert [e.name for e in entries][:2] == ["WAREHOUSE_PASSWORD", "SNOWFLAKE_PASSWORD"]
    assert [str(r) for r in entries[5].refs] == ["pass://data/warehouse"]
    assert secretscan.scan([CORPUS]) == []


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
    list(secretscan.scan_text(Path("f.ipynb"), text))
    try:
        entries = parse_text(text, "f")
    except UserError as exc:
        assert str(exc).startswith("f:")  # one line naming the file and line
    else:
        assert all(e.name for e in entries)


@given(st.text(alphabet=string.ascii_letters + string.digits + "+/=!#%", min_size=12, max_size=60))
@settings(max_examples=100, deadline=None)
def test_findings_never_hold_the_value(value: str) -> None:
    for line in (f"export DB_PASSWORD={value}", f"api_key: '{value}'", f"postgres://u:{value}@h/db"):
        for hit in secretscan.scan_text(Path("f"), line):
            assert value not in f"{hit.kind} {hit.masked} {hit.ignore_line}"
            assert hit.masked.endswith(" characters)")


def test_the_report_on_a_terminal_names_the_place_and_never_the_value(tmp_path: Path) -> None:
    import os
    import sys

    import pexpect

    secret = mixed(18)
    (tmp_path / ".env").write_text(f"WAREHOUSE_HOST=dwh.internal\nWAREHOUSE_PASSWORD={secret}\n")
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    child = pexpect.spawn(
        sys.executable, ["-m", "bootstrap", "secrets", "scan", ".env"], env=env, cwd=str(tmp_path),
        encoding="utf-8", timeout=60, dimensions=(24, 80),
    )  # fmt: skip
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close()
    said = child.before
    assert child.exitstatus == 1
    assert ".env:2: WAREHOUSE_PASSWORD assignment: ******** (18 characters)" in said
    assert "not a secret? add to .bootstrap-secrets-ignore: .env:secret-assignment:" in said
    assert "bootstrap secrets set NAME" in said.replace("\r\n", " ").replace("\n", " ")
    assert secret not in said and secret[:10] not in said
