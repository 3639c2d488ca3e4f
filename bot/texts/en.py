"""English texts, for users whose Telegram language is English or who chose it."""

from __future__ import annotations

from bot.texts.markup import table
from bot.texts.sections import (
    AttendanceTexts,
    BroadcastTexts,
    CommonTexts,
    ComplaintTexts,
    ContactTexts,
    ExportTexts,
    FormTexts,
    PrivacyTexts,
    QaTexts,
    RegistrationTexts,
    StatsTexts,
    StatusTexts,
    Texts,
    TrainingTexts,
    UnansweredTexts,
    WebTexts,
)
from bot.vocabulary import AttendanceProblem, Problem, ResubmitRefusal, TextProblem
from db.models import (
    ComplaintStatus,
    ProjectField,
    ProjectStatus,
    ReferralRefusal,
    SignupStatus,
    TrainingStatus,
)

COMMON = CommonTexts(
    start=(
        "Hello {name}! I am the <b>Entrepreneurship Assistant</b> of {town} 🤝\n\n"
        "I can help you:\n"
        "• 📚 answer questions on the start-up support policies (tax rebates, referral "
        "rewards, joint-guarantee loans, training…)\n"
        "• 📝 register a new project and who referred it\n"
        "• 📅 sign up for training sessions and remind you before they start\n"
        "• 📣 report arbitrary fees, fines or levies\n\n"
        "Just type a question, e.g. <i>Can a new project get its taxes back?</i>\n"
        "Or use the menu buttons below."
    ),
    help=(
        "<b>How to use the assistant</b>\n\n"
        '💬 Type a question, e.g. "how do joint-guarantee loans work".\n'
        "📚 /policies browse policies by category\n"
        "📝 /register register a project · /myprojects my projects\n"
        "🔗 /invite my referral link · /myreferrals projects I referred\n"
        "📅 /trainings sign up for training · /mytrainings my sessions\n"
        "🔔 /subscribe training news · /unsubscribe stop it\n"
        "📣 /complaint report a problem · /complaint_status check a report\n"
        "☎️ /contact leave a message for staff\n"
        "🔒 /mydata my stored data · /deletemydata erase my data\n"
        "🌐 /language 切换语言 / Language\n"
        "❌ /cancel stop what you are doing · 🏠 /menu main menu · 🚀 /start start over"
    ),
    help_staff=(
        "<b>Staff commands</b> (only staff see these)\n\n"
        "📝 /review projects waiting for review\n"
        "📣 /complaints open complaints · ☎️ /inbox unanswered messages\n"
        "📊 /stats statistics (e.g. /stats this-month)\n"
        "📤 /export download Excel / CSV\n"
        "❓ /unanswered questions not answered · 🔄 /kbreload reload the knowledge base\n"
        "📢 /broadcast message everyone · 📅 /newtraining publish a training session\n"
        "👥 /attendance attendee lists, sign-in sheets and who came"
    ),
    menu_prompt="🏠 Main menu: pick what you need, or just type a question.",
    btn_policies="📚 Policies",
    btn_register="📝 Register a project",
    btn_trainings="📅 Training",
    btn_complaint="📣 Complaint",
    btn_contact="☎️ Contact staff",
    btn_help="❓ Help",
    input_placeholder="Type a question, e.g. tax rebate",
    cancelled="OK, cancelled. Send /menu for the main menu.",
    nothing_to_cancel="There is nothing to cancel. Send /menu for the main menu.",
    unknown_command="Sorry, I don't know the command {command}. Send /help to see what I can do.",
    non_text=(
        "For now I can only read text messages 🙏 Please type your question, "
        "or send /menu for the main menu."
    ),
    non_text_call="☎️ Typing is hard? Call {office}: {phone}",
    empty_text="Your message was empty. Please type what you would like to ask.",
    error=(
        "Sorry, something went wrong and we have logged it. Please try again later, "
        "or send /menu for the main menu."
    ),
    update_abandoned=(
        "Sorry, a message you sent (or a button you pressed) at {time} could not be handled, "
        "and we have logged it. Please send it again; if it still fails, send /contact to "
        "reach the office."
    ),
    stale_button="This button has expired. Please send /menu to start again.",
    not_allowed="Sorry, this is for office staff only.",
    slow_down="You are sending messages a little fast. Please try again in {seconds} s 🙏",
    language_prompt="请选择语言 / Please choose a language:",
    language_set="OK, I will speak English with you from now on.",
    btn_lang_zh="中文",
    btn_lang_en="English",
    timed_out=(
        "⏰ No reply for {minutes} minutes, so what you were doing has ended and nothing was "
        "saved. Start again any time, or send /menu for the main menu."
    ),
    contact_block="<b>{office}</b>\n☎️ Phone: {phone}\n📍 Address: {address}\n🕘 Hours: {hours}",
    not_configured="not published yet",
    commands=(
        ("start", "Start / main menu"),
        ("menu", "Main menu"),
        ("policies", "Browse support policies"),
        ("register", "Register a new project"),
        ("myprojects", "My projects"),
        ("invite", "My referral link"),
        ("myreferrals", "Projects I referred"),
        ("trainings", "Training sessions"),
        ("mytrainings", "My training sessions"),
        ("subscribe", "Subscribe to training news"),
        ("unsubscribe", "Unsubscribe from training news"),
        ("complaint", "Report a problem"),
        ("complaint_status", "Check a report's progress"),
        ("contact", "Contact staff"),
        ("mydata", "See my stored data"),
        ("deletemydata", "Erase my data"),
        ("language", "切换语言 / Language"),
        ("help", "Help"),
        ("cancel", "Cancel the current step"),
    ),
    staff_commands=(
        ("stats", "Statistics"),
        ("export", "Export to Excel"),
        ("unanswered", "Unanswered questions"),
        ("kbreload", "Reload the knowledge base"),
        ("broadcast", "Broadcast a message"),
        ("newtraining", "Publish a training session"),
        ("attendance", "Attendees and attendance"),
        ("review", "Projects to review"),
        ("complaints", "Complaints"),
        ("inbox", "Residents' messages"),
    ),
    list_separator=", ",
    field_separator=" · ",
    ellipsis="…",
    busy_in_dialog=(
        "You are in the middle of {dialog}. Please answer the question above first, or send "
        "/cancel and then use the menu."
    ),
    dialog_names=(
        ("registration", "registering a project"),
        ("review_return", "writing why a project is returned"),
        ("new_training", "publishing a training"),
        ("training_manage", "changing a training"),
        ("complaint", "filing a complaint"),
        ("complaint_resolve", "writing a complaint's resolution note"),
        ("contact", "writing to the office"),
        ("contact_reply", "replying to a resident"),
        ("broadcast", "sending a broadcast"),
    ),
    dialog_other="something else",
)

FORM = FormTexts(
    back_at_first="This is already the first step.",
    cancelled="OK, {dialog} cancelled; nothing was saved.",
    timed_out=(
        "⏰ No reply for {minutes} minutes, so {dialog} has ended; nothing was saved. "
        "Send {again} to start again, or /menu for the main menu."
    ),
    reprompt_other="You are {dialog}: please answer below, or send /cancel.",
    reprompt_non_text="You are {dialog}; this step needs text 🙏",
    chosen="{label}: <b>{value}</b> ✓",
    btn_submit="✅ Submit",
    btn_edit="✏️ Change",
    btn_cancel="❌ Cancel",
    btn_back_to_summary="↩️ Back to summary",
    choose_field="What would you like to change?",
    staff_only_ended="Sorry, this is for staff only; {dialog} has ended and nothing was saved.",
    bad_digits="Please use ordinary digits (0-9) or Chinese numerals, e.g. 50 or 五十.",
)

QA = QaTexts(
    answer="📌 <b>{title}</b>\n\n{answer}",
    answer_footer=(
        "\n\n<i>Based on the town's campaign report, reviewed {reviewed}. "
        "The town government's latest interpretation prevails.</i>"
    ),
    btn_up="👍 Helpful",
    btn_down="👎 Not helpful",
    btn_source="📄 Source",
    related_prefix="🔗 ",
    source="📄 <b>Source</b>\n{source}",
    ambiguous="Which of these did you mean? Tap one:",
    abstain=(
        "Sorry, I can't answer that yet and would rather not guess 🙏\n\n"
        'You can:\n• rephrase the question\n• tap "Browse policies"\n'
        '• tap "Leave a message" and staff will reply\n\n{contact}'
    ),
    out_of_scope=(
        "That is outside the town's entrepreneurship policies, so I can't answer it, however "
        "it is worded 🙏\n\n{help}\n\nAsk me anything about starting a business here (tax "
        "rebate, loans, training, registering a project).\n\n{contact}"
    ),
    greeting=(
        "Hello! I'm the entrepreneurship assistant of {town} 😊 Ask me about the support "
        "policies, e.g. <i>is the tax of a new project refunded?</i>"
    ),
    thanks="You're welcome! Ask me anything else any time 😊",
    menu_hint="Which policy would you like to know about? Be a bit more specific, or pick a "
    "category:",
    menu_hint_topics="What would you like to know? Tap a topic below, or ask a bit more "
    "specifically:",
    too_long=(
        "Your message has {length} characters, which is a bit long 🙏 Please ask about one "
        "policy in a sentence or two (up to {limit} characters); use /complaint to report a "
        "problem or /contact to leave a message for staff."
    ),
    categories_prompt="📚 Pick a policy category:",
    category_topics="📚 <b>{category}</b>\nPick a question:",
    btn_back_categories="⬅️ Categories",
    btn_browse="📚 Browse policies",
    btn_leave_message="☎️ Leave a message",
    feedback_thanks="Thanks for your feedback!",
    feedback_sorry="Sorry that didn't help. Try rephrasing, or send /contact to leave a message "
    "for staff.",
    feedback_not_yours="This answer was not for you.",
)

TRAININGS = TrainingTexts(
    list_header="📅 <b>Upcoming training</b> ({count}). Press “Sign up”; when full you join "
    "the waitlist.",
    none_upcoming="No training is scheduled yet. Send /subscribe to hear about new sessions.",
    mine_header="📋 <b>My training</b> ({count})",
    mine_none="You have not signed up for any training. Send /trainings to see what is on.",
    # "Sat 5 Dec": the month spelled out, so no reader takes 5/12 for May 12.
    when="{weekday} {day} {month_name} {start}–{end}",
    weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    month_names=(
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ),
    card_title="<b>{title}</b>{status}",
    status_note=" ({status})",
    line_when="🕑 {when}",
    line_place="📍 {place}",
    line_target="👥 For: {target}",
    line_tags="🏷 {tags}",
    line_description="📝 {description}",
    seats_left="🎟 {left} of {capacity} seats left",
    seats_full="🎟 Full ({capacity} seats), {waitlisted} on the waitlist",
    you_signed="✅ You are signed up",
    you_waitlisted="⏳ You are number {position} on the waitlist",
    btn_join="✍️ Sign up",
    btn_join_waitlist="✍️ Join waitlist",
    btn_leave="↩️ Withdraw",
    btn_calendar="📅 Add to calendar",
    btn_manage="🛠 Manage",
    toast_signed="You are signed up! We will remind you before it starts.",
    toast_waitlisted="It is full; you are number {position} on the waitlist.",
    toast_already_signed="You are already signed up.",
    toast_already_waitlisted="You are already number {position} on the waitlist.",
    toast_closed="This session was cancelled or has started.",
    toast_not_found="This session does not exist.",
    toast_confirm_leave="Once confirmed, your place goes to the waitlist at once.",
    btn_confirm_leave="✅ Yes, withdraw",
    btn_keep_seat="↩️ Keep my place",
    toast_withdrawn="You have withdrawn.",
    toast_not_signed="You are not signed up for this session.",
    calendar_caption="📅 {title}: open this file to add it to your calendar.",
    subscribe_prompt=(
        "📣 <b>Training news</b>\nPick the topics you care about; we tell you when a "
        "session on them is published.\nNow: {current}"
    ),
    subscribe_everything="All training",
    subscribed_mark="✅ ",
    unsubscribed_mark="▫️ ",
    tag_separator=" · ",
    btn_done="✔️ Done",
    subscribed_nothing="(nothing)",
    subscribe_saved="Saved. Now: {current}\nSend /unsubscribe at any time to stop.",
    unsubscribed="Unsubscribed from all training news ({count}). Send /subscribe to return.",
    unsubscribe_none="You are not subscribed. Send /subscribe to subscribe.",
    reminder="⏰ <b>Reminder</b>\n<b>{title}</b>\n🕑 {when} (starts in {left})\n📍 {place}",
    hours="{n} h",
    minutes="{n} min",
    late_prefix="(late) ",
    late_note="\n\n<i>This message is sent late; ignore it if you already have it.</i>",
    announce="📣 <b>New training</b>\n\n{card}",
    notice_moved=(
        "🕑 <b>Rescheduled</b>\n<b>{title}</b>\nWas: {old}\nNow: {when}\n📍 {place}\n"
        "Your place is kept; if you cannot come, withdraw in /mytrainings."
    ),
    notice_changed="📍 <b>New place</b>\n<b>{title}</b>\n🕑 {when}\nNow at: {place}",
    notice_cancelled="❌ <b>Cancelled</b>\n<b>{title}</b> ({when}) is cancelled. Sorry.",
    notice_promoted=(
        "🎉 <b>You got a seat</b>\n<b>{title}</b>\n🕑 {when}\n📍 {place}\n"
        "We will remind you; if you cannot come, withdraw in /mytrainings."
    ),
    staff_view=(
        "🛠 <b>Manage session</b>\n\n{card}\n\nSigned up {signed} / {capacity}, "
        "waitlist {waitlisted}, notices pending {pending}"
    ),
    btn_move="🕑 Reschedule",
    btn_edit_title="✏️ Title",
    btn_edit_title_en="🔤 English title",
    btn_edit_place="📍 Place",
    btn_edit_capacity="🎟 Seats",
    btn_edit_description="📝 Description",
    btn_cancel_training="❌ Cancel session",
    btn_confirm_cancel="❌ Yes, cancel it",
    btn_keep="↩️ Keep it",
    ask_new_start=(
        "It is set for {current}. Send the new start, e.g. “12月6日 14:00” or "
        "“2026-12-06 14:00”; the length stays the same. /cancel to stop."
    ),
    confirm_move="Move <b>{title}</b> from {old} to {new}? {count} people will be told.",
    btn_confirm_move="✅ Reschedule",
    btn_abort="↩️ Never mind",
    moved_done="Rescheduled; {notified} people will be told and reminders follow the new time.",
    move_aborted="OK, not rescheduled.",
    ask_field="Current {field}: {current}\nSend the new {field}. /cancel to stop.",
    field_names=(
        ("title", "title"),
        ("title_en", "English title"),
        ("place", "place"),
        ("capacity", "seats"),
        ("description", "description"),
        ("target_group", "audience"),
        ("tags", "tags"),
    ),
    edited="Changed the {field}. {notified} will be told, {promoted} moved up from the waitlist.",
    confirm_cancel="Cancel <b>{title}</b>? All {count} signed up or waiting will be told.",
    cancelled_done="Session cancelled; {notified} people will be told.",
    cancel_kept="OK, the session goes ahead.",
    errors=(
        ("past", "That start time has passed; pick one in the future."),
        ("too_far", "A session can start at most two years ahead; please check the year."),
        ("order", "The end must be after the start."),
        ("capacity", "Seats must be a whole number from 1 to 100000."),
        ("title", "The title must be 1 to 200 characters."),
        ("place", "The place must be 1 to 200 characters."),
        ("description", "The description is at most 1000 characters."),
        ("target", "The target group is at most 200 characters."),
        ("below_signed", "More people are already signed up than that."),
        ("not_found", "This session does not exist."),
        ("cancelled", "This session is cancelled."),
        ("field", "That cannot be changed."),
    ),
    ask_title="New session 1/8: send the <b>title</b>. /back goes back a step, /cancel stops.",
    ask_title_en=(
        "1/8 (cont.): an <b>English title</b> (optional) for residents who use the bot in "
        "English, e.g. “Formwork processing training”. None? Send “skip”: they will see the "
        "Chinese title."
    ),
    ask_tags=(
        "2/8: send <b>tags</b> (industry or theme), comma-separated; subscribers to them are "
        "told.\nCommon: {known}\nNone? Send “-”."
    ),
    ask_target="3/8: who is it <b>for</b>? e.g. “returnees”. None? Send “-”.",
    ask_start="4/8: <b>start</b>? e.g. “12月5日 14:00”, “2026-12-05 14:00”, “明天下午3点”.",
    ask_end="5/8: <b>end or length</b>? e.g. “16:00”, “2h”, or with a date “12月6日 12:00”.",
    ask_place="6/8: <b>place</b>?",
    ask_capacity="7/8: how many <b>seats</b>? Send a number.",
    ask_description="8/8: <b>description</b> (content, what to bring). None? Send “-”.",
    bad_date=(
        "I could not read that time 🙏 Try “12月5日 14:00”, “2026-12-05 14:00”, "
        "“明天下午3点” or “下周三上午9点”."
    ),
    bad_capacity="Send a number of seats from 1 to 100000, e.g. 30.",
    summary=(
        "Please check:\n\n<b>{title}</b>\n🔤 {title_en}\n🏷 {tags}\n👥 {target}\n🕑 {when}\n"
        "📍 {place}\n🎟 {capacity} seats\n📝 {description}"
    ),
    btn_publish="✅ Publish",
    btn_discard="🗑 Discard",
    published="Published session #{id}; {announced} subscribers will be told.",
    discarded="OK, discarded; nothing was published.",
    skip_words=("-", "none", "skip", "无", "跳过"),
    none_value="(none)",
    when_span=(
        "{weekday} {day} {month_name} {start} – {end_weekday} {end_day} {end_month_name} {end}"
    ),
    too_long="A session lasts at most {days} days; that end is too late. Please check the date.",
    reminders_line="You will be reminded {offsets} before it starts.",
    signed_confirm="✅ Signed up for <b>{title}</b>\n🕑 {when}\n📍 {place}\n{reminders}",
    waitlist_confirm=(
        "⏳ <b>{title}</b> is full; you are number {position} on the waitlist. Seats that free "
        "up go in order, and you will be told when you get one."
    ),
    withdrawn_confirm="You withdrew from <b>{title}</b>; no more reminders for it.",
    calendar_signed_only=(
        "Only a confirmed seat goes in the calendar; you will be told if you move up."
    ),
    btn_edit_target="👥 Audience",
    btn_edit_tags="🏷 Tags",
    btn_change="✏️ Change",
    choose_field="What do you want to change?",
    new_fields=(
        ("title", "Title"),
        ("title_en", "English title"),
        ("tags", "Tags"),
        ("target", "Audience"),
        ("start", "Start"),
        ("end", "End"),
        ("place", "Place"),
        ("capacity", "Seats"),
        ("description", "Description"),
    ),
    btn_back_to_summary="↩️ Back to the summary",
    back_at_first="This is already the first step.",
    current_value="(Now: {value}. Send a new one to change it, /back to go back.)",
)

ATTENDANCE = AttendanceTexts(
    btn_list="👥 Attendees",
    btn_sheet="📄 Sign-in sheet",
    btn_mark="✅ Attendance",
    menu_header=(
        "👥 <b>Attendees and attendance</b>\nChoose a session (last two weeks or upcoming):"
    ),
    menu_none=(
        "No session in the last two weeks and none coming up. Publish one with /newtraining."
    ),
    menu_button="{date} {title} ({count})",
    session_header="👥 <b>{title}</b>\n{when}",
    list_header=(
        "👥 <b>{title}</b>\n{when}\nSigned up {signed} / {capacity}, waitlist {waitlisted}"
    ),
    list_signed="<b>Signed up</b>",
    list_waitlisted="<b>Waitlist</b> (in order)",
    list_line="{n}. {mark}{name}{details}",
    list_empty="Nobody has signed up yet.",
    no_phone="no phone given",
    no_village="village unknown",
    mark_header=(
        "✅ <b>Attendance: {title}</b>\nTap a name to mark them as present; tap again for "
        "absent.\nPresent {came}, absent {absent}, not marked {unmarked}  "
        "(page {page}/{pages})"
    ),
    mark_came="✅ ",
    mark_absent="❌ ",
    mark_unmarked="⬜ ",
    btn_rest_absent="Everyone else signed up did not come",
    btn_prev="◀ Previous",
    btn_next="Next ▶",
    rest_absent_done="{count} marked as absent.",
    errors=table(
        {
            AttendanceProblem.NOT_FOUND: "This session no longer exists.",
            AttendanceProblem.CANCELLED: (
                "This session was cancelled; there is no attendance to take."
            ),
            AttendanceProblem.NOT_STARTED: (
                "Attendance can be taken once the session has started. Before that, download "
                "the sign-in sheet to print."
            ),
            AttendanceProblem.NOT_LISTED: (
                "This person is no longer on the list (they may have withdrawn)."
            ),
        },
        AttendanceProblem,
    ),
    sheet_name="Sign-in sheet",
    sheet_title="Sign-in sheet: {title}",
    sheet_when="{weekday} {date} {start}–{end}   Place: {place}",
    sheet_headers=("No.", "Name", "Village", "Phone", "Status", "Signature", "Attended"),
    sheet_caption=(
        "📄 Sign-in sheet: {title}\n{count} people ({signed} signed up, {waitlisted} on the "
        "waitlist). Print it and have participants sign in the Signature column."
    ),
    came="present",
    absent="absent",
    stats_held="Sessions held",
    stats_came="Attended",
    stats_absent="Absent",
    stats_unmarked="Not marked",
)

STATS = StatsTexts(
    title="📊 <b>Campaign statistics</b>  {period}",
    period_all="all time",
    period_since="since {first}",
    period_range="{first} to {last}",
    bad_period=(
        "I don't understand this period: {text}\nTry: /stats  /stats this-month  "
        "/stats last-month  /stats 2026-11  /stats 2026-11-01 2026-11-30"
    ),
    reversed_period=(
        "The start date {first} is after the end date {last}. Put the earlier date first: "
        "/stats {last} {first}"
    ),
    projects_header="<b>Projects</b>  {total} in total",
    investment="Invest. (10k¥)",
    jobs="New jobs",
    by_applicant_type="By applicant type",
    by_village="By village",
    by_industry="By industry",
    by_month="Registered per month",
    others="Others",
    unlisted_villages="Other villages (not on the list)",
    unlisted_names="Villages not on the list (to add to it): {names}",
    referrals_header="Referrals",
    referrals="Referred",
    referrals_eligible="Project approved",
    questions_header="Policy Q&A",
    asked="Asked",
    answered="Answered",
    ambiguous="Ambiguous",
    abstained="Unanswered",
    thumbs_up="👍 rate",
    trainings_header="Training sign-ups",
    sessions="Sessions",
    people="People",
    chart_caption="📊 Projects per village and projects registered per month",
    chart_by_village="Projects per village",
    chart_by_month="Projects registered per month",
    chart_projects="Projects",
    chart_month="{abbr}",
    chart_year="{year}",
    month_abbrs=(
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ),
)

EXPORT = ExportTexts(
    choose_what="📤 What would you like to export?",
    choose_format="📤 Export {what}: choose a file format",
    kinds=(
        ("projects", "Projects"),
        ("trainings", "Trainings"),
        ("questions", "Questions"),
        ("complaints", "Complaints"),
    ),
    btn_xlsx="Excel (xlsx)",
    btn_csv="CSV",
    caption="📤 {what}: {rows} rows",
    progress="⏳ Preparing {what}… {percent}% ({done} / {total} rows)",
    working="⏳ Preparing {what}…",
    done="✅ {what} ready: {rows} rows",
    caption_part=(
        "📤 {what}: {rows} rows in all. Too large for one file (Telegram takes up to {mb} MB), "
        "so it comes in {parts} files; this is file {n}."
    ),
    sheet_projects="Projects",
    sheet_trainings="Trainings",
    sheet_questions="Questions",
    sheet_complaints="Complaints",
    project_headers=(
        "Ref. no.",
        "Project name",
        "Industry",
        "Village",
        "Applicant type",
        "Planned investment (10k CNY)",
        "New jobs",
        "Applicant",
        "Applicant ID",
        "Phone",
        "Referrer",
        "Status",
        "Current decision note",
        "Decided by",
        "Decided at",
        "Additional note",
        "Returns",
        "Registered",
        "Updated",
    ),
    returned_entry="{date} returned: {reason}",
    resubmitted_entry="{date} resubmitted",
    resubmitted_note=" (additional note: {note})",
    entry_separator="; ",
    training_headers=(
        "Session no.",
        "Title",
        "Tags",
        "Target group",
        "Starts",
        "Ends",
        "Place",
        "Capacity",
        "Signed up",
        "Waitlisted",
        "Sign-ups cancelled",
        "Status",
        "Attended",
        "Absent",
    ),
    question_headers=(
        "No.",
        "Asked",
        "Question",
        "Result",
        "Topic",
        "Confidence",
        "Feedback",
        "Language",
    ),
    complaint_headers=(
        "Ref. no.",
        "Filed on",
        "Anonymous",
        "Complainant",
        "What happened",
        "Department or person",
        "When",
        "Photo",
        "Status",
        "Resolution",
        "Updated on",
    ),
    decisions=(
        ("answer", "Answered"),
        ("ambiguous", "Ambiguous"),
        ("abstain", "Unanswered"),
    ),
    feedback=(
        ("up", "👍"),
        ("down", "👎"),
    ),
    yes="yes",
    no="no",
    anonymous="(anonymous)",
)

UNANSWERED = UnansweredTexts(
    header=(
        "❓ <b>Unanswered questions</b> (since: {since}, {groups} groups)\n"
        "Most frequent first. Tap ➕ to add a question as an example of a topic; "
        "/kbreload makes it count."
    ),
    since_all="all time",
    none="No unanswered or 👎 questions (since: {since}) 👍",
    group="<b>{n}.</b> ×{count}{down}\n{examples}",
    down_note=" (👎 {down})",
    example="• {text}",
    btn_attach="➕ {n}",
    bad_date="I don't understand this date: {text}\nTry: /unanswered  /unanswered 2026-11-01",
    pick_topic="Which topic should this question be an example of?\n“{text}”",
    btn_browse_all="📚 All topics",
    all_topics="Choose a topic (page {page}/{pages}):\n“{text}”",
    btn_prev="⬅️ Previous",
    btn_next="Next ➡️",
    attached="✅ Added “{text}” as an example of “{topic}”. Send /kbreload to use it.",
    already="This question is already an example of “{topic}”.",
    gone="This question no longer exists (its asker may have deleted it).",
    no_topic="This topic no longer exists; please send /unanswered again.",
    reloaded="✅ Knowledge base reloaded: {topics} topics, {examples} examples.",
    reload_failed=(
        "❌ The knowledge base has problems and was not reloaded; the old one stays in use:\n"
        "<pre>{problems}</pre>"
    ),
)

BROADCAST = BroadcastTexts(
    ask_text="📢 Send the text to broadcast (up to {limit} characters). /cancel to stop.",
    too_long="That is {length} characters, more than {limit}. Please shorten it and send again.",
    not_text="Please send text, or /cancel.",
    ask_audience="Who should get it?",
    btn_all="All residents ({count}, staff not included)",
    btn_tag="“{tag}” subscribers ({count})",
    message="📢 <b>Notice from {office}</b>\n\n{text}",
    preview_intro="👇 Preview: residents will get exactly this message",
    confirm="Send it to {audience} ({count} people)?",
    audience_all="all residents",
    audience_tag="“{tag}” subscribers",
    btn_send="✅ Send",
    btn_cancel="Cancel",
    started="📤 Sending to {count} people. I'll report when it is done.",
    done="📢 Broadcast no. {id} done: delivered {delivered}, blocked {blocked}, failed {failed}.",
    cancelled="OK, the broadcast is cancelled.",
    nobody="Nobody in this audience can be reached; cancelled.",
    reprompt_audience="Please choose the audience with the buttons above, or /cancel.",
    reprompt_confirm="Please tap “Send” or “Cancel” above.",
)

COMPLAINTS = ComplaintTexts(
    ask_what=(
        "📣 <b>Report a problem</b>\n"
        "Your report goes straight to the entrepreneurship office: arbitrary fees, fines or "
        "levies, or any infringement of your lawful rights as an investor.\n\n"
        "Step 1 of 5: please describe <b>what happened</b> ({min}–{max} characters). "
        "Send /back to go back a step, /cancel at any time to stop."
    ),
    what_length="Please use {min}–{max} characters; this was {length}.",
    what_no_words=(
        "Only emoji or punctuation: staff could not tell what happened. Please describe it in "
        "words, e.g. I was charged 300 yuan too much for a licence."
    ),
    ask_department=(
        'Step 2: <b>which agency or person</b> was involved? Write "don\'t know" if unsure.'
    ),
    ask_when="Step 3: <b>when</b> did it happen? E.g. last Wednesday morning, early March.",
    field_length="Please answer in 1–{max} characters.",
    ask_photo="Step 4: send one photo (a receipt, a ticket…) if you have one, or tap Skip.",
    photo_expected="Please send a photo, or tap Skip.",
    btn_skip="Skip",
    skip_words=("skip", "no", "none", "跳过"),
    ask_anonymity=(
        "Step 5: file it <b>under your name</b> or <b>anonymously</b>?\n\n"
        "👤 <b>Named</b>: staff see your name so they can check the facts; every status "
        "change is sent to you.\n\n"
        "🕶 <b>Anonymous</b>: nothing records who filed it, so staff cannot see you in the "
        "bot, in exports or in logs. For the same reason the bot cannot message you: you get "
        "a <b>check code</b> and tap a button to see the progress whenever you like."
    ),
    btn_named="👤 Named",
    btn_anonymous="🕶 Anonymous",
    summary=(
        "Please check your report:\n\n<b>What happened</b>: {what}\n<b>Agency/person</b>: "
        "{department}\n<b>When</b>: {when}\n<b>Photo</b>: {photo}\n<b>Filed</b>: {mode}"
    ),
    photo_yes="yes (1)",
    photo_no="none",
    mode_named="named",
    mode_anonymous="anonymously",
    btn_edit_what="What happened",
    btn_edit_department="Agency/person",
    btn_edit_when="When",
    btn_edit_photo="Photo",
    btn_edit_mode="Named/anonymous",
    filed_named=(
        "✅ Your report <b>{ref}</b> was received. You will hear here when staff act on it."
    ),
    filed_anonymous=(
        "✅ Your anonymous report <b>{ref}</b> was received.\n\n"
        "🔑 Check code: <code>{code}</code>\n"
        "Keep this message or copy the code onto paper (any case; no O, I or L to misread): "
        "the bot stores only a fingerprint of the code, which says nothing "
        "about you and cannot be recovered. Tap the button below or send "
        "/complaint_status {ref} {code} to see the progress."
    ),
    btn_check="🔎 Check progress",
    staff_notice=(
        "📣 <b>Complaint {ref}</b> ({filed})\nFrom: {who}\nAgency/person: {department}\n"
        "When: {when}\n\n{what}\n\nStatus: <b>{status}</b>"
    ),
    anonymous_label="anonymous",
    named_label="{name} ({username}, id {id})",
    photo_caption="{ref} photo",
    btn_handling="🛠 Being handled",
    btn_resolve="✅ Resolved",
    ask_note="Write one line on how {ref} was resolved (the complainant sees it). /cancel stops.",
    note_length="Please write the note in 1–{max} characters.",
    changed='{ref} is now "{status}"; the notice to the complainant is queued.',
    changed_anonymous='{ref} is now "{status}". The anonymous complainant can check it.',
    already='{ref} is already "{status}".',
    settled="{ref} is resolved and cannot change any more.",
    missing="That complaint does not exist.",
    update_for_complainant="📣 News on your report <b>{ref}</b>: <b>{status}</b>",
    note_line="\nResolution: {note}",
    open_title="📣 <b>Open complaints</b> ({count}):",
    open_item="<b>{ref}</b> · {status} · {filed} · {department}\n{what}",
    open_none="No open complaints 👍",
    check_result="📣 Report <b>{ref}</b>\nStatus: <b>{status}</b>\nFiled: {filed}{note}",
    check_too_many=(
        "Too many wrong check codes. Please try again in {minutes} minutes. The code is not "
        "case-sensitive, with or without the dash in the middle."
    ),
    check_unknown="No such report; please check the number and the code.",
    check_usage=(
        'To see an anonymous report\'s progress, tap the "Check progress" button you got '
        "when filing, or send /complaint_status NUMBER CODE."
    ),
    mine_title="Reports you filed under your name:",
    mine_none="You have not filed a named report yet.",
)

CONTACT = ContactTexts(
    ask_message=(
        "☎️ <b>Leave a message for staff</b>\nWrite what you would like to say "
        "({min}–{max} characters); staff will answer here. Send /cancel to stop.\n\n"
        "Or contact the office directly:\n{contact}"
    ),
    message_length="Please use {min}–{max} characters; this was {length}.",
    sent="✅ Your message (#{id}) went to staff; the answer will come here.",
    staff_notice="☎️ <b>Message #{id}</b>\nFrom: {who}\n\n{text}",
    btn_reply="↩️ Reply",
    ask_reply="Write your reply to {who} (message #{id}). /cancel stops.",
    reply_length="Please write the reply in 1–{max} characters.",
    reply_sent="✅ Message #{id} answered.",
    reply_queued=(
        "✅ Message #{id} answered. The reply is queued and goes to the resident as soon as "
        "Telegram takes it."
    ),
    reply_undeliverable=(
        "The resident has blocked the bot; the reply to #{id} was not delivered and the "
        "message stays unanswered."
    ),
    already_answered="Message #{id} was already answered by a colleague.",
    missing="That message does not exist.",
    reply_to_resident="☎️ <b>Staff answered your message</b>\n\nYou wrote: {message}\n\n"
    "Answer: {reply}",
    inbox_title="☎️ <b>Unanswered messages</b> ({count}):",
    inbox_item="<b>#{id}</b> · {when} · {who}\n{text}",
    inbox_none="No unanswered messages 👍",
    btn_reply_item="↩️ Reply #{id}",
)

PRIVACY = PrivacyTexts(
    header=(
        "🔒 <b>What we store about you</b>\nUnder China's Personal Information Protection "
        "Law you can see it any time and erase it with /deletemydata."
    ),
    profile=(
        "<b>Profile</b>\nTelegram id: {id}\nName: {name}\nUsername: {username}\n"
        "Language: {lang}\nFirst seen: {created}\nLast seen: {seen}\nReferral code: {code}"
    ),
    projects_title="<b>Registered projects</b> ({count})",
    project_item=(
        "{ref} {name} · {village} · {industry} · investment {investment} × 10k yuan · "
        "{jobs} jobs · phone {phone} · {status}"
    ),
    referrals_title="<b>Referrals</b> ({count})",
    referral_made="{when}: you referred project {ref}",
    referral_received="{when}: your project {ref} was referred by someone",
    questions_title="<b>Questions you asked</b> ({count})",
    question_item="{when}: {text}",
    trainings_title="<b>Training sign-ups</b> ({count})",
    training_item="{when} {title} · {status}",
    subscriptions_title="<b>Training news subscriptions</b>: {tags}",
    complaints_title="<b>Named reports</b> ({count})",
    complaint_item="{ref} · {status} · {what}",
    anonymous_note=(
        "Anonymous reports are not linked to you in any way, so they cannot be listed or "
        "erased here; use the check code to see their progress."
    ),
    messages_title="<b>Messages to staff</b> ({count})",
    message_item="{when}: {text}",
    message_reply="\n   ↩️ Answer: {reply}",
    nothing="(none)",
    none_value="—",
    as_document="That is a lot, so here it is as a file.",
    document_name="my-data.txt",
    confirm_delete=(
        "⚠️ <b>Erase your personal data?</b>\n\n"
        "Erased: your name, username, phone numbers, project names, the questions and "
        "messages you wrote, the text of your named reports, training sign-ups and "
        "subscriptions, unfinished dialogs.\n"
        "Kept without anything personal, for the town's statistics: each project's village, "
        "industry, investment, jobs and status; how many questions were asked about what.\n\n"
        "This cannot be undone."
    ),
    erase_pending=(
        "📝 {count} of your projects are still under review or waiting for your correction "
        "({refs}): erasing <b>withdraws</b> them; they will not be reviewed or counted as "
        "approved. If someone referred them, that person is told the project was withdrawn, "
        "so there is no reward to ask about for it."
    ),
    erase_approved=(
        "✅ Your {count} approved projects ({refs}) stay in the town's statistics (village, "
        "industry, investment, jobs) without your name, phone or project name."
    ),
    erase_referrer=(
        "🔗 You referred {count} projects: the referrals stay in the statistics but are no "
        "longer linked to you, so you cannot see them here or <b>claim a referral reward "
        "with this account</b> any more. If you want to claim one, contact the office first."
    ),
    erase_done_withdrawn="{count} projects under review were withdrawn: {refs}.",
    referrer_withdrawn=(
        "ℹ️ The project you referred, <b>{ref_no}</b>, was withdrawn: its applicant erased "
        "their personal data, so it will not be reviewed."
    ),
    btn_confirm_delete="🗑 Erase",
    btn_keep="Cancel",
    deleted=(
        "✅ Your personal data was erased. If you write again, only the basics (name, "
        "language) are recorded afresh."
    ),
    kept="OK, nothing was erased.",
    erased_name="(erased)",
)


REGISTRATION = RegistrationTexts(
    step_name=(
        "📝 <b>Register a new project</b> (step 1/8)\nPlease type the <b>project name</b> "
        "(up to {limit} characters).\nSend /back at any time for the previous step, "
        "/cancel to stop."
    ),
    step_industry="(step 2/8) Which <b>industry</b>? If it is not listed, press “Other”.",
    step_industry_other="Please type the industry (up to {limit} characters):",
    step_village=(
        "(step 3/8) In which <b>village</b> is the project? If it is not listed, "
        "press “Other village”."
    ),
    step_village_other="Please type the <b>village</b> name (up to {limit} characters):",
    btn_other_village="Other village",
    village_unlisted="{village} (not on the list)",
    error_village_unknown=(
        "“{text}” is not on the list of villages. Please choose with the buttons below; "
        "for a village not on the list, press “Other village” and type its name."
    ),
    error_village_unrecognisable="Please type the village name in words, e.g. “Wangjiazhuang”.",
    step_applicant_type="(step 4/8) Which of these <b>describes you</b>?",
    step_investment=(
        "(step 5/8) Planned <b>investment</b> in <b>10,000 CNY (万元)</b>? "
        "Type a number, e.g. 50 or 1.5."
    ),
    investment_confirm="You typed {wan} × 10,000 yuan, that is {full}. Is that right?",
    investment_full="{amount} yuan",
    btn_investment_yes="✅ Yes, that is right",
    btn_investment_no="✏️ No, type it again (in 10,000 yuan)",
    step_jobs="(step 6/8) How many <b>new jobs</b>? Type a whole number, e.g. 8; none: 0.",
    error_jobs_number=(
        "Please type a whole number, e.g. 8, 15 or thirty in Chinese (三十); a rough whole number "
        'is fine ("a dozen or so" can be 15); 0 if none.'
    ),
    step_phone=(
        "(step 7/8) Your <b>mobile number</b>, so the town can reach you: press "
        "“📱 Send my number” below, or type your 11-digit mobile number."
    ),
    step_referrer=(
        "(step 8/8) Did someone <b>refer</b> you? Type their name (up to {limit} "
        "characters), or press “No referrer”."
    ),
    step_referrer_linked=(
        "(step 8/8) You came through <b>{name}</b>'s referral link. Record {name} as the "
        "<b>referrer</b>? You can also type someone else's name."
    ),
    referrer_self="(That was your own referral link: you cannot refer yourself.)",
    referrer_unknown="(The referral link you opened is not valid.)",
    invited_by=(
        "🔗 You came through {name}'s referral link: when you register a project (/register), "
        "{name} will be recorded as its referrer."
    ),
    link_unknown=(
        "⚠️ This referral link is not valid (part of it may be missing, or it has expired), so "
        "no referrer is recorded. When you register (/register) you can type the referrer's "
        "name, or ask them to send the link again."
    ),
    link_self="This is your own referral link: you cannot refer yourself. Send it to friends "
    "starting a business (/invite).",
    btn_other="Other",
    btn_share_phone="📱 Send my number",
    btn_referrer_keep="✅ Yes",
    btn_no_referrer="No referrer",
    phone_saved="Phone: <b>{phone}</b> ✓",
    field_labels=table(
        {
            ProjectField.NAME: "Project name",
            ProjectField.INDUSTRY: "Industry",
            ProjectField.VILLAGE: "Village",
            ProjectField.APPLICANT_TYPE: "Applicant",
            ProjectField.INVESTMENT: "Investment",
            ProjectField.JOBS: "New jobs",
            ProjectField.PHONE: "Phone",
            ProjectField.REFERRER: "Referrer",
        },
        ProjectField,
    ),
    summary_title="<b>Please check your registration</b>",
    summary_line="{label}: {value}",
    investment_value="{value} × 10,000 CNY",
    jobs_value="{value}",
    privacy=(
        "🔒 We keep this and your account only to register and review the project "
        "and to contact you; /mydata shows it, /deletemydata erases it."
    ),
    referrer_none="none",
    referrer_linked="{name} (referral link)",
    duplicate=(
        "⚠️ On {when} you already registered a project called “{name}” ({ref_no}). "
        "Are you sure this is not the same project?"
    ),
    btn_duplicate_back="↩️ Back to my answers (kept)",
    btn_duplicate_confirm="It is a new project, submit",
    duplicate_returned=(
        "⚠️ The project “{name}” you registered on {when} ({ref_no}) was returned. If this is "
        "the same project, press “Correct and resubmit” to correct it instead of registering "
        "it again; if it really is another new project, press “It is a new project, submit”."
    ),
    submitted=(
        "✅ <b>Project submitted</b>\nReference: <b>{ref_no}</b>\nStatus: {status}\n\n"
        "Next: the town's entrepreneurship office reviews it and tells you the result here; "
        "staff may call you. Taxes a new project generates in its first year may be refunded: "
        "see the button below. Send /myprojects to follow it."
    ),
    btn_tax_rebate="Tax rebate for new projects",
    referral_credited="🤝 {name} is recorded as the referrer of this project.",
    referral_refused=table(
        {
            ReferralRefusal.SELF_REFERRAL: (
                "No referrer recorded: you cannot refer your own project."
            ),
            ReferralRefusal.ALREADY_CREDITED: (
                "No referrer recorded: this project already has one."
            ),
            ReferralRefusal.UNKNOWN_REFERRER: (
                "No referrer recorded: that person is no longer registered."
            ),
            ReferralRefusal.UNKNOWN_PROJECT: "No referrer recorded: the project was not found.",
        },
        ReferralRefusal,
    ),
    step_name_edit="Please type the new <b>project name</b> (up to {limit} characters).",
    choice_gone="The options for “{label}” have changed and your choice is no longer among "
    "them; please choose again.",
    stale_button="This button has expired.",
    errors=table(
        {
            Problem.EMPTY: "That was empty; please type it again.",
            Problem.INVISIBLE: "I see no visible characters; please type it again.",
            Problem.TOO_LONG: "At most {limit} characters; yours has {length}. Please shorten it.",
            Problem.NOT_A_NUMBER: "Please type a number, e.g. 50 or 1.5.",
            Problem.NEGATIVE: "It cannot be negative; please type it again.",
            Problem.ZERO: "It must be more than 0; please type it again.",
            Problem.TOO_LARGE: "That is too large (at most {maximum}); please check it.",
            Problem.NOT_WHOLE: "Please type a whole number, e.g. 8.",
            Problem.BAD_PHONE: (
                "That is not a valid mobile number: type 11 digits, e.g. 13800138000."
            ),
            Problem.NOT_A_CHOICE: "Please choose with the buttons below.",
            Problem.BAD_DIGITS: (
                "Please use ordinary digits (0-9) or Chinese numerals, e.g. 50 or 五十."
            ),
            TextProblem.TOO_SHORT: "That is too short; please write a little more.",
        },
        Problem,
        TextProblem,
    ),
    error_name_too_long=(
        "A project name has at most {limit} characters; yours has {length}. Please shorten it."
    ),
    error_name_unrecognisable=(
        "Please name the project in words so people can tell what it is, e.g. "
        '"Dongguan mushroom sheds" or "formwork workshop".'
    ),
    error_name_question=(
        "That looks like a question rather than a project name. To ask about a policy, send "
        "/cancel to stop registering and ask; to register, type the project's name."
    ),
    error_other_unrecognisable='Please name the industry in words, e.g. "bamboo weaving".',
    error_zero_investment="The investment must be more than 0; please type it again.",
    error_foreign_contact=(
        "That is someone else's contact: press “📱 Send my number” to share your own, "
        "or type your number."
    ),
    my_projects_none="You have not registered a project yet. Send /register to do so.",
    my_projects_header="<b>My projects</b> ({count})",
    my_project="<b>{ref_no}</b> {name}\nStatus: {status}\n{history}",
    history_line="· {time} {status}{note}",
    history_note=": {note}",
    name_erased="(erased)",
    my_referrals_none="You have not referred a project yet. Send /invite for your link.",
    my_referrals_header=(
        "<b>Projects I referred</b>: {count}, of which {eligible} approved.\n"
        "The town report says “a cash reward is given to the person who referred each new "
        "project” (每新上一个项目对引荐人给予一定的现金奖励); the entrepreneurship office "
        "decides the amount and the conditions: an approval alone does not mean a reward. "
        "Please ask the office."
    ),
    my_referral="· <b>{ref_no}</b> {name}: {status}, {reward}",
    reward_eligible="ask the office about a reward",
    reward_pending="not approved yet",
    invite=(
        "🔗 <b>Your personal referral link</b>\n{link}\n\n"
        "Send the link or this QR code to friends starting a business: the projects they "
        "register through it are recorded as referred by you. "
        "The town report says “a cash reward is given to the person who referred each new "
        "project” (每新上一个项目对引荐人给予一定的现金奖励); the entrepreneurship office "
        "decides the amount and the conditions. Send /myreferrals to follow them."
    ),
    invite_web_too="\n\n🌐 Friends without Telegram can open the web version: {link}",
    invite_web_unset=(
        "🔗 <b>Your personal referral code</b>\n<code>{command}</code>\n\n"
        "The web page's public address is not set up yet, so there is no web link for now. "
        "Ask friends to open this web page and send the line above: the projects they register "
        "are recorded as referred by you. Friends on Telegram can open: {link}\n"
        "The entrepreneurship office decides the reward. Send /myreferrals to follow them."
    ),
    staff_new_header="🆕 <b>New project to review</b> {ref_no}",
    staff_applicant="Applicant: {name} (ID {id})",
    btn_approve="✅ Approve",
    btn_return="↩️ Return",
    review_header="{count} projects await review; the oldest {shown}:",
    review_none="No projects await review.",
    ask_reason=(
        "Why is <b>{ref_no}</b> returned? (up to {limit} characters; the applicant "
        "sees it.) Send /cancel to stop."
    ),
    reason_invalid="The reason cannot be empty and has at most {limit} characters.",
    review_cancelled="Not returned; the project still awaits review.",
    decided_approved="✅ Approved (by {actor})",
    decided_returned="↩️ Returned (by {actor}): {reason}",
    withdrawn_erased=(
        "Project {ref_no} was withdrawn: its applicant erased their personal data, so it is "
        "not reviewed."
    ),
    already_decided="This project was already handled ({status}); nothing changed.",
    card_outdated=(
        "This card is out of date: project {ref_no} was resubmitted after being returned. "
        "Please review it on the newest card."
    ),
    not_found="This project does not exist.",
    applicant_approved="🎉 Your project <b>{ref_no}</b> “{name}” has been approved.",
    referrer_approved=(
        "🎉 The project you referred, <b>{ref_no}</b> “{name}”, has been approved. "
        "The town report says “a cash reward is given to the person who referred each new "
        "project” (每新上一个项目对引荐人给予一定的现金奖励); the entrepreneurship office "
        "decides the amount and the conditions; please ask them whether it qualifies:\n\n{office}"
    ),
    applicant_returned=(
        "Your project <b>{ref_no}</b> “{name}” was returned. Reason: {reason}\n"
        "Press the button below to correct and resubmit it (same reference number); send "
        "/contact with questions."
    ),
    btn_resubmit="✏️ Correct and resubmit {ref_no}",
    resubmit_cancelled=(
        "OK, the correction is dropped: project {ref_no} is unchanged and still returned. "
        "Send /myprojects and press “Correct and resubmit” when you are ready."
    ),
    resubmit_timed_out=(
        "⏰ No reply for {minutes} minutes, so the correction ended: project {ref_no} is "
        "unchanged and still returned. Send /myprojects and press “Correct and resubmit” "
        "when you are ready."
    ),
    resubmit_intro=(
        "✏️ You are correcting the returned project <b>{ref_no}</b>.\nReason it was returned: "
        "{reason}"
    ),
    step_resubmit_note=(
        "If the reason asks for something the form has no field for (e.g. which village group "
        "the site is in), type an <b>additional note</b> here (up to {limit} characters); staff "
        "get it with the project. No note needed? Press “No note”.\n"
        "Then check the answers, press “✏️ Change” to correct one, and “✅ Submit”. "
        "The referrer cannot be changed."
    ),
    step_resubmit_note_edit=(
        "Please type the new <b>additional note</b> (up to {limit} characters), or press "
        "“No note” for none."
    ),
    btn_resubmit_note_none="No note",
    resubmit_note_label="Additional note",
    staff_resubmit_note="📎 The applicant's additional note: {note}",
    resubmitted=(
        "✅ <b>Project resubmitted</b>\nReference: <b>{ref_no}</b>\nStatus: {status}\n\n"
        "The town's entrepreneurship office will review it again and tell you the result "
        "here. Send /myprojects to follow it."
    ),
    resubmit_refused=table(
        {
            ResubmitRefusal.NOT_FOUND: "This project does not exist, or it is not yours.",
            ResubmitRefusal.NOT_RETURNED: (
                "This project is not returned any more, so there is nothing to resubmit. "
                "Send /myprojects to see where it stands."
            ),
        },
        ResubmitRefusal,
    ),
    my_projects_returned="Returned projects can be corrected and resubmitted:",
    staff_resubmitted_header=(
        "🔁 <b>Resubmitted after being returned, to review</b> {ref_no}\nLast reason: {reason}"
    ),
    history_resubmitted="Resubmitted",
    staff_changed="Changed this time: {fields}",
    staff_unchanged="No answer was changed this time.",
)

STATUSES = StatusTexts(
    projects=table(
        {
            ProjectStatus.SUBMITTED: "Pending review",
            ProjectStatus.APPROVED: "Approved",
            ProjectStatus.RETURNED: "Returned",
            ProjectStatus.WITHDRAWN: "Withdrawn",
        },
        ProjectStatus,
    ),
    complaints=table(
        {
            ComplaintStatus.RECEIVED: "Received",
            ComplaintStatus.HANDLING: "Being handled",
            ComplaintStatus.RESOLVED: "Resolved",
        },
        ComplaintStatus,
    ),
    trainings=table(
        {
            TrainingStatus.SCHEDULED: "As planned",
            TrainingStatus.MOVED: "Rescheduled",
            TrainingStatus.CANCELLED: "Cancelled",
        },
        TrainingStatus,
    ),
    signups=table(
        {
            SignupStatus.SIGNED: "Signed up",
            SignupStatus.WAITLISTED: "Waitlisted",
            SignupStatus.CANCELLED: "Sign-up cancelled",
        },
        SignupStatus,
    ),
)

WEB = WebTexts(
    title="Entrepreneurship Assistant",
    subtitle="Start-up services · web",
    start="Start",
    placeholder="Ask a question, e.g. how do I apply for the tax rebate",
    send="Send",
    menu="Menu",
    menu_title="Commands",
    close="Close",
    edited="edited",
    download="Download",
    phone_title="Send my phone number",
    phone_hint="Enter an 11-digit mainland mobile number, e.g. 13800138000",
    phone_invalid="That is not a valid number: enter an 11-digit mainland mobile number.",
    phone_send="Send",
    cancel="Cancel",
    notice_title="About your records",
    notice=(
        "Your chat is kept on the server and this browser identifies you (web number {number}). "
        "If you clear the browser's data or change phone or browser, you become a new user and "
        "no longer see the old chat. Registered projects are not lost: contact {office} with "
        "your web number {number} or the registration number to recover them."
    ),
    expired_title="Session expired",
    expired=(
        "You have not used this page for more than {days} days, so the old session has ended "
        "and the old chat is no longer shown; you are now a new user (web number {number}). "
        "Registered projects are not lost: contact {office} with your old web number{old} or "
        "the registration number to recover them."
    ),
    resident="Web number {number}",
    offline="Connection lost, reconnecting…",
    too_fast="Too many actions: please wait a moment.",
    failed="Not sent: please try again later.",
    too_long="The message is too long: at most {limit} characters.",
    ok="OK",
    channel_web="🌐 web user",
)

EN = Texts(
    lang="en",
    common=COMMON,
    form=FORM,
    qa=QA,
    trainings=TRAININGS,
    attendance=ATTENDANCE,
    stats=STATS,
    export=EXPORT,
    unanswered=UNANSWERED,
    broadcast=BROADCAST,
    complaints=COMPLAINTS,
    contact=CONTACT,
    privacy=PRIVACY,
    registration=REGISTRATION,
    statuses=STATUSES,
    web=WEB,
)
