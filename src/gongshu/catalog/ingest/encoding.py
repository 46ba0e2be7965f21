"""Text encoding of a CSV file: detected from a sample, checked again where it breaks."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from gongshu.catalog.ingest import errors

SAMPLE_BYTES = 1 << 20
SCAN_CHUNK = 8 << 20
CANDIDATES = ("utf-8", "gbk", "gb18030")
NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 or b == 0x7F) or b in b"\t\n\r\f\v\x1a")
MAX_CONTROL_SHARE = 0.01
NON_ASCII = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class Sample:
    """The decoded start of a file; ``complete`` when it is the whole file."""

    text: str
    encoding: str
    complete: bool


def read_sample(path: Path) -> Sample:
    """Read the first MiB of ``path`` and detect its encoding; raises IngestError."""
    with path.open("rb") as f:
        raw = f.read(SAMPLE_BYTES + 1)
    complete = len(raw) <= SAMPLE_BYTES
    raw = raw[:SAMPLE_BYTES]
    check_text(raw)
    encoding, text = detect_encoding(raw, complete)
    return Sample(text, encoding, complete)


def later_encoding(path: Path) -> str | None:
    """For a file that starts in ASCII: the encoding the line holding its first non-ASCII byte is in."""
    offset = 0
    with path.open("rb") as f:
        while chunk := f.read(SCAN_CHUNK):
            found = NON_ASCII.search(chunk)
            if found:
                f.seek(offset + found.start())
                line = f.readline(SAMPLE_BYTES)
                whole = line.endswith(b"\n") or len(line) < SAMPLE_BYTES
                return next((e for e in CANDIDATES if _decode(line, e, whole) is not None), None)
            offset += len(chunk)
    return None


def check_text(raw: bytes) -> None:
    """Raise IngestError when ``raw`` is empty, UTF-16 or binary rather than text."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise errors.utf16_file()
    if not raw.strip().removeprefix(codecs.BOM_UTF8).strip():
        raise errors.empty_file()
    if b"\x00" in raw:
        raise errors.binary_content()
    controls = len(raw.translate(None, NOT_CONTROL))
    if controls > MAX_CONTROL_SHARE * len(raw):
        raise errors.binary_content()


def detect_encoding(raw: bytes, complete: bool) -> tuple[str, str]:
    """The encoding name and decoded text of ``raw``; a cut multibyte character at the end is dropped."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", _decode(raw, "utf-8-sig", complete) or ""
    for encoding in CANDIDATES:
        text = _decode(raw, encoding, complete)
        if text is not None:
            return encoding, text
    raise errors.unknown_encoding()


def _decode(raw: bytes, encoding: str, complete: bool) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return decoder.decode(raw, final=complete)
    except UnicodeDecodeError:
        return None


def locate_undecodable(path: Path, encoding: str) -> tuple[int, int] | None:
    """The (1-based line, byte offset) of the first bytes of ``path`` that do not decode."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset, lines = 0, 1
    with path.open("rb") as f:
        while chunk := f.read(SCAN_CHUNK):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                bad = max(e.start - pending, 0)
                return lines + chunk.count(b"\n", 0, bad), offset + bad
            offset += len(chunk)
            lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return lines, offset
    return None
