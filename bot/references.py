"""Referral references: the short code a reporter is given, e.g. ``FV-7K3M-Q9XD``.

A reference is "FV-" and eight random characters from Crockford's base32 alphabet, shown as two
groups of four. The alphabet has no I, L, O or U, so a reference read aloud or copied from an SMS
on a basic phone survives the usual slips: lower case, missing dashes, extra spaces, O for 0 and
I or L for 1. The characters carry 40 random bits, so a mistyped reference almost never names
another referral.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
PREFIX = "FV"
_GROUP = 4
_BODY_LENGTH = 2 * _GROUP

# What people type instead of the real character.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

# Anything but U is either in the alphabet or a lookalike of a character that is.
_CHAR = "[0-9A-TV-Z]"
_SEP = r"[\s\-]{0,3}"

# Finds a reference inside a message ("my ref is fv 7k3m q9xd thanks"); pass the match to
# normalise_reference. The "FV" is required here, so ordinary eight-letter words never match.
REFERENCE_RE = re.compile(
    rf"(?<![0-9A-Z]){PREFIX}{_SEP}{_CHAR}{{{_GROUP}}}{_SEP}{_CHAR}{{{_GROUP}}}(?![0-9A-Z])",
    re.IGNORECASE,
)

_CANONICAL_RE = re.compile(rf"{PREFIX}-[{ALPHABET}]{{{_GROUP}}}-[{ALPHABET}]{{{_GROUP}}}")


def new_reference() -> str:
    """A fresh random reference in canonical form, e.g. "FV-7K3M-Q9XD"."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(_BODY_LENGTH))
    return f"{PREFIX}-{body[:_GROUP]}-{body[_GROUP:]}"


def is_canonical(reference: str) -> bool:
    """True if ``reference`` is already exactly in the "FV-XXXX-XXXX" form."""
    return _CANONICAL_RE.fullmatch(reference) is not None


def normalise_reference(text: str, *, prefix_optional: bool = False) -> str | None:
    """The canonical form of what a reporter typed, or ``None`` if it cannot be a reference.

    Accepts lower case, spaces and dashes anywhere, O for 0 and I/L for 1. The "FV" prefix is
    required unless ``prefix_optional`` (use that only when the reporter was just asked for their
    reference: otherwise words like "children" would pass as "FV-CH11-DREN").
    """
    compact = re.sub(r"[\s\-]", "", text).upper()
    if compact.startswith(PREFIX) and len(compact) == len(PREFIX) + _BODY_LENGTH:
        body = compact[len(PREFIX):]
    elif prefix_optional and len(compact) == _BODY_LENGTH:
        body = compact
    else:
        return None
    body = body.translate(_LOOKALIKES)
    if any(char not in ALPHABET for char in body):
        return None
    return f"{PREFIX}-{body[:_GROUP]}-{body[_GROUP:]}"
