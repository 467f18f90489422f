"""References: "FV-XXXX-XXXX", forgiving of how people type them back."""

from __future__ import annotations

import pytest

from bot.references import (
    ALPHABET,
    REFERENCE_RE,
    is_canonical,
    new_reference,
    normalise_reference,
)


def test_new_references_are_canonical_and_random() -> None:
    # When we make many references
    made = [new_reference() for _ in range(2000)]

    # Then each looks like FV-XXXX-XXXX in Crockford base32, and none repeats
    for reference in made:
        assert is_canonical(reference), reference
        assert len(reference) == 12
        assert set(reference[3:].replace("-", "")) <= set(ALPHABET)
        assert normalise_reference(reference) == reference
    assert len(set(made)) == len(made)


def test_the_alphabet_has_no_lookalike_letters() -> None:
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "FV-7K3M-Q9XD",
        "fv-7k3m-q9xd",
        "FV7K3MQ9XD",
        "fv 7k3m q9xd",
        "  FV - 7K3M - Q9XD \n",
        "FV-7K3M-Q9XD".replace("-", " - "),
    ],
)
def test_normalise_accepts_case_spaces_and_missing_dashes(typed: str) -> None:
    assert normalise_reference(typed) == "FV-7K3M-Q9XD"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("FV-1O0I-LL11", "FV-1001-1111"),
        ("fv-o0o0-ilil", "FV-0000-1111"),
        ("FV-ABCD-EFGH", "FV-ABCD-EFGH"),
    ],
)
def test_normalise_reads_O_as_zero_and_I_or_L_as_one(typed: str, canonical: str) -> None:
    assert normalise_reference(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "FV",
        "FV-7K3M-Q9X",  # too short
        "FV-7K3M-Q9XDD",  # too long
        "FV-7K3M-U9XD",  # U is not in the alphabet
        "FV-7K3M-Q9X!",
        "FX-7K3M-Q9XD",  # wrong prefix
        "7K3M-Q9XD",  # no prefix
        "children",  # an ordinary word must not become FV-CH11-DREN
    ],
)
def test_normalise_rejects_what_cannot_be_a_reference(typed: str) -> None:
    assert normalise_reference(typed) is None


def test_the_prefix_may_be_left_out_when_we_just_asked_for_the_reference() -> None:
    assert normalise_reference("7k3m q9xd", prefix_optional=True) == "FV-7K3M-Q9XD"
    assert normalise_reference("fv7k3mq9xd", prefix_optional=True) == "FV-7K3M-Q9XD"
    assert normalise_reference("7k3m q9x", prefix_optional=True) is None


@pytest.mark.parametrize(
    "message",
    [
        "my ref is FV-7K3M-Q9XD",
        "my ref is fv 7k3m q9xd thanks",
        "FV7K3MQ9XD.",
        "(fv-7k3m-q9xd) I forgot to say",
    ],
)
def test_reference_re_finds_a_reference_in_a_message(message: str) -> None:
    # Given a message holding a reference typed any which way
    # When we search it
    found = REFERENCE_RE.search(message)

    # Then we find it, and it normalises to the canonical reference
    assert found is not None
    assert normalise_reference(found.group()) == "FV-7K3M-Q9XD"


@pytest.mark.parametrize(
    "message",
    [
        "the children were at school",
        "XFV7K3MQ9XD",  # part of a longer token
        "FV7K3MQ9XD1",
        "FV-7K3M",
    ],
)
def test_reference_re_ignores_messages_without_a_reference(message: str) -> None:
    assert REFERENCE_RE.search(message) is None
