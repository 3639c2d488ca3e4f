"""简体中文 texts (the default language)."""

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
        "{name}，您好！我是<b>{town}创业助手</b> 🤝\n\n"
        "我可以帮您：\n"
        "• 📚 解答全民创业扶持政策（税收返还、引荐奖励、联保贷款、培训……）\n"
        "• 📝 登记新上项目，记下是谁引荐的\n"
        "• 📅 报名创业培训，开课前提醒您\n"
        "• 📣 反映乱收费、乱罚款、乱摊派等问题\n\n"
        "直接打字提问就行，比如：<i>新上项目税收能返还吗？</i>\n"
        "也可以点下面的菜单按钮。"
    ),
    help=(
        "<b>怎么用创业助手</b>\n\n"
        "💬 直接发文字提问，例如“联保贷款怎么办”“引荐项目有奖励吗”。\n"
        "📚 /policies 按类别浏览政策\n"
        "📝 /register 登记新项目　/myprojects 我的项目\n"
        "🔗 /invite 我的引荐链接　/myreferrals 我引荐的项目\n"
        "📅 /trainings 培训报名　/mytrainings 我的培训\n"
        "🔔 /subscribe 订阅培训通知　/unsubscribe 退订\n"
        "📣 /complaint 投诉反映　/complaint_status 查看投诉进度\n"
        "☎️ /contact 给工作人员留言\n"
        "🔒 /mydata 查看我的数据　/deletemydata 删除我的数据\n"
        "🌐 /language 切换语言 / Language\n"
        "❌ /cancel 随时取消当前操作　🏠 /menu 主菜单　🚀 /start 重新开始"
    ),
    help_staff=(
        "<b>工作人员命令</b>（只有工作人员能看到）\n\n"
        "📝 /review 待审核的项目\n"
        "📣 /complaints 未办结的投诉　☎️ /inbox 未回复的留言\n"
        "📊 /stats 统计报表（例如 /stats 本月）\n"
        "📤 /export 导出 Excel / CSV\n"
        "❓ /unanswered 未答出的问题　🔄 /kbreload 重新加载知识库\n"
        "📢 /broadcast 群发通知　📅 /newtraining 发布培训\n"
        "👥 /attendance 培训名单、签到表和到场登记"
    ),
    menu_prompt="🏠 主菜单：请选择您要办的事，或直接打字提问。",
    btn_policies="📚 政策问答",
    btn_register="📝 登记项目",
    btn_trainings="📅 培训报名",
    btn_complaint="📣 投诉反映",
    btn_contact="☎️ 联系工作人员",
    btn_help="❓ 帮助",
    input_placeholder="直接打字提问，例如：税收返还怎么办",
    cancelled="好的，已取消。需要时发送 /menu 回到主菜单。",
    nothing_to_cancel="现在没有进行中的操作。发送 /menu 回到主菜单。",
    unknown_command="抱歉，我不认识 {command} 这个命令。发送 /help 查看能用的命令。",
    non_text=("我暂时只能看懂文字消息 🙏 请把您的问题打成文字发给我，或发送 /menu 打开主菜单。"),
    non_text_call="☎️ 不方便打字？可以直接打电话给{office}：{phone}",
    empty_text="您发来的消息是空的，请打字告诉我您想问什么。",
    error="抱歉，出了点问题，我们已经记录下来。请稍后再试，或发送 /menu 回到主菜单。",
    update_abandoned=(
        "抱歉，您在 {time} 发来的一条消息（或按下的按钮）没能处理，我们已经记录下来。"
        "请再发一次；如果还是不行，请发送 /contact 联系工作人员。"
    ),
    stale_button="这个按钮已经过期了，请发送 /menu 重新开始。",
    not_allowed="抱歉，这项功能只对工作人员开放。",
    slow_down="您发得有点快，请 {seconds} 秒后再试 🙏",
    language_prompt="请选择语言 / Please choose a language:",
    language_set="好的，以后用中文和您交流。",
    btn_lang_zh="中文",
    btn_lang_en="English",
    timed_out=(
        "⏰ 已经 {minutes} 分钟没有收到您的回复，刚才的操作已自动结束，没有保存。"
        "需要时请重新开始，或发送 /menu 回到主菜单。"
    ),
    contact_block=("<b>{office}</b>\n☎️ 电话：{phone}\n📍 地址：{address}\n🕘 办公时间：{hours}"),
    not_configured="暂未公布",
    commands=(
        ("start", "开始 / 主菜单"),
        ("menu", "主菜单"),
        ("policies", "浏览扶持政策"),
        ("register", "登记新项目"),
        ("myprojects", "我的项目"),
        ("invite", "我的引荐链接"),
        ("myreferrals", "我引荐的项目"),
        ("trainings", "培训报名"),
        ("mytrainings", "我的培训"),
        ("subscribe", "订阅培训通知"),
        ("unsubscribe", "退订培训通知"),
        ("complaint", "投诉反映"),
        ("complaint_status", "查看投诉进度"),
        ("contact", "联系工作人员"),
        ("mydata", "查看我的数据"),
        ("deletemydata", "删除我的数据"),
        ("language", "切换语言 / Language"),
        ("help", "使用帮助"),
        ("cancel", "取消当前操作"),
    ),
    staff_commands=(
        ("stats", "统计报表"),
        ("export", "导出 Excel"),
        ("unanswered", "未答出的问题"),
        ("kbreload", "重新加载知识库"),
        ("broadcast", "群发通知"),
        ("newtraining", "发布培训"),
        ("attendance", "培训名单与签到"),
        ("review", "待审核项目"),
        ("complaints", "投诉处理"),
        ("inbox", "居民留言"),
    ),
    list_separator="、",
    field_separator=" · ",
    ellipsis="…",
    busy_in_dialog="您正在{dialog}，请先回答上面的问题，或发送 /cancel 取消后再用菜单。",
    dialog_names=(
        ("registration", "登记项目"),
        ("review_return", "填写退回项目的理由"),
        ("new_training", "发布培训"),
        ("training_manage", "修改培训"),
        ("complaint", "投诉反映"),
        ("complaint_resolve", "填写投诉的办结说明"),
        ("contact", "给工作人员留言"),
        ("contact_reply", "回复居民留言"),
        ("broadcast", "群发通知"),
    ),
    dialog_other="办理另一件事",
)

FORM = FormTexts(
    back_at_first="已经是第一步了。",
    cancelled="好的，已取消{dialog}，填写的内容没有保存。",
    timed_out=(
        "⏰ {dialog}已经 {minutes} 分钟没有回复，已自动结束，填写的内容没有保存。"
        "需要时发送 {again} 重新开始，或发送 /menu 回到主菜单。"
    ),
    reprompt_other="您正在{dialog}：请回答下面的问题，或发送 /cancel 取消。",
    reprompt_non_text="您正在{dialog}，这一步我只能看懂文字 🙏",
    chosen="{label}：<b>{value}</b> ✓",
    btn_submit="✅ 提交",
    btn_edit="✏️ 修改",
    btn_cancel="❌ 取消",
    btn_back_to_summary="↩️ 返回核对",
    choose_field="要修改哪一项？",
    staff_only_ended="抱歉，这项功能只对工作人员开放，{dialog}已结束，没有保存。",
    bad_digits="请用普通数字（0-9）或中文数字输入，例如 50 或 五十。",
)

QA = QaTexts(
    answer="📌 <b>{title}</b>\n\n{answer}",
    answer_footer="\n\n<i>依据镇全民创业工作材料，{reviewed} 审核。政策以镇政府最新解释为准。</i>",
    btn_up="👍 有帮助",
    btn_down="👎 没帮上",
    btn_source="📄 出处",
    related_prefix="🔗 ",
    source="📄 <b>出处</b>\n{source}",
    ambiguous="您是想问下面哪一个？请点一下：",
    abstain=(
        "抱歉，这个问题我还答不上来，不想给您说错 🙏\n\n"
        "您可以：\n• 换个说法再问一次\n• 点“浏览政策”按类别查找\n"
        "• 点“给工作人员留言”，我们会尽快回复您\n\n{contact}"
    ),
    out_of_scope=(
        "这个问题不在本镇全民创业政策的范围内，我答不了，换个说法问也一样 🙏\n\n"
        "{help}\n\n创业方面的事（税收返还、贷款、培训、登记项目……）随时问我。\n\n{contact}"
    ),
    greeting=(
        "您好！我是{town}创业助手 😊 有关全民创业的政策问题直接问我就行，"
        "比如：<i>新上项目的税收能返还吗？</i>"
    ),
    thanks="不客气！还有问题随时问我 😊",
    menu_hint="您想了解哪方面的政策？可以说得具体一点，或按类别选择：",
    menu_hint_topics="您想了解哪方面？可以点下面的主题，或者把问题说得具体一点：",
    too_long=(
        "您的消息有 {length} 个字，有点长 🙏 请用一两句话（{limit} 字以内）说说您想问的政策；"
        "要反映问题请用 /complaint，给工作人员留言请用 /contact。"
    ),
    categories_prompt="📚 请选择政策类别：",
    category_topics="📚 <b>{category}</b>\n请选择您想了解的问题：",
    btn_back_categories="⬅️ 返回类别",
    btn_browse="📚 浏览政策",
    btn_leave_message="☎️ 给工作人员留言",
    feedback_thanks="谢谢您的反馈！",
    feedback_sorry="抱歉没帮上忙。可以换个说法再问，或发送 /contact 给工作人员留言。",
    feedback_not_yours="这条回答不是给您的。",
)

TRAININGS = TrainingTexts(
    list_header="📅 <b>近期培训</b>（{count} 场）。点“报名”即可报名，满员后自动排候补。",
    none_upcoming="近期还没有安排培训。发送 /subscribe 订阅，有新培训时第一时间通知您。",
    mine_header="📋 <b>我的培训</b>（{count} 场）",
    mine_none="您还没有报名培训。发送 /trainings 看看近期的培训。",
    when="{month}月{day}日（{weekday}）{start}–{end}",
    month_names=tuple(f"{m}月" for m in range(1, 13)),
    weekdays=("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    card_title="<b>{title}</b>{status}",
    status_note="（{status}）",
    line_when="🕑 {when}",
    line_place="📍 {place}",
    line_target="👥 适合：{target}",
    line_tags="🏷 {tags}",
    line_description="📝 {description}",
    seats_left="🎟 剩余名额 {left} / 共 {capacity}",
    seats_full="🎟 名额已满（共 {capacity}），候补 {waitlisted} 人",
    you_signed="✅ 您已报名",
    you_waitlisted="⏳ 您在候补第 {position} 位，有人取消时按顺序递补",
    btn_join="✍️ 报名",
    btn_join_waitlist="✍️ 报名候补",
    btn_leave="↩️ 取消报名",
    btn_calendar="📅 加入日历",
    btn_manage="🛠 管理",
    toast_signed="报名成功！开课前会提醒您。",
    toast_waitlisted="名额已满，您已进入候补第 {position} 位。",
    toast_already_signed="您已经报过名了。",
    toast_already_waitlisted="您已在候补第 {position} 位。",
    toast_closed="这场培训已取消或已开始，不能报名了。",
    toast_not_found="没有找到这场培训。",
    toast_confirm_leave="确认后，您的名额会马上让给候补的人。",
    btn_confirm_leave="✅ 确认取消报名",
    btn_keep_seat="↩️ 保留报名",
    toast_withdrawn="已取消报名。",
    toast_not_signed="您没有报名这场培训。",
    calendar_caption="📅 {title}：用手机打开这个文件即可加入日历。",
    subscribe_prompt=(
        "📣 <b>订阅培训通知</b>\n选择您关心的方向，发布相关培训时通知您。\n当前订阅：{current}"
    ),
    subscribe_everything="全部培训",
    subscribed_mark="✅ ",
    unsubscribed_mark="▫️ ",
    tag_separator=" · ",
    btn_done="✔️ 完成",
    subscribed_nothing="（未订阅）",
    subscribe_saved="已保存。当前订阅：{current}\n随时发送 /unsubscribe 退订。",
    unsubscribed="已退订全部培训通知（{count} 项）。想再订阅时发送 /subscribe。",
    unsubscribe_none="您还没有订阅培训通知。发送 /subscribe 订阅。",
    reminder="⏰ <b>培训提醒</b>\n<b>{title}</b>\n🕑 {when}（{left}后开始）\n📍 {place}",
    hours="{n}小时",
    minutes="{n}分钟",
    late_prefix="（补发）",
    late_note="\n\n<i>这是补发的消息，如已收到请忽略。</i>",
    announce="📣 <b>新培训发布</b>\n\n{card}",
    notice_moved=(
        "🕑 <b>培训改期</b>\n<b>{title}</b>\n原定：{old}\n改为：{when}\n📍 {place}\n"
        "您的报名保持不变；不能参加请点 /mytrainings 取消报名。"
    ),
    notice_changed="📍 <b>培训地点变更</b>\n<b>{title}</b>\n🕑 {when}\n新地点：{place}",
    notice_cancelled=(
        "❌ <b>培训取消</b>\n<b>{title}</b>（原定 {when}）已取消，给您带来不便，敬请谅解。"
    ),
    notice_promoted=(
        "🎉 <b>候补成功</b>\n您已获得 <b>{title}</b> 的名额。\n🕑 {when}\n📍 {place}\n"
        "开课前会提醒您；不能参加请点 /mytrainings 取消报名，把名额让给别人。"
    ),
    staff_view=(
        "🛠 <b>培训管理</b>\n\n{card}\n\n已报名 {signed} / {capacity}，候补 {waitlisted} 人"
        "，待发通知 {pending} 条"
    ),
    btn_move="🕑 改期",
    btn_edit_title="✏️ 改标题",
    btn_edit_title_en="🔤 改英文标题",
    btn_edit_place="📍 改地点",
    btn_edit_capacity="🎟 改名额",
    btn_edit_description="📝 改介绍",
    btn_cancel_training="❌ 取消培训",
    btn_confirm_cancel="❌ 确认取消培训",
    btn_keep="↩️ 不取消",
    ask_new_start=(
        "现在定在 {current}。请发送新的开始时间，例如“12月6日 14:00”或“下周三上午9点”，"
        "时长保持不变。发送 /cancel 放弃。"
    ),
    confirm_move="把 <b>{title}</b> 从 {old} 改到 {new}？将通知 {count} 人。",
    btn_confirm_move="✅ 确认改期",
    btn_abort="↩️ 放弃",
    moved_done="已改期，{notified} 人将收到通知，提醒已按新时间重新安排。",
    move_aborted="好的，没有改期。",
    ask_field="现在的{field}：{current}\n请发送新的{field}。发送 /cancel 放弃。",
    field_names=(
        ("title", "标题"),
        ("title_en", "英文标题"),
        ("place", "地点"),
        ("capacity", "名额"),
        ("description", "介绍"),
        ("target_group", "培训对象"),
        ("tags", "标签"),
    ),
    edited="已修改{field}。{notified} 人将收到通知，候补递补 {promoted} 人。",
    confirm_cancel="确定取消 <b>{title}</b>？已报名和候补的 {count} 人都会收到通知。",
    cancelled_done="培训已取消，{notified} 人将收到通知。",
    cancel_kept="好的，培训照常进行。",
    errors=(
        ("past", "开始时间已经过去了，请换一个将来的时间。"),
        ("too_far", "开始时间最多排在两年以内，请核对年份后重新输入。"),
        ("order", "结束时间要晚于开始时间。"),
        ("capacity", "名额请填 1 到 100000 之间的整数。"),
        ("title", "标题请填 1 到 200 个字。"),
        ("place", "地点请填 1 到 200 个字。"),
        ("description", "介绍最多 1000 个字。"),
        ("target", "适合对象最多 200 个字。"),
        ("below_signed", "已报名的人数比这个名额多，名额不能再少了。"),
        ("not_found", "没有找到这场培训。"),
        ("cancelled", "这场培训已经取消了。"),
        ("field", "这一项不能修改。"),
    ),
    ask_title=(
        "发布培训 1/8：请发送培训<b>标题</b>，例如“建筑模板加工技术培训”。"
        "发送 /back 回到上一步，/cancel 放弃。"
    ),
    ask_title_en=(
        "1/8（续）：<b>英文标题</b>（可选），给使用英文的居民看，例如 "
        "“Formwork processing training”。不需要请发“跳过”，英文用户会看到中文标题。"
    ),
    ask_tags=(
        "2/8：请发送<b>标签</b>（行业或主题），用逗号分开，订阅了这些标签的居民会收到通知。"
        "\n常用：{known}\n没有请发“无”。"
    ),
    ask_target="3/8：<b>培训对象</b>是谁？例如“返乡创业人员”。没有请发“无”。",
    ask_start="4/8：<b>开始时间</b>？例如“12月5日 14:00”“2026-12-05 14:00”“明天下午3点”。",
    ask_end="5/8：<b>结束时间或时长</b>？例如“16:00”“2小时”，跨天的写日期：“12月6日 12:00”。",
    ask_place="6/8：<b>地点</b>？例如“镇政府三楼会议室”。",
    ask_capacity="7/8：<b>名额</b>多少人？请发一个数字。",
    ask_description="8/8：<b>介绍</b>（内容、要带的材料等）。没有请发“无”。",
    bad_date=(
        "没看懂这个时间 🙏 请这样写：“12月5日 14:00”“2026-12-05 14:00”"
        "“明天下午3点”或“下周三上午9点”。"
    ),
    bad_capacity="名额请发一个 1 到 100000 之间的数字，例如 30。",
    summary=(
        "请核对：\n\n<b>{title}</b>\n🔤 {title_en}\n🏷 {tags}\n👥 {target}\n🕑 {when}\n📍 {place}\n"
        "🎟 {capacity} 人\n📝 {description}"
    ),
    btn_publish="✅ 发布",
    btn_discard="🗑 放弃",
    published="已发布培训 #{id}，将通知 {announced} 位订阅者。",
    discarded="好的，已放弃，没有发布。",
    skip_words=("无", "没有", "-", "跳过", "none", "skip"),
    none_value="（无）",
    when_span=(
        "{month}月{day}日（{weekday}）{start} – {end_month}月{end_day}日（{end_weekday}）{end}"
    ),
    too_long="一场培训最长 {days} 天，这个结束时间太晚了，请检查日期。",
    reminders_line="开课前 {offsets}会提醒您。",
    signed_confirm="✅ 已报名 <b>{title}</b>\n🕑 {when}\n📍 {place}\n{reminders}",
    waitlist_confirm=(
        "⏳ <b>{title}</b> 名额已满，您在候补第 {position} 位。"
        "有人取消时按顺序递补，递补成功会通知您。"
    ),
    withdrawn_confirm="已取消 <b>{title}</b> 的报名，不会再收到这场培训的提醒。",
    calendar_signed_only="报名成功后才能加入日历；候补递补成功时会通知您。",
    btn_edit_target="👥 改对象",
    btn_edit_tags="🏷 改标签",
    btn_change="✏️ 修改",
    choose_field="要修改哪一项？",
    new_fields=(
        ("title", "标题"),
        ("title_en", "英文标题"),
        ("tags", "标签"),
        ("target", "对象"),
        ("start", "开始时间"),
        ("end", "结束时间"),
        ("place", "地点"),
        ("capacity", "名额"),
        ("description", "介绍"),
    ),
    btn_back_to_summary="↩️ 返回核对",
    back_at_first="已经是第一步了。",
    current_value="（现在填的是：{value}。发送新的内容即可修改，发送 /back 回到上一步。）",
)


ATTENDANCE = AttendanceTexts(
    btn_list="👥 名单",
    btn_sheet="📄 签到表",
    btn_mark="✅ 签到",
    menu_header="👥 <b>培训名单与签到</b>\n选择一场培训（近两周的和即将开始的）：",
    menu_none="近两周没有培训，也没有即将开始的培训。用 /newtraining 发布一场。",
    menu_button="{date} {title}（{count} 人）",
    session_header="👥 <b>{title}</b>\n{when}",
    list_header=("👥 <b>{title}</b>\n{when}\n已报名 {signed} / {capacity}，候补 {waitlisted} 人"),
    list_signed="<b>已报名</b>",
    list_waitlisted="<b>候补</b>（按顺序）",
    list_line="{n}. {mark}{name}{details}",
    list_empty="还没有人报名。",
    no_phone="未留电话",
    no_village="村未知",
    mark_header=(
        "✅ <b>签到：{title}</b>\n点名字标记“到场”，再点一下改为“未到”。\n"
        "到场 {came}，未到 {absent}，未标记 {unmarked}　（第 {page}/{pages} 页）"
    ),
    mark_came="✅ ",
    mark_absent="❌ ",
    mark_unmarked="⬜ ",
    btn_rest_absent="其余已报名的都没来",
    btn_prev="◀ 上一页",
    btn_next="下一页 ▶",
    rest_absent_done="已将 {count} 人标记为未到。",
    errors=table(
        {
            AttendanceProblem.NOT_FOUND: "找不到这场培训，可能已被删除。",
            AttendanceProblem.CANCELLED: "这场培训已取消，不能签到。",
            AttendanceProblem.NOT_STARTED: "培训开始后才能标记到场。开课前可以先下载签到表打印。",
            AttendanceProblem.NOT_LISTED: "此人已不在名单上（可能已取消报名）。",
        },
        AttendanceProblem,
    ),
    sheet_name="签到表",
    sheet_title="签到表：{title}",
    sheet_when="{date}（{weekday}）{start}–{end}　地点：{place}",
    sheet_headers=("序号", "姓名", "村", "电话", "报名状态", "签名", "到场"),
    sheet_caption=(
        "📄 签到表：{title}\n共 {count} 人（已报名 {signed}，候补 {waitlisted}）。"
        "打印后请参加者在“签名”一栏签名。"
    ),
    came="到场",
    absent="未到",
    stats_held="已开课场次",
    stats_came="到场人次",
    stats_absent="未到人次",
    stats_unmarked="未签到标记",
)

STATS = StatsTexts(
    title="📊 <b>全民创业统计</b>　{period}",
    period_all="全部",
    period_since="{first} 以来",
    period_range="{first} 至 {last}",
    bad_period=(
        "看不懂这个时间范围：{text}\n可以这样写：/stats　/stats 本月　/stats 上月　"
        "/stats 11月　/stats 2026-11-01 2026-11-30"
    ),
    reversed_period=(
        "开始日期 {first} 晚于结束日期 {last}。请把早的日期写在前面：/stats {last} {first}"
    ),
    projects_header="<b>项目</b>　共 {total} 个",
    investment="计划投资(万元)",
    jobs="预计新增就业",
    by_applicant_type="按申报人类型",
    by_village="按村",
    by_industry="按行业",
    by_month="按月登记",
    others="其他",
    unlisted_villages="其他村（名单外）",
    unlisted_names="名单外的村（可加入村名单）：{names}",
    referrals_header="引荐",
    referrals="引荐项目",
    referrals_eligible="项目已通过",
    questions_header="政策问答",
    asked="提问",
    answered="已回答",
    ambiguous="需选择",
    abstained="未答出",
    thumbs_up="👍 好评",
    trainings_header="培训报名",
    sessions="涉及场次",
    people="报名人数",
    chart_caption="📊 各村项目数和每月登记的项目数",
    chart_by_village="各村项目数",
    chart_by_month="每月登记的项目数",
    chart_projects="项目数",
    chart_month="{month}月",
    chart_year="{year}年",
    month_abbrs=tuple(f"{m}月" for m in range(1, 13)),
)

EXPORT = ExportTexts(
    choose_what="📤 导出哪一类数据？",
    choose_format="📤 导出{what}：选择文件格式",
    kinds=(
        ("projects", "项目"),
        ("trainings", "培训"),
        ("questions", "问题"),
        ("complaints", "投诉"),
    ),
    btn_xlsx="Excel (xlsx)",
    btn_csv="CSV",
    caption="📤 {what}：{rows} 条记录",
    progress="⏳ 正在生成{what}… {percent}%（{done} / {total} 条）",
    working="⏳ 正在生成{what}…",
    done="✅ {what}已生成：{rows} 条记录",
    caption_part=(
        "📤 {what}：共 {rows} 条记录。文件超过 {mb} MB（Telegram 的上限），"
        "已分成 {parts} 个文件，这是第 {n} 个。"
    ),
    sheet_projects="项目",
    sheet_trainings="培训",
    sheet_questions="问题",
    sheet_complaints="投诉",
    project_headers=(
        "项目编号",
        "项目名称",
        "行业",
        "村",
        "申报人类型",
        "计划投资(万元)",
        "预计新增就业",
        "申报人",
        "申报人ID",
        "联系电话",
        "引荐人",
        "状态",
        "当前处理意见",
        "处理人",
        "处理时间",
        "补充说明",
        "退回记录",
        "登记时间",
        "更新时间",
    ),
    returned_entry="{date} 退回：{reason}",
    resubmitted_entry="{date} 重新提交",
    resubmitted_note="（补充说明：{note}）",
    entry_separator="；",
    training_headers=(
        "培训编号",
        "培训名称",
        "标签",
        "培训对象",
        "开始时间",
        "结束时间",
        "地点",
        "名额",
        "已报名",
        "候补",
        "已取消报名",
        "状态",
        "到场",
        "未到",
    ),
    question_headers=("编号", "提问时间", "问题", "结果", "主题", "置信度", "评价", "语言"),
    complaint_headers=(
        "投诉编号",
        "登记日期",
        "匿名",
        "投诉人",
        "反映事项",
        "涉及部门或人员",
        "发生时间",
        "照片",
        "状态",
        "办理结果",
        "更新日期",
    ),
    decisions=(
        ("answer", "已回答"),
        ("ambiguous", "需选择"),
        ("abstain", "未答出"),
    ),
    feedback=(
        ("up", "👍"),
        ("down", "👎"),
    ),
    yes="是",
    no="否",
    anonymous="（匿名）",
)

UNANSWERED = UnansweredTexts(
    header=(
        "❓ <b>未答出的问题</b>（起始日期：{since}，共 {groups} 组）\n"
        "按出现次数排序。点 ➕ 把问题加为某个主题的例句，发送 /kbreload 后生效。"
    ),
    since_all="不限",
    none="（起始日期：{since}）没有未答出或被点 👎 的问题 👍",
    group="<b>{n}.</b> ×{count}{down}\n{examples}",
    down_note="（其中 👎 {down}）",
    example="• {text}",
    btn_attach="➕ {n}",
    bad_date=(
        "看不懂这个日期：{text}\n可以这样写：/unanswered　/unanswered 2026-11-01　/unanswered 本月"
    ),
    pick_topic="把这个问题加为哪个主题的例句？\n「{text}」",
    btn_browse_all="📚 全部主题",
    all_topics="选择主题（第 {page}/{pages} 页）：\n「{text}」",
    btn_prev="⬅️ 上一页",
    btn_next="下一页 ➡️",
    attached="✅ 已把「{text}」加为「{topic}」的例句。发送 /kbreload 后生效。",
    already="这个问题已经是「{topic}」的例句了。",
    gone="这个问题已不存在（可能已被提问人删除）。",
    no_topic="这个主题已不存在，请重新发送 /unanswered。",
    reloaded="✅ 知识库已重新加载：{topics} 个主题，{examples} 条例句。",
    reload_failed="❌ 知识库有问题，没有重新加载，仍在使用原来的版本：\n<pre>{problems}</pre>",
)

BROADCAST = BroadcastTexts(
    ask_text="📢 请发送要群发的通知内容（文字，{limit} 字以内）。发送 /cancel 取消。",
    too_long="内容有 {length} 字，超过了 {limit} 字，请精简后重新发送。",
    not_text="请发送文字内容，或发送 /cancel 取消。",
    ask_audience="发给谁？",
    btn_all="所有居民（{count} 人，不含工作人员）",
    btn_tag="订阅“{tag}”的（{count} 人）",
    message="📢 <b>{office}通知</b>\n\n{text}",
    preview_intro="👇 预览：居民收到的就是下面这条消息",
    confirm="确认发给{audience}（{count} 人）吗？",
    audience_all="所有居民",
    audience_tag="订阅“{tag}”的用户",
    btn_send="✅ 确认发送",
    btn_cancel="取消",
    started="📤 开始发送，共 {count} 人。发完会告诉您结果。",
    done="📢 群发完成（第 {id} 号）：送达 {delivered}，已屏蔽 {blocked}，失败 {failed}。",
    cancelled="好的，已取消群发。",
    nobody="这个范围内没有可以发送的用户，已取消。",
    reprompt_audience="请点上面的按钮选择发给谁，或发送 /cancel 取消。",
    reprompt_confirm="请点上面的“确认发送”或“取消”。",
)

COMPLAINTS = ComplaintTexts(
    ask_what=(
        "📣 <b>投诉反映</b>\n"
        "您反映的问题会直接转给镇创业办工作人员处理：乱收费、乱罚款、乱摊派（“三乱”），"
        "或投资创业的合法权益受到侵害，都可以反映。\n\n"
        "第 1 步（共 5 步）：请写清<b>发生了什么</b>（{min}–{max} 字）。"
        "发送 /back 回到上一步，随时发送 /cancel 取消。"
    ),
    what_length="请用 {min}–{max} 个字写清经过，您这次写了 {length} 个字。",
    what_no_words=(
        "只有表情或标点，工作人员看不出发生了什么。请用文字写清经过，例如：办执照被多收了三百元。"
    ),
    ask_department="第 2 步：涉及<b>哪个单位或哪个人</b>？不清楚可以写“不清楚”。",
    ask_when="第 3 步：<b>什么时候</b>发生的？例如：上周三上午、三月初。",
    field_length="请用 1–{max} 个字回答。",
    ask_photo="第 4 步：有照片（收据、罚单等）可以发一张过来；没有就点“跳过”。",
    photo_expected="请发一张照片，或点“跳过”。",
    btn_skip="跳过",
    skip_words=("跳过", "没有", "无", "skip"),
    ask_anonymity=(
        "第 5 步：您希望<b>实名</b>还是<b>匿名</b>反映？\n\n"
        "👤 <b>实名</b>：工作人员能看到您的名字，方便核实情况；处理进展会主动发给您。\n\n"
        "🕶 <b>匿名</b>：系统不记录是谁提交的，工作人员在机器人里、导出的表格和日志里都看不到您。"
        "也正因为不记录，系统没法主动通知您：提交后您会得到一个<b>查询码</b>，"
        "凭它随时点按钮查看进度。"
    ),
    btn_named="👤 实名",
    btn_anonymous="🕶 匿名",
    summary=(
        "请核对您的投诉：\n\n<b>经过</b>：{what}\n<b>涉及单位/人</b>：{department}\n"
        "<b>时间</b>：{when}\n<b>照片</b>：{photo}\n<b>方式</b>：{mode}"
    ),
    photo_yes="有（1 张）",
    photo_no="无",
    mode_named="实名",
    mode_anonymous="匿名",
    btn_edit_what="经过",
    btn_edit_department="单位/人",
    btn_edit_when="时间",
    btn_edit_photo="照片",
    btn_edit_mode="实名/匿名",
    filed_named="✅ 已收到您的投诉，编号 <b>{ref}</b>。工作人员处理时会在这里通知您。",
    filed_anonymous=(
        "✅ 已匿名收到您的投诉，编号 <b>{ref}</b>。\n\n"
        "🔑 查询码：<code>{code}</code>\n"
        "请保存好这条消息，或把查询码抄在纸上（不分大小写，没有容易看错的 O、I、L）："
        "系统只保存查询码的“指纹”，认不出是谁，丢了也无法找回。"
        "点下面的按钮，或发送 /complaint_status {ref} {code} 查看进度。"
    ),
    btn_check="🔎 查看进度",
    staff_notice=(
        "📣 <b>投诉 {ref}</b>（{filed}）\n提交人：{who}\n涉及单位/人：{department}\n"
        "时间：{when}\n\n{what}\n\n状态：<b>{status}</b>"
    ),
    anonymous_label="匿名",
    named_label="{name}（{username}，ID {id}）",
    photo_caption="{ref} 附图",
    btn_handling="🛠 处理中",
    btn_resolve="✅ 已办结",
    ask_note="请写一句办结说明（会告诉投诉人），投诉 {ref}。发送 /cancel 取消。",
    note_length="请用 1–{max} 个字写办结说明。",
    changed="{ref} 已改为“{status}”，给投诉人的通知已加入发送队列。",
    changed_anonymous="{ref} 已改为“{status}”。匿名投诉人可凭查询码查看。",
    already="{ref} 已经是“{status}”了。",
    settled="{ref} 已办结，不能再改。",
    missing="找不到这条投诉。",
    update_for_complainant="📣 您的投诉 <b>{ref}</b> 有新进展：<b>{status}</b>",
    note_line="\n办结说明：{note}",
    open_title="📣 <b>未办结的投诉</b>（{count} 条）：",
    open_item="<b>{ref}</b> · {status} · {filed} · {department}\n{what}",
    open_none="没有未办结的投诉 👍",
    check_result="📣 投诉 <b>{ref}</b>\n状态：<b>{status}</b>\n提交日期：{filed}{note}",
    check_too_many=(
        "查询码输错的次数太多了，请 {minutes} 分钟后再试。查询码不分大小写，中间的横线可写可不写。"
    ),
    check_unknown="没有找到这条投诉，请检查编号和查询码。",
    check_usage=(
        "查看匿名投诉的进度：点提交时收到的“查看进度”按钮，或发送 /complaint_status 编号 查询码。"
    ),
    mine_title="您实名提交的投诉：",
    mine_none="您还没有实名提交过投诉。",
)

CONTACT = ContactTexts(
    ask_message=(
        "☎️ <b>给工作人员留言</b>\n请写下您想说的话（{min}–{max} 字），"
        "工作人员会在这里回复您。发送 /cancel 取消。\n\n也可以直接联系：\n{contact}"
    ),
    message_length="请用 {min}–{max} 个字写留言，您写了 {length} 个字。",
    sent="✅ 留言已转给工作人员（#{id}），回复会发到这里。",
    staff_notice="☎️ <b>居民留言 #{id}</b>\n来自：{who}\n\n{text}",
    btn_reply="↩️ 回复",
    ask_reply="请写给 {who} 的回复（留言 #{id}）。发送 /cancel 取消。",
    reply_length="请用 1–{max} 个字写回复。",
    reply_sent="✅ 已回复留言 #{id}。",
    reply_queued="✅ 已回复留言 #{id}。回复已加入发送队列，网络恢复后自动发给居民。",
    reply_undeliverable="对方已屏蔽机器人，留言 #{id} 的回复没能送达，仍算未回复。",
    already_answered="留言 #{id} 已经有工作人员回复过了。",
    missing="找不到这条留言。",
    reply_to_resident="☎️ <b>工作人员回复了您的留言</b>\n\n您的留言：{message}\n\n回复：{reply}",
    inbox_title="☎️ <b>未回复的留言</b>（{count} 条）：",
    inbox_item="<b>#{id}</b> · {when} · {who}\n{text}",
    inbox_none="没有未回复的留言 👍",
    btn_reply_item="↩️ 回复 #{id}",
)

PRIVACY = PrivacyTexts(
    header=(
        "🔒 <b>我们保存的您的数据</b>\n"
        "依据《个人信息保护法》，您可以随时查看，也可以发送 /deletemydata 删除。"
    ),
    profile=(
        "<b>基本信息</b>\nTelegram ID：{id}\n名字：{name}\n用户名：{username}\n语言：{lang}\n"
        "首次使用：{created}\n最近使用：{seen}\n引荐码：{code}"
    ),
    projects_title="<b>登记的项目</b>（{count}）",
    project_item=(
        "{ref} {name} · {village} · {industry} · 投资 {investment} 万元 · 带动就业 {jobs} 人 · "
        "电话 {phone} · {status}"
    ),
    referrals_title="<b>引荐记录</b>（{count}）",
    referral_made="{when}：您引荐了项目 {ref}",
    referral_received="{when}：您的项目 {ref} 由他人引荐",
    questions_title="<b>问过的问题</b>（{count}）",
    question_item="{when}：{text}",
    trainings_title="<b>培训报名</b>（{count}）",
    training_item="{when} {title} · {status}",
    subscriptions_title="<b>培训通知订阅</b>：{tags}",
    complaints_title="<b>实名投诉</b>（{count}）",
    complaint_item="{ref} · {status} · {what}",
    anonymous_note="匿名投诉与您没有任何关联，这里查不到，也无法删除；凭查询码可以查看进度。",
    messages_title="<b>给工作人员的留言</b>（{count}）",
    message_item="{when}：{text}",
    message_reply="\n　↩️ 回复：{reply}",
    nothing="（无）",
    none_value="—",
    as_document="内容较多，已整理成文件发给您。",
    document_name="我的数据.txt",
    confirm_delete=(
        "⚠️ <b>确定要删除您的个人数据吗？</b>\n\n"
        "会删除：名字、用户名、电话、项目名称、您写的问题和留言、实名投诉的内容、"
        "培训报名和订阅、未完成的对话。\n"
        "会保留（不含个人信息，用于全镇统计）：项目的村、行业、投资额、就业人数和状态，"
        "问题的数量和分类。\n\n删除后无法恢复。"
    ),
    erase_pending=(
        "📝 您有 {count} 个项目还在审核中或等您修改（{refs}）：删除后这些项目会<b>撤回</b>，"
        "不再审核，也不会计入通过的项目；如果是别人引荐的，引荐人会收到“项目已撤回”的通知，"
        "这次引荐也就没有奖励可谈了。"
    ),
    erase_approved=(
        "✅ 已通过的 {count} 个项目（{refs}）继续计入全镇统计（村、行业、投资、就业），"
        "但不再保留您的名字、电话和项目名称。"
    ),
    erase_referrer=(
        "🔗 您引荐过 {count} 个项目：删除后这些引荐记录仍计入统计，但不再和您关联，"
        "您在这里查不到它们，也<b>无法再凭本账号向创业办申请引荐奖励</b>。"
        "如果想申请，请先联系创业办，再删除。"
    ),
    erase_done_withdrawn="已撤回 {count} 个未审核完的项目：{refs}。",
    referrer_withdrawn=(
        "ℹ️ 您引荐的项目 <b>{ref_no}</b> 已撤回：申报人删除了自己的个人数据，这个项目不再审核。"
    ),
    btn_confirm_delete="🗑 确认删除",
    btn_keep="取消",
    deleted="✅ 已删除您的个人数据。以后再给我发消息，只会重新记录最基本的信息（名字和语言）。",
    kept="好的，没有删除任何数据。",
    erased_name="（已删除）",
)


REGISTRATION = RegistrationTexts(
    step_name=(
        "📝 <b>登记新项目</b>（第 1/8 步）\n请输入<b>项目名称</b>（{limit} 个字以内）。\n"
        "随时发送 /back 返回上一步，/cancel 取消。"
    ),
    step_industry="（第 2/8 步）项目属于哪个<b>行业</b>？不在列表里请点“其他”。",
    step_industry_other="请输入行业名称（{limit} 个字以内）：",
    step_village="（第 3/8 步）项目在哪个<b>村</b>？名单里没有的村请点“其他村”。",
    step_village_other="请输入<b>村名</b>（{limit} 个字以内），例如“王家庄”：",
    btn_other_village="其他村",
    village_unlisted="{village}（未在名单中）",
    error_village_unknown=(
        "名单里没有“{text}”这个村。请点下方按钮选择；名单里没有的村，请点“其他村”后输入村名。"
    ),
    error_village_unrecognisable="请用文字写村名，例如“王家庄”“东关村”。",
    step_applicant_type="（第 4/8 步）您的<b>身份</b>是？",
    step_investment=(
        "（第 5/8 步）计划<b>投资</b>多少<b>万元</b>？请直接输入数字，例如 50 或 1.5。"
    ),
    investment_confirm="您填的是 {wan} 万元，也就是 {full}，对吗？",
    investment_full="{amount}元",
    btn_investment_yes="✅ 对，没填错",
    btn_investment_no="✏️ 不对，重新填（单位是万元）",
    step_jobs="（第 6/8 步）预计<b>新增就业岗位</b>多少个？请输入整数，例如 8；没有请输入 0。",
    error_jobs_number=(
        "请输入一个整数，例如 8、15 或 三十；说不准就填个大概的整数（“十几个”可以写 15），"
        "没有请输入 0。"
    ),
    step_phone=(
        "（第 7/8 步）请留下您的<b>手机号</b>，方便镇里联系您：点下方“📱 发送我的手机号”，"
        "或直接输入 11 位手机号。"
    ),
    step_referrer=(
        "（第 8/8 步）有<b>引荐人</b>吗？请输入引荐人姓名（{limit} 个字以内）；"
        "没有请点“没有引荐人”。"
    ),
    step_referrer_linked=(
        "（第 8/8 步）您是通过 <b>{name}</b> 的引荐链接来的，记 {name} 为<b>引荐人</b>吗？"
        "也可以直接输入其他引荐人的姓名。"
    ),
    referrer_self="（您打开的是自己的引荐链接：不能引荐自己，所以没有预填引荐人。）",
    referrer_unknown="（您打开的引荐链接无效，所以没有预填引荐人。）",
    invited_by=(
        "🔗 您是通过 {name} 的引荐链接来的：登记项目（/register）时会自动记 {name} 为引荐人。"
    ),
    link_unknown=(
        "⚠️ 这个引荐链接无效（可能复制时缺了字，或已经失效），所以不会自动记录引荐人。"
        "登记项目（/register）时可以直接输入引荐人的姓名，或请对方重新发一次链接。"
    ),
    link_self="这是您自己的引荐链接：不能引荐自己。把它发给想创业的朋友吧（/invite）。",
    btn_other="其他",
    btn_share_phone="📱 发送我的手机号",
    btn_referrer_keep="✅ 是",
    btn_no_referrer="没有引荐人",
    phone_saved="联系电话：<b>{phone}</b> ✓",
    field_labels=table(
        {
            ProjectField.NAME: "项目名称",
            ProjectField.INDUSTRY: "行业",
            ProjectField.VILLAGE: "所在村",
            ProjectField.APPLICANT_TYPE: "申请人身份",
            ProjectField.INVESTMENT: "计划投资",
            ProjectField.JOBS: "新增岗位",
            ProjectField.PHONE: "联系电话",
            ProjectField.REFERRER: "引荐人",
        },
        ProjectField,
    ),
    summary_title="<b>请核对登记信息</b>",
    summary_line="{label}：{value}",
    investment_value="{value} 万元",
    jobs_value="{value} 个",
    privacy=(
        "🔒 以上信息和您的账号只用于项目登记、审核和联系您；"
        "发送 /mydata 查看，/deletemydata 删除。"
    ),
    referrer_none="无",
    referrer_linked="{name}（引荐链接）",
    duplicate=(
        "⚠️ 您在 {when} 已经登记过同名项目“{name}”（编号 {ref_no}）。确定这次不是重复登记吗？"
    ),
    btn_duplicate_back="↩️ 返回核对（保留已填内容）",
    btn_duplicate_confirm="是新项目，继续提交",
    duplicate_returned=(
        "⚠️ 您在 {when} 登记的同名项目“{name}”（编号 {ref_no}）被退回了。"
        "如果是同一个项目，请点“修改并重新提交”改正它，不用重新登记；"
        "如果确实是另一个新项目，点“是新项目，继续提交”。"
    ),
    submitted=(
        "✅ <b>项目已提交</b>\n登记编号：<b>{ref_no}</b>\n状态：{status}\n\n"
        "接下来：镇全民创业服务办公室会审核您的登记，结果会在这里通知您，需要时工作人员会电话联系您。"
        "新上项目当年形成的税收可能可以返还，详见下方按钮。发送 /myprojects 随时查看进度。"
    ),
    btn_tax_rebate="新上项目的税收返还",
    referral_credited="🤝 已记 {name} 为本项目的引荐人。",
    referral_refused=table(
        {
            ReferralRefusal.SELF_REFERRAL: "未记引荐人：不能引荐自己的项目。",
            ReferralRefusal.ALREADY_CREDITED: "未记引荐人：这个项目已经有引荐人了。",
            ReferralRefusal.UNKNOWN_REFERRER: "未记引荐人：这位引荐人已不在系统中。",
            ReferralRefusal.UNKNOWN_PROJECT: "未记引荐人：找不到这个项目。",
        },
        ReferralRefusal,
    ),
    step_name_edit="请输入新的<b>项目名称</b>（{limit} 个字以内）。",
    choice_gone="“{label}”的选项有变化，您原来选的已经不在列表里了，请重新选择。",
    stale_button="这个按钮已经过期了。",
    errors=table(
        {
            Problem.EMPTY: "内容是空的，请重新输入。",
            Problem.INVISIBLE: "没有看到能显示的文字，请重新输入。",
            Problem.TOO_LONG: "最多 {limit} 个字，您输入了 {length} 个字，请缩短后重新输入。",
            Problem.NOT_A_NUMBER: "请输入数字，例如 50 或 1.5。",
            Problem.NEGATIVE: "不能是负数，请重新输入。",
            Problem.ZERO: "数值要大于 0，请重新输入。",
            Problem.TOO_LARGE: "这个数太大了（最多 {maximum}），请核对后重新输入。",
            Problem.NOT_WHOLE: "请输入整数，例如 8。",
            Problem.BAD_PHONE: "这不是有效的手机号：请输入 11 位大陆手机号，例如 13800138000。",
            Problem.NOT_A_CHOICE: "请点下方的按钮选择。",
            Problem.BAD_DIGITS: "请用普通数字（0-9）或中文数字输入，例如 50 或 五十。",
            TextProblem.TOO_SHORT: "太短了，请多写几个字。",
        },
        Problem,
        TextProblem,
    ),
    error_name_too_long=("项目名称最多 {limit} 个字，您输入了 {length} 个字，请缩短后重新输入。"),
    error_name_unrecognisable=(
        "项目名称要让人看得出是什么项目，请用文字写，例如“东关村香菇大棚”“模板加工厂”。"
    ),
    error_name_question=(
        "这看起来像是一个问题，不像项目名称。想问政策的话，请先发送 /cancel 结束登记，再直接提问；"
        "要登记项目，请输入项目名称，例如“模板加工厂”。"
    ),
    error_other_unrecognisable="请用文字写行业名称，例如“竹编”“农家乐”。",
    error_zero_investment="投资额要大于 0 万元，请重新输入。",
    error_foreign_contact=(
        "这是别人的联系人：请点“📱 发送我的手机号”分享您自己的号码，或直接输入手机号。"
    ),
    my_projects_none="您还没有登记项目。发送 /register 登记新项目。",
    my_projects_header="<b>我的项目</b>（共 {count} 个）",
    my_project="<b>{ref_no}</b> {name}\n当前状态：{status}\n{history}",
    history_line="· {time} {status}{note}",
    history_note="：{note}",
    name_erased="（已删除）",
    my_referrals_none="您还没有引荐过项目。发送 /invite 获取您的引荐链接。",
    my_referrals_header=(
        "<b>我引荐的项目</b>：共 {count} 个，其中 {eligible} 个已通过审核。\n"
        "按镇里的报告，“每新上一个项目对引荐人给予一定的现金奖励”；"
        "奖励金额和条件由镇创业办确定，通过审核不等于一定有奖励，请向创业办咨询。"
    ),
    my_referral="· <b>{ref_no}</b> {name}：{status}，{reward}",
    reward_eligible="奖励请向创业办咨询",
    reward_pending="尚未通过审核",
    invite=(
        "🔗 <b>您的专属引荐链接</b>\n{link}\n\n"
        "把链接或这张二维码发给想创业的朋友：他们通过链接登记的项目会记在您的引荐名下。"
        "按镇里的报告，“每新上一个项目对引荐人给予一定的现金奖励”；"
        "奖励金额和条件由镇创业办确定。发送 /myreferrals 查看进展。"
    ),
    invite_web_too="\n\n🌐 不用 Telegram 的朋友可以打开网页版：{link}",
    invite_web_unset=(
        "🔗 <b>您的专属引荐码</b>\n<code>{command}</code>\n\n"
        "网页版的公开地址还没有设置好，暂时不能生成网页链接。"
        "请朋友打开本网页后发送上面这行字，他们登记的项目就会记在您的引荐名下；"
        "用 Telegram 的朋友可以直接打开：{link}\n"
        "奖励金额和条件由镇创业办确定。发送 /myreferrals 查看进展。"
    ),
    staff_new_header="🆕 <b>新项目待审核</b> {ref_no}",
    staff_applicant="申请人：{name}（ID {id}）",
    btn_approve="✅ 通过",
    btn_return="↩️ 退回",
    review_header="待审核项目共 {count} 个，下面是最早的 {shown} 个：",
    review_none="目前没有待审核的项目。",
    ask_reason=(
        "请输入退回 <b>{ref_no}</b> 的原因（{limit} 字以内，会发给申请人）。发送 /cancel 放弃。"
    ),
    reason_invalid="原因不能为空，最多 {limit} 个字，请重新输入。",
    review_cancelled="已放弃退回，项目仍待审核。",
    decided_approved="✅ 已通过（操作人：{actor}）",
    decided_returned="↩️ 已退回（操作人：{actor}）：{reason}",
    withdrawn_erased="项目 {ref_no} 已撤回：申报人删除了个人数据，不再审核。",
    already_decided="这个项目已经处理过了（{status}），无需重复操作。",
    card_outdated="这张卡片已过期：项目 {ref_no} 退回后已重新提交，请在最新的卡片上审核。",
    not_found="找不到这个项目。",
    applicant_approved="🎉 您登记的项目 <b>{ref_no}</b>“{name}”已通过审核。",
    referrer_approved=(
        "🎉 您引荐的项目 <b>{ref_no}</b>“{name}”已通过审核。"
        "按镇里的报告，“每新上一个项目对引荐人给予一定的现金奖励”；"
        "奖励金额和条件由镇创业办确定，是否符合条件请向创业办咨询：\n\n{office}"
    ),
    applicant_returned=(
        "您登记的项目 <b>{ref_no}</b>“{name}”被退回，原因：{reason}\n"
        "点下方按钮修改后重新提交（登记编号不变）；有疑问请发送 /contact 联系工作人员。"
    ),
    btn_resubmit="✏️ 修改并重新提交 {ref_no}",
    resubmit_cancelled=(
        "好的，已放弃这次修改：项目 {ref_no} 没有改动，仍是“已退回”。"
        "需要时发送 /myprojects，点“修改并重新提交”。"
    ),
    resubmit_timed_out=(
        "⏰ 修改已经 {minutes} 分钟没有回复，已自动结束：项目 {ref_no} 没有改动，仍是“已退回”。"
        "需要时发送 /myprojects，点“修改并重新提交”。"
    ),
    resubmit_intro="✏️ 您正在修改被退回的项目 <b>{ref_no}</b>。\n退回原因：{reason}",
    step_resubmit_note=(
        "如果退回原因问到的信息登记表里没有（例如厂址在哪个组），请直接输入<b>补充说明</b>"
        "（{limit} 字以内），会和项目一起交给工作人员；不需要请点“不用补充”。\n"
        "接下来可以核对各项，点“✏️ 修改”改正，改好后点“✅ 提交”。引荐人不能更改。"
    ),
    step_resubmit_note_edit=(
        "请输入新的<b>补充说明</b>（{limit} 字以内）；不需要补充说明请点“不用补充”。"
    ),
    btn_resubmit_note_none="不用补充",
    resubmit_note_label="补充说明",
    staff_resubmit_note="📎 申请人补充说明：{note}",
    resubmitted=(
        "✅ <b>项目已重新提交</b>\n登记编号：<b>{ref_no}</b>\n状态：{status}\n\n"
        "镇全民创业服务办公室会重新审核，结果会在这里通知您。发送 /myprojects 随时查看进度。"
    ),
    resubmit_refused=table(
        {
            ResubmitRefusal.NOT_FOUND: "找不到这个项目，或者它不是您登记的。",
            ResubmitRefusal.NOT_RETURNED: (
                "这个项目现在不是“已退回”状态，不需要重新提交。发送 /myprojects 查看进度。"
            ),
        },
        ResubmitRefusal,
    ),
    my_projects_returned="被退回的项目可以修改后重新提交：",
    staff_resubmitted_header="🔁 <b>退回后重新提交，待审核</b> {ref_no}\n上次退回原因：{reason}",
    history_resubmitted="重新提交",
    staff_changed="这次修改了：{fields}",
    staff_unchanged="这次没有修改登记内容。",
)

STATUSES = StatusTexts(
    projects=table(
        {
            ProjectStatus.SUBMITTED: "待审核",
            ProjectStatus.APPROVED: "已通过",
            ProjectStatus.RETURNED: "已退回",
            ProjectStatus.WITHDRAWN: "已撤回",
        },
        ProjectStatus,
    ),
    complaints=table(
        {
            ComplaintStatus.RECEIVED: "已收到",
            ComplaintStatus.HANDLING: "处理中",
            ComplaintStatus.RESOLVED: "已办结",
        },
        ComplaintStatus,
    ),
    trainings=table(
        {
            TrainingStatus.SCHEDULED: "正常",
            TrainingStatus.MOVED: "已改期",
            TrainingStatus.CANCELLED: "已取消",
        },
        TrainingStatus,
    ),
    signups=table(
        {
            SignupStatus.SIGNED: "已报名",
            SignupStatus.WAITLISTED: "候补",
            SignupStatus.CANCELLED: "已取消报名",
        },
        SignupStatus,
    ),
)

WEB = WebTexts(
    title="创业助手",
    subtitle="全民创业服务 · 网页版",
    start="开始",
    placeholder="输入问题，例如：返税怎么申请",
    send="发送",
    menu="菜单",
    menu_title="常用命令",
    close="关闭",
    edited="已编辑",
    download="下载",
    phone_title="发送我的手机号",
    phone_hint="请输入 11 位大陆手机号，例如 13800138000",
    phone_invalid="手机号格式不对：请输入 11 位大陆手机号，例如 13800138000。",
    phone_send="发送",
    cancel="取消",
    notice_title="关于您的记录",
    notice=(
        "您的对话保存在服务器上，并通过本浏览器识别您（网页编号 {number}）。"
        "清除浏览器数据、换手机或换浏览器后，您会成为新用户，看不到以前的对话。"
        "已登记的项目不会丢失：请联系{office}，报上网页编号 {number} 或登记编号找回。"
    ),
    expired_title="会话已过期",
    expired=(
        "您已超过 {days} 天没有使用本页面，原来的会话已结束，以前的对话不再显示；"
        "现在您是新用户（网页编号 {number}）。以前登记的项目不会丢失：请联系{office}，"
        "报上以前的网页编号{old} 或登记编号找回。"
    ),
    resident="网页编号 {number}",
    offline="网络断开，正在重新连接…",
    too_fast="操作太频繁，请稍等片刻再试。",
    failed="没有发送成功，请稍后再试。",
    too_long="消息太长了：最多 {limit} 个字。",
    ok="知道了",
    channel_web="🌐 网页用户",
)

ZH = Texts(
    lang="zh",
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
