"""English texts, for users whose Telegram language is English or who chose it."""

from __future__ import annotations

from bot.texts.sections import CommonTexts, QaTexts, Texts

COMMON = CommonTexts(
    start=(
        "Hello {name}! I am the <b>{town} Entrepreneurship Assistant</b> 🤝\n\n"
        "I can help you:\n"
        "• 📚 answer questions on the start-up support policies (tax rebates, referral "
        "rewards, joint-guarantee loans, training…)\n"
        "• 📝 register a new project (whoever referred it may be rewarded)\n"
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
        "📣 /complaint report a problem · ☎️ /contact leave a message for staff\n"
        "🔒 /mydata my stored data · /deletemydata erase my data\n"
        "🌐 /language 切换语言 / Language\n"
        "❌ /cancel stop what you are doing · 🏠 /menu main menu"
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
    empty_text="Your message was empty. Please type what you would like to ask.",
    error=(
        "Sorry, something went wrong and we have logged it. Please try again later, "
        "or send /menu for the main menu."
    ),
    stale_button="This button has expired. Please send /menu to start again.",
    not_allowed="Sorry, this is for office staff only.",
    slow_down="You are sending messages a little fast. Please try again in {seconds} s 🙏",
    language_prompt="请选择语言 / Please choose a language:",
    language_set="OK, I will speak English with you from now on.",
    btn_lang_zh="中文",
    btn_lang_en="English",
    contact_block="<b>{office}</b>\n☎️ Phone: {phone}\n📍 Address: {address}\n🕘 Hours: {hours}",
    not_configured="(not published yet, please ask at the town government)",
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
        ("review", "Projects to review"),
        ("complaints", "Complaints"),
        ("inbox", "Residents' messages"),
    ),
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
    greeting=(
        "Hello! I'm the {town} entrepreneurship assistant 😊 Ask me about the support policies, "
        "e.g. <i>is the tax of a new project refunded?</i>"
    ),
    thanks="You're welcome! Ask me anything else any time 😊",
    menu_hint="Which policy would you like to know about? Be a bit more specific, or pick a "
    "category:",
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

EN = Texts(lang="en", common=COMMON, qa=QA)
