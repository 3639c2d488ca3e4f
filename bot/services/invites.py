"""Referral codes as links and QR codes: a resident's /invite, and who a code belongs to.

A code travels as the ``/start ref_<code>`` deep-link payload: in a t.me link for Telegram, in
the web page's address for web residents. Telegram passes on only payloads of 1-64 characters
``A-Z a-z 0-9 _ -``, so a link is refused for any other code. No I/O, no ``telegram``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from enum import StrEnum

import segno

REFERRAL_PREFIX = "ref_"
DEEP_LINK_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ReferrerRefusal(StrEnum):
    """Why a referral link cannot pre-fill the referrer."""

    SELF = "self"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Referrer:
    """Who a referral code belongs to, or why it cannot be used."""

    user_id: int | None
    first_name: str | None
    refused: ReferrerRefusal | None = None


@dataclass(frozen=True, slots=True)
class Invite:
    """A user's personal referral deep link and its QR code as PNG bytes."""

    code: str
    link: str
    qr_png: bytes
    # A web resident's invite while web.public_url is not set: ``link`` is the Telegram one and
    # friends on the web must type ``/start ref_<code>`` (the resident is told so).
    web_address_missing: bool = False
    # A Telegram user's invite when the web channel has a public address: the same code as a
    # web link too, for friends who cannot reach Telegram.
    web_link: str | None = None

    @property
    def start_command(self) -> str:
        """What a friend types on the web page instead of opening the link."""
        return f"/start {REFERRAL_PREFIX}{self.code}"


def qr_png(link: str) -> bytes:
    """A QR code PNG for ``link`` (large modules so a phone camera reads it off a screen)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def referral_link(bot_username: str, code: str) -> str:
    """``https://t.me/<bot>?start=ref_<code>``; refuses a code Telegram would not pass on."""
    return f"https://t.me/{bot_username}?start={_payload(code)}"


def web_referral_link(public_url: str, code: str) -> str:
    """``<public_url>/?start=ref_<code>``: the web page opens the chat with it as t.me would."""
    return f"{public_url.rstrip('/')}/?start={_payload(code)}"


def _payload(code: str) -> str:
    payload = f"{REFERRAL_PREFIX}{code}"
    if not code or not DEEP_LINK_PAYLOAD.match(payload):
        raise ValueError("referral code is not a valid deep-link payload")
    return payload
