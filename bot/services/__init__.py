"""Services: the bot's use cases, between handlers (Telegram) and ``db``/``knowledge``.

A service owns its transactions (``async with db.write()``), validates input and returns plain
results; it never imports ``telegram`` or ``handlers``. ``Services`` bundles them for the
handlers, which reach it as ``context.services``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.clock import Clock
from bot.services.attendance import AttendanceService
from bot.services.broadcast import BroadcastService
from bot.services.complaints import ComplaintService
from bot.services.contact import ContactService
from bot.services.delivery import Sleep
from bot.services.export import ExportService
from bot.services.inbox import Inbox
from bot.services.outbox import Outbox
from bot.services.privacy import PrivacyService
from bot.services.qa import KnowledgeService
from bot.services.registration import RegistrationService
from bot.services.roles import StaffRoles
from bot.services.stats import StatsService
from bot.services.throttle import Throttle
from bot.services.trainings import TrainingService
from bot.services.unanswered import UnansweredService
from bot.services.users import UserService
from bot.settings import Settings
from db.database import Database


@dataclass
class Services:
    """Everything a handler may call, opened once per process."""

    settings: Settings
    db: Database
    clock: Clock
    users: UserService
    qa: KnowledgeService
    roles: StaffRoles
    complaints: ComplaintService
    contact: ContactService
    privacy: PrivacyService
    question_throttle: Throttle
    dialog_throttle: Throttle
    trainings: TrainingService
    attendance: AttendanceService
    stats: StatsService
    exports: ExportService
    unanswered: UnansweredService
    broadcasts: BroadcastService
    registration: RegistrationService
    inbox: Inbox
    outbox: Outbox
    # How the sending policy waits (flood limits, back-off): a manual clock's in tests.
    sleep: Sleep = asyncio.sleep

    def question_allowance(self, user_id: int) -> int:
        """Seconds ``user_id`` must wait before asking again (0 = go ahead; staff never wait)."""
        if self.roles.is_staff(user_id):
            return 0
        return self.question_throttle.check(user_id)

    def dialog_allowance(self, user_id: int) -> int:
        """Seconds ``user_id`` must wait before starting another dialog (staff never wait)."""
        if self.roles.is_staff(user_id):
            return 0
        return self.dialog_throttle.check(user_id)

    async def close(self) -> None:
        """Close what the services opened (the database)."""
        await self.db.close()


async def open_services(
    settings: Settings, *, clock: Clock, sleep: Sleep = asyncio.sleep
) -> Services:
    """Open the database (applying migrations) and build every service."""
    db = await Database.open(settings.db_path, clock=clock)
    try:
        qa = KnowledgeService(db, clock, settings)
        await qa.reload()  # an invalid knowledge base stops the start-up with its problems
        users = UserService(db, clock, settings)
        outbox = Outbox(db, users, clock, sleep)
        trainings = TrainingService(db, clock, settings)
        return Services(
            settings=settings,
            db=db,
            clock=clock,
            users=users,
            qa=qa,
            roles=StaffRoles(settings, db, clock),
            complaints=ComplaintService(db, clock, settings, outbox.queued),
            contact=ContactService(db, clock, outbox.queued, settings.admin_ids),
            privacy=PrivacyService(db, clock, trainings),
            question_throttle=Throttle(settings.limits.questions_per_minute, 60),
            dialog_throttle=Throttle(settings.limits.dialogs_per_hour, 3600),
            trainings=trainings,
            attendance=AttendanceService(db, clock, settings),
            stats=StatsService(db, clock, settings),
            exports=ExportService(
                db,
                clock,
                settings,
                lambda lang: {t.id: t.title_for(lang) for t in qa.kb.topics},
            ),
            unanswered=UnansweredService(db, clock, qa),
            broadcasts=BroadcastService(db, clock, outbox.queued, settings.admin_ids),
            registration=RegistrationService(db, clock, settings, outbox.queued),
            outbox=outbox,
            inbox=Inbox(db, clock, outbox.queued),
            sleep=sleep,
        )
    except BaseException:
        await db.close()
        raise
