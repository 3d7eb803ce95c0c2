"""Terraform's constraint grammar against constraints written in real public modules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bootstrap.components.terraform.constraints import ConstraintError, parse, parse_version
from bootstrap.components.terraform.pins import without_prerelease

RELEASES = [
    parse_version(v)
    for v in [
        "0.11.13",
        "0.11.14",
        "0.12.0",
        "0.12.31",
        "0.13.7",
        "0.14.11",
        "0.15.3",
        "0.15.5",
        "1.0.0",
        "1.0.3",
        "1.0.11",
        "1.1.0",
        "1.1.9",
        "1.2.9",
        "1.3.0",
        "1.3.2",
        "1.3.10",
        "1.4.6",
        "1.5.0",
        "1.5.3",
        "1.5.7",
        "1.6.0-beta1",
        "1.6.0",
        "1.6.6",
        "1.9.0",
        "1.9.2",
        "1.9.3",
        "1.9.8",
        "1.10.5",
        "1.11.4",
        "1.13.1",
        "1.13.5",
        "1.14.0",
        "1.14.2",
        "1.15.0-alpha20260101",
    ]
]

# (required_version as written in a public module, the newest release it allows, the oldest)
CASES = [
    ("~> 1.1.0", "1.1.9", "1.1.0"),
    ("~> 0.11.13", "0.11.14", "0.11.13"),
    ("~> 1.14.0", "1.14.2", "1.14.0"),
    ("~> 1.4", "1.14.2", "1.4.6"),
    ("~> 1.0", "1.14.2", "1.0.0"),
    ("~> 0.11", "0.15.5", "0.11.13"),
    ("~> 1.13.0", "1.13.5", "1.13.1"),
    ("~> 1.6", "1.14.2", "1.6.0"),
    ("~> 1.5.0", "1.5.7", "1.5.0"),
    ("~> 1.5", "1.14.2", "1.5.0"),
    ("~> 1", "1.14.2", "1.0.0"),
    (">= 0.12, < 0.13", "0.12.31", "0.12.0"),
    (">= 0.12, < 2.0", "1.14.2", "0.12.0"),
    (">= 0.12, <= 0.15.3", "0.15.3", "0.12.0"),
    (">= 0.12", "1.14.2", "0.12.0"),
    (">= 0.13", "1.14.2", "0.13.7"),
    (">= 0.13.1", "1.14.2", "0.13.7"),
    (">= 0.14.0", "1.14.2", "0.14.11"),
    (">= 0.15", "1.14.2", "0.15.3"),
    (">= 1.0", "1.14.2", "1.0.0"),
    (">= 1.0.0", "1.14.2", "1.0.0"),
    (">= 1.3.0", "1.14.2", "1.3.0"),
    (">= 1.5.7", "1.14.2", "1.5.7"),
    (">=1.9", "1.14.2", "1.9.0"),
    (">= 1.0, < 1.6", "1.5.7", "1.0.0"),
    (">= 1.3.0, < 2.0.0", "1.14.2", "1.3.0"),
    (">= 1.5.0, < 1.6.0", "1.5.7", "1.5.0"),
    (">= 0.13.1, < 0.15", "0.14.11", "0.13.7"),
    ("> 1.13.1", "1.14.2", "1.13.5"),
    ("< 1.0", "0.15.5", "0.11.13"),
    ("<= 1.3.2", "1.3.2", "0.11.13"),
    ("!= 1.3.2", "1.14.2", "0.11.13"),
    ("!= 1.14.2", "1.14.0", "0.11.13"),
    ("= 1.3.0", "1.3.0", "1.3.0"),
    ("1.0.11", "1.0.11", "1.0.11"),
    ("1.5.7", "1.5.7", "1.5.7"),
    ("=0.12.31", "0.12.31", "0.12.31"),
    ("~> 1.9.0, != 1.9.3", "1.9.8", "1.9.0"),
    (">= 1.9.0, != 1.9.8, < 1.10", "1.9.3", "1.9.0"),
    ("~> 1.3, < 1.5", "1.4.6", "1.3.0"),
    (">= 1.2.0, < 1.3.0", "1.2.9", "1.2.9"),
    ("~> 0.12.0", "0.12.31", "0.12.0"),
    ("~> 0.15.0", "0.15.5", "0.15.3"),
    (">= 1.6.0-beta1, < 1.7", "1.6.6", "1.6.0"),
    ("= 1.6.0-beta1", "1.6.0-beta1", "1.6.0-beta1"),
    ("> 1.14.2", None, None),
    ("~> 2.0", None, None),
    (">= 1.0, < 1.0", None, None),
    ("v1.0.4", None, None),  # not in the list of releases
]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("text", "newest", "oldest"), CASES)
def test_constraint_from_public_modules(text: str, newest: str | None, oldest: str | None) -> None:
    constraints = parse(text)
    best = constraints.best(RELEASES)
    low = constraints.lowest(RELEASES)
    assert (str(best) if best else None) == newest
    assert (str(low) if low else None) == oldest


def test_prerelease_only_when_named_exactly() -> None:
    beta = parse_version("1.6.0-beta1")
    assert not parse(">= 1.5").allows(beta)
    assert not parse("~> 1.6.0").allows(beta)
    assert parse("1.6.0-beta1").allows(beta)
    assert parse(">= 1.5, = 1.6.0-beta1").allows(beta)
    assert beta < parse_version("1.6.0")


def test_several_blocks_are_anded() -> None:
    both = parse(">= 1.0") & parse("< 1.3")
    assert str(both.best(RELEASES)) == "1.2.9"


@pytest.mark.parametrize("bad", ["", ">= ", "~> one", ">> 1.0", "1.0.0.0.1", ">= 1.0,", "latest"])
def test_bad_constraints_are_refused(bad: str) -> None:
    with pytest.raises(ConstraintError):
        parse(bad)


versions = st.tuples(st.integers(0, 3), st.integers(0, 12), st.integers(0, 12))


@given(st.text(max_size=30))
def test_any_text_parses_or_is_a_constraint_error(text: str) -> None:
    try:
        parsed = parse(text)
    except ConstraintError as exc:
        assert "\n" not in str(exc)
        return
    assert parsed.items and all(c.op in ("=", "!=", ">", ">=", "<", "<=", "~>") for c in parsed.items)


@given(versions, versions)
def test_pessimistic_operator_matches_its_definition(
    pin: tuple[int, int, int], candidate: tuple[int, int, int]
) -> None:
    wanted = parse("~> {}.{}.{}".format(*pin))
    version = parse_version("{}.{}.{}".format(*candidate))
    assert wanted.allows(version) == (candidate >= pin and candidate[:2] == pin[:2])
    two = parse("~> {}.{}".format(*pin[:2]))
    assert two.allows(version) == (candidate[:2] >= pin[:2] and candidate[0] == pin[0])


# Terraform refuses pre-release constraints in required_version; the grammar still reads them
# (a .terraform-version may name one exactly), and the reading of required_version suggests the
# constraint Terraform accepts instead.
@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        (">=1.5.0-rc1", ">= 1.5.0"),
        ("~> 1.6-beta1", "~> 1.6"),
        ("~> 1.6.0-beta1, != 1.6.0-beta2", "~> 1.6.0"),
        ("> 1.6.0-rc1, <= 1.7.0-alpha1", ">= 1.6.0, < 1.7.0"),
        ("= v1.6.0-alpha20230405", "= 1.6.0"),
        ("< 0.13.0-rc1, >= 0.12", "< 0.13.0, >= 0.12"),
        ("!= 1.0.0-rc1", ""),
    ],
)
def test_the_constraint_terraform_accepts_instead(text: str, accepted: str) -> None:
    assert without_prerelease(parse(text)) == accepted
    assert any(c.version.prerelease for c in parse(text).items)  # still read, never refused here


operators = st.sampled_from([">=", ">", "<", "<=", "~>", "!="])
pre_tags = st.sampled_from(["alpha1", "beta2", "rc1", "rc.1", "alpha20230405"])


@given(operators, versions, pre_tags, versions)
def test_the_rewritten_constraint_allows_the_same_releases(
    op: str, pin: tuple[int, int, int], tag: str, candidate: tuple[int, int, int]
) -> None:
    written = parse("{} {}.{}.{}-{}".format(op, *pin, tag))
    rewritten = without_prerelease(written)
    release = parse_version("{}.{}.{}".format(*candidate))
    allowed = parse(rewritten).allows(release) if rewritten else True
    assert allowed == written.allows(release)
