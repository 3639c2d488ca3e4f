"""The shape of every language's texts: one frozen dataclass per feature.

This is the schema of the catalogs ``zh.toml`` and ``en.toml`` (``bot.texts.catalog`` reads
them into these classes). Add a field here, then its text under the section's table in both
files (the bot fails at start-up until both have it, with the same placeholders).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.texts.catalog import per_language
from bot.vocabulary import AttendanceProblem, Problem, ResubmitRefusal, TextProblem, Theme
from db.models import (
    ComplaintStatus,
    ProjectField,
    ProjectStatus,
    ReferralRefusal,
    SignupStatus,
    TrainingStatus,
)


@dataclass(frozen=True, slots=True)
class CommonTexts:
    """Greeting, help, menu, cancel, language and the polite fallbacks."""

    start: str  # {name} {town}
    help: str  # {town}
    help_staff: str  # added to /help for staff only
    menu_prompt: str
    btn_policies: str
    btn_register: str
    btn_trainings: str
    btn_complaint: str
    btn_contact: str
    btn_help: str
    input_placeholder: str
    cancelled: str
    nothing_to_cancel: str
    unknown_command: str  # {command}
    non_text: str
    non_text_call: str  # {office} {phone}: after non_text when the office has a phone
    empty_text: str
    error: str
    update_abandoned: str  # {time}: a message the bot gave up on after crashing on it
    stale_button: str
    not_allowed: str
    slow_down: str  # {seconds}
    language_prompt: str
    language_set: str
    btn_lang_zh: str
    btn_lang_en: str
    timed_out: str  # {minutes}
    contact_block: str  # {office} {phone} {address} {hours}
    not_configured: str
    commands: tuple[tuple[str, str], ...]
    staff_commands: tuple[tuple[str, str], ...]
    list_separator: str  # between the items of a run-on list: "、" / ", "
    field_separator: str  # between the fields of one list line: " · "
    ellipsis: str  # marks a cut text, or a value not shown
    busy_in_dialog: str  # {dialog}: a menu button or another dialog's entry mid-dialog
    dialog_names: tuple[tuple[str, str], ...]  # (dialog name, what the user is doing)
    dialog_other: str  # the same for a dialog not named above


@dataclass(frozen=True, slots=True)
class FormTexts:
    """What every dialog says the same way: /back, cancel, timeout, stray input, the summary."""

    back_at_first: str
    cancelled: str  # {dialog}
    timed_out: str  # {dialog} {minutes} {again}
    reprompt_other: str  # {dialog}
    reprompt_non_text: str  # {dialog}
    chosen: str  # {label} {value}
    btn_submit: str
    btn_edit: str
    btn_cancel: str
    btn_back_to_summary: str
    choose_field: str
    staff_only_ended: str  # {dialog}: the role was withdrawn mid-dialog
    bad_digits: str  # digits of a script other than ASCII, full-width or Chinese numerals
    buttons_hint: str  # after a typed answer a button step refused
    control_not_here: str  # {word}: 提交 / 修改 typed before the summary


@dataclass(frozen=True, slots=True)
class QaTexts:
    """Policy answers, browsing by category, feedback and the honest "I don't know"."""

    answer: str  # {title} {answer}
    answer_footer: str  # {reviewed}
    btn_up: str
    btn_down: str
    btn_source: str
    related_prefix: str
    source: str  # {source}
    ambiguous: str
    abstain: str  # {contact}
    out_of_scope: str  # {help} (who can help, from the knowledge base) {contact}
    greeting: str  # {town}
    thanks: str
    menu_hint: str
    menu_hint_topics: str  # a bare keyword that some topics are about: those come first
    too_long: str  # {length} {limit}
    categories_prompt: str
    category_topics: str  # {category}
    btn_back_categories: str
    btn_browse: str
    btn_leave_message: str
    feedback_thanks: str
    feedback_sorry: str
    feedback_not_yours: str


@dataclass(frozen=True, slots=True)
class TrainingTexts:
    """Training sessions: browsing, sign-up, subscriptions, reminders, notices, staff tools."""

    list_header: str  # {count}
    none_upcoming: str
    mine_header: str  # {count}
    mine_none: str
    when: str = field(  # zh {month}, en {month_name}
        metadata=per_language("month", "month_name", "day", "weekday", "start", "end")
    )
    weekdays: tuple[str, ...]  # Monday first
    month_names: tuple[str, ...]  # January first: {month_name} in ``when`` (English: "Dec")
    card_title: str  # {title} {status}
    status_note: str  # {status}: after the title of a moved or cancelled session
    line_when: str  # {when}
    line_place: str  # {place}
    line_target: str  # {target}
    line_tags: str  # {tags}
    line_description: str  # {description}
    seats_left: str  # {left} {capacity}
    seats_full: str  # {capacity} {waitlisted}
    you_signed: str
    you_waitlisted: str  # {position}
    btn_join: str
    btn_join_waitlist: str
    btn_leave: str
    btn_calendar: str
    btn_manage: str
    toast_signed: str
    toast_signed_late: str  # signed up too late for any reminder: none is promised
    toast_waitlisted: str  # {position}
    toast_already_signed: str
    toast_already_waitlisted: str  # {position}
    toast_closed: str
    toast_not_found: str
    toast_confirm_leave: str  # after 取消报名, before the confirmation
    btn_confirm_leave: str
    btn_keep_seat: str
    toast_withdrawn: str
    toast_not_signed: str
    calendar_caption: str  # {title}
    subscribe_prompt: str  # {current}
    subscribe_everything: str
    subscribed_mark: str  # before a subscribed tag's label
    tag_separator: str  # between a session's tags
    themes: Mapping[Theme, str]  # (Theme value, its name): a tag the town did not configure
    unsubscribed_mark: str  # before a tag not subscribed to
    btn_done: str
    subscribed_nothing: str
    subscribe_saved: str  # {current}
    unsubscribed: str  # {count}
    unsubscribe_none: str
    reminder: str  # {title} {when} {place} {left}
    hours: str  # {n}
    minutes: str  # {n}
    late_prefix: str
    late_note: str
    announce: str  # {card}
    notice_moved: str  # {title} {old} {when} {place}
    notice_changed: str  # {title} {when} {place}
    notice_cancelled: str  # {title} {when}
    notice_promoted: str  # {title} {when} {place} {reminders}: the reminders_line ahead, or ""
    staff_view: str  # {card} {signed} {capacity} {waitlisted} {pending}
    btn_move: str
    btn_edit_title: str
    btn_edit_title_en: str
    btn_edit_place: str
    btn_edit_capacity: str
    btn_edit_description: str
    btn_cancel_training: str
    btn_confirm_cancel: str
    btn_keep: str
    ask_new_start: str  # {current}
    confirm_move: str  # {title} {old} {new} {count}
    btn_confirm_move: str
    btn_abort: str
    moved_done: str  # {notified}
    move_aborted: str
    ask_field: str  # {field} {current}
    field_names: tuple[tuple[str, str], ...]  # (field, label)
    edited: str  # {field} {notified} {promoted}
    confirm_cancel: str  # {title} {count}
    cancelled_done: str  # {notified}
    cancel_kept: str
    errors: tuple[tuple[str, str], ...]  # (TrainingError.code, text)
    ask_title: str
    ask_title_en: str  # the optional English title, asked right after the title
    ask_tags: str  # {known}
    ask_target: str
    ask_start: str
    ask_end: str
    ask_place: str
    ask_capacity: str
    ask_description: str
    bad_date: str
    bad_end: str  # the end step's: examples of a length or an end time
    bad_capacity: str
    summary: str  # {title} {tags} {target} {when} {place} {capacity} {description}
    btn_publish: str
    btn_discard: str
    published: str  # {id} {announced}
    discarded: str
    skip_words: tuple[str, ...] = field(metadata=per_language())
    none_value: str
    when_span: str = field(  # ``when`` of a session that ends on another day: {end_month}...
        metadata=per_language(
            *("month", "month_name", "day", "weekday", "start"),
            *("end_month", "end_month_name", "end_day", "end_weekday", "end"),
        )
    )
    too_long: str  # {days}
    reminders_line: str  # {offsets}: when the reminders come, after a sign-up
    signed_confirm: str  # {title} {when} {place} {reminders}
    waitlist_confirm: str  # {title} {position}
    withdrawn_confirm: str  # {title}
    calendar_signed_only: str
    btn_edit_target: str
    btn_edit_tags: str
    btn_change: str
    choose_field: str
    new_fields: tuple[tuple[str, str], ...]  # (/newtraining step name, label) for 修改
    btn_back_to_summary: str
    back_at_first: str
    current_value: str  # {value}: under a question asked again


@dataclass(frozen=True, slots=True)
class AttendanceTexts:
    """Staff's attendee list, sign-in sheet and attendance marking of a training session."""

    btn_list: str
    btn_sheet: str
    btn_mark: str
    menu_header: str  # /attendance: sessions of the last two weeks and upcoming ones
    menu_none: str
    menu_button: str  # {date} {title} {count}
    session_header: str  # {title} {when}
    list_header: str  # {title} {when} {signed} {capacity} {waitlisted}
    list_signed: str
    list_waitlisted: str
    list_line: str  # {n} {name} {details} {mark}
    list_empty: str
    no_phone: str  # in place of a phone the resident never shared
    no_village: str
    mark_header: str  # {title} {came} {absent} {unmarked} {page} {pages}
    mark_came: str  # before a name marked as having come
    mark_absent: str
    mark_unmarked: str
    btn_rest_absent: str
    btn_prev: str
    btn_next: str
    rest_absent_done: str  # {count}
    errors: Mapping[AttendanceProblem, str]
    sheet_name: str
    sheet_title: str  # {title}
    sheet_when: str  # {date} {weekday} {start} {end} {place}
    sheet_headers: tuple[str, ...]  # no., name, village, phone, status, signature, attended
    sheet_caption: str  # {title} {count} {signed} {waitlisted}
    came: str
    absent: str
    stats_held: str  # /stats rows
    stats_came: str
    stats_absent: str
    stats_unmarked: str


@dataclass(frozen=True, slots=True)
class StatsTexts:
    """Staff ``/stats``: table titles and row labels (short: they share a phone's width)."""

    title: str  # {period}
    period_all: str
    period_since: str  # {first}
    period_range: str  # {first} {last}
    bad_period: str  # {text}
    reversed_period: str  # {first} {last}
    projects_header: str  # {total}
    investment: str
    jobs: str
    by_applicant_type: str
    by_village: str
    by_industry: str
    by_month: str
    others: str
    unlisted_villages: str  # the one row of every village typed under 其他村
    unlisted_names: str  # {names}: those villages by name, for the office to add to the list
    referrals_header: str
    referrals: str
    referrals_linked: str  # of the referred projects: through an invite link
    referrals_named: str  # of the referred projects: the referrer typed by name
    referrals_eligible: str
    questions_header: str
    asked: str
    answered: str
    ambiguous: str
    abstained: str
    thumbs_up: str
    trainings_header: str
    sessions: str
    people: str
    chart_caption: str
    chart_by_village: str
    chart_by_month: str
    chart_projects: str  # the count axis
    chart_month: str = field(metadata=per_language("month", "abbr"))  # a month under its bar
    chart_year: str  # {year}: under the first month of each year
    month_abbrs: tuple[str, ...]  # January first


@dataclass(frozen=True, slots=True)
class ExportTexts:
    """Staff ``/export``: the choice of data and format, and the files' headers and values."""

    choose_what: str
    choose_format: str  # {what}
    kinds: tuple[tuple[str, str], ...]  # (ExportKind value, label)
    btn_xlsx: str
    btn_csv: str
    caption: str  # {what} {rows}
    progress: str  # {what} {percent} {done} {total}
    working: str  # {what}
    done: str  # {what} {rows}
    caption_part: str  # {what} {rows} {mb} {parts} {n}
    sheet_projects: str
    sheet_trainings: str
    sheet_questions: str
    sheet_complaints: str
    project_headers: tuple[str, ...]
    returned_entry: str  # {date} {reason}: one return in a project's 退回记录 cell
    resubmitted_entry: str  # {date}: one resubmission in it
    resubmitted_note: str  # {note}: that resubmission's 补充说明
    entry_separator: str
    training_headers: tuple[str, ...]
    question_headers: tuple[str, ...]
    complaint_headers: tuple[str, ...]
    yes: str
    no: str
    anonymous: str
    decisions: tuple[tuple[str, str], ...]  # (decision value, label) of the questions sheet
    feedback: tuple[tuple[str, str], ...]  # (feedback value, label) of the questions sheet


@dataclass(frozen=True, slots=True)
class UnansweredTexts:
    """Staff ``/unanswered`` and ``/kbreload``."""

    header: str  # {since} {groups}
    since_all: str
    none: str  # {since}
    group: str  # {n} {count} {down} {examples}
    down_note: str  # {down}
    example: str  # {text}
    btn_attach: str  # {n}
    bad_date: str  # {text}
    pick_topic: str  # {text}
    btn_browse_all: str
    all_topics: str  # {page} {pages} {text}
    btn_prev: str
    btn_next: str
    attached: str  # {text} {topic}
    already: str  # {topic}
    gone: str
    no_topic: str
    reloaded: str  # {topics} {examples}
    reload_failed: str  # {problems}


@dataclass(frozen=True, slots=True)
class BroadcastTexts:
    """Staff ``/broadcast``: the dialog, the message residents get, and the final count."""

    ask_text: str  # {limit}
    too_long: str  # {length} {limit}
    not_text: str
    ask_audience: str
    btn_all: str  # {count}
    btn_tag: str  # {tag} {count}
    message: str  # {office} {text}
    preview_intro: str
    confirm: str  # {audience} {count}
    audience_all: str
    audience_tag: str  # {tag}
    btn_send: str
    btn_cancel: str
    started: str  # {count}
    done: str  # {id} {delivered} {blocked} {failed}
    cancelled: str
    nobody: str
    reprompt_audience: str
    reprompt_confirm: str


@dataclass(frozen=True, slots=True)
class ComplaintTexts:
    """The complaint dialog, the 查询码 of anonymous complaints, and the staff's side."""

    ask_what: str  # {min} {max}
    what_length: str  # {min} {max} {length}
    what_no_words: str  # emoji or punctuation only
    ask_department: str
    ask_when: str
    field_length: str  # {max}
    ask_photo: str
    photo_expected: str
    btn_skip: str
    skip_words: tuple[str, ...] = field(metadata=per_language())
    ask_anonymity: str
    btn_named: str
    btn_anonymous: str
    summary: str  # {what} {department} {when} {photo} {mode}
    photo_yes: str
    photo_no: str
    mode_named: str
    mode_anonymous: str
    btn_edit_what: str
    btn_edit_department: str
    btn_edit_when: str
    btn_edit_photo: str
    btn_edit_mode: str
    filed_named: str  # {ref}
    filed_anonymous: str  # {ref} {code}
    btn_check: str
    staff_notice: str  # {ref} {who} {department} {when} {what} {status} {filed}
    status_by: str  # {status} {actor} {at}: the status and who moved the complaint to it
    anonymous_label: str
    named_label: str  # {name} {username} {id}
    photo_caption: str  # {ref}
    btn_handling: str
    btn_resolve: str
    ask_note: str  # {ref}
    note_length: str  # {max}
    changed: str  # {ref} {status}
    changed_anonymous: str  # {ref} {status}
    already: str  # {ref} {status}
    settled: str  # {ref}
    missing: str
    update_for_complainant: str  # {ref} {status}
    note_line: str  # {note}
    open_title: str  # {count}
    open_item: str  # {ref} {status} {filed} {department} {what}
    open_none: str
    check_result: str  # {ref} {status} {filed} {note}
    check_too_many: str  # {minutes}: after too many wrong 查询码
    check_unknown: str
    check_usage: str
    mine_title: str
    mine_none: str


@dataclass(frozen=True, slots=True)
class ContactTexts:
    """Leaving a message for staff, and the staff's reply."""

    ask_message: str  # {min} {max} {contact}
    message_length: str  # {min} {max} {length}
    names_complaint: str
    sent: str  # {id}
    staff_notice: str  # {id} {who} {text}
    btn_reply: str
    ask_reply: str  # {id} {who}
    reply_length: str  # {max}
    reply_sent: str  # {id}
    reply_queued: str  # {id}: in the outbox, Telegram did not take it yet
    reply_undeliverable: str  # {id}
    already_answered: str  # {id}
    missing: str
    reply_to_resident: str  # {message} {reply}
    inbox_title: str  # {count}
    inbox_item: str  # {id} {when} {who} {text}
    inbox_none: str
    btn_reply_item: str  # {id}


@dataclass(frozen=True, slots=True)
class PrivacyTexts:
    """/mydata (everything stored about the user) and /deletemydata."""

    header: str
    profile: str  # {id} {name} {username} {lang} {created} {seen} {code}
    projects_title: str  # {count}
    project_item: str  # {ref} {name} {village} {industry} {investment} {jobs} {phone} {status}
    project_referrer: str  # {referrer}: the referrer they typed by name
    project_return_reason: str  # {when} {status} {note}: why staff returned the project
    project_resubmit_note: str  # {when} {status} {note}: their 补充说明 when resubmitting
    project_status_note: str  # {when} {status} {note}: a note with another decision
    referrals_title: str  # {count}
    referral_made: str  # {when} {ref}
    referral_received: str  # {when} {ref}
    questions_title: str  # {count}
    question_item: str  # {when} {text}
    trainings_title: str  # {count}
    training_item: str  # {when} {title} {status}
    subscriptions_title: str  # {tags}
    complaints_title: str  # {count}
    complaint_item: str  # {ref} {status} {what}
    complaint_details: str  # {department} {when} {photo}
    complaint_note: str  # {note}: the staff's note when it was resolved
    anonymous_note: str
    messages_title: str  # {count}
    message_item: str  # {when} {text}
    message_reply: str  # {reply}
    nothing: str
    none_value: str
    as_document: str
    document_name: str
    confirm_delete: str
    erase_pending: str  # {count} {refs}: projects under review will be withdrawn
    erase_approved: str  # {count} {refs}: approved projects stay counted, anonymised
    erase_referrer: str  # {count}: referrals this user made lose their link to them
    erase_seats: str  # {count}: training seats still ahead go to the waitlist
    erase_done_withdrawn: str  # {count} {refs}: after the erasure
    referrer_withdrawn: str  # {ref_no}: to the referrer of a project withdrawn by erasure
    btn_confirm_delete: str
    btn_keep: str
    deleted: str
    kept: str
    erased_name: str


@dataclass(frozen=True, slots=True)
class RegistrationTexts:
    """Project registration: the dialog, referrals, /myprojects, /invite and staff review."""

    step_name: str  # {limit}
    step_industry: str
    step_industry_other: str  # {limit}
    step_village: str
    step_village_other: str  # {limit}: the name of a village missing from the list
    btn_other_village: str
    village_unlisted: str  # {village}: a typed village not on the list, flagged for staff
    error_village_unknown: str  # {text}: typed at the village step, matching no village
    error_village_unrecognisable: str  # a typed village with no letters, or a question
    step_applicant_type: str
    step_investment: str
    investment_confirm: str  # {wan} {full}: a large investment asked again in full
    investment_full: str  # {amount}
    btn_investment_yes: str
    btn_investment_no: str
    step_jobs: str
    error_jobs_number: str  # the jobs step's own hint: whole numbers only
    step_phone: str
    step_referrer: str  # {limit}
    step_referrer_linked: str  # {name}
    referrer_self: str
    referrer_unknown: str
    referrer_yes_unlinked: str  # "好的" typed at the referrer step with no link to keep
    invited_by: str  # {name}
    link_unknown: str  # /start ref_… with a code nobody has
    link_self: str  # /start ref_… with the user's own code
    btn_other: str
    btn_share_phone: str
    btn_referrer_keep: str
    btn_no_referrer: str
    phone_saved: str  # {phone}
    field_labels: Mapping[ProjectField, str]  # (Field value, label)
    summary_title: str
    summary_line: str  # {label} {value}: one line per answer (field_labels), then the privacy
    investment_value: str  # {value}
    jobs_value: str  # {value}
    privacy: str
    referrer_none: str
    referrer_linked: str  # {name}
    duplicate: str  # {when} {name} {ref_no}
    btn_duplicate_confirm: str
    btn_duplicate_back: str  # back to the summary, the answers kept
    duplicate_returned: str  # {when} {name} {ref_no}
    submitted: str  # {ref_no}
    btn_tax_rebate: str  # the title of knowledge topic ``tax-rebate``
    referral_credited: str  # {name}
    referral_refused: Mapping[ReferralRefusal, str]  # (ReferralRefusal value, text)
    step_name_edit: str  # {limit}
    choice_gone: str  # {label}: the answer given is no longer among the options
    stale_button: str
    errors: Mapping[Problem | TextProblem, str]  # (Problem value, text) {limit} {length} {maximum}
    error_name_too_long: str  # {limit} {length}
    error_name_unrecognisable: str  # only emoji, digits or punctuation
    error_name_question: str  # the "name" reads as a question
    error_other_unrecognisable: str  # a typed industry with no letters
    error_industry_typed: str  # {text}: 好的 / 不知道 / a question typed at the industry step
    typed_choice: str  # {label} {value}: an answer typed at a choice step, filed as typed
    error_zero_investment: str
    error_investment_number: str  # the investment step's own hint: the amounts it reads
    investment_rough: str  # {typed} {wan}: "二十来万" filed as its round number
    error_foreign_contact: str
    my_projects_none: str
    my_projects_header: str  # {count}
    my_project: str  # {ref_no} {name} {status} {history}
    history_line: str  # {time} {status} {note}
    history_note: str  # {note}
    name_erased: str
    my_referrals_none: str
    my_referrals_header: str  # {count} {eligible}
    my_referral: str  # {ref_no} {name} {status} {reward}
    reward_eligible: str
    reward_pending: str
    invite: str  # {link}
    invite_web_unset: str  # {command} {link}: a web resident's, before web.public_url is set
    invite_web_too: str  # {link}: added to a Telegram user's invite when the web page is public
    staff_new_header: str  # {ref_no}
    staff_applicant: str  # {name} {id}: under the answers on the staff's card
    btn_approve: str
    btn_return: str
    review_header: str  # {count} {shown}
    review_none: str
    ask_reason: str  # {ref_no} {limit}
    reason_invalid: str  # {limit}
    review_cancelled: str
    decided_approved: str  # {actor}
    decided_returned: str  # {actor} {reason}
    withdrawn_erased: str  # {ref_no}: a card of a project withdrawn by its applicant's erasure
    already_decided: str  # {status}
    card_outdated: str  # {ref_no}
    not_found: str
    applicant_approved: str  # {ref_no} {name}
    referrer_approved: str  # {ref_no} {name} {office}: the contact block
    applicant_returned: str  # {ref_no} {name} {reason}
    btn_resubmit: str  # {ref_no}
    resubmit_cancelled: str  # {ref_no}
    resubmit_timed_out: str  # {minutes} {ref_no}
    resubmit_intro: str  # {ref_no} {reason}: above the 补充说明 step of a correction
    step_resubmit_note: str  # {limit}: the optional 补充说明 for staff
    step_resubmit_note_edit: str  # {limit}: the same, changed from the summary
    btn_resubmit_note_none: str
    resubmit_note_label: str  # the summary's line and the 修改 list's button
    staff_resubmit_note: str  # {note}: on the staff's card of a resubmission
    staff_lookalikes: str  # {refs}: other accounts' projects with the same phone or name+village
    resubmitted: str  # {ref_no} {status}
    resubmit_refused: Mapping[ResubmitRefusal, str]  # (ResubmitRefusal value, text)
    my_projects_returned: str
    staff_resubmitted_header: str  # {ref_no} {reason}
    staff_changed: str  # {fields}: what the resubmission changed
    staff_unchanged: str
    history_resubmitted: str  # the status history's label of a resubmission


@dataclass(frozen=True, slots=True)
class WebTexts:
    """The web page's own words (plain text, set as text by the page) and the channel's label.

    The bot's messages are the same on the web as in Telegram; these are only the page around
    them, sent to the page as JSON.
    """

    title: str
    subtitle: str
    start: str
    placeholder: str
    send: str
    menu: str
    menu_title: str
    close: str
    edited: str
    download: str
    phone_title: str
    phone_hint: str
    phone_invalid: str
    phone_send: str
    cancel: str
    notice_title: str
    notice: str  # {office} {number}
    expired_title: str
    expired: str  # {days} {number} {old} {office}: the session ended after an idle period
    resident: str  # {number}
    offline: str
    too_fast: str
    failed: str
    too_long: str  # {limit}
    ok: str
    channel_web: str  # staff cards: how a web resident is marked


@dataclass(frozen=True, slots=True)
class StatusTexts:
    """The one label of every status value, shown alike in the bot, /stats, /mydata and exports.

    Each table names every member of its enum; ``bot.texts.status_label`` looks a status up.
    """

    projects: Mapping[ProjectStatus, str]  # ProjectStatus
    complaints: Mapping[ComplaintStatus, str]  # ComplaintStatus
    trainings: Mapping[TrainingStatus, str]  # TrainingStatus
    signups: Mapping[SignupStatus, str]  # SignupStatus


@dataclass(frozen=True, slots=True)
class Texts:
    """Every user-visible text of one language."""

    lang: str
    common: CommonTexts
    form: FormTexts
    qa: QaTexts
    trainings: TrainingTexts
    attendance: AttendanceTexts
    stats: StatsTexts
    export: ExportTexts
    unanswered: UnansweredTexts
    broadcast: BroadcastTexts
    complaints: ComplaintTexts
    contact: ContactTexts
    privacy: PrivacyTexts
    registration: RegistrationTexts
    statuses: StatusTexts
    web: WebTexts
