"""A report as the extractor reads it: tokens with offsets, sentences, clauses, and the spans
of the actors, dates and known place names found in it.

Tokens are words (Arabic or Latin, with their hyphens and apostrophes) and single
punctuation marks; each keeps its character span in the original text and its normalised
form (`tracker.arabic.normalize`: alef/hamza, ta marbuta, ya, diacritics, tatweel, Latin
lower case). Everything downstream works on token indices, so offsets into the report are
never lost.

Sentences end at ``. ! ? ؟ ; ؛ …`` and line breaks; a sentence longer than `MAX_SENTENCE`
tokens (unpunctuated copy) is cut into bounded chunks, at a comma where there is one, so
work per sentence stays bounded and the cost of a report grows linearly with its length.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tracker.arabic import normalize

__all__ = ["MAX_EVIDENCE", "MAX_SENTENCE", "Doc", "Span", "Token", "build_doc", "spans_from",
           "spans_in", "split_sentences"]

#: Longest sentence, in tokens, before it is cut into chunks.
MAX_SENTENCE = 250
#: Longest evidence sentence stored with a claim, in characters (cut around the claim).
MAX_EVIDENCE = 600

_WORD = r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+"
_TOKEN_RE = re.compile(rf"{_WORD}(?:['’\-]{_WORD})*|[^\s\w]", re.UNICODE)
_SENT_END = frozenset(".!?؟;؛…")
#: Words after a comma that carry the sentence's list on: no chunk ends before them.
_LIST_GOES_ON = frozenset({"وهي", "هي", "وهما", "هما", "منها", "ومنها", "including", "namely",
                           "وابرزها", "ابرزها", "بينها", "اضافه", "بالاضافه"})
_WORD_START = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_NEWLINE = re.compile(r"\n")


@lru_cache(maxsize=1 << 17)
def _norm(word: str) -> str:
    if "-" in word or "'" in word or "’" in word:
        parts = re.split(r"(['’\-])", word)
        return "".join(p if p in "'’-" else normalize(p).replace(" ", "") for p in parts).lower()
    return normalize(word).replace(" ", "")


@dataclass(slots=True, unsafe_hash=True)
class Token:
    """One word or punctuation mark: position `i`, surface, span, normalised form.

    Read-only by convention: not frozen, because a report makes thousands and a frozen
    dataclass is several times slower to build; it compares and hashes by value.
    """

    i: int
    text: str
    start: int
    end: int
    norm: str
    is_word: bool
    latin: bool
    upper: bool


@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A thing found over tokens ``[first, last]`` (inclusive), with its payload.

    Read-only by convention: not frozen, because a report makes thousands and a frozen
    dataclass is several times slower to build; it compares and hashes by value.
    """

    first: int
    last: int
    value: Any


@dataclass(slots=True)
class Doc:
    """The tokens of a report and everything spotted over them."""

    text: str
    tokens: list[Token]
    sent_of: list[int]  # token -> sentence index
    sent_bounds: list[tuple[int, int]]  # sentence -> (first token, last token + 1)
    para_of_sent: list[int]
    newline_before: list[bool]  # token -> a line break lies between it and the previous one
    actors: list[Span] = field(default_factory=list)  # value: ActorMention
    dates: list[Span] = field(default_factory=list)  # value: DateMention
    names: list[Span] = field(default_factory=list)  # value: NameSpan (known place names)
    actor_at: dict[int, Span] = field(default_factory=dict)  # token -> actor span covering it
    date_at: dict[int, Span] = field(default_factory=dict)
    name_at: dict[int, Span] = field(default_factory=dict)  # first token -> name span
    name_cover: dict[int, Span] = field(default_factory=dict)  # any token -> name span
    starts: list[int] = field(default_factory=list)
    norms: list[str] = field(default_factory=list)  # token -> its normalised form
    memo: dict[Any, Any] = field(default_factory=dict)  # per-doc results of whole-doc scans

    def __len__(self) -> int:
        return len(self.tokens)

    def norm(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < len(self.tokens) else ""

    def sentence(self, i: int) -> tuple[int, int]:
        """(first token, end token) of the sentence of token `i`."""
        return self.sent_bounds[self.sent_of[i]]

    def para(self, i: int) -> int:
        return self.para_of_sent[self.sent_of[i]]

    def surface(self, first: int, last: int) -> str:
        """The original text of tokens ``first..last`` (inclusive)."""
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def token_at_char(self, pos: int) -> int:
        """Index of the token that starts at or before character `pos`."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def evidence(self, first: int, last: int) -> str:
        """The sentence around tokens ``first..last``, at most `MAX_EVIDENCE` characters."""
        s, e = self.sentence(first)
        _, e2 = self.sentence(last)
        e = max(e, e2)
        a, z = self.tokens[s].start, self.tokens[e - 1].end
        if z - a > MAX_EVIDENCE:
            mid_a, mid_z = self.tokens[first].start, self.tokens[last].end
            room = max(0, MAX_EVIDENCE - (mid_z - mid_a)) // 2
            a, z = max(a, mid_a - room), min(z, mid_z + room)
        return self.text[a:z].strip()


#: A ta marbuta ends an Arabic word: one followed by a letter is a missing space
#: ("السيطرةعلى", "بناحيةراجو").
_GLUED_TA = re.compile("ة(?=[\u0621-\u064a])")


def _pieces(w: str, start: int) -> list[tuple[str, int]]:
    cuts = [m.end() for m in _GLUED_TA.finditer(w)]
    if not cuts:
        return [(w, start)]
    bounds = [0, *cuts, len(w)]
    return [(w[a:b], start + a) for a, b in itertools.pairwise(bounds) if b > a]


def _first(sp: Span) -> int:
    return sp.first


def spans_from(spans: Sequence[Span], i: int) -> int:
    """Index of the first of `spans` (sorted by `first`) that starts at or after token `i`."""
    return bisect.bisect_left(spans, i, key=_first)


def spans_in(spans: Sequence[Span], lo: int, hi: int) -> Sequence[Span]:
    """The `spans` (sorted by `first`) that start in ``[lo, hi)``, in order (no whole scan)."""
    a = bisect.bisect_left(spans, lo, key=_first)
    z = bisect.bisect_left(spans, hi, key=_first)
    return spans[a:z]


@lru_cache(maxsize=1 << 17)
def _token_info(w: str) -> tuple[str, bool, bool, bool] | None:
    """``(norm, is_word, latin, upper)`` of a token's surface; None for a word that
    normalises to nothing (it is left out)."""
    word = bool(_WORD_START.match(w))
    norm = _norm(w) if word else w
    if word and not norm:
        return None
    latin = word and w[0].isascii()
    return norm, word, latin, latin and w[0].isupper()


def _tokenise(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        surface = m.group()
        # only a ta marbuta can glue two words (`_pieces`)
        for w, start in (_pieces(surface, m.start()) if "ة" in surface
                         else ((surface, m.start()),)):
            info = _token_info(w)
            if info is None:
                continue
            out.append(Token(len(out), w, start, start + len(w), *info))
    return out


def _sentences(text: str, toks: Sequence[Token]) -> tuple[list[int], list[tuple[int, int]],
                                                           list[int], list[bool]]:
    sent_of: list[int] = []
    bounds: list[tuple[int, int]] = []
    paras: list[int] = []
    newline_before = [False] * len(toks)
    para = 0
    start = 0
    last_comma = -1

    def close(end: int) -> None:
        nonlocal start, last_comma
        if end > start:
            bounds.append((start, end))
            paras.append(para)
            sent_of.extend([len(bounds) - 1] * (end - start))
        start = end
        last_comma = -1

    for k, t in enumerate(toks):
        if k:
            gap = text[toks[k - 1].end : t.start]
            if "\n" in gap:
                newline_before[k] = True
                close(k)
                para += 1  # a line of news copy is a paragraph
        if t.text in ("،", ",") and k + 1 < len(toks) and toks[k + 1].norm not in _LIST_GOES_ON:
            last_comma = k  # a comma where a chunk may end (not "، وهي ..." before a list)
        if not t.is_word and t.text in _SENT_END:
            # "U.S." and decimal points are not sentence ends
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if t.text == "." and nxt is not None and nxt.start == t.end and nxt.is_word:
                continue
            if (t.text == "." and k and toks[k - 1].latin and len(toks[k - 1].text) == 1
                    and toks[k - 1].upper):
                continue
            close(k + 1)
        elif k - start + 1 >= MAX_SENTENCE:
            cut = last_comma + 1 if last_comma > start + MAX_SENTENCE // 3 else k + 1
            close(cut)
    close(len(toks))
    return sent_of, bounds, paras, newline_before


def _with_tails(actors: list[Span], toks: Sequence[Token], tail: Any) -> list[Span]:
    out = []
    for k, sp in enumerate(actors):
        nxt = actors[k + 1].first if k + 1 < len(actors) else len(toks)
        last = sp.last
        while last + 1 < nxt and toks[last + 1].is_word and tail(toks[last + 1].norm):
            last += 1
        out.append(sp if last == sp.last else Span(sp.first, last, sp.value))
    return out


def _cover(spans: list[Span]) -> dict[int, Span]:
    at: dict[int, Span] = {}
    for sp in spans:
        for i in range(sp.first, sp.last + 1):
            at.setdefault(i, sp)
    return at


def _to_tokens(doc_starts: list[int], toks: Sequence[Token], start: int, end: int
               ) -> tuple[int, int] | None:
    i = bisect.bisect_right(doc_starts, start) - 1
    if i < 0:
        i = 0
    if i < len(toks) and toks[i].end <= start:
        i += 1
    j = bisect.bisect_left(doc_starts, end) - 1
    if i >= len(toks) or j < i:
        return None
    return i, j


def build_doc(text: str, *, actors: Sequence[Any] = (), dates: Sequence[Any] = (),
              names: Sequence[Any] = (), actor_tail: Any = None) -> Doc:
    """Tokens, sentences and the given spans (objects with ``start``/``end`` char offsets).

    ``actor_tail(norm)``, when given, says whether a word right after an actor's name still
    belongs to it ("المليشيات المسلحة", "the armed militias"): the actor's span takes it in.
    """
    toks = _tokenise(text)
    sent_of, bounds, paras, nl = _sentences(text, toks)
    doc = Doc(text, toks, sent_of, bounds, paras, nl)
    doc.starts = [t.start for t in toks]
    doc.norms = [t.norm for t in toks]

    def spans(items: Sequence[Any]) -> list[Span]:
        out = []
        for it in sorted(items, key=lambda x: (x.start, -x.end)):
            r = _to_tokens(doc.starts, toks, it.start, it.end)
            if r is None:
                continue
            if out and r[0] <= out[-1].last:
                continue  # overlapping: the earlier (longer) one wins
            out.append(Span(r[0], r[1], it))
        return out

    doc.actors = spans(actors)
    if actor_tail is not None:
        doc.actors = _with_tails(doc.actors, toks, actor_tail)
    doc.dates = spans(dates)
    taken = _cover(doc.actors)
    doc.names = [s for s in spans(names) if not any(i in taken for i in range(s.first, s.last + 1))]
    doc.actor_at = taken
    doc.date_at = _cover(doc.dates)
    doc.name_at = {s.first: s for s in doc.names}
    doc.name_cover = _cover(doc.names)
    return doc


#: A sentence longer than this (in tokens) is also cut before its clause openers.
LONG_SENTENCE = 30
_CLAUSE_OPENERS = frozenset(normalize(w) for w in (
    "حيث", "فيما", "بينما", "في", "كما", "وذلك", "إذ", "while", "as", "where", "whereas"))


def split_sentences(text: str) -> list[tuple[int, int, int, int]]:
    """Cut a text into chunks ``(start, end, sentence_no, paragraph_no)`` (character spans).

    Sentences end at ``. ! ? ؟ ; ؛ …`` and line breaks; a run of more than `MAX_SENTENCE`
    tokens without one is cut at a comma (or at the limit), so no chunk is unbounded. A
    sentence longer than `LONG_SENTENCE` tokens is further cut before a comma followed by a
    clause opener ("، حيث", "، فيما", "، في حين", ", while"): its chunks keep its number.
    """
    doc = build_doc(text)
    out = []
    for n, (a, z) in enumerate(doc.sent_bounds):
        cuts = [a]
        if z - a > LONG_SENTENCE:
            for k in range(a + 1, z - 1):
                t = doc.tokens[k]
                if t.text in ("،", ",") and doc.tokens[k + 1].norm in _CLAUSE_OPENERS and (
                        k - cuts[-1] >= 8 and z - k >= 4):
                    cuts.append(k + 1)
        cuts.append(z)
        for x, y in itertools.pairwise(cuts):
            if y <= x:
                continue
            s_, e_ = doc.tokens[x].start, doc.tokens[y - 1].end
            while e_ > s_ and text[e_ - 1] in ".!?؟؛;…،,":
                e_ -= 1
            if e_ - s_ >= 2:
                out.append((s_, e_, n, doc.para_of_sent[n]))
    return out
