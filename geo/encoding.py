"""Legacy Vietnamese encodings (TCVN3, VNI, VISCII) in shapefile attributes.

Cadastral shapefiles made before Unicode keep their attribute text (the DBF)
in a single-byte Vietnamese *font* encoding: TCVN3 (the ABC keyboard,
``.VnTime`` fonts) or VNI (``VNI-Times``), more rarely the VISCII charset.
A DBF carries no reliable statement of this, so GDAL/pyogrio decode it as
ISO-8859-1 (or cp1252 when a ``.cpg`` says so) and the strings reach pandas
as Latin-1 *surface characters*: TCVN3 byte ``0xB5`` arrives as ``'µ'`` and
means ``'à'``; ``"Thôn Đồng Tân"`` arrives as ``"Th«n §ång T©n"`` (TCVN3) or
``"Thoân Ñoàng Taân"`` (VNI).

This module recognises such text (:func:`detect_legacy`) and converts it to
Unicode NFC (:func:`to_unicode`, :func:`convert_frame`). A workspace may also
declare ``encoding = "tcvn3"`` / ``"vni"`` / ``"viscii"``; any *other* codec
name (``"cp1258"``, ``"utf-8"`` …) is a plain Python codec that the reader
applies itself, not this module.

The conversion tables are viparse's (``viparse.normalize.encodings.CHARMAPS``);
nothing here is a copy of them. :func:`encode_legacy` inverts them.

What round-trips through ``encode_legacy`` → ``bytes.decode("latin-1")`` →
:func:`to_unicode`
    * **TCVN3**: ASCII, every lowercase Vietnamese letter, and the uppercase
      letters TCVN3 has (``Ă Â Ê Ô Ơ Ư Đ``). TCVN3 has no uppercase *accented*
      letters (a capitals font draws the lowercase bytes as capitals), so
      ``À Ấ Ồ Ý …`` are written with the lowercase byte and come back
      lowercase, except in a word with at least two ASCII letters, all of
      them uppercase: such a word is taken to be set in capitals and its
      letters are upper-cased (``"THÔN ĐỒNG TÂN"`` round-trips; ``"HỒ"``
      comes back ``"Hồ"``, ``"Ấp"`` as ``"ấp"``).
    * **VNI**: ASCII and every Vietnamese letter of both cases except
      ``ẳ``/``Ẳ``, which viparse's VNI table does not carry (unobserved in its
      corpus): :func:`encode_legacy` raises ``ValueError`` on them. ``ì í Ì Í``
      are written as base + mark (``"iø"`` …), viparse's entries; the
      single-byte forms VNI fonts also use (``0xEC``/``0xED``) decode to the
      same letters because :func:`to_unicode` leaves them as they are.
    * **VISCII**: ASCII and all 134 Vietnamese letters.
    * Any other character (``'°'``, ``'²'``, ``'€'``, ``'ß'``, ``'ç'`` …) has
      no legacy form and :func:`encode_legacy` raises ``ValueError``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from functools import cache

import numpy as np
import pandas as pd
from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import Charmap, convert

from .schema import strip_diacritics

LEGACY_ENCODINGS: tuple[str, ...] = ("tcvn3", "vni", "viscii")
"""Encoding names this module converts (the others are plain Python codecs)."""

# --------------------------------------------------------------------------
# Charmaps (viparse's) and what is derived from them
# --------------------------------------------------------------------------


def _canonical(encoding: str) -> str:
    """Return the canonical legacy name for ``encoding`` or raise ``ValueError``."""
    name = str(encoding).strip().lower()
    if name not in LEGACY_ENCODINGS:
        raise ValueError(
            f"{encoding!r} is not a legacy Vietnamese encoding; expected one of "
            f"{', '.join(LEGACY_ENCODINGS)} (other codecs are applied by the reader)"
        )
    return name


def _charmap(name: str) -> Charmap:
    return CHARMAPS[name]


@cache
def _single_keys(name: str) -> frozenset[str]:
    """Characters that are a whole legacy sequence by themselves (never literal)."""
    return frozenset(seq for seq, _ in _charmap(name).pairs if len(seq) == 1)


@cache
def _encoder(name: str) -> dict[str, str]:
    """Unicode letter → legacy surface sequence, inverted from viparse's charmap.

    viparse's tables hold no two sequences for one letter today; should one
    appear, the shortest is kept (the single-byte form a font would use).
    """
    table: dict[str, str] = {}
    for seq, letter in _charmap(name).pairs:
        if letter not in table or len(seq) < len(table[letter]):
            table[letter] = seq
    return table


@cache
def _vietnamese_letters() -> frozenset[str]:
    """All Vietnamese letters (both cases) that any legacy table produces."""
    letters = {letter for name in LEGACY_ENCODINGS for _, letter in _charmap(name).pairs}
    letters |= {ch.lower() for ch in letters} | {ch.upper() for ch in letters}
    return frozenset(ch for ch in letters if len(ch) == 1)


def _cp1252_to_latin1() -> dict[int, str]:
    """Translate cp1252's 0x80–0x9F characters back to the Latin-1 C1 codes."""
    table: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        try:
            table[ord(bytes([byte]).decode("cp1252"))] = chr(byte)
        except UnicodeDecodeError:  # five bytes cp1252 leaves undefined
            continue
    return table


_CP1252_BACK = _cp1252_to_latin1()

# Characters a Latin-1 or cp1252 reader can produce from a single byte.
_SURFACE = frozenset(chr(i) for i in range(0x100)) | frozenset(chr(c) for c in _CP1252_BACK)

# A token is a run of anything but whitespace and ASCII non-letters, since
# legacy bytes surface as symbols ('«', '§', '\xad') inside words, plus the
# control codes VISCII uses for letters ('\x1e' is Ỵ, '\x85' is Ầ).
_LEGACY_CONTROLS = "".join(
    sorted(
        {
            seq
            for name in LEGACY_ENCODINGS
            for seq, _ in CHARMAPS[name].pairs
            if len(seq) == 1 and unicodedata.category(seq) == "Cc"
        }
    )
)
_TOKEN = re.compile(rf"(?:[{re.escape(_LEGACY_CONTROLS)}]|[^\s\x00-\x40\x5b-\x60\x7b-\x7f])+")
_WORD = re.compile(r"[^\W\d_]+")

# --------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------


def normalize_unicode(text: str) -> str:
    r"""Return ``text`` in Unicode normalization form NFC.

    Parameters
    ----------
    text : str
        Any string; a non-string value is returned unchanged.

    Returns
    -------
    str
        ``text`` in NFC (precomposed letters, ``"ệ"`` as one code point).

    Example
    -------
    >>> len(normalize_unicode("e\u0323\u0302"))
    1
    """
    if not isinstance(text, str):
        return text
    return unicodedata.normalize("NFC", text)


def _recover_capitals(text: str) -> str:
    """Upper-case TCVN3 words that were evidently set in a capitals font.

    A word qualifies when it has at least two ASCII letters and all of them
    are uppercase; only its Vietnamese letters are upper-cased.
    """
    letters = _vietnamese_letters()

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        ascii_letters = [ch for ch in word if ch.isascii()]
        if len(ascii_letters) < 2 or not all(ch.isupper() for ch in ascii_letters):
            return word
        return "".join(ch.upper() if ch in letters else ch for ch in word)

    return _WORD.sub(fix, text)


def to_unicode(text: str, encoding: str) -> str:
    """Convert one legacy surface string to Unicode NFC.

    Parameters
    ----------
    text : str
        A string as a Latin-1 (or cp1252) reader produced it from legacy bytes,
        e.g. ``"Th«n §ång T©n"``. A non-string value (``None``, ``NaN``, a
        number) is returned unchanged.
    encoding : str
        ``"tcvn3"``, ``"vni"`` or ``"viscii"`` (case-insensitive).

    Returns
    -------
    str
        The Unicode NFC text. Characters the table does not cover pass
        through. For TCVN3, words whose ASCII letters are two or more and all
        uppercase are upper-cased (TCVN3 has no uppercase accented letters).

    Raises
    ------
    ValueError
        If ``encoding`` is not one of :data:`LEGACY_ENCODINGS`.

    Example
    -------
    >>> to_unicode("Th«n §ång T©n", "tcvn3")
    'Thôn Đồng Tân'
    >>> to_unicode("Thoân Ñoàng Taân", "vni")
    'Thôn Đồng Tân'
    """
    name = _canonical(encoding)
    if not isinstance(text, str):
        return text
    if name == "viscii":
        # VISCII letters live in 0x80-0x9F, where cp1252 put punctuation.
        text = text.translate(_CP1252_BACK)
    converted = convert(text, _charmap(name), "NFC")
    if name == "tcvn3":
        converted = _recover_capitals(converted)
    return converted


def encode_legacy(text: str, encoding: str) -> bytes:
    """Encode Unicode text to legacy Vietnamese bytes (inverse of :func:`to_unicode`).

    Built by inverting viparse's charmap. The bytes are the Latin-1 encoding of
    the surface string, so ``encode_legacy(s, e).decode("latin-1")`` is what a
    shapefile reader would hand to :func:`to_unicode`.

    Parameters
    ----------
    text : str
        Unicode text (any normalization form; NFC is applied first).
    encoding : str
        ``"tcvn3"``, ``"vni"`` or ``"viscii"`` (case-insensitive).

    Returns
    -------
    bytes
        The legacy bytes. In TCVN3 an uppercase accented letter (``Ồ``) is
        written with its lowercase byte (``ồ``), as capitals fonts expect;
        ``Ă Â Ê Ô Ơ Ư Đ`` have bytes of their own.

    Raises
    ------
    ValueError
        If ``encoding`` is not a legacy encoding, or ``text`` holds a
        character with no legacy form: anything but ASCII and Vietnamese
        letters, and ``ẳ``/``Ẳ`` in VNI.

    Example
    -------
    >>> encode_legacy("Thôn Đồng Tân", "tcvn3")
    b'Th\\xabn \\xa7\\xe5ng T\\xa9n'
    >>> encode_legacy("Thôn Đồng Tân", "vni").decode("latin-1")
    'Thoân Ñoàng Taân'
    """
    name = _canonical(encoding)
    table = _encoder(name)
    keys = _single_keys(name)
    out: list[str] = []
    for position, ch in enumerate(unicodedata.normalize("NFC", text)):
        if ch in table:
            out.append(table[ch])
        elif name == "tcvn3" and ch.lower() in table:
            out.append(table[ch.lower()])
        elif ch not in keys and (ch.isascii() or (name == "viscii" and ord(ch) < 0x100)):
            out.append(ch)
        else:
            raise ValueError(f"{ch!r} (U+{ord(ch):04X}) at position {position} of {text!r} has no {name} form")
    return "".join(out).encode("latin-1")


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------

# Vietnamese spelling of one syllable, tone marks removed, lower case. The
# initials include the Cr clusters and f/j/w/z of minority-language place
# names (Krông, Jơ Ngây); "k" closes a syllable only in such names (Đắk Lắk).
_INITIALS = sorted(
    {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", ""}
    | {c + r for c in "bdgkpt" for r in "lr"}
    | set("bcdđghklmnprstvxfjwz"),
    key=len,
    reverse=True,
)
# Rhymes: which vowel clusters take which finals. nh/ch follow a front vowel,
# ng/c a back or central one; iê, yê, uô, ươ, ă, â, oă, uâ, uyê, oo need a final.
_RHYME = (
    r"(?:(?:a|ê|i|y|oa|uê|uy)(?:nh|ch)"
    r"|(?:a|ă|â|e|o|ô|ơ|u|ư|oa|oă|uâ|iê|yê|uô|ươ|oo)(?:ng|c|k)"
    r"|(?:a|ă|â|e|ê|i|o|ô|ơ|u|ư|oa|oă|oe|uâ|uê|uy|iê|yê|uô|ươ|uyê)[mnpt]"
    r"|iêu|oai|oao|oay|oeo|uây|uôi|uya|uyu|ươi|ươu|yêu"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oa|oe|oi|ôi|ơi|ua|uê|ui|uơ|uy|ưa|ưi|ưu"
    r"|[aeêioôơuưy])"
)
_RHYME_RE = re.compile(_RHYME)
_VOWEL_RUN = re.compile(r"[aăâeêioôơuưy]+")
# Where the tone mark sits in a vowel cluster: the first vowel of a falling
# diphthong (mái, cửa), either vowel of an open oa/oe/uy/uê/uơ (hòa, hoà),
# the middle of a triphthong (người), otherwise the last vowel (tiến, hoàng).
_TONE_FIRST = frozenset(
    {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu"} | {"oi", "ôi", "ơi", "ui", "ưi", "ưu", "ua", "ưa"}
)
_TONE_EITHER = frozenset(["oa", "oe", "uy", "uê", "uơ"])


# The same spelling written without diacritics, for ASCII words ("Nguyen").
_ASCII_SYLLABLE = re.compile(
    "(?:"
    + "|".join(sorted({strip_diacritics(i) for i in _INITIALS}, key=len, reverse=True))
    + ")"
    + strip_diacritics(_RHYME)
)

_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
_TONES = frozenset((_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT))
_MODIFIERS = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}  # circumflex breve horn
_VOWELS = frozenset("aeiouy")
_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzđ")


def _tone_fits(rhyme: str, position: int | None, tone: str | None) -> bool:
    """Whether a tone at ``position`` of ``rhyme`` is where Vietnamese puts it."""
    if tone is None or position is None:
        return True
    cluster = _VOWEL_RUN.match(rhyme)
    if cluster is None:
        return False
    vowels, closed = cluster.group(0), cluster.end() < len(rhyme)
    if closed and rhyme.endswith(("p", "t", "c", "ch", "k")) and tone not in (_ACUTE, _DOT):
        return False  # a stop final takes only the acute or dot-below tone
    if len(vowels) == 1:
        allowed = {0}
    elif len(vowels) == 3:
        allowed = {2} if vowels == "uyê" else {1}
    elif vowels in _TONE_FIRST:
        allowed = {0}
    elif vowels in _TONE_EITHER and not closed:
        allowed = {0, 1}
    else:
        allowed = {1}
    return position in allowed


def _is_syllable(token: str) -> bool:
    """Whether ``token`` is spelled as one Vietnamese syllable (case-insensitive).

    Checks the letters (Vietnamese alphabet, marks only on the vowels that
    take them), at most one tone mark, an initial and a rhyme that exist,
    the tone on the right vowel, and only the acute or dot-below tone before
    a final p, t, c, ch.
    """
    tone: str | None = None
    tone_at: int | None = None
    letters: list[str] = []
    for index, ch in enumerate(unicodedata.normalize("NFC", token.lower())):
        decomposed = ch if ch == "đ" else unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if base not in _ALPHABET:
            return False
        for mark in marks:
            if mark in _TONES and base in _VOWELS and tone is None:
                tone, tone_at = mark, index
            elif base not in _MODIFIERS.get(mark, ""):
                return False
        kept = "".join(m for m in marks if m not in _TONES)
        letters.append(unicodedata.normalize("NFC", base + kept))
    toneless = "".join(letters)
    return any(
        toneless.startswith(initial)
        and _RHYME_RE.fullmatch(toneless, len(initial))
        and _tone_fits(
            toneless[len(initial) :],
            None if tone_at is None else tone_at - len(initial),
            tone,
        )
        for initial in _INITIALS
    )


# Detection thresholds. "Evidence" are the distinct non-ASCII words of two
# characters or more that some legacy table would change; "context" are the
# ASCII words (two letters or more, not all capitals) of the values that hold
# evidence.
_MIN_EVIDENCE = 3  # evidence words of three characters or more needed
_MIN_VALID = 0.8  # share of evidence that must read as Vietnamese once converted
_MIN_LEAD = 0.3  # ... above the share that reads as Vietnamese unconverted
_MIN_CONTEXT = 0.7  # share of evidence + context reading as Vietnamese
_TIE = 0.05  # two tables closer than this are ambiguous
_MAX_VALUES = 5000  # distinct non-ASCII values examined per call


def _share(flags: Iterable[bool]) -> float:
    items = list(flags)
    return sum(items) / len(items) if items else 0.0


def detect_legacy(values: Iterable[str]) -> str | None:
    """Decide whether a layer's strings are TCVN3, VNI or VISCII surface text.

    Pass all the string values of a layer (and its column names): one short
    value is little evidence, a column of hamlet names is plenty. The verdict
    is taken over the distinct values together:

    1. values with characters no Latin-1/cp1252 reader produces (``ư``,
       ``ạ``, ``Đ`` …) are real Unicode; if they are at least as many as the
       non-ASCII values without, the layer is Unicode;
    2. every word that one of viparse's charmaps would change is converted
       with each of them and checked against Vietnamese spelling: one
       syllable (initial, vowel cluster, final that fits it), at most one tone
       mark, only the acute or dot-below tone before p/t/c/ch;
    3. with at least three such words of three characters or more, a table
       wins when 80 % of them read as Vietnamese once converted, 30 points
       more than unconverted, the ASCII words beside them mostly read as
       Vietnamese too (``"Nguyen"`` does, ``"sur"`` does not), and no other
       table does about as well; a tie is ``None``.

    viparse's own content detector (``viparse.detect_text_encoding``) is not
    used: on field-length text it misses real TCVN3 (``"§Êt trång lóa"``),
    calls German (``"Straße München"``) VISCII and Spanish (``"Señor España
    año"``) VNI, and where this scoring finds TCVN3 and VISCII equally
    plausible it picks the right one no more often than a coin would.

    Parameters
    ----------
    values : Iterable[str]
        String values; non-strings (``None``, ``NaN``, numbers) are skipped.
        At most 5000 distinct non-ASCII values are examined.

    Returns
    -------
    str | None
        ``"tcvn3"``, ``"vni"`` or ``"viscii"``; ``None`` for Unicode, ASCII,
        non-Vietnamese Latin-1 text (French, German …), too little evidence,
        or an undecidable tie.

    Example
    -------
    >>> detect_legacy(["Th«n §ång T©n", "Th«n Hßa B×nh"])
    'tcvn3'
    >>> detect_legacy(["Thôn Đồng Tân", "Église"]) is None
    True
    """
    surface: list[str] = []
    seen: set[str] = set()
    unicode_values = 0
    for value in values:
        if not isinstance(value, str) or value in seen or value.isascii():
            continue
        seen.add(value)
        if all(ch in _SURFACE for ch in value):
            surface.append(value)
            if len(surface) >= _MAX_VALUES:
                break
        else:
            unicode_values += 1
    if not surface or unicode_values >= len(surface):
        return None

    words = {tok for value in surface for tok in _TOKEN.findall(value)}
    converted = {name: {w: to_unicode(w, name) for w in words if not w.isascii()} for name in LEGACY_ENCODINGS}
    evidence = {
        w
        for w in converted[LEGACY_ENCODINGS[0]]
        if len(w) > 1 and any(converted[name][w] != w for name in LEGACY_ENCODINGS)
    }
    context = {
        w
        for value in surface
        if evidence.intersection(_TOKEN.findall(value))
        for w in _TOKEN.findall(value)
        if w.isascii() and len(w) > 1 and not w.isupper()
    }
    context_valid = [_ASCII_SYLLABLE.fullmatch(w.lower()) is not None for w in context]
    if sum(len(w) > 2 for w in evidence) < _MIN_EVIDENCE:
        return None
    baseline = _share(_is_syllable(w) for w in evidence)
    scores: dict[str, float] = {}
    for name in LEGACY_ENCODINGS:
        table = converted[name]
        if not any(table[w] != w for w in evidence):
            continue
        valid = [_is_syllable(table[w]) for w in evidence]
        score = _share(valid)
        if score >= _MIN_VALID and score - baseline >= _MIN_LEAD and _share(valid + context_valid) >= _MIN_CONTEXT:
            scores[name] = score
    if not scores:
        return None
    best = max(scores.values())
    tied = [name for name, score in scores.items() if best - score < _TIE]
    return tied[0] if len(tied) == 1 else None


# --------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------


def _is_text_dtype(dtype: object) -> bool:
    return pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)


def _convert_series(series: pd.Series, name: str) -> pd.Series | None:
    """Converted copy of a text column, or ``None`` if nothing changes."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = list(series.cat.categories)
        new = [to_unicode(c, name) for c in categories]
        if new == categories:
            return None
        if len(set(new)) == len(new):
            return series.cat.rename_categories(new)
        return series.astype(object).map(lambda v: to_unicode(v, name)).astype("category")
    try:
        codes, uniques = pd.factorize(series)
    except TypeError:  # unhashable objects in an object column
        mapped = series.map(lambda v: to_unicode(v, name))
        return None if mapped.equals(series) else mapped
    new_uniques = [to_unicode(v, name) for v in uniques]
    if all(a is b or a == b for a, b in zip(new_uniques, uniques, strict=True)):
        return None
    values = series.to_numpy(dtype=object, copy=True)
    present = codes >= 0
    lookup = np.empty(len(new_uniques), dtype=object)
    lookup[:] = new_uniques
    values[present] = lookup[codes[present]]
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype)


def convert_frame(df: pd.DataFrame, encoding: str) -> pd.DataFrame:
    """Convert every text value and column name of a frame from a legacy encoding.

    Parameters
    ----------
    df : pandas.DataFrame
        A frame (or GeoDataFrame) as read from a legacy shapefile. It is not
        modified.
    encoding : str
        ``"tcvn3"``, ``"vni"`` or ``"viscii"`` (case-insensitive).

    Returns
    -------
    pandas.DataFrame
        A new frame of the same type and index: object, string and
        categorical columns converted with :func:`to_unicode` (each distinct
        value once), column names converted, dtypes kept, geometry and other
        columns as they were.

    Raises
    ------
    ValueError
        If ``encoding`` is not one of :data:`LEGACY_ENCODINGS`.

    Example
    -------
    >>> frame = pd.DataFrame({"Tªn": ["Th«n §ång T©n"]})
    >>> convert_frame(frame, "tcvn3").to_dict("list")
    {'Tên': ['Thôn Đồng Tân']}
    """
    name = _canonical(encoding)
    out = df.copy()
    geometry = getattr(df, "_geometry_column_name", None)
    for position in range(out.shape[1]):
        label = out.columns[position]
        series = out.iloc[:, position]
        if label == geometry or not (_is_text_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype)):
            continue
        new = _convert_series(series, name)
        if new is not None:
            out.isetitem(position, new)
    renames: dict[Hashable, Hashable] = {
        label: to_unicode(label, name) for label in out.columns if isinstance(label, str) and label != geometry
    }
    changed = {old: new for old, new in renames.items() if old != new}
    if changed:
        out = out.rename(columns=changed)
    return out
