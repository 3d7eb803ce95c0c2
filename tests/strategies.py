"""Messy real-world files: CRLF, no final newline, BOM, unicode, other tools' managed blocks."""

from __future__ import annotations

from hypothesis import strategies as st

# Lines people and tools really leave in dotfiles.
OTHER_BLOCKS = [
    [
        "# >>> conda initialize >>>",
        "# !! Contents within this block are managed by 'conda init' !!",
        "__conda_setup=\"$('/opt/conda/bin/conda' 'shell.bash' 'hook' 2> /dev/null)\"",
        "# <<< conda initialize <<<",
    ],
    ['export NVM_DIR="$HOME/.nvm"', '[ -s "$NVM_DIR/nvm.sh" ] && \\. "$NVM_DIR/nvm.sh"  # This loads nvm'],
    ['eval "$(mise activate bash)"'],
    ["# BEGIN ANSIBLE MANAGED BLOCK", "export FOO=bar", "# END ANSIBLE MANAGED BLOCK"],
    ["# >>> bootstrap-other >>>", "not ours: a different name", "# <<< bootstrap-other <<<"],
]

safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n\x85\u2028\u2029"),
    max_size=40,
)


@st.composite
def lines_to_text(draw: st.DrawFn, lines: list[str]) -> bytes:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if lines and draw(st.booleans()):
        text += newline
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data


@st.composite
def messy_text_file(draw: st.DrawFn) -> bytes:
    """Any text file a user might have: free lines and other tools' blocks, in any order."""
    pieces: list[list[str]] = draw(
        st.lists(st.one_of(st.lists(safe_text, min_size=1, max_size=4), st.sampled_from(OTHER_BLOCKS)), max_size=6)
    )
    return draw(lines_to_text([line for piece in pieces for line in piece]))


value_text = (
    st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" -./@éüß日本"),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
name_text = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)


@st.composite
def messy_gitconfig(draw: st.DrawFn) -> bytes:
    """A valid git config as people write it: comments, odd spacing, unicode values."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        section = draw(name_text)
        sub = draw(st.one_of(st.none(), value_text.filter(lambda s: '"' not in s and "\\" not in s)))
        lines.append(f'[{section} "{sub}"]' if sub else f"[{section}]")
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["entry", "entry", "comment", "blank", "block"]))
            if kind == "entry":
                indent = draw(st.sampled_from(["\t", "", "    "]))
                lines.append(f'{indent}{draw(name_text)} = "{draw(value_text)}"')
            elif kind == "comment":
                lines.append(draw(st.sampled_from(["#", ";", "\t#"])) + " " + draw(safe_text))
            elif kind == "block":
                lines += ["# " + line.lstrip("# ") for line in draw(st.sampled_from(OTHER_BLOCKS))]
            else:
                lines.append("")
    return draw(lines_to_text(lines))
