"""Pure text helpers: Arabic normalisation for matching, tokens with character offsets,
proclitic and article variants, and a skeleton key for Latin transliterations.

Nothing here knows about places; the gazetteer decides which variant is a known name.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import lru_cache

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ء": "",
        "ک": "ك",  # Persian keheh
        "ی": "ي",  # Persian yeh
        "ڤ": "ف",
        "گ": "ك",
        # Arabic-Indic and Persian digits to ASCII
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
# Zero-width and directional marks that copy-pasted text carries.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NON_WORD = re.compile(r"[^\w]+")
_SPACES = re.compile(r"\s+")

#: Word characters: letters and digits of any script (Arabic letters are `\w`), plus the
#: Arabic diacritics and tatweel so a word with harakat stays one token.
TOKEN_RE = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+")

ARTICLE = "ال"

#: Single-letter proclitics that attach to a name, and their common stacks.
PROCLITICS: tuple[str, ...] = ("وبال", "وال", "فال", "بال", "كال", "ولل", "فلل",
                               "وب", "ول", "فب", "فل", "وك", "لل", "و", "ف", "ب", "ل", "ك")

#: Feature words (normalised) that announce a place name after them.
FEATURE_WORDS: frozenset[str] = frozenset(
    {
        "قريه", "قرية", "بلده", "مدينه", "مخيم", "حي", "ناحيه", "منطقه", "ريف", "باديه",
        "حقل", "جسر", "بلدات", "قري", "قرى", "مدن", "احياء", "مزرعه", "تجمع", "تله", "تل",
        "قريتي", "بلدتي", "مدينتي", "منطقتي", "مخيمي", "حيي", "بلدتا", "قريتا",
        "مركز", "محافظه", "منطقتين", "بلدتين", "قريتين",
    }
)

#: Qualifiers that are part of a name when they follow it.
QUALIFIERS: frozenset[str] = frozenset(
    {
        "فوقاني", "الفوقاني", "تحتاني", "التحتاني", "الشرقي", "الغربي", "الشمالي", "الجنوبي",
        "شرقي", "غربي", "شمالي", "جنوبي", "الكبير", "الصغير", "كبير", "صغير", "الشرقيه",
        "الغربيه", "الشماليه", "الجنوبيه", "الكبري", "الصغري", "الجديده", "القديمه", "جديد",
        "قديم", "الجديد", "القديم", "فوقانيه", "تحتانيه",
    }
)

#: Forms of "abu" (father of) that begin many village names, normalised.
ABU_FORMS: tuple[str, ...] = ("ابو", "البو", "بو", "ابي", "ابا")


@dataclass(slots=True, unsafe_hash=True)
class Token:
    """A word of the original text: its surface form, span, and normalised form.

    Read-only by convention: not frozen, because a report makes thousands and a frozen
    dataclass is several times slower to build; it compares and hashes by value.
    """

    text: str
    start: int
    end: int
    norm: str


_ARABIC_BLOCK = re.compile("[\u0600-\u06ff]")
_ASCII_LETTER = re.compile("[A-Za-z]")


def is_arabic(text: str) -> bool:
    """True when the text has more Arabic letters than Latin ones."""
    ar = len(_ARABIC_BLOCK.findall(text))
    return ar > 0 and ar > len(_ASCII_LETTER.findall(text))


def fold(text: str) -> str:
    """Fold letters and strip diacritics, tatweel and invisible marks; keep punctuation.

    Length may change (diacritics are removed); use `tokens` when offsets matter.
    """
    return text.translate(_FOLD_ONE_PASS)


#: `fold` as one table: the letter folds of `_FOLD`, and diacritics, tatweel and invisible
#: marks deleted (the three sets and the folded letters are disjoint, so one pass is the same
#: as removing the marks first).
_FOLD_ONE_PASS: dict[int, str | None] = {
    **_FOLD,
    **dict.fromkeys([*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670,
                     *range(0x06D6, 0x06EE), ord(_TATWEEL), *range(0x200B, 0x2010),
                     *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]),
}


_FOLD_TABLE: dict[int, str | None] = {}
for _cp in [*range(0x0600, 0x0700), *range(0x200B, 0x2010), *range(0x202A, 0x202F),
            *range(0x2066, 0x206A), 0xFEFF]:
    _ch = chr(_cp)
    _f1 = fold(_ch)
    if _f1 != _ch:
        _FOLD_TABLE[_cp] = _f1[:1] if _f1 else None
_FOLD_DELETED = re.compile(
    "[" + "".join(sorted(chr(cp) for cp, v in _FOLD_TABLE.items() if v is None)) + "]")


def fold_with_offsets(text: str) -> tuple[str, Callable[[int], int]]:
    """`fold` that keeps offsets: the folded text and a map from its offsets to `text`'s.

    Letters fold one to one; diacritics, tatweel, hamza on the line and invisible marks are
    dropped, and the map steps over them, so a regex match ``m`` on the folded text is
    ``text[to_original(m.start()):to_original(m.end() - 1) + 1]`` in the original.

    >>> folded, at = fold_with_offsets("مَدينة")
    >>> folded, at(1)
    ('مدينه', 2)
    """
    folded = text.translate(_FOLD_TABLE)
    gaps = [m.start() - n for n, m in enumerate(_FOLD_DELETED.finditer(text))]

    def to_original(j: int) -> int:
        return j + bisect.bisect_right(gaps, j)

    return folded, to_original


def strip_proclitics(word: str) -> list[tuple[str, int]]:
    """Readings of a normalised word as proclitic(s) + rest, the word itself first.

    The one proclitic stripper of the package (``و ف ب ل ك`` and their stacks, ``لل``
    read as ``ل`` + ``ال``), with the article kept on the rest; alias of
    `proclitic_variants`.
    """
    return proclitic_variants(word)


def reading_in(word: str, table: Container[str]) -> str | None:
    """The first reading of a normalised `word` (itself, then without its proclitics, see
    `proclitic_variants`) that `table` holds, else None.

    >>> reading_in("لمقاتلي", {"مقاتلي"})
    'مقاتلي'
    """
    for rest, _ in proclitic_variants(word):
        if rest in table:
            return rest
    return None


def normalize(text: str) -> str:
    """Normalise a name for matching: fold letters, drop punctuation, lowercase Latin.

    >>> normalize("الباغوز فوقاني")
    'الباغوز فوقاني'
    >>> normalize("أبو الحسَن")
    'ابو الحسن'
    >>> normalize("جانات الصوارنة")
    'جانات الصوارنه'
    """
    if len(text) > _LONG_TEXT:
        return _normalize_text(text) if len(text) <= _KEPT_TEXT_MAX else _normalize(text)
    return _normalize_short(text)


#: Texts longer than this are whole reports or paragraphs (several readers normalise the
#: same report: keep the last few); shorter ones are names and words, which recur.
_LONG_TEXT = 200
#: Reports longer than this (characters) are not kept (their tokens would hold much memory).
_KEPT_TEXT_MAX = 1 << 18


def _normalize(text: str) -> str:
    text = text.translate(_FOLD_ONE_PASS)
    if text.isalnum():  # one word (str.isalnum is the regex's \w, "_" aside): nothing to drop
        return text.lower()
    text = _NON_WORD.sub(" ", text)
    if "_" in text:
        text = _SPACES.sub(" ", text.replace("_", " "))
    # without "_", every run of non-word characters (all whitespace among them) is one space
    return text.strip().lower()


_normalize_short = lru_cache(maxsize=1 << 16)(_normalize)
_normalize_text = lru_cache(maxsize=8)(_normalize)


@lru_cache(maxsize=1 << 17)
def _normalize_word(word: str) -> str:
    """`normalize` of one token (cached: the words of news copy recur)."""
    return normalize(word)


def tokens(text: str) -> list[Token]:
    """Split text into word tokens that keep their character offsets into `text`."""
    if _LONG_TEXT < len(text) <= _KEPT_TEXT_MAX:
        return list(_text_tokens(text))  # a report: the lexicon and the spotter both read it
    return _tokens(text)


@lru_cache(maxsize=4)
def _text_tokens(text: str) -> tuple[Token, ...]:
    return tuple(_tokens(text))


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        norm = _normalize_word(word)
        if norm:
            out.append(Token(word, m.start(), m.end(), norm))
    return out


def strip_article(word: str) -> str:
    """The word without a leading article (``ال``), when something is left."""
    if word.startswith(ARTICLE) and len(word) > len(ARTICLE) + 1:
        return word[len(ARTICLE):]
    return word


def proclitic_variants(word: str) -> list[tuple[str, int]]:
    """Ways to read a normalised word as proclitic(s) + rest: ``[(rest, n_stripped), ...]``.

    The word itself comes first (n_stripped = 0). ``لل`` + rest is also offered as
    ``ال`` + rest ("للتنظيم" = "ل" + "التنظيم"), ``وال``/``بال`` keep their article.
    The caller keeps only the variants that are known names.

    >>> [v for v, _ in proclitic_variants("وهجين")]
    ['وهجين', 'هجين']
    """
    return list(_proclitic_readings(word))


_PROCLITIC_LETTERS = frozenset(p[0] for p in PROCLITICS)


@lru_cache(maxsize=1 << 16)
def _proclitic_readings(word: str) -> tuple[tuple[str, int], ...]:
    """`proclitic_variants`, kept per word (the gazetteer, the lexicon and the grammar all
    ask for the same words)."""
    if word[:1] not in _PROCLITIC_LETTERS:
        return ((word, 0),)  # every proclitic begins with one of these letters
    seen = {word: 0}
    for pre in PROCLITICS:
        if word.startswith(pre) and len(word) - len(pre) >= 2:
            rest = word[len(pre):]
            if pre.endswith("ال"):
                rest = ARTICLE + rest
                stripped = len(pre) - 2
            elif pre.endswith("لل"):
                rest = ARTICLE + rest
                stripped = len(pre) - 1
            else:
                stripped = len(pre)
            seen.setdefault(rest, stripped)
    return tuple(seen.items())


def name_keys(name: str) -> set[str]:
    """Normalised keys under which a name is indexed and looked up.

    The full normalised form; the form with the article dropped from each word; ``ابو X``
    joined and split (``ابوكمال``), and the ``ابو``/``البو`` alternatives.
    """
    base = normalize(name)
    if not base:
        return set()
    keys = {base}
    words = base.split()
    keys.add(" ".join(strip_article(w) for w in words))
    more: set[str] = set()
    for key in keys:
        ws = key.split()
        if ws and ws[0] in ABU_FORMS:
            rest = ws[1:]
            if rest:
                tail = " ".join(rest)
                for form in ("ابو", "البو"):
                    more.add(f"{form} {tail}")
                    joined = f"{form}{strip_article(rest[0])}"
                    more.add(joined if len(rest) == 1 else " ".join([joined, *rest[1:]]))
                    more.add(f"{form} {strip_article(tail)}")
        elif ws:
            for form in ("ابو", "البو"):
                if ws[0].startswith(form) and len(ws[0]) > len(form) + 1:
                    tail = ws[0][len(form):]
                    for f2 in ("ابو", "البو"):
                        more.add(" ".join([f"{f2} {tail}", *ws[1:]]))
                        more.add(" ".join([f"{f2} ال{tail}", *ws[1:]]))
                        more.add(" ".join([f"{f2}{tail}", *ws[1:]]))
    keys |= more
    keys |= {" ".join(strip_article(w) for w in k.split()) for k in list(keys)}
    return {k for k in keys if k}


# ---------------------------------------------------------------- Latin transliterations

_LATIN_ARTICLES = ("al", "el", "as", "ash", "ad", "ar", "az", "at", "an", "ath", "adh", "ez",
                   "es", "et", "ed", "er", "ul", "ol", "us", "ut", "ud", "ur", "uz", "l")
_ABU_LATIN = ("abu", "abou", "abo", "albu", "albou", "bou", "bu", "abi")


_LATIN_QUOTES = re.compile("['`\u2018\u2019\u02bb\u02bc\u02be\u02bf]")
_LATIN_SPLIT = re.compile(r"[^a-z0-9]+")
_JOINED_ARTICLE = re.compile(r"^(al|el|as|ash|ad|ar|az|at|an|ez|es|ed|er|et)(.+)$")
_FINAL_H = re.compile(r"([aeiouy])h$")
_DOUBLED = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouyw]")


def _strip_joined_article(w: str, *, first: bool) -> str:
    """A word without an article glued to it: "Alsafafnah" -> "safafnah", "ezzor" -> "zor",
    "Assafafnah" -> "safafnah", "Arraqqa" -> "raqqa".

    ``al``/``el`` + consonant (not ``albu``/``albo``, which `latin_key` folds as abu) and an
    assimilated article (``as-s``, ``ar-r``, ``ez-z`` ...) are dropped when at least
    `_JOINED_MIN` letters remain -- three inside a name, four at its start, where a
    short word is more often a name of its own ("Alwan", "Assad").
    """
    need = _JOINED_MIN + (1 if first else 0)
    m = _JOINED_ARTICLE.match(w)
    if m and len(m.group(2)) >= need and m.group(2)[0] == m.group(1)[-1]:
        return m.group(2)  # assimilated: as-s..., ar-r..., ez-z...
    if (w.startswith(("al", "el")) and len(w) - 2 >= need and w[2] not in "aeiouyw"
            and w[2:4] not in ("bu", "bo")):
        return w[2:]
    return w


_JOINED_MIN = 3


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def latin_key(name: str) -> str:
    """A skeleton of a Latin transliteration so spelling variants meet.

    Drops articles (al-/el-/as-/ash-/ad-/ez-...), folds abu/albu/bou to one form,
    ou->u, ee->i, gh->g, doubled letters, a final h after a vowel, then keeps the
    first letter and the consonants.

    >>> latin_key("Deir ez-Zor") == latin_key("Dayr az Zawr") == latin_key("Deir Ezzor")
    True
    >>> latin_key("Abu Kamal") == latin_key("Albu Kamal") == latin_key("al-Bukamal")
    True
    >>> latin_key("Baghuz") == latin_key("Baghouz") == latin_key("Bagouz")
    True
    """
    text = _ascii(name).lower()
    text = _LATIN_QUOTES.sub("", text)
    words = _LATIN_SPLIT.split(text)
    words = [w for w in words if w]
    out: list[str] = []
    for i, w in enumerate(words):
        if w in _LATIN_ARTICLES and i + 1 < len(words):
            continue
        w = _strip_joined_article(w, first=not out)
        out.append(w)
    if out and out[0] in _ABU_LATIN:
        out[0] = "bu"
    elif out:
        for form in ("albou", "albu", "abou", "abu"):
            if out[0].startswith(form) and len(out[0]) > len(form) + 2:
                out = ["bu", out[0][len(form):], *out[1:]]
                break
    joined = "".join(out)
    joined = joined.replace("ou", "u").replace("ee", "i").replace("oo", "u")
    joined = joined.replace("gh", "g").replace("q", "k").replace("dh", "d").replace("th", "t")
    joined = _FINAL_H.sub(r"\1", joined)
    joined = _DOUBLED.sub(r"\1", joined)
    if not joined:
        return ""
    head, tail = joined[0], joined[1:]
    return head + _VOWELS.sub("", tail)
