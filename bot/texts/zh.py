"""简体中文 texts (the default language)."""

from __future__ import annotations

from bot.texts.sections import CommonTexts, QaTexts, Texts

COMMON = CommonTexts(
    start=(
        "{name}，您好！我是<b>{town}创业助手</b> 🤝\n\n"
        "我可以帮您：\n"
        "• 📚 解答全民创业扶持政策（税收返还、引荐奖励、联保贷款、培训……）\n"
        "• 📝 登记新上项目，引荐人可获奖励\n"
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
        "📣 /complaint 投诉反映　☎️ /contact 给工作人员留言\n"
        "🔒 /mydata 查看我的数据　/deletemydata 删除我的数据\n"
        "🌐 /language 切换语言 / Language\n"
        "❌ /cancel 随时取消当前操作　🏠 /menu 主菜单"
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
    empty_text="您发来的消息是空的，请打字告诉我您想问什么。",
    error="抱歉，出了点问题，我们已经记录下来。请稍后再试，或发送 /menu 回到主菜单。",
    stale_button="这个按钮已经过期了，请发送 /menu 重新开始。",
    not_allowed="抱歉，这项功能只对工作人员开放。",
    slow_down="您发得有点快，请 {seconds} 秒后再试 🙏",
    language_prompt="请选择语言 / Please choose a language:",
    language_set="好的，以后用中文和您交流。",
    btn_lang_zh="中文",
    btn_lang_en="English",
    contact_block=("<b>{office}</b>\n☎️ 电话：{phone}\n📍 地址：{address}\n🕘 办公时间：{hours}"),
    not_configured="（暂未公布，请到镇政府咨询）",
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
        ("review", "待审核项目"),
        ("complaints", "投诉处理"),
        ("inbox", "居民留言"),
    ),
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
    greeting=(
        "您好！我是{town}创业助手 😊 有关全民创业的政策问题直接问我就行，"
        "比如：<i>新上项目的税收能返还吗？</i>"
    ),
    thanks="不客气！还有问题随时问我 😊",
    menu_hint="您想了解哪方面的政策？可以说得具体一点，或按类别选择：",
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

ZH = Texts(lang="zh", common=COMMON, qa=QA)
