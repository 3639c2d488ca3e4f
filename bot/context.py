"""The callback context handlers receive: typed ``bot_data`` holding the services.

``Context.services`` is how a handler reaches the use cases; ``Context.texts(user)`` picks the
user's language (an explicit ``/language`` choice in ``user_data`` wins over Telegram's
language_code).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

from telegram import User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from bot.services.dispatcher import ReminderDispatcher
from bot.texts import Texts, get_texts, language_for

_T = TypeVar("_T")
UserData = dict[str, Any]
ChatData = dict[str, Any]


class _Attached(Generic[_T]):
    """A ``BotData`` attribute set once when the application is built; reading it before then
    is a bug, reported by name rather than as ``None`` reaching a handler."""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name
        self._slot = f"_{name}"

    @overload
    def __get__(self, obj: None, owner: type[Any] | None = None) -> _Attached[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type[Any] | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type[Any] | None = None) -> _T | _Attached[_T]:
        if obj is None:
            return self
        value: _T | None = getattr(obj, self._slot)
        if value is None:
            raise RuntimeError(f"no {self._name} attached to this application")
        return value

    def __set__(self, obj: object, value: _T) -> None:
        setattr(obj, self._slot, value)


class BotData:
    """Process-wide, non-persisted state: the opened services and the reminder dispatcher, both
    set by ``build_application`` before any update is processed."""

    __slots__ = ("_dispatcher", "_services")

    services = _Attached[Services]()
    # The training dispatcher (its lock is this application's).
    dispatcher = _Attached[ReminderDispatcher]()

    def __init__(self) -> None:
        self._services: Services | None = None
        self._dispatcher: ReminderDispatcher | None = None


class Context(CallbackContext[ExtBot[int], UserData, ChatData, BotData]):
    """``CallbackContext`` with typed access to the services and texts."""

    @property
    def services(self) -> Services:
        """The bot's services."""
        return self.bot_data.services

    def lang(self, user: User | None) -> str:
        """``zh`` or ``en`` for ``user``."""
        override = self.user_data.get("lang") if self.user_data is not None else None
        return language_for(user.language_code if user else None, override)

    def texts(self, user: User | None) -> Texts:
        """The texts in ``user``'s language."""
        return get_texts(self.lang(user))


App = Application[ExtBot[int], Context, UserData, ChatData, BotData, Any]
