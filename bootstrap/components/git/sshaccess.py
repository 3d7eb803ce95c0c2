"""SSH access to the team's git hosts at run time (passphrase, publishing the key, trusting a
host) and in plain words for doctor.

What needs a person (a passphrase, comparing a fingerprint, adding a key in a browser) is
asked only through the context's prompter; without one (`--yes`, no terminal) the run takes
the safe non-interactive path and says what to run instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

from bootstrap.components.git import sshkeys, sshprobe
from bootstrap.system import files
from bootstrap.system.errors import Deferred, Failure
from bootstrap.system.findings import Outcome

if TYPE_CHECKING:
    from bootstrap.components.git.sshkeys import Key
    from bootstrap.profiles.schema import GitHost
    from bootstrap.system.context import Context
    from bootstrap.system.steps import Applier

DOCS = "https://docs.github.com/en/authentication/connecting-to-github-with-ssh"
FIX_RUN = "bootstrap run --only git"


def _say(ctx: Context, text: str, style: Optional[str] = None) -> None:
    ctx.console.print(ctx.tilde(text), style=style, markup=False, highlight=False)


# --- creating the key -----------------------------------------------------------------------


def passphrase(ctx: Context, allow_empty: bool, key: Key, comment: str) -> str:
    """Asked twice on a hidden prompt. Without a terminal: empty if the profile allows it."""
    prompter = ctx.prompter
    if prompter is None:
        if allow_empty:
            return ""
        raise Failure(
            f"no SSH key was created: your profile wants a passphrase on it, and without a terminal nobody can type one. "
            f"Run `{FIX_RUN}` in a terminal, or create it yourself: ssh-keygen -t ed25519 -C {comment or 'you@company.com'} -f {ctx.tilde(key.private)}"
        )
    hint = " (or press Enter for none)" if allow_empty else ""
    while True:
        first = prompter.secret(f"Choose a passphrase for your new SSH key{hint}:")
        if not first and allow_empty:
            return ""
        if len(first) < sshkeys.MIN_PASSPHRASE:
            _say(ctx, f"The passphrase needs at least {sshkeys.MIN_PASSPHRASE} characters; please try again.", "yellow")
            continue
        if prompter.secret("Type it again:") == first:
            return first
        _say(ctx, "The two did not match; please try again.", "yellow")


def create_key(applier: Applier, key: Key, comment: str, allow_empty: bool) -> None:
    ctx = applier.ctx
    secret = passphrase(ctx, allow_empty, key, comment)
    sshkeys.generate(ctx, key, comment, secret)
    applier.writer.installed(
        f"SSH key {ctx.tilde(key.private)}",
        f"remove it from your git hosts' key pages first, then: rm {ctx.tilde(key.private)} {ctx.tilde(key.public)}",
    )
    _say(ctx, f"Created your SSH key {key.private} ({'with a passphrase' if secret else 'without a passphrase'}).")


# --- publishing it --------------------------------------------------------------------------


def publish(ctx: Context, key: Key, hosts: Sequence[GitHost]) -> None:
    """Show the public key, put it on the clipboard, name the pages where it goes."""
    public = sshkeys.public_text(key) or ""
    _say(ctx, f"Your public SSH key ({key.public}); it is safe to share:")
    ctx.console.print(f"  {public}", markup=False, highlight=False, soft_wrap=True)
    tool = sshkeys.copy_to_clipboard(ctx, public + "\n")
    if tool:
        _say(ctx, f"It is on your clipboard (copied with {tool}).")
    pages = []
    for host in sshkeys.unique_hosts(hosts):
        where = host.key_url or f"the SSH keys page of your account on {host.host}"
        pages.append(where)
        _say(ctx, f"Add it for {host.host} at: {where}", "bold")
    if ctx.prompter is None:
        _say(ctx, "Once you have added it, `bootstrap doctor` checks that it works.")
        return
    typed = ctx.prompter.wait_for(
        "Type done once you have added the key (or later to add it after this run):", "done", "later"
    )
    if typed == "later":
        names = ", ".join(h.host for h in sshkeys.unique_hosts(hosts))
        raise Deferred(
            "you",
            f"your SSH key is not added to {names} yet",
            f"add {ctx.tilde(key.public)} (show it: cat {ctx.tilde(key.public)}) at {' and '.join(pages)}; "
            f"then check with bootstrap doctor (or {FIX_RUN})",
        )


# --- trusting a host ------------------------------------------------------------------------


def record_host_key(applier: Applier, host: GitHost) -> None:
    """Fetch the host's keys, show their fingerprints, and record them once the person agrees."""
    ctx = applier.ctx
    name = sshkeys.host_name(host.host, host.port)
    lines = sshkeys.scan(ctx, host.host, host.port)
    if not lines:
        # not broken: the rest of the run goes on, and the key is recorded once the host answers
        raise Deferred(
            "network",
            f"the host key of {name} was not recorded: cannot reach {name} (check your network or VPN)",
            f"{FIX_RUN} in a terminal once {host.host} can be reached",
        )
    shown = ", ".join(sshkeys.fingerprints(ctx, lines))
    manual = f"ssh-keyscan -p {host.port} {host.host} >> {ctx.tilde(ctx.paths.known_hosts)}"
    if ctx.prompter is None:
        raise Failure(
            f"the host key of {name} is not recorded, and without a terminal nobody can confirm its fingerprint "
            f"({shown}). Compare it with the one {host.host} publishes, then run `{FIX_RUN}` in a terminal "
            f"(or: {manual}); a profile can also list the host's keys under `host_keys`"
        )
    _say(ctx, f"{name} presents these host keys: {shown}")
    _say(ctx, f"Compare them with the fingerprints {host.host} publishes (your platform team knows where).")
    if not ctx.prompter.confirm(f"Do they match, and should ssh trust {name} from now on?", default=False):
        raise Failure(f"the host key of {name} was not recorded; when you have checked it, run `{FIX_RUN}` again")
    target = files.real_target(ctx.paths.known_hosts)
    applier.writer.write(ctx.paths.known_hosts, sshkeys.with_host_keys(files.read(target), lines))


# --- checking access ------------------------------------------------------------------------


def verify(ctx: Context, hosts: Sequence[GitHost], key: Key) -> None:
    """Try each host now and say how it went; problems are reported, never fatal (doctor repeats).

    A key with a passphrase can only be tried unattended from the agent: on a terminal it is
    added first (ssh-add asks for the passphrase, once for this login).
    """
    running = ctx.prompter is not None and sshkeys.agent_keys(ctx) is not None
    if running and sshkeys.is_encrypted(ctx, key) and not _agent_holds(ctx, key):
        _say(ctx, "Your SSH agent keeps the key unlocked for this login; type its passphrase once:")
        ctx.runner.run(["ssh-add", key.private], timeout=300, interactive=True)
    for host in sshkeys.unique_hosts(hosts):
        outcome = describe(ctx, host, key, sshprobe.probe(ctx, host))
        style = "green" if outcome.status == "ok" else "yellow"
        _say(ctx, f"{host.host}: {outcome.summary}" + (f" → {outcome.fix}" if outcome.fix else ""), style)


def describe(ctx: Context, host: GitHost, key: Key, probe: sshprobe.Probe) -> Outcome:
    """A probe's result in plain words, with the fix for each problem."""
    kind, target = probe.kind, probe.target
    said = f" ({probe.said})" if probe.said else ""
    if kind == "ok":
        what = f"you can read {target}" if host.repos else f"{target} accepts your SSH key"
        return Outcome("ok", what)
    if kind == "key-not-added":
        if sshkeys.is_encrypted(ctx, key) and not _agent_holds(ctx, key):
            return Outcome(
                "warning",
                f"could not try your key on {host.host}: it has a passphrase and the SSH agent does not hold it",
                f"ssh-add {ctx.tilde(key.private)}, then bootstrap doctor again",
                DOCS,
            )
        where = host.key_url or f"the SSH keys page of your account on {host.host}"
        return Outcome(
            "error",
            f"key not added: {host.host} does not know your SSH key yet",
            f"add the key in {ctx.tilde(key.public)} (show it: cat {ctx.tilde(key.public)}) at {where}",
            host.key_url or DOCS,
        )
    if kind == "host-key-unknown":
        return unknown_host_key(ctx, host)
    if kind == "host-key-changed":
        return Outcome(
            "error",
            f"{host.host} presents a different host key than the one recorded in {ctx.tilde(ctx.paths.known_hosts)}: "
            "someone may be intercepting the connection, or the host changed its key",
            f"ask your platform team whether {host.host} changed its key; only if it did: "
            f"ssh-keygen -R '{sshkeys.host_name(host.host, host.port)}' -f {ctx.tilde(ctx.paths.known_hosts)} && {FIX_RUN}",
        )
    if kind == "unreachable":
        return unreachable(target, said)
    if kind == "no-repo-access":
        return Outcome(
            "error",
            f"{host.host} accepts your key, but {target} cannot be read with it{said}",
            f"ask your team for access to {target} (or check the address in the profile)",
        )
    if kind == "not-installed":
        return Outcome("error", "ssh or git is not installed", "install OpenSSH and git, then bootstrap doctor again")
    return Outcome("error", f"{target} could not be reached over SSH{said}", f"ssh -v -p {host.port} {host.host}")


def unreachable(target: str, said: str = "", then: str = "") -> Outcome:
    """The host did not answer: the network or VPN, not the key or the host key."""
    return Outcome(
        "warning",
        f"cannot reach {target}{said}: this machine's network (or VPN) does not get through to it",
        f"check your network or VPN, then bootstrap doctor again{then} (or bootstrap doctor --offline)",
    )


def unknown_host_key(ctx: Context, host: GitHost) -> Outcome:
    """Its host key is not recorded; when it does not even answer, that is what to say first."""
    name = sshkeys.host_name(host.host, host.port)
    lines = sshkeys.scan(ctx, host.host, host.port)
    if not lines:
        shown = host.host if host.port == 22 else f"{host.host}:{host.port}"
        return unreachable(shown, "", f"; its host key is not recorded yet either, so then: {FIX_RUN} in a terminal")
    shown = ", ".join(sshkeys.fingerprints(ctx, lines))
    presents = f" (it presents {shown})" if shown else ""
    return Outcome(
        "error",
        f"host key unknown: the host key of {name} is not recorded in {ctx.tilde(ctx.paths.known_hosts)}{presents}",
        f"{FIX_RUN} in a terminal: it shows the fingerprint and asks before recording it",
        DOCS,
    )


def _agent_holds(ctx: Context, key: Key) -> bool:
    public = sshkeys.public_text(key)
    held = sshkeys.agent_keys(ctx) or []
    return public is not None and any(sshkeys.blob(line) == sshkeys.blob(public) for line in held)


def agent_outcome(ctx: Context, key: Key) -> Outcome:
    """Informational: a passphrase is asked once per login when the agent keeps the key."""
    if not sshkeys.is_encrypted(ctx, key):
        return Outcome("ok", "your key has no passphrase, so no SSH agent is needed")
    held = sshkeys.agent_keys(ctx)
    if held is None:
        return Outcome(
            "info",
            "no SSH agent is running: ssh asks for your key's passphrase every time",
            'eval "$(ssh-agent -s)" && ssh-add ' + ctx.tilde(key.private),
        )
    if _agent_holds(ctx, key):
        return Outcome("ok", "the SSH agent holds your key")
    return Outcome(
        "info",
        "the SSH agent does not hold your key yet (ssh adds it the first time you type the passphrase)",
        f"ssh-add {ctx.tilde(key.private)}",
    )
