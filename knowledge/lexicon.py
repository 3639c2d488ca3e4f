"""The domain lexicon: how residents' words map onto the words the topics use.

Data only, kept in code so it loads in microseconds (no jieba, no opencc). ``REWRITES`` turns
colloquial words, synonyms, common typos and homophones into one canonical form that the
topic files also use; ``STOP_PHRASES`` are question words and fillers that carry no topic;
``T2S`` is a small traditional-to-simplified table for the characters this domain uses.
Staff add topic-specific synonyms in the topic files instead; this is for words many topics
share or that are typos of them.
"""

from __future__ import annotations

from collections.abc import Mapping


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: lists below stay easy to read and edit."""
    return frozenset(text.split())


# Variant -> canonical. Applied longest-first on folded text, before segmentation. A canonical
# form should itself occur in the topic files' keywords, otherwise it matches nothing.
REWRITES: Mapping[str, str] = {
    # tax rebate
    "返税": "税收返还",
    "退税": "税收返还",
    "税返": "税收返还",
    "税收返回": "税收返还",
    "税收退还": "税收返还",
    "税款返还": "税收返还",
    "返还税": "税收返还",
    "退还税": "税收返还",
    "税费返还": "税收返还",
    "返还税收": "税收返还",
    "头一年": "当年",
    "头年": "当年",
    "第一年": "当年",
    "反还": "返还",
    "返换": "返还",
    "饭还": "返还",
    "返回来": "返还",
    "退回来": "返还",
    "退给": "返还",
    "还给": "返还",
    "交的税": "税收",
    "缴的税": "税收",
    "纳的税": "税收",
    "交税": "税收",
    "缴税": "税收",
    "纳税": "税收",
    "税款": "税收",
    "税钱": "税收",
    "说收": "税收",
    "水收": "税收",
    # referral
    "介绍": "引荐",
    "推建": "引荐",
    "引见": "引荐",
    "牵线": "引荐",
    "拉来": "引荐",
    "拉个项目": "引荐项目",
    "拉项目": "引荐项目",
    "招来": "引荐",
    "引来": "引荐",
    "引个项目": "引荐项目",
    "引项目": "引荐项目",
    "引进": "引荐",
    "招商引资": "引荐项目",
    "引荐人": "引荐",
    "奖金": "奖励",
    # "有啥好处" asks what the policies offer; "好处费" (above: a referral fee) is longer.
    "好处": "优惠",
    "奖励金": "奖励",
    "好处费": "奖励",
    "辛苦费": "奖励",
    "提成": "奖励",
    "红包": "奖励",
    "奖历": "奖励",
    "奖力": "奖励",
    "讲励": "奖励",
    "现金奖": "现金奖励",
    "给钱": "现金奖励",
    # loans and money
    "借钱": "贷款",
    "贷到款": "贷款",
    "贷上款": "贷款",
    "贷着款": "贷款",
    "借到钱": "贷款",
    "借款": "贷款",
    "贷钱": "贷款",
    "借点钱": "贷款",
    "贷点款": "贷款",
    "借贷": "贷款",
    "贷宽": "贷款",
    "代款": "贷款",
    "带款": "贷款",
    "待款": "贷款",
    "货款": "贷款",
    "融资": "贷款",
    # a home loan is a mortgage (out of scope), however it is put
    "房子贷款": "房贷",
    "住房贷款": "房贷",
    "房屋贷款": "房贷",
    "买房子": "买房",
    "联保贷款": "联保贷款",
    "联保贷": "联保贷款",
    "大联保": "联保贷款",
    "互保": "联保贷款",
    "联户担保": "联保贷款",
    "资金紧张": "缺资金",
    "资金困难": "缺资金",
    "没钱": "缺资金",
    "缺钱": "缺资金",
    "钱不够": "缺资金",
    "没本钱": "缺资金",
    "缺本钱": "缺资金",
    "本钱不够": "缺资金",
    "没有本钱": "缺资金",
    "周转不开": "缺资金",
    "周转不过来": "缺资金",
    "周转不灵": "缺资金",
    "资金周转": "缺资金",
    "资金瓶颈": "缺资金",
    "销路": "产品销售",
    "卖不出去": "产品销售",
    "卖不掉": "产品销售",
    "卖货": "产品销售",
    "销售": "产品销售",
    "招工": "用工",
    "招人": "用工",
    "缺工人": "用工",
    "缺人手": "用工",
    "工人": "用工",
    # training
    "陪训": "培训",
    "赔训": "培训",
    "培驯": "培训",
    "培圳": "培训",
    "培训班": "培训",
    "上课": "培训",
    "讲课": "培训",
    "课程": "培训",
    "学习班": "培训",
    "学技术": "学技能",
    "学手艺": "学技能",
    "学本事": "学技能",
    "技能培训": "培训",
    "创业培训": "培训",
    # study tours
    "参关": "参观",
    "观摩": "参观",
    "考察": "参观",
    "取经": "参观",
    "外出学习": "外出参观",
    "出去学习": "外出参观",
    "出去看看": "外出参观",
    "出去考察": "外出参观",
    # wood, timber, quarantine
    "木叶协会": "木业协会",
    "木材协会": "木业协会",
    "木头协会": "木业协会",
    "木业商会": "木业协会",
    "检议": "检疫",
    "检役": "检疫",
    "捡疫": "检疫",
    "检一": "检疫",
    "检疫所": "检疫站",
    "木头": "木材",
    "木料": "木材",
    "板材": "木材",
    "原木": "木材",
    "扒皮": "木材扒皮",
    "剥皮": "木材扒皮",
    "模版": "模板",
    "磨板": "模板",
    "摸板": "模板",
    "建筑木板": "建筑模板",
    "板厂": "模板厂",
    "板子厂": "模板厂",
    # complaints
    "乱收费": "三乱",
    "乱罚款": "三乱",
    "乱摊派": "三乱",
    "乱集资": "三乱",
    "摊派": "三乱",
    "乱收钱": "三乱",
    "乱罚钱": "三乱",
    "乱要钱": "三乱",
    "吃拿卡要": "三乱",
    "敲诈": "三乱",
    "刁难": "三乱",
    "三路": "三乱",
    "三难": "三乱",
    "投诉": "投诉",
    "举报": "投诉",
    "告状": "投诉",
    "反映问题": "投诉",
    "维权": "合法权益",
    "权益": "合法权益",
    "侵占": "合法权益",
    "侵犯": "合法权益",
    "霸占": "合法权益",
    "合法权利": "合法权益",
    # returnees and people
    "回老家": "返乡",
    "回家乡": "返乡",
    "回乡": "返乡",
    "回村": "返乡",
    "回家创业": "返乡创业",
    "回来开厂": "返乡创业",
    "回来办厂": "返乡创业",
    "回来开店": "返乡创业",
    "回来创业": "返乡创业",
    "返相": "返乡",
    "反乡": "返乡",
    "打工的": "外出务工",
    "打工": "外出务工",
    "务工": "外出务工",
    "在外地": "外出",
    "外地": "外出",
    "干部们": "干部",
    "公务员": "机关干部",
    "村支书": "支部书记",
    "村书记": "支部书记",
    "书记": "支部书记",
    "村干部": "村组干部",
    "两委": "村两委",
    "党员干部": "党员",
    # help and services
    "一对一": "一对一",
    "一帮一": "一对一",
    "结对帮扶": "一对一",
    "结对子": "一对一",
    "上门服务": "服务上门",
    "送上门": "服务上门",
    "手把手": "一对一",
    "重点扶持": "重点扶持对象",
    "重点对象": "重点扶持对象",
    "点子": "项目推介",
    "出主意": "项目推介",
    "出出主意": "项目推介",
    # "给我推荐个项目" asks for advice; "推荐项目" alone is a referral (引荐).
    "给我推荐": "项目推介",
    "帮我推荐": "项目推介",
    "给推荐": "项目推介",
    "推荐推荐": "项目推介",
    "可不可行": "可行性",
    "可行不": "可行性",
    "行不行得通": "可行性",
    "能不能成": "可行性",
    "找项目": "项目推介",
    "推介项目": "项目推介",
    "咨询服务": "创业咨询",
    "创业指导": "专业化辅导",
    "辅导": "专业化辅导",
    # agriculture
    "种地": "种植",
    "种菜": "蔬菜",
    "大棚": "蔬菜",
    "蘑菇": "食用菌",
    "香菇": "食用菌",
    "实用菌": "食用菌",
    "食用君": "食用菌",
    "养鸡": "养殖",
    "养鸭": "养殖",
    "养猪": "养殖",
    "肉鸡": "养殖",
    "肉鸭": "养殖",
    "合作社": "专业合作经济组织",
    "专合组织": "专业合作经济组织",
    "合作组织": "专业合作经济组织",
    "农民专业合作社": "专业合作经济组织",
    # registration (报名, 备案... depend on context: see CONTEXT_REWRITES) and contact
    "报上去": "上报",
    "报给": "上报",
    "电话": "联系电话",
    "联系方式": "联系电话",
    "号码": "联系电话",
    "打电话": "联系电话",
    "找人": "找工作人员",
    "人工": "工作人员",
    "真人": "工作人员",
    "客服": "工作人员",
    "办公地点": "办公地址",
    "在哪办公": "办公地址",
    "上班时间": "办公时间",
    # campaign
    "做生意": "创业",
    "做买卖": "创业",
    "经商": "创业",
    "下海": "创业",
    "全面创业": "全民创业",
    "全民创叶": "全民创业",
    "全明创业": "全民创业",
    "全民创页": "全民创业",
    "洼地崛起": "全民创业",
    "典型": "创业典型",
    "榜样": "创业典型",
    "模范": "创业典型",
    "表彰": "创业典型",
    "评优": "创业典型",
    "主导产业": "主导产业",
    "支柱产业": "主导产业",
    "龙头产业": "主导产业",
    "特色产业": "主导产业",
    "产业集群": "主导产业",
    "成绩": "成效",
    "效果": "成效",
    "成果": "成效",
    "搞得怎么样": "成效",
    "领导小组": "领导组织",
    "领导机构": "领导组织",
    "谁负责": "领导组织",
    "谁管": "领导组织",
}

# Variant -> (canonical when the question has one of the context words, canonical otherwise,
# context words). Registering is what every office does ("孩子上学报名", "结婚登记"): only with a
# project, a business or this bot around it is it this bot's project registration.
_PROJECT_CONTEXT = word_set(
    """
    项目 厂 企业 公司 生意 店 买卖 作坊 合作社 机器人 这上面 这里 这儿 平台 系统 手机上 网上
    """
)
# Recommending someone as a role model ("推荐能人当典型") is a nomination, not a referral.
_ROLE_MODEL_CONTEXT = word_set("典型 模范 榜样 先进 表彰 评上 评选")
# The report's 基地 are farm bases ("食用菌、蔬菜等基地"); a 宅基地 or 生产基地 is not farming.
_FARM_CONTEXT = word_set("菌 菇 菜 种 养 农 大棚 果 粮 鸡 鸭 猪 牛 羊 鱼 合作社 专合")
# A fine or fee someone calls unfair is the "三乱" a complaint is about; a fine alone
# ("交通罚款在哪交") is another office's business.
_UNFAIR_CONTEXT = word_set(
    "不合理 不合法 乱 随便 凭什么 冤枉 无理 莫名其妙 没道理 不公平 太多 太重"
)
CONTEXT_REWRITES: Mapping[str, tuple[str, str, frozenset[str]]] = {
    "罚款": ("三乱", "罚款", _UNFAIR_CONTEXT),
    "收费": ("三乱", "收费", _UNFAIR_CONTEXT),
    "登记": ("登记", "报名", _PROJECT_CONTEXT),
    "报名": ("登记", "报名", _PROJECT_CONTEXT),
    "备案": ("登记", "报名", _PROJECT_CONTEXT),
    "申报": ("登记", "报名", _PROJECT_CONTEXT),
    "上报": ("登记", "报名", _PROJECT_CONTEXT),
    "填写": ("登记", "填写", _PROJECT_CONTEXT),
    "填": ("登记", "填", _PROJECT_CONTEXT),
    "推荐": ("推选", "引荐", _ROLE_MODEL_CONTEXT),
    "基地": ("基地", "场地", _FARM_CONTEXT),
}

# English words and phrases (matched after stemming) -> the keyword the topic files use.
ENGLISH_REWRITES: Mapping[str, str] = {
    "sign up": "register",
    "signup": "register",
    "enrol": "register",
    "enroll": "register",
    "registration": "register",
    "refund": "rebate",
    "money back": "rebate",
    "tax back": "rebate",
    "home loan": "mortgage",
    "house loan": "mortgage",
    "housing loan": "mortgage",
    "car loan": "mortgage",
    "talk to": "contact",
    "speak to": "contact",
    "real person": "contact",
    "borrow": "loan",
    "human": "contact",
    "farmer": "farm",
    "farming": "farm",
    "co op": "cooperative",
    "coop": "cooperative",
    "how many": "figure",
    "numbers": "figure",
    "mentoring": "mentor",
    "officials": "official",
    "complain": "complaint",
    "fined": "fine",
    "fining": "fine",
}

# Question words, pronouns, particles and pleasantries: removed before matching because every
# topic (and every out-of-scope question) uses them.
STOP_PHRASES: frozenset[str] = word_set(
    """
    请问 问一下 问下 想问 想问问 问问 我想 我要 想要 我们 我家 我 你们 您 你 咱们 咱 他们 他 她
    这个 那个 这些 那些 这样 那样 这 那 怎么 怎样 怎么样 怎么办 咋办 咋样 咋 如何 什么 啥 啥子
    吗 呢 吧 啊 呀 哦 嘛 哈 呗 嗯 噢 喔 哇 的 了 是 是不是 是否 有没有 有无 没有 有 能不能 能否
    能 可以 可不可以 可否 需要 要不要 要 哪里 哪儿 哪些 哪个 哪 去哪 多少 几 一下 一个 个 些
    在 和 跟 与 及 或 还 也 都 就 又 给 对 会不会 让 把 被 得 地 么 谁 为什么 为啥 干嘛 知道
    告诉 了解 说说 说 讲讲 听说 听人说 据说 现在 今年 目前 一般 具体 关于 方面 情况 问题
    不 没 吗吗 呢呢 好 好的 谢谢 多谢 感谢 你好 您好 在吗 在不在 有人吗 麻烦 帮忙 帮我 帮
    一点 点 东西 事情 事儿 真的 真 到底 究竟 大概 多久 时候 时间长 啦 嘞 么样 怎 样
    机器人 小助手 助手 本机器人 俺 俺们 俺家 天天 直接
    """
)

ENGLISH_STOP: frozenset[str] = word_set(
    """
    a an the is are was were be been am do does did i me my we our you your he she it they
    them this that these those what which who whom how why when where can could would should
    will shall may might must to of in on at for from by with about as into and or but if so
    not no any some there here please tell know want need get got have has had let lets any
    much many its just also than then very really hi hello hey thanks thank bot robot up
    """
)

# Words any request to any government office uses ("申请", "材料", "政府"): they may appear in
# a topic's examples, but alone they do not make a question about that topic, so their weight
# is cut. Without this, "低保怎么申请" looks like "返税怎么申请".
WEAK_TERMS: frozenset[str] = word_set(
    """
    申请 办理 手续 材料 条件 要求 流程 标准 时间 地点 地方 费用 多少钱 钱 政府 镇里 镇上 村里
    县里 支持 扶持 帮助 帮忙 报名 政策 优惠 补贴 补助 享受 办法 规定 部门 单位 找谁 人 多 少 大 小
    去 来 开 搞 弄 做 干 找 用 上 下 里 看看 瞧瞧 手机 网上 线上 微信
    厂 厂子 厂里 工厂 小厂 企业 生意 买卖 公司 店 店里 门店 作坊 到
    applying apply get way information info factory company shop store firm workshop
    start business someone somebody people person town keep
    """
)

# Services the report says nothing about whose words overlap the topics' ("房贷利率" shares
# 利率 with loans, "营业执照" 营业 with the results, "宅基地" 基地 with farming). A question
# naming one abstains unless the best topic lists the word among its keywords or synonyms;
# so do questions with a content word ending in 证 (办什么证, 卫生证), except those below.
OUT_OF_SCOPE_TERMS: frozenset[str] = word_set(
    """
    执照 许可 资质 环评 审批 证件 证照 办证
    房贷 按揭 首付 买房 购房 房产 车贷 公积金 宅基地
    license licence permit mortgage
    """
)
NOT_PERMITS: frozenset[str] = word_set("保证 论证 验证 印证 见证 证书")

# Words that name the whole campaign rather than one topic: alone they get the topic menu.
GENERIC_TERMS: frozenset[str] = word_set(
    """
    政策 创业 全民创业 扶持 扶持政策 优惠 优惠政策 补贴 补助 帮助 帮扶 支持 咨询 服务 政府 办事
    项目 企业 老板 policy policies help support business
    """
)

GREETINGS: frozenset[str] = word_set(
    """
    你好 您好 你们好 大家好 在吗 在不在 在么 有人吗 有人在吗 哈喽 哈罗 嗨 早 早上好 上午好
    中午好 下午好 晚上好 早安 晚安 喂 hi hello hey 你好啊 您好啊 在 hiya yo
    """
)

THANKS: frozenset[str] = word_set(
    """
    谢谢 谢谢你 谢谢您 多谢 感谢 非常感谢 太感谢了 谢了 谢啦 辛苦了 好的谢谢 好的 好 知道了
    明白了 收到 ok okay thanks thank thankyou thx ty 3q 谢谢啦 感谢感谢 好嘞 行 嗯嗯
    辛苦 辛苦啦 麻烦了 麻烦你了 费心了 懂了 了解了 清楚了 可以了 没问题 好滴 晓得了 中 明白 知道
    """
)

# Words people type to find their way around the bot rather than to ask something ("菜单",
# "返回", "help"): they get the category menu and are not logged as unanswered questions. So do
# messages of digits alone (a stray "2" meant for a list).
MENU_WORDS: frozenset[str] = word_set(
    """
    菜单 主菜单 目录 功能 功能菜单 帮助 返回 上一步 下一步 开始 重新开始 退出 取消 确定 确认
    首页 主页 选项 选择 查询 咨询 问题 提问 我要提问 我要咨询
    menu help back start cancel stop exit home options next
    """
)

# Words that may surround a greeting or thanks without making it a question ("谢谢你们").
SOCIAL_FILLERS: frozenset[str] = word_set("你们 你 您 大家 各位 老师 同志 非常 太 很 真")

# An emoji-only message is social, not a question: these acknowledge ("👍"), the rest greet.
ACK_EMOJI = frozenset("👍👌🙏👏🤝💪✌✅💯")

_T2S_PAIRS = (
    "稅税 貸贷 訓训 練练 獎奖 勵励 還还 創创 業业 協协 會会 檢检 幫帮 導导 產产 鄉乡 鎮镇 幹干"
    " 農农 請请 問问 麼么 嗎吗 這这 個个 們们 錢钱 費费 亂乱 罰罚 權权 參参 觀观 學学 習习"
    " 務务 專专 聯联 繫系 係系 電电 話话 報报 項项 門门 為为 與与 開开 辦办 難难 營营 資资"
    " 證证 補补 貼贴 豬猪 雞鸡 鴨鸭 養养 種种 團团 體体 戶户 廠厂 樣样 應应 對对 點点 後后"
    " 來来 時时 間间 處处 區区 縣县 員员 動动 優优 紹绍 薦荐 現现 經经 濟济 歸归 頭头 領领"
    " 壯壮 顧顾 詢询 號号 碼码 說说 給给 讓让 沒没 樂乐 謝谢 歡欢 遠远 環环 標标 準准 計计"
    " 劃划 規规 機机 書书 記记 黨党 組组 織织 實实 驗验 條条 線线 擴扩 稱称 題题 傳传 設设"
    " 紀纪 級级 鄰邻 親亲 兒儿 車车 貨货 買买 賣卖 價价 額额 數数 萬万 億亿 歲岁 園园 場场"
    " 雜杂 務务 總总 邊边 門门 麵面 飯饭 聽听 見见 覺觉 讀读 寫写 認认 識识 議议 論论 證证"
    " 選选 擇择 網网 絡络 銀银 庫库 擔担 保保 險险 結结 齊齐 廣广 東东 蘇苏 滬沪 們们"
)
T2S: Mapping[int, str] = {
    ord(pair[0]): pair[1] for pair in _T2S_PAIRS.split() if len(pair) == 2 and pair[0] != pair[1]
}
