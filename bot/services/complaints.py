"""Complaints (投诉反映): filing, checking an anonymous one's progress, staff status changes.

A named (实名) complaint stores who filed it and pushes every status change to them; an
anonymous (匿名) one stores no link to anyone - no user id, the filing day only, and the hash of
a reply token only the complainant holds, so its progress is pulled with a 查询码, never pushed.
The design and its residual risks are in docs/architecture.md, "Anonymous complaints".
Imports no ``telegram``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.clock import Clock
from bot.services.base import Changed, NotifyingService
from bot.services.text import clean_multiline, clean_text, normalize_lines
from bot.services.throttle import Throttle
from bot.settings import Settings
from bot.vocabulary import TextProblem
from db import complaints as repo
from db import outbox as outbox_repo
from db import users as users_repo
from db.complaints import ComplaintDraft as ComplaintDraft  # the service's input too
from db.database import Database
from db.models import Complaint, ComplaintStatus, User

MIN_WHAT_CHARS = 5
MIN_WHAT_LETTERS = 3  # letters or CJK characters: emoji or punctuation alone say nothing
MAX_WHAT_CHARS = 2000
MAX_FIELD_CHARS = 200
OPEN_LIST_LIMIT = 30
# Outbox kinds (rendered by handlers.complaints): the staff card, its photo, the complainant's
# notice of a status change.
STAFF_CARD = "complaint.card"
STAFF_PHOTO = "complaint.photo"
STATUS_NOTICE = "complaint.status"
REF_RE = re.compile(r"^TS-\d{4}-\d{4,}$")
OLD_TOKEN_RE = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")  # codes before 15.11: exact, any case
# Crockford's decoding: what a villager may write for 0 and 1, and separators they may add.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_–—·.。]+")
# Wrong 查询码 a user may try per hour before being asked to wait (a code has 40 bits, but
# nobody should be able to walk through complaint numbers trying codes).
GUESSES_PER_HOUR = 10


class TooManyGuessesError(Exception):
    """Too many wrong 查询码 from one user lately."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"wait {seconds} s")
        self.seconds = seconds


def show_code(code: str) -> str:
    """``ABCD-EFGH``: a new 查询码 in two groups of four; an old token as it was."""
    if len(code) == repo.CHECK_LENGTH:
        half = repo.CHECK_LENGTH // 2
        return f"{code[:half]}-{code[half:]}"
    return code


def code_candidates(typed: str) -> list[str]:
    """The stored forms ``typed`` may stand for: the 8-character code however it was written
    (any case, with or without separators, O for 0, I or L for 1), or an old token as is."""
    text = unicodedata.normalize("NFKC", typed).strip()
    found: list[str] = []
    squeezed = _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)
    if len(squeezed) == repo.CHECK_LENGTH and all(c in repo.CHECK_ALPHABET for c in squeezed):
        found.append(squeezed)
    if OLD_TOKEN_RE.match(text) and len(text) > repo.CHECK_LENGTH:
        found.append(text)
    return found


# A complaint's number inside any text, however it was typed (NFKC first: full-width too).
_REF_IN_TEXT = re.compile(r"(?<![0-9A-Z])TS[\s\-_–—·.]*(\d{4})[\s\-_–—·.]*(\d{1,6})(?!\d)", re.I)
# Four and four characters, the way a 查询码 is shown (ABCD-EFGH) or copied (ABCD EFGH).
_CODE_SHAPE = re.compile(r"(?<![0-9A-Z])([0-9A-Z]{4})([\s\-]?)([0-9A-Z]{4})(?![0-9A-Z])", re.I)
_NOT_CODE = re.compile(r"[^0-9A-Za-z_\-\s]+")
_RUN = re.compile(r"[0-9A-Za-z]+")


@dataclass(frozen=True, slots=True)
class TypedCheck:
    """A plain message asking for a complaint's progress: its number and what followed it
    (the 查询码, if any), or a 查询码 on its own."""

    ref_no: str | None
    code: str | None


def _shaped(match: re.Match[str]) -> bool:
    """Whether four-and-four characters look like a 查询码 rather than a word: only the code's
    own characters (no I, L, O or U), and a digit among letters or a dash ("HJPJ-BTNM")."""
    typed = (match[1] + match[3]).upper()
    if not all(c in repo.CHECK_ALPHABET for c in typed) or typed.isdigit():
        return False
    return match[2] == "-" or any(c.isdigit() for c in typed)


def typed_check(text: str) -> TypedCheck | None:
    """``text`` as a status check: a complaint number anywhere in it (``ts-2026-0001``,
    ``TS 2026 0001``, full width) with the 查询码 that follows it, if any; or a message that
    is only a 查询码 in its shown shape. None for anything else."""
    norm = unicodedata.normalize("NFKC", text).strip()
    if (found := _REF_IN_TEXT.search(norm)) is not None:
        code = _NOT_CODE.sub(" ", norm[found.end() :]).strip()
        return TypedCheck(f"TS-{found[1]}-{int(found[2]):04d}", code or None)
    alone = _CODE_SHAPE.fullmatch(norm)
    return TypedCheck(None, norm) if alone is not None and _shaped(alone) else None


def complaint_refs(text: str) -> list[str]:
    """The complaint numbers in ``text``, written the way they are stored."""
    norm = unicodedata.normalize("NFKC", text)
    return [f"TS-{m[1]}-{int(m[2]):04d}" for m in _REF_IN_TEXT.finditer(norm)]


def code_shaped(text: str) -> bool:
    """Whether ``text`` carries something shaped like a 查询码 (see ``_shaped``)."""
    norm = unicodedata.normalize("NFKC", text)
    return any(_shaped(m) for m in _CODE_SHAPE.finditer(norm))


async def carries_code(db: Database, text: str) -> bool:
    """Whether ``text`` carries a 查询码: shaped like one, or the fingerprint of a real one."""
    if code_shaped(text):
        return True
    if not (codes := codes_within(text)):
        return False
    async with db.read() as conn:
        return await repo.any_reply_token(conn, codes)


def codes_within(text: str) -> list[str]:
    """Every stored form a 查询码 hidden in ``text`` may have (for a look-up by fingerprint):
    each run of letters and digits, and each two runs written apart, as ``code_candidates``."""
    norm = unicodedata.normalize("NFKC", text)
    runs = _RUN.findall(norm)
    # A run of letters and digits is a code only at a code's length or an old token's (16-64):
    # most words of a message are neither and need no ``code_candidates`` (this runs on every
    # question asked and every stored web message).
    pieces = [
        piece
        for piece in (*runs, *(a + b for a, b in itertools.pairwise(runs)))
        if len(piece) == repo.CHECK_LENGTH or OLD_TOKEN_RE.match(piece)
    ]
    pieces += [w for w in norm.split() if OLD_TOKEN_RE.match(w)]
    return list(dict.fromkeys(c for piece in pieces for c in code_candidates(piece)))


_WORD = re.compile(r"\S+")
MASK = "*"


# Full-width ASCII (a Chinese keyboard's letters and digits) and the ideographic space, as NFKC
# reads them, one character for one.
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


def _probe(text: str) -> str:
    """``text`` with full-width letters, digits and signs as ASCII: same length, so spans found
    in it are spans of ``text``."""
    return text.translate(_HALF_WIDTH)


def mask_codes(text: str, known: Collection[str] = ()) -> str:
    """``text`` with every 查询码 in it masked, one ``*`` per letter or digit (separators and
    length kept, so message entities still fit): whatever is shaped like one (``ABCD-EFGH``),
    what follows a complaint number the way a status check reads it (``TS-2026-0001 hjpjbtnm``),
    and any run of letters and digits (or two written apart) that is one of ``known`` (real
    codes, found by their fingerprint: ``codes_within`` gives the candidates)."""
    probe = _probe(text)
    spans: list[tuple[int, int]] = [m.span() for m in _CODE_SHAPE.finditer(probe) if _shaped(m)]
    runs = list(_RUN.finditer(probe))
    wanted = set(known)
    for a, b in [*((r, r) for r in runs), *itertools.pairwise(runs)] if wanted else ():
        if wanted.intersection(code_candidates(probe[a.start() : b.end()])):
            spans.append((a.start(), b.end()))
    for ref in _REF_IN_TEXT.finditer(probe):
        after = [r for r in runs if r.start() >= ref.end()][:2]
        line_end = probe.find("\n", ref.end())
        after = [r for r in after if line_end < 0 or r.end() <= line_end]
        for n in (1, 2):
            if len(after) >= n and code_candidates(probe[after[0].start() : after[n - 1].end()]):
                spans.append((after[0].start(), after[n - 1].end()))
        word = _WORD.search(probe, ref.end())
        if word is not None and code_candidates(word[0]):
            spans.append(word.span())
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if probe[i].isascii() and probe[i].isalnum():
                chars[i] = MASK
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class Filed:
    """A stored complaint and, for an anonymous one, the 查询码 to show once."""

    complaint: Complaint
    check_code: str | None


class Advance(StrEnum):
    """What became of a staff status change."""

    CHANGED = "changed"
    ALREADY = "already"
    SETTLED = "settled"  # resolved complaints do not move any more
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class StatusOutcome:
    """The result of a status change; ``notify`` is whom to tell (named complaints only)."""

    result: Advance
    complaint: Complaint | None
    notify: User | None = None


class WhatProblem(StrEnum):
    """Why a description of what happened is refused."""

    LENGTH = "length"  # not 5-2000 characters
    NO_WORDS = "no_words"  # emoji or punctuation (almost) only


def _letters(text: str) -> int:
    """Letters in ``text``, of any script (CJK characters are letters too)."""
    return sum(unicodedata.category(ch).startswith("L") for ch in text)


def what_problem(text: str) -> WhatProblem | None:
    """Why ``text`` cannot describe what happened; None if it can.

    No letter at all is NO_WORDS whatever the length (😡😡😡😡😡, ！！！); otherwise the length
    is checked first, then that at least ``MIN_WHAT_LETTERS`` letters are among it.
    """
    cleaned = clean_multiline(text, MAX_WHAT_CHARS, min_len=MIN_WHAT_CHARS)
    letters = _letters(normalize_lines(text))
    if letters == 0:
        return WhatProblem.NO_WORDS
    if isinstance(cleaned, TextProblem):
        return WhatProblem.LENGTH
    return WhatProblem.NO_WORDS if letters < MIN_WHAT_LETTERS else None


def clean_what(text: str) -> str | None:
    """The description cleaned with its line breaks; None if ``what_problem`` finds one."""
    if what_problem(text) is not None:
        return None
    return normalize_lines(text)


def clean_field(text: str) -> str | None:
    """A short answer (department, when) cleaned to one line; None if empty or too long."""
    value = clean_text(text, MAX_FIELD_CHARS)
    return None if isinstance(value, TextProblem) else value


def clean_note(text: str) -> str | None:
    """A staff resolution note cleaned with its line breaks; None if empty or too long."""
    value = clean_multiline(text, MAX_FIELD_CHARS)
    return None if isinstance(value, TextProblem) else value


class ComplaintService(NotifyingService):
    """File complaints, look them up, and let staff move them along."""

    def __init__(
        self, db: Database, clock: Clock, settings: Settings, queued: Callable[[], None]
    ) -> None:
        super().__init__(db, clock, settings, queued)
        self._guesses = Throttle(GUESSES_PER_HOUR, 3600)

    async def file(self, user_id: int, draft: ComplaintDraft) -> Filed:
        """Store ``draft``; an anonymous one keeps no trace of ``user_id``."""
        # Local time, so the year of TS-YYYY-NNNN is the town's year.
        now = self._clock().astimezone(self._settings.timezone)
        async with self._db.write() as conn:
            filed = await repo.create_complaint(conn, draft, user_id=user_id, now=now)
            # Staff get the card (and the photo) from the outbox, queued with the complaint.
            admins = sorted(self._settings.admin_ids)
            ident = {"complaint": filed.complaint.id}
            await outbox_repo.enqueue(conn, admins, STAFF_CARD, ident, now=now)
            if draft.photo_file_id is not None:
                await outbox_repo.enqueue(conn, admins, STAFF_PHOTO, ident, now=now)
        self._queued()
        code = None if filed.reply_token is None else show_code(filed.reply_token)
        return Filed(filed.complaint, code)

    async def get(self, complaint_id: int) -> Complaint | None:
        """The complaint with this id."""
        async with self._db.read() as conn:
            return await repo.get_complaint(conn, complaint_id)

    async def changed_by(self, complaint: Complaint) -> Changed | None:
        """Which staff member moved the complaint to its status (None while 已收到)."""
        if complaint.status is ComplaintStatus.RECEIVED:
            return None
        return await self._last_change(repo.LIFECYCLE, complaint.id)

    async def complainant(self, complaint: Complaint) -> User | None:
        """Who filed a named complaint (None for an anonymous one, always)."""
        if complaint.anonymous or complaint.user_id is None:
            return None
        async with self._db.read() as conn:
            return await users_repo.get_user(conn, complaint.user_id)

    async def check(self, user_id: int, ref_no: str | None, code: str | None) -> Complaint | None:
        """Complaint ``ref_no`` if ``user_id`` filed it by name or ``code`` is its 查询码;
        without ``ref_no``, the anonymous complaint whose 查询码 ``code`` is.

        Raises ``TooManyGuessesError`` once ``user_id`` gave ``GUESSES_PER_HOUR`` wrong codes in
        the last hour (a wrong code counts, a right one does not).
        """
        ref_no = None if ref_no is None else unicodedata.normalize("NFKC", ref_no).strip().upper()
        if code is not None and (wait := self._guesses.waiting(user_id)):
            raise TooManyGuessesError(wait)
        if ref_no is not None and not REF_RE.match(ref_no):
            found = None
        else:
            async with self._db.read() as conn:
                if code is None:
                    if ref_no is None:
                        return None
                    found = await repo.get_complaint_by_ref(conn, ref_no)
                    return found if found is not None and found.user_id == user_id else None
                found = None
                for candidate in code_candidates(code):
                    found = await repo.find_by_reply_token(conn, ref_no, candidate)
                    if found is not None:
                        break
        if found is None and code is not None:
            self._guesses.check(user_id)
        return found

    async def reveals_anonymous(self, text: str) -> bool:
        """Whether ``text``, sent to staff under its writer's name, would tie them to an
        anonymous complaint: it carries a 查询码 (shaped like one, or the fingerprint of a
        real one) or an anonymous complaint's number."""
        if await carries_code(self._db, text):
            return True
        async with self._db.read() as conn:
            for ref_no in complaint_refs(text):
                named = await repo.get_complaint_by_ref(conn, ref_no)
                if named is not None and named.anonymous:
                    return True
        return False

    async def mine(self, user_id: int) -> list[Complaint]:
        """The complaints ``user_id`` filed under their name, oldest first."""
        async with self._db.read() as conn:
            return await repo.list_complaints_by_user(conn, user_id)

    async def open_complaints(self) -> list[Complaint]:
        """Unresolved complaints, oldest first (for ``/complaints``)."""
        async with self._db.read() as conn:
            return await repo.list_open_complaints(conn, limit=OPEN_LIST_LIMIT)

    async def advance(
        self, complaint_id: int, status: ComplaintStatus, *, actor_id: int, note: str | None = None
    ) -> StatusOutcome:
        """Move a complaint to ``status`` (resolving needs a note); the db audits it."""
        async with self._db.write() as conn:
            current = await repo.get_complaint(conn, complaint_id)
            if current is None:
                return StatusOutcome(Advance.MISSING, None)
            if current.status is status:
                return StatusOutcome(Advance.ALREADY, current)
            if status not in repo.LIFECYCLE.transitions[current.status]:
                return StatusOutcome(Advance.SETTLED, current)
            changed = await repo.set_complaint_status(
                conn, complaint_id, status, actor_id=actor_id, note=note, now=self._clock()
            )
            if changed is None:  # pragma: no cover - checked above in the same transaction
                return StatusOutcome(Advance.MISSING, None)
            notify = None
            if changed.user_id is not None and not changed.anonymous:
                notify = await users_repo.get_user(conn, changed.user_id)
                # The complainant hears of it from the outbox, queued with the change.
                payload = {"complaint": changed.id, "status": changed.status.value}
                await outbox_repo.enqueue(
                    conn, [changed.user_id], STATUS_NOTICE, payload, now=self._clock()
                )
        self._queued()
        return StatusOutcome(Advance.CHANGED, changed, notify)
