"""Secrets: the team's password manager installed, signed in, and able to read every secret the
profile names; no plaintext secrets lying in dotfiles and shell history.

A run installs what it can (pass and GnuPG from the system's packages, the Bitwarden CLI from
npm) and creates a pass store for the user's GnuPG key. Signing in stays with the person: it
needs their password, and bootstrap never sees one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from bootstrap.components.secrets import scan as secretscan
from bootstrap.profiles.schema import Profile, Secrets
from bootstrap.system import syspkg
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure
from bootstrap.system.findings import Check, Outcome, ok, once
from bootstrap.system.steps import Applier, Step

NAME = "secrets"
REQUIRES: tuple[str, ...] = ()
DOCS = "https://github.com/bootstrap-dev/bootstrap/blob/main/docs/profiles.md#secrets"


def schemes(spec: Secrets) -> list[str]:
    """The backends in use: the chosen one first, then any other scheme a reference uses."""
    used = [ref.split("://", 1)[0] for ref in spec.env.values()]
    return list(dict.fromkeys([*([spec.backend] if spec.backend else []), *used]))


# --- plan -----------------------------------------------------------------------------------


def connection_schemes(profile: Profile) -> list[str]:
    """The backends the profile's connections read their passwords from."""
    refs = [
        getattr(c, key) for c in (profile.components.connections or {}).values() for key in ("password", "private_key")
    ]
    return list(dict.fromkeys(ref.split("://", 1)[0] for ref in refs if ref))


def plan(ctx: Context, profile: Profile) -> list[Step]:
    spec = profile.components.secrets
    used = connection_schemes(profile)
    if spec is None and not used:
        return []
    steps: list[Step] = []
    for scheme in dict.fromkeys([*schemes(spec or Secrets()), *used]):
        if scheme == "pass":
            steps += _pass_steps(ctx)
        elif scheme in CLI_PACKAGES and ctx.runner.which(scheme) is None:
            steps += _cli_install(ctx, scheme)
    return steps


# The password managers' own CLIs: Homebrew has both; elsewhere only Bitwarden's is a package
# we can install (npm), 1Password's comes from its own repositories (doctor links the guide)
CLI_PACKAGES: dict[str, tuple[tuple[str, ...], Optional[str]]] = {
    "op": (("--cask", "1password-cli"), None),
    "bw": (("bitwarden-cli",), "@bitwarden/cli"),
}


def _cli_install(ctx: Context, scheme: str) -> list[Step]:
    brew, npm = CLI_PACKAGES[scheme]
    label = "the 1Password CLI (op)" if scheme == "op" else "the Bitwarden CLI (bw)"
    if ctx.platform.family == "macos":
        command: tuple[str, ...] = ("brew", "install", *brew)
        removal = f"brew uninstall {' '.join(brew)}"
    elif npm and ctx.runner.which("npm"):
        command, removal = ("npm", "install", "-g", npm), f"npm uninstall -g {npm}"
    else:
        return []
    return [Step(NAME, f"Install {label}", commands=(command,), installs=(label, removal))]


def _pass_steps(ctx: Context) -> list[Step]:
    from bootstrap.components.secrets.backends import passstore

    steps: list[Step] = []
    missing = [
        (tool, package) for tool, package in (("gpg", "gnupg"), ("pass", "pass")) if ctx.runner.which(tool) is None
    ]
    for tool, package in missing:
        commands = syspkg.install_commands(ctx.platform, package)
        if not commands:
            raise Failure(
                f"{tool} is not installed and bootstrap does not know how to install it here: {passstore.install_hint(ctx)}"
            )
        steps.append(
            Step(
                NAME,
                f"Install {package} (the password store keeps each secret encrypted with your GnuPG key)",
                commands=tuple(commands),
                interactive=ctx.interactive,
                installs=(package, syspkg.remove_command(ctx.platform, package)),
            )
        )
    if missing:

        def create_store(applier: Applier) -> None:
            for step in _store_steps(ctx):
                applier.apply(step)

        steps.append(
            Step(
                NAME,
                "Create your password store once pass is installed",
                later="needs pass and your GnuPG key",
                apply=create_store,
            )
        )
        return steps
    return steps + _store_steps(ctx)


def _store_steps(ctx: Context) -> list[Step]:
    from bootstrap.components.secrets.backends import passstore

    store = passstore.store_dir(ctx)
    if (store / ".gpg-id").is_file():
        return []
    keys = passstore.secret_keys(ctx)
    if len(keys) != 1:
        what = "no GnuPG key" if not keys else f"{len(keys)} GnuPG keys"
        raise Failure(
            f"you have {what}, so bootstrap cannot choose one for your password store: "
            + (
                "create one with `gpg --full-generate-key`, then run again"
                if not keys
                else "run `pass init KEY-ID` with the one to use"
            )
        )
    fingerprint, user = keys[0]
    return [
        Step(
            NAME,
            f"Create a password store in {ctx.tilde(store)} for your GnuPG key {user}",
            commands=(("pass", "init", fingerprint),),
            installs=(f"the password store {ctx.tilde(store)}", "it holds your secrets: remove it only on purpose"),
        )
    ]


# --- doctor ---------------------------------------------------------------------------------


def quick_scan_paths(ctx: Context) -> list[Path]:
    """Dotfiles and histories only: doctor must stay fast, `secrets scan` goes further."""
    return [ctx.home / n for n in secretscan.HOME_FILES if (ctx.home / n).is_file()]


def checks(ctx: Context, profile: Profile) -> list[Check]:
    from bootstrap.components.secrets.backends import LABELS, Ref, backend, environ

    spec = profile.components.secrets or Secrets()
    found: list[Check] = []

    def status_of(scheme: str) -> Callable[[], Outcome]:
        def probe() -> Outcome:
            status = backend(scheme).status(ctx)
            if status.ok:
                return ok(status.summary)
            if spec.env:
                return Outcome("error", f"{LABELS[scheme]}: {ctx.tilde(status.summary)}", status.fix, DOCS)
            # Nothing reads from it yet (a role without the team's secrets): worth knowing, not a problem.
            summary = f"{LABELS[scheme]}: {ctx.tilde(status.summary)}; nothing of this profile needs it yet"
            return Outcome("info", summary, status.fix, DOCS)

        return probe

    for scheme in schemes(spec):
        found.append(Check(f"secrets.backend.{scheme}", NAME, status_of(scheme)))

    if spec.env:
        checked = once(lambda: environ.check(ctx, environ.wanted(ctx, profile, [])))

        def reference(name: str, ref: Ref) -> Callable[[], Outcome]:
            def probe() -> Outcome:
                result = checked().resolutions[ref]
                if result.ok:
                    return ok(f"{name} resolves ({ref})")
                return Outcome("error", f"{name}: {ctx.tilde(result.summary)}", result.fix, DOCS)

            return probe

        for name, text in spec.env.items():
            ref = Ref(*text.split("://", 1))
            found.append(Check(f"secrets.ref.{name}", NAME, reference(name, ref)))

    def plaintext() -> Outcome:
        hits = secretscan.scan(quick_scan_paths(ctx))
        if not hits:
            return ok("no plaintext secrets in your dotfiles and shell history")
        places = ", ".join(sorted({f"{ctx.tilde(h.path)}:{h.line}" for h in hits})[:3])
        more = "" if len(hits) <= 3 else f" and {len(hits) - 3} more"
        return Outcome(
            "warning",
            f"{len(hits)} likely plaintext secret(s): {places}{more}",
            "bootstrap secrets scan   (then move each into your password manager)",
            DOCS,
        )

    found.append(Check("secrets.plaintext", NAME, plaintext))
    return found
