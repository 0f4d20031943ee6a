"""Text that is safe to show: no control characters, no bidirectional overrides.

A value from a file may hold terminal control sequences (``ESC]0;…`` retitles
a terminal, ``ESC[2J`` clears it) or Unicode bidirectional formatting (a
right-to-left override shows "‮evil" reversed on the map, in titles and in
Word). Vietnamese text never needs either. :func:`strip_unsafe` drops them
(canonical text, see :mod:`geo.canonical`); :func:`printable` shows them as
visible escapes (the command line, problem messages quoting a value).
"""

from __future__ import annotations

import re

BIDI_FORMATTING = (
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides (LRE RLE PDF LRO RLO)
    "\u2066\u2067\u2068\u2069"  # isolates (LRI RLI FSI PDI)
)
"""The invisible characters that change the direction text is shown in."""

# C0 controls except tab, line feed and carriage return (whitespace, collapsed by the
# readers), DEL, the C1 controls, and the bidirectional formatting characters.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + BIDI_FORMATTING + "]")
_UNSAFE_ALL = re.compile("[\x00-\x1f\x7f-\x9f" + BIDI_FORMATTING + "]")


def has_unsafe(text: str) -> bool:
    """True where ``text`` holds a control character or a bidirectional override.

    Example
    -------
    >>> has_unsafe("Thôn \\u202eabc"), has_unsafe("Thôn Nà Pàn\\tA")
    (True, False)
    """
    return UNSAFE.search(text) is not None


def strip_unsafe(text: str) -> str:
    """``text`` without control characters and bidirectional formatting (tab and newlines kept).

    Example
    -------
    >>> strip_unsafe("DA-1\\x1b]0;pwned\\x07\\u202eX")
    'DA-1]0;pwnedX'
    """
    return UNSAFE.sub("", text)


def printable(text: str, keep_newlines: bool = True) -> str:
    """``text`` with every control or bidirectional character written as a visible escape.

    Line feeds (and tabs) are kept where ``keep_newlines``; everything else
    that a terminal or a browser would act on becomes ``\\x1b``, ``\\u202e`` ….

    Example
    -------
    >>> printable("DA\\x1b[2J\\u202e1")
    'DA\\\\x1b[2J\\\\u202e1'
    """

    def escape(m: re.Match) -> str:
        ch = m.group()
        if keep_newlines and ch in "\n\t":
            return ch
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _UNSAFE_ALL.sub(escape, text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" where it was cut.

    Example
    -------
    >>> shorten("Nguyễn Văn An", 8)
    'Nguyễn …'
    """
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def quote(value: object, limit: int = 80) -> str:
    """A data value for a message: visible escapes, at most ``limit`` characters, in “…”.

    Example
    -------
    >>> quote("x" * 200, 10)
    '“xxxxxxxxx…”'
    """
    return f"“{shorten(printable(str(value), keep_newlines=False), limit)}”"
