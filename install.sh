#!/bin/sh
# Installs, updates or removes the `bootstrap` command for the current user, from this folder
# or, fetched on its own, from a package URL:
#
#   ./install.sh [--no-run] [--uninstall] [--help] [OPTIONS FOR `bootstrap run`...]
#   curl -fsSL URL/install.sh | sh -s -- --package GIT_OR_ARCHIVE_URL \
#       [--profile-source TEAM_REPO_URL --profile TEAM/NAME] [--trust] [OPTIONS...]
#
# Plain POSIX sh: it runs before anything else on the laptop is set up (macOS and Linux).
# Nothing here needs sudo: bootstrap lives in its own Python environment in the user's data
# folder, and ~/.local/bin/bootstrap links to it.
set -eu

me=install.sh

say() { printf '%s\n' "$*"; }

# One line saying what happened and what to do, on stderr; then stop.
die() {
    printf '%s: %s\n' "$me" "$*" >&2
    exit 1
}

# The home directory as ~ (people paste these messages into chat).
tilde() {
    case $1 in
        "$HOME") printf '%s' '~' ;;
        "$HOME"/*) printf '%s/%s' '~' "${1#"$HOME"/}" ;;
        *) printf '%s' "$1" ;;
    esac
}

# A path as it can be typed into a shell: ~ stays outside the quotes so that it still expands.
typed() {
    case $1 in
        "$HOME"/*) rest=${1#"$HOME"/} ;;
        *) rest='' ;;
    esac
    case $1 in
        *[!A-Za-z0-9_./~-]*) ;;
        *)
            tilde "$1"
            return
            ;;
    esac
    if [ -n "$rest" ]; then
        printf '%s/"%s"' '~' "$rest"
    else
        printf '"%s"' "$1"
    fi
}

# --- where things go: the same folders Python's platformdirs gives the tool ----------------

[ -n "${HOME:-}" ] || die "HOME is not set, so there is no home folder to install into; log in as yourself and run ./install.sh again."

if [ "$(uname -s 2>/dev/null || true)" = Darwin ]; then
    os=macos
    data="$HOME/Library/Application Support/bootstrap"
    config=$data
    state=$data
    cache="$HOME/Library/Caches/bootstrap"
else
    os=linux
    data="${XDG_DATA_HOME:-$HOME/.local/share}/bootstrap"
    config="${XDG_CONFIG_HOME:-$HOME/.config}/bootstrap"
    state="${XDG_STATE_HOME:-$HOME/.local/state}/bootstrap"
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/bootstrap"
fi
venv="$data/venv"
bindir="$HOME/.local/bin"
link="$bindir/bootstrap"
target="$venv/bin/bootstrap"

usage() {
    cat <<EOF
Usage: ./install.sh [--no-run] [--uninstall] [--help] [OPTIONS...]

Installs the bootstrap command for you (no sudo needed), then starts the first-day setup.

What it does:
  1. Finds Python 3.9 or newer on this computer. If there is none, it tells you the
     command that installs it, and stops.
  2. Makes a Python environment just for bootstrap in
       $(tilde "$venv")
     and installs bootstrap from this folder into it. Running ./install.sh again updates it.
  3. Links $(tilde "$link") to it, and makes sure ~/.local/bin is on your PATH
     (a few lines in your shell's login file; \`bootstrap undo\` takes them out again).
  4. Runs \`bootstrap run\`: it asks your role, name and email, shows what it will
     change, and sets up git and the rest of your role's tools.

Options:
  --package URL          Where to get bootstrap from: a git URL or an archive URL (.tar.gz,
                         .zip, .whl), or a folder. Needed when install.sh was downloaded on
                         its own (curl -fsSL URL | sh -s -- --package URL ...).
  --profile-source URL   Add a team's profiles (a git repository or a .yaml file URL) before
                         the setup; use with --profile TEAM/NAME. Nothing from the team runs
                         until you allow its commands (bootstrap profile trust TEAM).
  --trust                Also allow the team's commands as fetched (for CI images).
  --no-run      Only install or update; do not start \`bootstrap run\`.
  --uninstall   Remove bootstrap's Python environment and the ~/.local/bin/bootstrap link.
                If bootstrap changed files on this computer, it first offers to put them
                back. Your answers and bootstrap's run history stay; it says where.
  -h, --help    Show this help.

Any other option is passed on to \`bootstrap run\`, for example:
  ./install.sh --yes --profile analyst --answers answers.yaml
    --profile NAME   your role: analyst, data-engineer, data-scientist or base,
                     or TEAM/NAME for a team's profile (with --profile-source)
    --answers FILE   a YAML file with your answers (name: ..., email: ...)
    --yes            never ask: use the answers given and make the changes
After installing, \`bootstrap run --help\` lists them all.
EOF
}

# --- options -------------------------------------------------------------------------------

run=1
uninstall=0
passed=0
package=''
profile_source=''
trust=0
team_profile=''
count=$#
# An option's value: the rest of --opt=VALUE, or the next argument.
need_value() {
    [ "$count" -gt 0 ] || die "$1 needs a value (see ./install.sh --help)."
}
while [ "$count" -gt 0 ]; do
    arg=$1
    shift
    count=$((count - 1))
    case $arg in
        --no-run) run=0 ;;
        --uninstall) uninstall=1 ;;
        --trust) trust=1 ;;
        --package=*) package=${arg#--package=} ;;
        --package)
            need_value "$arg"
            package=$1
            shift
            count=$((count - 1))
            ;;
        --profile-source=*) profile_source=${arg#--profile-source=} ;;
        --profile-source)
            need_value "$arg"
            profile_source=$1
            shift
            count=$((count - 1))
            ;;
        --profile=*/*)
            team_profile=${arg#*=}
            set -- "$@" "$arg"
            passed=$((passed + 1))
            ;;
        --profile | -p)
            # passed on to `bootstrap run`; a TEAM/NAME also names the team to add
            need_value "$arg"
            case $1 in
                */*) team_profile=$1 ;;
            esac
            set -- "$@" "$arg" "$1"
            shift
            count=$((count - 1))
            passed=$((passed + 2))
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            # Everything after -- goes to `bootstrap run` untouched.
            while [ "$count" -gt 0 ]; do
                set -- "$@" "$1"
                shift
                count=$((count - 1))
                passed=$((passed + 1))
            done
            ;;
        *)
            set -- "$@" "$arg"
            passed=$((passed + 1))
            ;;
    esac
done

# Logged in as root itself (not through sudo), with root's own home: say so before anything
# else. A warning, not a question: unattended installs (CI images, containers) go on.
if [ "$(id -u 2>/dev/null || true)" = 0 ] && [ -z "${SUDO_USER:-}" ]; then
    root_home=$(getent passwd 0 2>/dev/null | cut -d: -f6) || root_home=''
    [ -n "$root_home" ] || root_home=$(cd ~root 2>/dev/null && pwd) || root_home=''
    here=$(cd "$HOME" 2>/dev/null && pwd -P) || here=$HOME
    roots=$(cd "${root_home:-/nonexistent}" 2>/dev/null && pwd -P) || roots=$root_home
    if [ -n "$root_home" ] && [ "$here" = "$roots" ]; then
        printf '%s\n' "You are logged in as root: this sets up root's own home ($root_home), not a person's. To set up a person's account, stop here (Ctrl-C) and run ./install.sh logged in as that person." >&2
        # the run started below says nothing more about it
        BOOTSTRAP_ROOT_WARNED=1
        export BOOTSTRAP_ROOT_WARNED
    fi
fi

if [ "$uninstall" = 1 ] && [ "$passed" -gt 0 ]; then
    die "--uninstall takes no other options (got: $*); run ./install.sh --uninstall on its own."
fi
if [ "$run" = 0 ] && [ "$passed" -gt 0 ]; then
    die "the options $* are for \`bootstrap run\`, which --no-run skips; drop --no-run, or drop those options."
fi
if [ -n "$profile_source" ] && [ -z "$team_profile" ]; then
    die "--profile-source needs --profile TEAM/NAME, the team's profile to set up (the team's README names it)."
fi
if [ "$trust" = 1 ] && [ -z "$profile_source" ]; then
    die "--trust goes with --profile-source (it allows that team's commands); add --profile-source URL, or drop --trust."
fi
if [ "$uninstall" = 1 ] && { [ -n "$profile_source" ] || [ -n "$package" ]; }; then
    die "--uninstall takes no other options; run ./install.sh --uninstall on its own."
fi
if [ -n "${SUDO_USER:-}" ] && [ "$(id -u 2>/dev/null || true)" = 0 ]; then
    die "do not run install.sh with sudo: it installs into your own home folder; run ./install.sh as $SUDO_USER, without sudo."
fi

# --- uninstall -----------------------------------------------------------------------------

# How many recorded runs `bootstrap undo` can still take back (0 when it cannot tell).
undoable() {
    listing=$(COLUMNS=1000 NO_COLOR=1 "$target" undo --list 2>/dev/null) || listing=''
    found=0
    while IFS= read -r line; do
        case $line in
            *"(can be undone)"*) found=$((found + 1)) ;;
        esac
    done <<EOF
$listing
EOF
    printf '%s\n' "$found"
}

offer_undo() {
    left=$(undoable)
    [ "$left" -gt 0 ] || return 0
    if [ ! -t 0 ]; then
        say "bootstrap changed files on this computer ($left run(s) can be undone: bootstrap undo --list shows them). They stay as they are."
        say "To put them back later: ./install.sh --no-run, then bootstrap undo (once per run), then ./install.sh --uninstall. That needs the run history in $(tilde "$state"), which is kept."
        return 0
    fi
    while [ "$left" -gt 0 ]; do
        say "bootstrap changed files on this computer; $left run(s) can still be undone:"
        COLUMNS=1000 "$target" undo --list || true
        printf '%s' "Undo the most recent run before uninstalling? [y/N] "
        answer=''
        read -r answer || answer=''
        case $answer in
            [yY]*) ;;
            *)
                say "Keeping those changes."
                return 0
                ;;
        esac
        "$target" undo --yes || die "bootstrap undo did not finish (see above), so nothing was uninstalled; do what it says, or answer no to keep the changes, and run ./install.sh --uninstall again."
        left=$(undoable)
    done
    say "Everything bootstrap changed on this computer has been put back."
}

do_uninstall() {
    if [ -x "$target" ]; then
        offer_undo
    fi
    if [ -e "$venv" ] || [ -L "$venv" ]; then
        [ -f "$venv/pyvenv.cfg" ] || die "$(tilde "$venv") is not a Python environment made by install.sh, so it was left alone; remove it yourself if you are sure it is not needed."
        rm -rf "$venv" || die "could not remove $(tilde "$venv") (see above); check its permissions and run ./install.sh --uninstall again."
        say "Removed $(tilde "$venv")"
    else
        say "$(tilde "$venv") is not there (bootstrap was not installed, or already removed)."
    fi
    rmdir "$data" 2>/dev/null || true
    if [ -L "$link" ]; then
        points_to=$(readlink "$link" || true)
        if [ "$points_to" = "$target" ]; then
            rm -f "$link" || die "could not remove the link $(tilde "$link"); check the permissions of $(tilde "$bindir") and run ./install.sh --uninstall again."
            say "Removed the link $(tilde "$link")"
        else
            say "Left $(tilde "$link") alone: it points to $(tilde "$points_to"), not to bootstrap's environment."
        fi
    elif [ -e "$link" ]; then
        say "Left $(tilde "$link") alone: it is not a link made by install.sh."
    fi

    kept=''
    listed='|'
    for dir in "$config" "$state" "$cache" "$data"; do
        [ -d "$dir" ] || continue
        case $listed in
            *"|$dir|"*) continue ;;
        esac
        listed="$listed$dir|"
        [ -n "$kept" ] || say "Kept your answers, profiles and bootstrap's run history (with backups of the files it changed) in:"
        say "  $(tilde "$dir")"
        kept="$kept $(typed "$dir")"
    done
    if [ -n "$kept" ]; then
        say "To remove them too (after that, nothing bootstrap did can be undone): rm -rf$kept"
    fi
    say "bootstrap is uninstalled."
}

if [ "$uninstall" = 1 ]; then
    do_uninstall
    exit 0
fi

# --- install: Python ----------------------------------------------------------------------

# The distribution family from /etc/os-release: debian (Debian, Ubuntu...), fedora, or other.
linux_family() {
    id='' like=''
    if [ -r /etc/os-release ]; then
        while IFS='=' read -r key value || [ -n "$key" ]; do
            value=${value#[\"\']}
            value=${value%[\"\']}
            case $key in
                ID) id=$value ;;
                ID_LIKE) like=$value ;;
            esac
        done </etc/os-release
    fi
    for name in $id $like; do
        case $name in
            debian | ubuntu)
                say debian
                return
                ;;
            fedora | rhel | centos)
                say fedora
                return
                ;;
        esac
    done
    say other
}

if [ "$os" = macos ]; then family=macos; else family=$(linux_family); fi

python=''
for name in python3.13 python3.12 python3.11 python3.10 python3.9 python3; do
    found=$(command -v "$name" 2>/dev/null) || continue
    # Ask the interpreter itself: names lie (pyenv shims, stubs that only offer an installer).
    if "$found" -c 'import sys; sys.exit(sys.version_info < (3, 9))' >/dev/null 2>&1; then
        python=$found
        break
    fi
done

if [ -z "$python" ]; then
    {
        say "$me: bootstrap needs Python 3.9 or newer, and none was found on your PATH (looked for python3.13 ... python3.9 and python3)."
        case $family in
            macos)
                say "Install it with Homebrew:  brew install python@3.12"
                say "or with the installer from https://www.python.org/downloads/macos/"
                ;;
            debian) say "Install it with:  sudo apt-get install python3 python3-venv" ;;
            fedora) say "Install it with:  sudo dnf install python3" ;;
            *)
                say "Install it with your package manager, for example:"
                say "  macOS:          brew install python@3.12   (or https://www.python.org/downloads/)"
                say "  Debian/Ubuntu:  sudo apt-get install python3 python3-venv"
                say "  Fedora:         sudo dnf install python3"
                ;;
        esac
        say "Then run ./install.sh again."
    } >&2
    exit 1
fi

# --- install: what to install -------------------------------------------------------------

# pip's name for the package: a folder, git+URL for a repository, or the archive's URL.
if [ -n "$package" ]; then
    case $package in
        git+* | *.tar.gz | *.tgz | *.zip | *.whl | *.tar.bz2) spec=$package ;;
        *://* | *@*:*) spec="git+$package" ;;
        *)
            [ -f "$package/pyproject.toml" ] || die "--package $package is neither a URL nor a folder holding bootstrap; give a git URL, an archive URL or the bootstrap folder."
            spec=$(CDPATH='' cd -- "$package" && pwd -P) || die "cannot open the folder $package; check --package."
            ;;
    esac
    shown_spec=$(tilde "$spec")
else
    case $0 in
        */*) here=${0%/*} ;;
        *) here=. ;;
    esac
    spec=$(CDPATH='' cd -- "$here" 2>/dev/null && pwd -P) || spec=''
    if [ -z "$spec" ] || [ ! -f "$spec/pyproject.toml" ] || [ ! -f "$spec/bootstrap/__init__.py" ]; then
        die "install.sh is not inside the bootstrap repository, so it needs to be told where to get bootstrap: add --package URL (a git URL or an archive URL), or run it from the repository: cd bootstrap && ./install.sh"
    fi
    shown_spec=$(tilde "$spec")
fi

# Fail before the slow part when the link cannot be made.
if [ -e "$link" ] && [ ! -L "$link" ]; then
    die "$(tilde "$link") already exists and is not a link made by install.sh, so it was left alone; move it away (mv $(typed "$link") $(typed "$link.old")) and run ./install.sh again."
fi

about=$("$python" -c 'import sys; print("%d.%d.%d %s" % (sys.version_info[:3] + (sys.executable,)))') ||
    die "$(tilde "$python") stopped working while install.sh was using it; run ./install.sh again."
version=${about%% *}
minor=${version%.*}
say "Using Python $version ($(tilde "${about#* }"))"

# --- install: the Python environment ------------------------------------------------------

venv_works() {
    "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' >/dev/null 2>&1 &&
        "$venv/bin/python" -m pip --version >/dev/null 2>&1
}

if [ -e "$venv" ] || [ -L "$venv" ]; then
    if ! venv_works; then
        [ -f "$venv/pyvenv.cfg" ] || die "$(tilde "$venv") exists but is not a Python environment; move it away (mv $(typed "$venv") $(typed "$venv.old")) and run ./install.sh again."
        say "The Python environment in $(tilde "$venv") no longer works (was its Python upgraded or removed?); making a new one."
        rm -rf "$venv" || die "could not remove the broken environment $(tilde "$venv") (see above); remove it yourself and run ./install.sh again."
    fi
fi

if [ ! -e "$venv" ]; then
    say "Creating a Python environment in $(tilde "$venv") ..."
    mkdir -p "$data" || die "could not create $(tilde "$data") (see above); check the permissions of its parent folder and run ./install.sh again."
    if ! output=$("$python" -m venv "$venv" 2>&1); then
        rm -rf "$venv"
        rmdir "$data" 2>/dev/null || true
        [ -z "$output" ] || printf '%s\n' "$output" | sed 's/^/    /' >&2
        case $family in
            debian)
                die "Python's venv module does not work: Debian and Ubuntu ship it separately. Install it with: sudo apt-get install python3-venv (for this Python $minor: sudo apt-get install python$minor-venv), then run ./install.sh again."
                ;;
            *)
                die "$(tilde "$python") -m venv failed (its messages are above); fix that or install another Python 3.9 or newer, then run ./install.sh again."
                ;;
        esac
    fi
fi

# --- install: bootstrap itself ------------------------------------------------------------

old=''
if [ -x "$target" ]; then
    old=$("$target" --version 2>/dev/null) || old=''
fi
if [ -n "$old" ]; then
    say "Updating ${old#bootstrap } in $(tilde "$venv") from $shown_spec ..."
else
    say "Installing bootstrap into $(tilde "$venv") ..."
fi
# A folder is always rebuilt and reinstalled by pip, even at the same version number, so edited
# code is picked up. PIP_USER=0: a `user = true` pip setting would refuse to install into a venv.
PIP_USER=0 PIP_ROOT_USER_ACTION=ignore "$venv/bin/python" -m pip install --upgrade --disable-pip-version-check --quiet "$spec" ||
    die "pip could not install bootstrap from $shown_spec (its messages are above); check --package, your network or proxy settings, then run ./install.sh again."
new=$("$target" --version) || die "bootstrap was installed into $(tilde "$venv") but does not start (see above); run ./install.sh again, and if that fails, ./install.sh --uninstall first."
say "Installed $new"

# --- install: the link and PATH -----------------------------------------------------------

mkdir -p "$bindir" || die "could not create $(tilde "$bindir") (see above); check the permissions of $(tilde "$HOME/.local") and run ./install.sh again."
if [ -L "$link" ]; then
    points_to=$(readlink "$link" || true)
    if [ "$points_to" != "$target" ]; then
        say "Replacing the old link $(tilde "$link") -> $(tilde "$points_to")"
        rm -f "$link" || die "could not replace the old link $(tilde "$link"); remove it yourself and run ./install.sh again."
    fi
elif [ -e "$link" ]; then
    die "$(tilde "$link") already exists and is not a link made by install.sh, so it was left alone; move it away (mv $(typed "$link") $(typed "$link.old")) and run ./install.sh again."
fi
if [ ! -L "$link" ]; then
    ln -s "$target" "$link" || die "could not link $(tilde "$link") to $(tilde "$target") (see above); check the permissions of $(tilde "$bindir") and run ./install.sh again."
fi
say "Linked $(tilde "$link") -> $(tilde "$target")"

path_note=$("$target" ensure-path) || die "could not put $(tilde "$bindir") on your PATH (see above); bootstrap itself is installed and runs as $(tilde "$link")."
say "$path_note"
# How to type bootstrap in this terminal, whose PATH install.sh cannot change: bootstrap decides,
# the same way for its own closing lines.
typed_bootstrap=$("$target" ensure-path --command) || typed_bootstrap=$(tilde "$link")

# --- the team's profiles ------------------------------------------------------------------

if [ -n "$profile_source" ]; then
    team=${team_profile%%/*}
    if [ -d "$data/teams/$team" ]; then
        # A re-run keeps the pinned version: moving it is the user's call, after seeing the changes.
        say "Team '$team' is already added; to get its newest profiles: bootstrap profile update $team"
    else
        # The run starts right after (unless --no-run): no "set it up with" line before it.
        run_follows=""
        [ "$run" = 1 ] && run_follows="--run-follows"
        if [ "$trust" = 1 ]; then
            "$target" profile add "$profile_source" --name "$team" --yes --trust ${run_follows:+"$run_follows"} || die "could not add the team's profiles from $profile_source (see above); check the URL, then run install.sh again."
        else
            "$target" profile add "$profile_source" --name "$team" --yes ${run_follows:+"$run_follows"} || die "could not add the team's profiles from $profile_source (see above); check the URL, then run install.sh again."
        fi
    fi
fi

if [ "$run" = 0 ]; then
    say "Done. Run: $typed_bootstrap"
    exit 0
fi

say "Starting the first-day setup: bootstrap run $*"
exec "$target" run "$@"
