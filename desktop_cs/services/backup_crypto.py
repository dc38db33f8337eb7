"""Encrypted copies of backups: a key from the passphrase (scrypt) and AES-256-GCM in authenticated chunks.

File layout (all integers big-endian)::

    magic      8 bytes   b"DCSBAK\\x00\\x01"
    log2(N)    1 byte    scrypt cost (N = 2**log2N)
    r, p       1 byte each
    salt       16 bytes  scrypt salt (random per passphrase)
    prefix     7 bytes   nonce prefix (random per file)
    chunks     repeated: length (4 bytes) + AES-GCM ciphertext of up to CHUNK_SIZE bytes

Chunk i is sealed with the nonce ``prefix + i (4 bytes) + last flag (1 byte)`` and the
header as associated data, so chunks cannot be reordered, dropped, truncated or moved to
another file (the STREAM construction). The file can be opened with the passphrase
alone: the salt and cost travel in the header. Memory stays at one chunk however large
the database.
"""
from __future__ import annotations

import base64
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.services.errors import ServiceError, ValidationError

MAGIC = b"DCSBAK\x00\x01"
CHUNK_SIZE = 1 << 20
SALT_SIZE = 16
PREFIX_SIZE = 7
KEY_SIZE = 32
#: scrypt cost: about 0.1 s and 32 MB on an office PC, per opening (not per chunk)
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
MIN_PASSPHRASE = 8
HEADER_SIZE = len(MAGIC) + 3 + SALT_SIZE + PREFIX_SIZE


class DecryptionFailed(ServiceError):
    """Wrong passphrase, or the encrypted file was damaged or cut short."""


@dataclass(frozen=True)
class KeyMaterial:
    """A key derived from a passphrase, with the salt and cost it was derived with (never the passphrase)."""

    key: bytes
    salt: bytes
    log2_n: int = SCRYPT_LOG2_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def to_json(self) -> dict:
        return {"key": base64.b64encode(self.key).decode(), "salt": base64.b64encode(self.salt).decode(),
                "log2_n": self.log2_n, "r": self.r, "p": self.p}

    @classmethod
    def from_json(cls, data: dict) -> "KeyMaterial":
        return cls(base64.b64decode(data["key"]), base64.b64decode(data["salt"]), int(data["log2_n"]),
                   int(data["r"]), int(data["p"]))


def derive_key(passphrase: str, salt: bytes | None = None, log2_n: int = SCRYPT_LOG2_N, r: int = SCRYPT_R,
               p: int = SCRYPT_P) -> KeyMaterial:
    """The AES key of PASSPHRASE with SALT (a new random salt when None)."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ValidationError(_("The passphrase needs at least {n} characters.").format(n=MIN_PASSPHRASE),
                              "passphrase")
    if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise DecryptionFailed(_("This encrypted backup has a damaged header."))
    salt = salt if salt is not None else os.urandom(SALT_SIZE)
    key = Scrypt(salt=salt, length=KEY_SIZE, n=2 ** log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return KeyMaterial(key, salt, log2_n, r, p)


def is_encrypted(path: str | os.PathLike) -> bool:
    """Whether PATH starts like one of our encrypted backups."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def encrypt_file(source: str | os.PathLike, target: str | os.PathLike, material: KeyMaterial) -> Path:
    """Write SOURCE encrypted to TARGET (through a temporary name, so a cut-off copy never has the final name)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    prefix = os.urandom(PREFIX_SIZE)
    header = MAGIC + bytes([material.log2_n, material.r, material.p]) + material.salt + prefix
    aead = AESGCM(material.key)
    try:
        with open(source, "rb") as src, open(partial, "wb") as out:
            out.write(header)
            index = 0
            chunk = src.read(CHUNK_SIZE)
            while True:
                following = src.read(CHUNK_SIZE) if len(chunk) == CHUNK_SIZE else b""
                last = not following
                sealed = aead.encrypt(_nonce(prefix, index, last), chunk, header)
                out.write(struct.pack(">I", len(sealed)))
                out.write(sealed)
                if last:
                    break
                chunk, index = following, index + 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return target


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise DecryptionFailed(_("The encrypted backup is cut short: it was not copied completely."))
    return data


def decrypt_file(source: str | os.PathLike, target: str | os.PathLike, passphrase: str) -> Path:
    """Write the plain content of the encrypted SOURCE to TARGET; DecryptionFailed for a wrong passphrase or damage."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    target = Path(target)
    try:
        with open(source, "rb") as src:
            header = src.read(HEADER_SIZE)
            if len(header) != HEADER_SIZE or not header.startswith(MAGIC):
                raise DecryptionFailed(_("This file is not an encrypted backup of this program."))
            log2_n, r, p = header[len(MAGIC)], header[len(MAGIC) + 1], header[len(MAGIC) + 2]
            salt = header[len(MAGIC) + 3:len(MAGIC) + 3 + SALT_SIZE]
            prefix = header[-PREFIX_SIZE:]
            try:
                material = derive_key(passphrase, salt, log2_n, r, p)
            except ValidationError:
                raise DecryptionFailed(_("Wrong passphrase, or the encrypted backup is damaged.")) from None
            aead = AESGCM(material.key)
            with open(target, "wb") as out:
                index = 0
                while True:
                    size = struct.unpack(">I", _read_exact(src, 4))[0]
                    if size > CHUNK_SIZE + 16:
                        raise DecryptionFailed(_("The encrypted backup is damaged (part {n}).").format(n=index + 1))
                    sealed = _read_exact(src, size)
                    last = src.peek(1)[:1] == b""   # nothing follows: this must be the chunk sealed as last
                    try:
                        plain = aead.decrypt(_nonce(prefix, index, last), sealed, header)
                    except InvalidTag:
                        raise DecryptionFailed(
                            _("Wrong passphrase, or the encrypted backup is damaged.") if index == 0 else
                            _("The encrypted backup is damaged (part {n}).").format(n=index + 1)) from None
                    out.write(plain)
                    if last:
                        break
                    index += 1
    except OSError as exc:
        raise DecryptionFailed(_("The encrypted backup cannot be read: {error}").format(error=exc.strerror or exc))
    except DecryptionFailed:
        if target.exists():
            target.unlink()
        raise
    return target
