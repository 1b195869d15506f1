"""The actor lexicon: names of armed actors in any language -> canonical actor ids.

The names live in a data file, ``tracker/data/actors.csv`` (columns ``name, actor, lang,
requires, note[, role]``), so users add their own without touching code: pass more CSV files to
`ActorLexicon.load` or list them in ``$TRACKER_ACTORS`` (one path, or several joined by
``os.pathsep``). Later files win when they give the same name another actor.

Matching runs on normalised tokens (`tracker.arabic.normalize`): diacritics, tatweel,
hamza forms and quotes do not matter, a proclitic (و ب ل ف ك, لل) may stand before a name,
the longest name wins, and Latin names match whole words case-insensitively (names of two
capital letters such as "IS" match case-sensitively, so the verb "is" is not ISIS).

A row with ``requires`` set (e.g. "التنظيم" -> isis, requires isis) is a context-dependent
name: it only counts when the same text also names the required actor by an
unconditional row ("التنظيم" is ISIS in a report that says "داعش" or "الدولة الإسلامية"),
when the report's title does (``find(text, context=title)``), or when a *cue* of that actor
stands near the name. A row whose optional ``role`` column is ``cue`` ("الخلافة", the
caliphate; "البغدادي"; "الجهاديين") is never a mention itself: within `CUE_WINDOW` tokens
of a context-dependent name of its actor it tells that the report is about that actor.
A context-dependent row whose ``role`` is ``default`` ("التنظيم", "the organisation") also
counts in a report that names another armed actor and no other organisation ("تنظيم X" other
than the Islamic State): in Syrian war reporting the bare word then means ISIS.
"""

from __future__ import annotations

import bisect
import csv
import io
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tracker.arabic import PROCLITICS, TOKEN_RE, fold, normalize, tokens
from tracker.errors import InputError, UnknownActorError
from tracker.model import ACTORS

__all__ = ["CUE_WINDOW", "ENV_VAR", "ActorEntry", "ActorLexicon", "ActorMention"]

logger = logging.getLogger(__name__)

#: Environment variable naming extra lexicon files (os.pathsep-separated).
ENV_VAR = "TRACKER_ACTORS"
_COLUMNS = ("name", "actor", "lang", "requires", "note", "role")
_ROLES = ("", "name", "cue", "default")
#: Tokens between a cue and a context-dependent name for the cue to count.
CUE_WINDOW = 30
_BUNDLED = "actors.csv"


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A name of an actor in a text: span into the original text, the text, the actor id."""

    start: int
    end: int
    text: str
    actor: str


@dataclass(frozen=True, slots=True)
class _Word:
    """A token of the text: surface form, span, normalised form, index keys it may start."""

    text: str
    start: int
    end: int
    norm: str
    starts: tuple[tuple[str, int], ...]


_CACHE_MAX = 200_000


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One row of a lexicon file.

    `key` is the name as a tuple of normalised tokens; `case_sensitive` is set for names of
    at most two capital Latin letters ("IS"). `source` and `line` say where the row came from.
    `role` is ``"cue"`` for a context cue (never a mention), else ``""``.
    """

    name: str
    actor: str
    lang: str = ""
    requires: str = ""
    note: str = ""
    source: str = ""
    line: int = 0
    key: tuple[str, ...] = ()
    case_sensitive: bool = False
    role: str = ""


def _key(name: str) -> tuple[str, ...]:
    return tuple(t.norm for t in tokens(name))


def _is_acronym(name: str) -> bool:
    letters = name.strip()
    return 0 < len(letters) <= 2 and letters.isascii() and letters.isalpha() and letters.isupper()


def _valid_ids() -> str:
    return ", ".join(ACTORS)


def _parse_rows(text: str, source: str) -> list[ActorEntry]:
    """Parse a lexicon CSV; raise InputError naming the file and line of a bad row."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    out: list[ActorEntry] = []
    for row in reader:
        line = reader.line_num
        if not row or not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if header is None:
            header = [c.lower() for c in cells]
            missing = [c for c in ("name", "actor") if c not in header]
            unknown = [c for c in header if c not in _COLUMNS]
            if missing or unknown:
                msg = (f"the header must name the columns {', '.join(_COLUMNS)} (name and actor "
                       f"are required); got {', '.join(cells)}")
                raise InputError(msg, path=source, line=line)
            continue
        if len(cells) > len(header):
            msg = (f"{len(cells)} fields where the header has {len(header)} "
                   f"({', '.join(header)}); quote a name that contains a comma")
            raise InputError(msg, path=source, line=line)
        values = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        name, actor = values.get("name", ""), values.get("actor", "").lower()
        requires = values.get("requires", "").lower()
        if not name:
            msg = "empty name; every row needs a name and an actor id"
            raise InputError(msg, path=source, line=line)
        if actor not in ACTORS:
            msg = f"unknown actor id {actor!r} for {name!r}; valid ids: {_valid_ids()}"
            raise InputError(msg, path=source, line=line)
        if requires and requires not in ACTORS:
            msg = f"unknown actor id {requires!r} in `requires`; valid ids: {_valid_ids()}"
            raise InputError(msg, path=source, line=line)
        role = values.get("role", "").lower()
        if role not in _ROLES:
            msg = f"unknown role {role!r} for {name!r}; leave it empty (a name) or write cue"
            raise InputError(msg, path=source, line=line)
        key = _key(name)
        if not key:
            msg = f"the name {name!r} has no letters or digits to match"
            raise InputError(msg, path=source, line=line)
        out.append(ActorEntry(name, actor, values.get("lang", ""), requires,
                              values.get("note", ""), source, line, key, _is_acronym(name),
                              role if role in ("cue", "default") else ""))
    if header is None:
        msg = f"no header line; expected the columns {', '.join(_COLUMNS)}"
        raise InputError(msg, path=source)
    return out


def _read_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        msg = f"cannot read the actor lexicon: {err.strerror or err}"
        raise InputError(msg, path=str(path)) from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        msg = "not UTF-8 text; save the lexicon as UTF-8 CSV"
        raise InputError(msg, path=str(path), line=line) from err


def _env_paths() -> list[Path]:
    raw = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def _strip_proclitic(word: str) -> list[tuple[str, int]]:
    """Readings of a normalised word as proclitic + name word: ``[(rest, surface_chars)]``.

    ``surface_chars`` is how many leading (normalised) letters are outside the name:
    "وقسد" -> ("قسد", 1); "والتنظيم" -> ("التنظيم", 1); "للتنظيم" -> ("التنظيم", 2).
    """
    out = [(word, 0)]
    for pre in PROCLITICS:
        if word.startswith(pre) and len(word) - len(pre) >= 2:
            rest = word[len(pre):]
            if pre.endswith("ال"):
                out.append(("ال" + rest, len(pre) - 2))
            elif pre.endswith("لل"):
                out.append(("ال" + rest, len(pre)))
                out.append((rest, len(pre) - 1))  # "لل" + name without article: "لقسد"
            else:
                out.append((rest, len(pre)))
    return out


def _skip_letters(word: str, n: int) -> int:
    """Offset in `word` (original text) after its first `n` letters that survive folding."""
    i = count = 0
    while i < len(word) and count < n:
        if fold(word[i]):
            count += 1
        i += 1
    while i < len(word) and not fold(word[i]):
        i += 1
    return i


class ActorLexicon:
    """Names -> canonical actor ids, with a matcher over texts.

    Build it with `ActorLexicon.load()` (bundled CSV + user files) or from entries.
    """

    def __init__(self, entries: Iterable[ActorEntry]) -> None:
        by_key: dict[tuple[str, tuple[str, ...]], ActorEntry] = {}
        for entry in entries:
            by_key[(entry.role == "cue", entry.key)] = entry  # later files win
        self._entries: tuple[ActorEntry, ...] = tuple(by_key.values())
        index: dict[str, list[ActorEntry]] = {}
        cue_index: dict[str, list[ActorEntry]] = {}
        for entry in self._entries:
            target = cue_index if entry.role == "cue" else index
            target.setdefault(entry.key[0], []).append(entry)
        for bucket in (*index.values(), *cue_index.values()):
            bucket.sort(key=lambda e: len(e.key), reverse=True)
        self._index = index
        self._cue_index = cue_index
        self._by_name = {" ".join(e.key): e.actor for e in self._entries if e.role != "cue"}
        self._defaults = frozenset(e.actor for e in self._entries if e.role == "default")
        self._cache: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}

    @classmethod
    def load(cls, extra_paths: Sequence[str | os.PathLike[str]] = ()) -> ActorLexicon:
        """Read the bundled lexicon, then ``$TRACKER_ACTORS`` files, then `extra_paths`.

        Parameters
        ----------
        extra_paths
            More CSV files with the columns ``name, actor[, lang, requires, note, role]``
            (``role`` = ``cue`` for a context cue, see the module docstring). Lines
            starting with ``#`` are comments. A later file overrides an earlier one for the
            same (normalised) name.

        Returns
        -------
        ActorLexicon

        Raises
        ------
        tracker.errors.InputError
            A file cannot be read, is not UTF-8, or has a malformed row or an unknown actor
            id; the message names the file and line and lists the valid ids.
        """
        bundled = resources.files("tracker").joinpath("data", _BUNDLED)
        entries = _parse_rows(bundled.read_text(encoding="utf-8"), f"tracker/data/{_BUNDLED}")
        for path in [*_env_paths(), *(Path(p) for p in extra_paths)]:
            entries.extend(_parse_rows(_read_file(path), str(path)))
        lexicon = cls(entries)
        logger.debug("Actor lexicon: %d names", len(lexicon))
        return lexicon

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> tuple[ActorEntry, ...]:
        """Every row, after later files overrode earlier ones."""
        return self._entries

    def canonical(self, name_or_id: str) -> str:
        """The canonical actor id of an id or a known name.

        Parameters
        ----------
        name_or_id
            An actor id (``"sdf"``, any case) or a name in the lexicon ("قسد", "ISIS").

        Returns
        -------
        str
            One of ``isis sdf government hts sna turkey coalition unknown``.

        Raises
        ------
        tracker.errors.UnknownActorError
            Neither an id nor a known name; the message lists the valid ids.
        """
        value = str(name_or_id).strip()
        if value.lower() in ACTORS:
            return value.lower()
        actor = self._by_name.get(" ".join(_key(value)))
        if actor is None:
            msg = (f"Unknown actor {value!r}. Use one of the ids {_valid_ids()}, or add the "
                   f"name to a lexicon CSV (columns name,actor,lang,requires,note) given "
                   f"with ${ENV_VAR}.")
            raise UnknownActorError(msg)
        return actor

    def find(self, text: str, *, context: str = "") -> list[ActorMention]:
        """Every actor name in a text, longest match first, sorted by start.

        Parameters
        ----------
        text
            Any text; spans point into it as given.
        context
            More text about the same report that is not searched for mentions (its title):
            an actor it names lets the context-dependent names of that actor count.

        Returns
        -------
        list[ActorMention]
            Non-overlapping mentions. Names whose row has ``requires`` count only when the
            text or `context` also names that actor by an unconditional name, or when a
            cue of that actor stands within `CUE_WINDOW` tokens of the name.
        """
        if not isinstance(text, str) or not text:
            return []
        toks = self._words(text)
        named = {m.actor for m, _ in self._scan(text, toks, frozenset())}
        if isinstance(context, str) and context.strip():
            ctx = self._words(context)
            named |= {m.actor for m, _ in self._scan(context, ctx, frozenset())}
        if self._cue_index:
            named |= self._cued(text, toks, frozenset(named))
        if not named:
            return []
        if self._defaults and not _names_other_organisation(text + "\n" + (context or "")):
            named |= self._defaults - named

        return [m for m, _ in self._scan(text, toks, frozenset(named))]

    def _words(self, text: str) -> list[_Word]:
        toks = [self._word(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        return [t for t in toks if t.norm]

    def _cued(self, text: str, toks: list[_Word], named: frozenset[str]) -> set[str]:
        """Actors not yet named whose cue stands near one of their context-dependent names."""
        cues = self._scan(text, toks, frozenset(), index=self._cue_index)
        wanted = {e.actor for _, e in cues} - named
        if not wanted:
            return set()
        starts = {t.start: i for i, t in enumerate(toks)}
        conditional = [(starts.get(m.start, _tok_index(toks, m.start)), e.requires, m)
                       for m, e in self._scan(text, toks, frozenset(wanted)) if e.requires]
        out: set[str] = set()
        for m, e in cues:
            if e.actor not in wanted:
                continue
            ci = starts.get(m.start, _tok_index(toks, m.start))
            # a cue never vouches for the name it is part of ("الجهاديين" alone is no cue)
            if any(req == e.actor and abs(ni - ci) <= CUE_WINDOW
                   and not (n.start < m.end and m.start < n.end)
                   for ni, req, n in conditional):
                out.add(e.actor)
        return out

    def _word(self, surface: str, start: int, end: int) -> _Word:
        """A token of the text with its normalised form and the index keys it can start."""
        cached = self._cache.get(surface)
        if cached is None:
            if len(self._cache) > _CACHE_MAX:
                self._cache.clear()
            norm = normalize(surface)
            starts = () if not norm or " " in norm else tuple(
                (v, skip) for v, skip in _strip_proclitic(norm)
                if (v in self._index or v in self._cue_index) and not (skip and surface.isascii()))
            cached = self._cache[surface] = (norm, starts)
        return _Word(surface, start, end, cached[0], cached[1])

    def _scan(self, text: str, toks: list[_Word], named: frozenset[str], *,
              index: dict[str, list[ActorEntry]] | None = None
              ) -> list[tuple[ActorMention, ActorEntry]]:
        """One left-to-right longest-match pass; `requires` rows need their actor in `named`.

        `index` is the name index by default; the cue index finds cues.
        """
        index = self._index if index is None else index
        out: list[tuple[ActorMention, ActorEntry]] = []
        i = 0
        while i < len(toks):
            best: tuple[int, int, ActorEntry] | None = None  # (n tokens, surface skip, entry)
            for variant, skip in toks[i].starts:
                for entry in index.get(variant, ()):
                    n = len(entry.key)
                    if best is not None and n <= best[0]:
                        break
                    if entry.requires and entry.requires not in named:
                        continue
                    if i + n > len(toks):
                        continue
                    if any(toks[i + k].norm != entry.key[k] for k in range(1, n)):
                        continue
                    if entry.case_sensitive and (skip or toks[i].text != entry.name.strip()):
                        continue
                    best = (n, skip, entry)
                    break
            if best is None:
                i += 1
                continue
            n, skip, entry = best
            start = toks[i].start + _skip_letters(toks[i].text, skip)
            end = toks[i + n - 1].end
            out.append((ActorMention(start, end, text[start:end], entry.actor), entry))
            i += n
        return out


_OTHER_ORGANISATION = re.compile(r"(?:^|\s)[وبلفك]?تنظيم (?!الدوله|داعش|دوله)\w{3,}")


def _names_other_organisation(text: str) -> bool:
    """True when the text names an organisation ("تنظيم X") that is not the Islamic State."""
    return bool(_OTHER_ORGANISATION.search(normalize(text)))


def _tok_index(toks: list[_Word], pos: int) -> int:
    """Index of the token that contains character `pos`."""
    return bisect.bisect_right([t.start for t in toks], pos) - 1
