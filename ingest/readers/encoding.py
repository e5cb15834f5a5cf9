"""Which text encoding a CSV export uses, and whether it is text at all."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.errors import IngestError

_CHUNK = 1 << 20
_MAGIC = {
    b"\x89PNG": "PNG",
    b"PK\x03\x04": "ZIP/XLSX",
    b"%PDF": "PDF",
    b"GIF8": "GIF",
    b"\xff\xd8\xff": "JPEG",
    b"\xd0\xcf\x11\xe0": "XLS/OLE",
}


def _binary_kind(head: bytes) -> str | None:
    """The kind of a binary file recognised by its first bytes, or None."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes, read by chunks (memory stays flat)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def check_text_file(path: Path) -> bytes:
    """The file's first bytes, once sure it is not empty and not a known binary format."""
    with path.open("rb") as fh:
        head = fh.read(_CHUNK)
    if not head:
        raise IngestError(
            "empty-file",
            "Le fichier est vide",
            "The file is empty",
            file=path.name,
        )
    kind = _binary_kind(head)
    if kind is not None:
        raise IngestError(
            "not-a-csv",
            f"Ce fichier n'est pas un CSV mais un fichier binaire ({kind})",
            f"This file is not a CSV but a binary file ({kind})",
            file=path.name,
        )
    return head


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, cp1252, else charset-normalizer's guess."""
    head = check_text_file(path)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise IngestError(
            "not-a-csv",
            "Ce fichier contient des octets nuls : ce n'est pas un CSV texte",
            "This file holds NUL bytes: it is not a text CSV",
            file=path.name,
        )
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding):
            return encoding
    best = from_bytes(head).best()
    if best is None:
        raise IngestError(
            "unknown-encoding",
            "Encodage du texte introuvable ; indiquez reader.encoding dans le profil",
            "Cannot tell the text encoding; set reader.encoding in the profile",
            file=path.name,
        )
    return str(best.encoding)
