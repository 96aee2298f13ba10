"""Deciding a text file's encoding, once for the whole file: UTF-8 (with or without BOM), UTF-16 with a BOM
(Excel's "Unicode text"), or Windows-1252 (Excel's "CSV" on Windows in Western Europe).

A file is read in one encoding or refused: a UTF-8 file with one Windows-1252 byte in it (a row pasted from
another export) would otherwise turn every 'å' into 'Ã¥' without a word.

>>> decode_text("Malmö".encode("cp1252")), decode_text(b"\\xef\\xbb\\xbfSk\\xc3\\xa5ne")
(('Malmö', 'cp1252'), ('Skåne', 'utf-8'))
>>> decode_text("Skåne\\nMalmö".encode("utf-8")[:-2] + b"\\xf6")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
clusterix_analytics.data.encoding.EncodingProblem: line 2: byte 0xF6 is not UTF-8, but ... (line 1: 'å'): ...
"""
from __future__ import annotations

import codecs
import re

UTF8, UTF16, CP1252 = "utf-8", "utf-16", "cp1252"
# A multi-byte UTF-8 character: in a Windows-1252 file these byte pairs are rare ('Ã©' and the like).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class EncodingProblem(ValueError):
    """The bytes of a file are not text in one encoding; ``line`` is where the first bad byte is (1-based)."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(f"line {line}: {message}")
        self.message = message


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; raises :class:`EncodingProblem` for bytes of no single encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), UTF16
        except UnicodeDecodeError as exc:
            raise EncodingProblem(_line_of(data, exc.start), "not valid UTF-16 text, though the file starts as "
                                  "UTF-16: save it again as UTF-8") from None
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8"), UTF8
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    bad = f"byte 0x{body[bad_at]:02X}"
    utf8 = _UTF8_SEQUENCE.search(body)
    if utf8 is not None or body is not data:   # a BOM says UTF-8 too
        example = (f" (line {_line_of(body, utf8.start())}: {utf8.group().decode('utf-8')!r})" if utf8 else
                   " (it starts with a UTF-8 byte-order mark)")
        raise EncodingProblem(_line_of(body, bad_at), f"{bad} is not UTF-8, but the file is UTF-8 elsewhere"
                              f"{example}: save the file again as UTF-8")
    try:
        return body.decode(CP1252), CP1252
    except UnicodeDecodeError as exc:
        raise EncodingProblem(_line_of(body, exc.start), f"byte 0x{body[exc.start]:02X} is neither UTF-8 nor "
                              "Windows-1252 text: save the file as UTF-8") from None
