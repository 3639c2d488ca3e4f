"""The callback context handlers receive: typed ``bot_data`` holding the services.

``Context.services`` is how a handler reaches the use cases; ``Context.texts(user)`` picks the
user's language (an explicit ``/language`` choice in ``user_data`` wins over Telegram's
language_code).
"""

from __future__ import annotations

from typing import Any

from telegram import User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from bot.services.dispatcher import ReminderDispatcher
from bot.texts import Texts, get_texts, language_for

UserData = dict[str, Any]
ChatData = dict[str, Any]


class BotData:
    """Process-wide, non-persisted state: the opened services and the reminder dispatcher."""

    __slots__ = ("_dispatcher", "_services")

    def __init__(self) -> None:
        self._services: Services | None = None
        self._dispatcher: ReminderDispatcher | None = None

    @property
    def services(self) -> Services:
        """The services; set by ``build_application`` before any update is processed."""
        if self._services is None:
            raise RuntimeError("services are not attached to this application")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value

    @property
    def dispatcher(self) -> ReminderDispatcher:
        """The training dispatcher (its lock is this application's); set with the services."""
        if self._dispatcher is None:
            raise RuntimeError("no reminder dispatcher is attached to this application")
        return self._dispatcher

    @dispatcher.setter
    def dispatcher(self, value: ReminderDispatcher) -> None:
        self._dispatcher = value


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
