"""Read: bytes in, Unicode text out, with the decoding recorded for the cleaning log.

UTF-8 (with or without BOM) first; a truncated final character is repaired and logged;
anything else goes through charset-normalizer (GB18030/GBK, Big5, UTF-16 ...).
Empty, whitespace-only and binary inputs raise InputError with a message a user can act on.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY_SAMPLE = 8192


class InputError(ValueError):
    """An input that cannot become an article; `stage` says where it failed."""

    def __init__(self, message: str, stage: str = "read"):
        super().__init__(message)
        self.stage = stage


def decode(data: bytes) -> tuple[str, list[dict]]:
    """Decode article bytes. Returns the text and the cleaning records that describe the decoding."""
    if not data.strip():
        raise InputError("the file is empty or holds only whitespace; nothing to extract")
    if data.startswith(codecs.BOM_UTF8):
        text, log = _decode_utf8(data[len(codecs.BOM_UTF8):])
        log.insert(0, {"action": "decoded", "detail": {"encoding": "utf-8-sig", "bom": True}})
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, log = data.decode("utf-16"), [{"action": "decoded", "detail": {"encoding": "utf-16", "bom": True}}]
    else:
        text, log = _decode_any(data)
    return _strip_controls(text, log)


def _decode_utf8(data: bytes) -> tuple[str, list[dict]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            repaired = data[: exc.start].decode("utf-8")
            return repaired, [{"action": "repaired_encoding",
                               "detail": {"dropped_bytes": len(data) - exc.start, "why": "truncated final UTF-8 character"}}]
        raise


def _decode_any(data: bytes) -> tuple[str, list[dict]]:
    try:
        text, log = _decode_utf8(data)
        return text, [{"action": "decoded", "detail": {"encoding": "utf-8", "bom": False}}] + log
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:_BINARY_SAMPLE]:
        raise InputError("the file looks binary (NUL bytes) and is not a text article")
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError("could not detect the text encoding (not UTF-8, GB18030, Big5 or another known one)")
    encoding = _prefer_superset(best.encoding)
    return data.decode(encoding, errors="replace"), [
        {"action": "decoded", "detail": {"encoding": encoding, "detected": best.encoding, "bom": False}}]


def _prefer_superset(encoding: str) -> str:
    """GB2312/GBK are subsets of GB18030: decoding with the superset loses nothing."""
    return "gb18030" if encoding.lower().replace("-", "_") in {"gb2312", "gbk", "gb18030", "hz"} else encoding


def _strip_controls(text: str, log: list[dict]) -> tuple[str, list[dict]]:
    found = len(_CONTROL.findall(text))
    if found:
        text = _CONTROL.sub("", text)
        log.append({"action": "removed_control_characters", "detail": {"count": found}})
    if not text.strip():
        raise InputError("the file holds no visible text after decoding")
    return text, log
