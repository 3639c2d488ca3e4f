"""The composition root: ``build_application()`` wires settings, services and handlers.

This is the one module in ``bot`` that imports ``handlers``. All handler registration lives
here, in one place, in the order PTB tries them. Services (database, knowledge base) are opened
before the Application, because the SQLite persistence needs the database while PTB
initialises; ``bot.shell.runner`` owns their lifetime.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import callbacks
from bot.buttons import (
    AttachExampleButton,
    CategoriesButton,
    CategoryButton,
    ExportButton,
    FeedbackButton,
    LanguageButton,
    PickTopicButton,
    SourceButton,
    TopicButton,
    TopicsPageButton,
)
from bot.context import App, BotData, Context
from bot.processing import InboxQueue, InboxRequest, UserOrderedProcessor, note_handler
from bot.services import Services
from bot.services.dispatcher import ReminderDispatcher
from bot.settings import Settings
from bot.shell.web.transport import ChannelRateLimiter
from bot.texts import get_texts, menu_labels
from db.persistence import SQLitePersistence
from handlers import (
    attendance,
    broadcast,
    complaints,
    contact,
    errors,
    export,
    privacy,
    qa,
    registration,
    review,
    start,
    stats,
    trainings,
    ui,
    unanswered,
)
from handlers.form_router import FormRouter
from handlers.forms import FORM
from handlers.registration import form as registration_form
from handlers.staff_guard import staff
from handlers.ui import on_button

_LOGGER = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 256


def build_application(
    services: Services,
    *,
    token: str,
    request: BaseRequest | None = None,
    base_url: str | None = None,
    rate_limit: bool = True,
) -> App:
    """Assemble the Application for ``services``; ``request`` swaps the transport."""
    processor = UserOrderedProcessor(MAX_CONCURRENT_UPDATES)
    builder = _builder(services, token, processor, rate_limit=rate_limit)
    if base_url:
        builder = builder.base_url(f"{base_url}/bot").base_file_url(f"{base_url}/file/bot")
    proxy = services.settings.network.proxy or None
    if request is not None:
        builder = builder.request(request)
    elif proxy:
        builder = builder.proxy(proxy)
    # PTB's own default for polling: a pool of one connection.
    polling = request or HTTPXRequest(connection_pool_size=1, proxy=proxy)
    builder = builder.get_updates_request(InboxRequest(polling, services.inbox))
    app: App = builder.build()
    _wire(app, services, processor)
    return app


def _builder(
    services: Services, token: str, processor: UserOrderedProcessor, *, rate_limit: bool
) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """The builder with the bot's rate limit, context types, defaults, persistence and inbox."""
    settings = services.settings
    # Telegram allows about 30 messages a second overall; 0 switches the limit off (tests).
    # Web residents' chats are not Telegram's and are not limited (ChannelRateLimiter).
    overall = settings.limits.messages_per_second if rate_limit else 0
    # The limiter retries a 429 after a wall-clock sleep. With an injected sleep (tests on a
    # manual clock) it does not retry, so every flood wait goes through that sleep instead
    # (bot.services.delivery waits out each 429 itself).
    retries = 5 if services.sleep is asyncio.sleep else 0
    return (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(ChannelRateLimiter(overall_max_rate=overall, max_retries=retries))
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.timezone))
        .concurrent_updates(processor)
        # Only dialogs under way are loaded at start-up (to re-arm their deadlines).
        .persistence(SQLitePersistence(services.db, tz=settings.timezone, eager_keys=(FORM,)))
        .post_init(_post_init)
        # Every update is stored in the inbox before Telegram is told it arrived: the queue
        # stores what a webhook delivers, the getUpdates transport what a poll fetches.
        .update_queue(InboxQueue(services.inbox))
    )


def _wire(app: App, services: Services, processor: UserOrderedProcessor) -> None:
    """Give the built app its services, dispatcher, outbox wording, handlers and error handler."""
    settings = services.settings
    app.bot_data.services = services
    app.bot_data.dispatcher = ReminderDispatcher(
        services.trainings, services.users, settings.timezone, settings.town, services.sleep
    )
    processor.application = app
    processor.inbox = services.inbox
    # After each update's handlers: send what its changes queued in the outbox.
    processor.after_update.append(lambda: services.outbox.flush(app.bot))
    # The outbox's wording lives with each feature's handlers; the outbox sends it.
    services.outbox.renderers.update(
        {
            **review.renderers(services),
            **broadcast.renderers(services),
            **complaints.renderers(services),
            **errors.renderers(services),
            **contact.renderers(services),
        }
    )
    services.outbox.undelivered.update(contact.undelivered(services))
    for group, handler in _handlers(settings):
        if group >= 0:  # groups -2/-1 record the user and route forms (which name themselves)
            _trace(handler)
        app.add_handler(handler, group=group)
    app.add_error_handler(errors.on_error)


FORMS_GROUP = -1


def forms_router(settings: Settings) -> FormRouter:
    """The one router serving every form (dialog declared as data)."""
    del settings  # forms read the settings at each step
    return FormRouter(
        [
            registration_form.form(),
            review.return_form(),
            complaints.form(),
            complaints.resolve_form(),
            contact.form(),
            contact.reply_form(),
            *trainings.forms(),
            broadcast.form(),
        ]
    )


def _handlers(settings: Settings) -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    """Every handler, in the order PTB tries them (group, then position)."""
    return [
        (-2, TypeHandler(Update, start.track_user)),
        # Forms next, in a group of their own: a user in a form has every update answered by it
        # (handlers.form_router); outside one, only a form's entry stops here.
        (FORMS_GROUP, forms_router(settings).handler()),
        # Dialogs first: while one runs, its states (and /cancel, /back) take precedence.
        # --- training dialogs (handlers.trainings)
        # --- staff dialogs (handlers.staff), complaints (handlers.complaints)
        (0, CommandHandler("start", start.start)),
        (0, CommandHandler("help", start.help_command)),
        (0, MessageHandler(filters.Text(menu_labels("btn_help")), start.help_command)),
        (0, CommandHandler("menu", start.menu)),
        (0, CommandHandler("cancel", start.cancel_idle)),
        (0, CommandHandler("language", start.language)),
        (0, on_button(LanguageButton, start.choose_language)),
        # --- policy Q&A (handlers.qa): commands, buttons, then free text
        (0, CommandHandler("policies", qa.policies)),
        (0, MessageHandler(filters.Text(menu_labels("btn_policies")), qa.policies)),
        (0, CallbackQueryHandler(qa.show_categories, pattern=CategoriesButton.pattern())),
        (0, on_button(CategoryButton, qa.show_category)),
        (0, on_button(TopicButton, qa.show_topic)),
        (0, on_button(SourceButton, qa.show_source)),
        (0, on_button(FeedbackButton, qa.feedback)),
        # --- registration commands and buttons (handlers.registration)
        *((0, h) for h in registration.commands()),
        # --- training commands and buttons (handlers.trainings)
        *((0, h) for h in trainings.commands_and_buttons(menu_labels("btn_trainings"))),
        # --- resident commands and buttons (handlers.complaints, handlers.privacy)
        *((0, h) for h in complaints.commands()),
        *((0, h) for h in privacy.commands()),
        # --- staff commands and buttons: guarded where registered (handlers.staff_guard)
        *((0, staff(h, what)) for h, what in _staff_handlers()),
        # Fallbacks last: unknown commands, unreadable messages, stale buttons.
        (0, MessageHandler(filters.COMMAND, start.unknown_command)),
        (0, MessageHandler(filters.TEXT, qa.ask)),
        (0, MessageHandler(~filters.TEXT, start.unreadable)),
        (0, CallbackQueryHandler(ui.stale_button)),
    ]


def _staff_handlers() -> list[tuple[BaseHandler[Any, Any, Any], str | None]]:
    """Every staff command and button outside a dialog, with the audit name of a refusal."""
    button = CallbackQueryHandler
    return [
        *((h, "review") for h in review.commands()),
        *((h, "training") for h in trainings.staff_buttons()),
        *((h, "attendance") for h in attendance.handlers()),
        *((h, None) for h in complaints.staff_commands()),
        *((h, None) for h in contact.commands()),
        (CommandHandler("stats", stats.stats), None),
        (CommandHandler("export", export.export_menu), None),
        (on_button(ExportButton, export.export_choice), None),
        (CommandHandler("unanswered", unanswered.unanswered), None),
        (CommandHandler("kbreload", unanswered.kbreload), None),
        (on_button(PickTopicButton, unanswered.pick_topic), None),
        (on_button(TopicsPageButton, unanswered.browse_topics), None),
        (on_button(AttachExampleButton, unanswered.attach_example), None),
        (button(broadcast.stale, pattern=callbacks.pattern(broadcast.FEATURE)), None),
    ]


# Wrappers already installed (a handler object may be reached twice, e.g. shared fallbacks).
_TRACED: weakref.WeakSet[Callable[..., Awaitable[Any]]] = weakref.WeakSet()


def _trace(handler: BaseHandler[Any, Any, Any]) -> None:
    """Wrap callbacks so the per-update log line can name the handler that answered."""
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks]
        for state_handlers in handler.states.values():
            inner.extend(state_handlers)
        for h in inner:
            _trace(h)
        return
    callback: Callable[..., Awaitable[Any]] = handler.callback
    if callback in _TRACED:
        return
    name = f"{callback.__module__.removeprefix('handlers.')}.{callback.__name__}"

    @functools.wraps(callback)
    async def traced(update: object, context: Any) -> Any:
        note_handler(name)
        return await callback(update, context)

    _TRACED.add(traced)
    handler.callback = traced


def forms_router_of(app: App) -> FormRouter:
    """The application's form router."""
    for handler in app.handlers.get(FORMS_GROUP, []):
        router = getattr(inspect.unwrap(handler.callback), "__self__", None)
        if isinstance(router, FormRouter):
            return router
    raise LookupError("no form router is registered")


def published_commands(app: App) -> set[str]:
    """Names of the commands that have a handler (only those are shown in Telegram's menu)."""
    names: set[str] = set()

    def visit(handler: BaseHandler[Any, Any, Any]) -> None:
        if isinstance(handler, CommandHandler):
            names.update(handler.commands)
        elif isinstance(handler, ConversationHandler):
            for h in handler.entry_points:
                visit(h)

    for group in app.handlers.values():
        for handler in group:
            visit(handler)
    for form in forms_router_of(app).forms.values():
        for entry in form.entries:
            visit(entry.handler)
    return names


async def _post_init(app: App) -> None:
    """Publish the command menu in Chinese and English, and the staff commands for admins."""
    available = published_commands(app)
    settings = app.bot_data.services.settings
    for lang, language_code in (("zh", None), ("en", "en")):
        common = get_texts(lang).common
        public = [BotCommand(c, d) for c, d in common.commands if c in available]
        await app.bot.set_my_commands(public, language_code=language_code)
        staff = public + [BotCommand(c, d) for c, d in common.staff_commands if c in available]
        for admin_id in sorted(settings.admin_ids):
            try:
                await app.bot.set_my_commands(
                    staff, scope=BotCommandScopeChat(admin_id), language_code=language_code
                )
            except TelegramError as exc:
                # An admin who has never opened the bot has no chat yet; that is fine.
                _LOGGER.warning("could not set staff commands for an admin: %s", exc.message)
    await trainings.start_dispatcher(app)
    await forms_router_of(app).resume(app)
    await app.bot_data.services.outbox.start(app.job_queue)
