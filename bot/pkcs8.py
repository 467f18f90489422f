"""Key file formats the unit's keys are written in: PKCS#8 with scrypt, and X-Wing's encodings.

Private keys are PKCS#8 (RFC 5958) "ENCRYPTED PRIVATE KEY": PBES2 with scrypt (RFC 7914) and
AES-256-CBC. ``cryptography`` reads that but only writes PKCS#8 with PBKDF2 at 2048 iterations,
which is cheap to brute-force, and it knows no X-Wing key, so the (small, fixed) DER is written
and read here. Inside, a PrivateKeyInfo names the key's algorithm:
- X25519 (1.3.101.110, RFC 8410), what the unit's keys were before the post-quantum change;
- X-Wing (1.3.6.1.4.1.62253.25722, draft-connolly-cfrg-xwing-kem) with the 32-byte seed as the
  private key OCTET STRING, as the draft defines it.
Public keys are SubjectPublicKeyInfo PEM ("PUBLIC KEY"), X-Wing's holding the 1216 raw bytes.

Only the structures written here are read back: anything else is refused, never guessed at.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

OID_PBES2 = "1.2.840.113549.1.5.13"  # RFC 8018
OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"  # RFC 7914
OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"  # NIST
OID_XWING = "1.3.6.1.4.1.62253.25722"  # draft-connolly-cfrg-xwing-kem
# scrypt above this costs more memory than any key we wrote; a file asking for more is refused.
_MAX_SCRYPT_N = 2**22


class FormatError(ValueError):
    """The bytes are not one of the structures this module writes."""


class BadPassphrase(ValueError):
    """The passphrase does not decrypt the key (or the file is damaged: they look the same)."""


@dataclass(frozen=True)
class ScryptCost:
    """scrypt's cost parameters; memory used is about 128 * n * r bytes."""

    n: int = 2**17
    r: int = 8
    p: int = 1


# --- PEM -------------------------------------------------------------------------------------

_PEM_RE = re.compile(rb"-----BEGIN ([A-Z ]+)-----\s+([A-Za-z0-9+/=\s]+?)-----END \1-----")


def pem(label: str, der: bytes) -> bytes:
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()


def unpem(data: bytes, label: str) -> bytes:
    found = _PEM_RE.search(data)
    if found is None or found.group(1).decode() != label:
        raise FormatError(f"not a PEM {label}")
    try:
        return base64.b64decode(b"".join(found.group(2).split()), validate=True)
    except binascii.Error:
        raise FormatError(f"the PEM {label} is not valid base64") from None


# --- DER: writing ----------------------------------------------------------------------------


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        length = bytes([size])
    else:
        digits = size.to_bytes((size.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(digits)]) + digits
    return bytes([tag]) + length + content


def seq(*parts: bytes) -> bytes:
    return _der(0x30, b"".join(parts))


def octets(data: bytes) -> bytes:
    return _der(0x04, data)


def integer(value: int) -> bytes:
    # Non-negative only; the extra byte keeps the sign bit clear, as DER requires.
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def bit_string(data: bytes) -> bytes:
    return _der(0x03, b"\x00" + data)


def oid(dotted: str) -> bytes:
    first, second, *rest = (int(arc) for arc in dotted.split("."))
    body = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return _der(0x06, bytes(body))


# --- DER: reading ----------------------------------------------------------------------------


def _element(data: bytes, expected_tag: int) -> tuple[bytes, bytes, bytes]:
    """(content, whole element, the rest) of the DER element at the start of ``data``."""
    if len(data) < 2 or data[0] != expected_tag:
        raise FormatError(f"expected DER tag {expected_tag:#04x}")
    size, offset = data[1], 2
    if size & 0x80:
        count = size & 0x7F
        if count == 0 or count > 4 or len(data) < 2 + count:
            raise FormatError("bad DER length")
        size, offset = int.from_bytes(data[2 : 2 + count], "big"), 2 + count
    if len(data) < offset + size:
        raise FormatError("DER element runs past the end")
    return data[offset : offset + size], data[: offset + size], data[offset + size :]


def _read(data: bytes, expected_tag: int) -> tuple[bytes, bytes]:
    content, _, rest = _element(data, expected_tag)
    return content, rest


def _items(data: bytes, *tags: int) -> list[bytes]:
    """A SEQUENCE's elements, which must have exactly these tags: each one's content, or the
    whole element for a nested SEQUENCE (so it can be read in turn)."""
    content, rest = _read(data, 0x30)
    if rest:
        raise FormatError("trailing bytes after a DER SEQUENCE")
    found = []
    for tag in tags:
        inner, whole, content = _element(content, tag)
        found.append(whole if tag == 0x30 else inner)
    if content:
        raise FormatError("unexpected elements in a DER SEQUENCE")
    return found


def _decode_oid(content: bytes) -> str:
    if not content or content[-1] & 0x80:
        raise FormatError("bad OID")
    arcs = [content[0] // 40, content[0] % 40]
    value = 0
    for byte in content[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return ".".join(str(arc) for arc in arcs)


def _algorithm(sequence: bytes) -> tuple[str, bytes]:
    """(OID, the DER of its parameters or b"") from an AlgorithmIdentifier."""
    content, rest = _read(sequence, 0x30)
    if rest:
        raise FormatError("trailing bytes after an AlgorithmIdentifier")
    identifier, parameters = _read(content, 0x06)
    return _decode_oid(identifier), parameters


def _uint(content: bytes) -> int:
    if not content or content[0] & 0x80:
        raise FormatError("expected a non-negative INTEGER")
    return int.from_bytes(content, "big")


# --- PrivateKeyInfo and SubjectPublicKeyInfo --------------------------------------------------


def private_key_info(algorithm: str, private_key: bytes) -> bytes:
    """PKCS#8 PrivateKeyInfo v1, no parameters, the key as an OCTET STRING (RFC 8410 style)."""
    return seq(integer(0), seq(oid(algorithm)), octets(octets(private_key)))


def read_private_key_info(der: bytes) -> tuple[str, bytes]:
    """(algorithm OID, raw private key) from a PrivateKeyInfo this module wrote."""
    version, algorithm, wrapped = _items(der, 0x02, 0x30, 0x04)
    if _uint(version) != 0:
        raise FormatError("unknown PrivateKeyInfo version")
    name, parameters = _algorithm(algorithm)
    if parameters:
        raise FormatError("unexpected algorithm parameters")
    key, rest = _read(wrapped, 0x04)
    if rest:
        raise FormatError("trailing bytes after the private key")
    return name, key


def public_key_info(algorithm: str, public_key: bytes) -> bytes:
    return seq(seq(oid(algorithm)), bit_string(public_key))


def read_public_key_info(der: bytes) -> tuple[str, bytes]:
    algorithm, bits = _items(der, 0x30, 0x03)
    name, parameters = _algorithm(algorithm)
    if parameters or not bits or bits[0] != 0:
        raise FormatError("unexpected public key encoding")
    return name, bits[1:]


# --- EncryptedPrivateKeyInfo: PBES2(scrypt, AES-256-CBC) --------------------------------------


def encrypt(plain_der: bytes, passphrase: bytes, cost: ScryptCost) -> bytes:
    """PEM "ENCRYPTED PRIVATE KEY" around a PrivateKeyInfo."""
    salt, iv = os.urandom(16), os.urandom(16)
    aes_key = Scrypt(salt=salt, length=32, n=cost.n, r=cost.r, p=cost.p).derive(passphrase)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    encrypted = (
        encryptor.update(padder.update(plain_der) + padder.finalize()) + encryptor.finalize()
    )
    scrypt_params = seq(octets(salt), integer(cost.n), integer(cost.r), integer(cost.p))
    pbes2_params = seq(seq(oid(OID_SCRYPT), scrypt_params), seq(oid(OID_AES256_CBC), octets(iv)))
    der = seq(seq(oid(OID_PBES2), pbes2_params), octets(encrypted))
    return pem("ENCRYPTED PRIVATE KEY", der)


def decrypt(pem_data: bytes, passphrase: bytes) -> bytes:
    """The PrivateKeyInfo inside a file :func:`encrypt` wrote.

    Raises :class:`FormatError` if it is some other kind of encrypted key (the caller may hand
    it to a general reader) and :class:`BadPassphrase` if the passphrase does not open it."""
    der = unpem(pem_data, "ENCRYPTED PRIVATE KEY")
    algorithm, encrypted = _items(der, 0x30, 0x04)
    scheme, parameters = _algorithm(algorithm)
    if scheme != OID_PBES2:
        raise FormatError("not PBES2")
    kdf, cipher = _items(parameters, 0x30, 0x30)
    kdf_name, kdf_params = _algorithm(kdf)
    cipher_name, iv_der = _algorithm(cipher)
    if kdf_name != OID_SCRYPT or cipher_name != OID_AES256_CBC:
        raise FormatError("not scrypt with AES-256-CBC")
    salt, n, r, p = _items(kdf_params, 0x04, 0x02, 0x02, 0x02)
    iv, rest = _read(iv_der, 0x04)
    n, r, p = _uint(n), _uint(r), _uint(p)
    if rest or len(iv) != 16 or not 1 < n <= _MAX_SCRYPT_N or n & (n - 1) or not 0 < r * p <= 64:
        raise FormatError("scrypt or AES parameters out of range")
    aes_key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase)
    decryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    try:
        padded = decryptor.update(encrypted) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        plain = unpadder.update(padded) + unpadder.finalize()
        read_private_key_info(plain)  # a wrong passphrase that happens to unpad still fails here
    except (ValueError, FormatError):
        raise BadPassphrase("the passphrase does not open this key") from None
    return plain
