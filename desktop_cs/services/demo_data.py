"""Demo data (no Qt): a realistic Chinese archive and a year of desk history, for training and benchmarks."""
from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import random
import time
from dataclasses import asdict, dataclass
from typing import Callable

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import (CallbackRule, Campaign, ComplaintCategory, Customer, EnquiryTopic, PointsRule,
                               RootCause, Tag, Tier, User, database)
from desktop_cs.models.user import ROLE_SPECIALIST, ROLE_SUPERVISOR
from desktop_cs.services import audit, reference_data, team_settings, users
from desktop_cs.services import calendar as workcal
from desktop_cs.services.errors import ServiceError, ValidationError
from desktop_cs.services.permissions import DEMO_DATA, register, require
from desktop_cs.services.search_keys import SEPARATOR, customer_search_key, normalize_query

MAX_CUSTOMERS = 1_000_000
DEFAULT_PASSWORD = "demo1234"
SUPERVISOR_LOGIN = "supervisor"
SPECIALIST_LOGIN = "specialist{n}"
#: customers per insert batch (and per progress report)
BATCH = 2000

DAY = 86400
HOUR = 3600
#: the day strings reach this far back from today (registrations before the archive, birth dates aside)
_DAYS_BACK = 900
_DAYS_AHEAD = 900
#: attempt rows are written for callbacks of the last 30 days (older ones keep only the counter)
_ATTEMPT_LOG_DAYS = 30

ProgressFn = Callable[[int, int], None]

log = logging.getLogger(__name__)

#: tables whose secondary indexes are rebuilt after the load rather than kept up to date row by row
_BULK_TABLES = ("customer", "customer_tag", "assignment", "complaint", "complaint_state_change", "callback",
                "callback_attempt", "enquiry", "points_entry", "points_allocation")
#: indexes the guard triggers read while rows go in (balance per customer, draws per lot)
_KEEP_INDEXES = frozenset({"points_entry_customer", "points_entry_customer_id", "points_allocation_lot_id"})


@dataclass
class DemoSummary:
    """How many rows of each kind the demo generation wrote."""

    users_created: int = 0
    customers: int = 0
    customer_tags: int = 0
    assignments: int = 0
    campaigns: int = 0
    callbacks: int = 0
    callback_attempts: int = 0
    complaints: int = 0
    complaint_state_changes: int = 0
    enquiries: int = 0
    points_entries: int = 0
    points_allocations: int = 0
    points_adjustments: int = 0
    harassing_numbers: int = 0
    harassing_calls: int = 0
    handovers: int = 0
    handover_reads: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def total_rows(self) -> int:
        return sum(self.as_dict().values())


# ----------------------------------------------------------------------------------------------
# Word pools (real data shapes: common surnames, given-name characters, region codes, prefixes)

#: (surname, weight): the most common Chinese surnames, roughly by frequency
_SURNAMES = [
    ("王", 72), ("李", 71), ("张", 69), ("刘", 53), ("陈", 45), ("杨", 31), ("黄", 23), ("赵", 21),
    ("吴", 20), ("周", 19), ("徐", 14), ("孙", 13), ("马", 12), ("朱", 12), ("胡", 11), ("郭", 11),
    ("何", 10), ("高", 10), ("林", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 6),
    ("唐", 6), ("许", 6), ("韩", 6), ("冯", 5), ("邓", 5), ("曹", 5), ("彭", 5), ("曾", 5),
    ("肖", 5), ("田", 5), ("董", 4), ("袁", 4), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4),
    ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 2), ("夏", 2),
    ("韦", 2), ("付", 2), ("方", 2), ("白", 2), ("邹", 2), ("孟", 2), ("熊", 2), ("秦", 2),
    ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 2), ("段", 2), ("雷", 2), ("侯", 2),
    ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2),
    ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("覃", 1), ("武", 1), ("戴", 1),
    ("莫", 1), ("孔", 1), ("向", 1), ("汤", 1), ("欧阳", 1), ("司马", 1), ("上官", 1), ("诸葛", 1),
]
_MALE_GIVEN = ("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清"
               "飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善"
               "厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家"
               "致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘")
_FEMALE_GIVEN = ("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺"
                 "媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹"
                 "蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓"
                 "欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威"
                 "韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟")
#: (given name, weight, male?): the most common given names repeat across the country
_COMMON_GIVEN = [
    ("伟", 30, True), ("芳", 25, False), ("娜", 24, False), ("秀英", 22, False), ("敏", 22, False), ("静", 22, False),
    ("丽", 20, False), ("强", 20, True), ("磊", 19, True), ("军", 18, True), ("洋", 17, True), ("勇", 17, True),
    ("艳", 16, False), ("杰", 16, True), ("娟", 15, False), ("涛", 15, True), ("明", 14, True), ("超", 14, True),
    ("秀兰", 13, False), ("霞", 13, False), ("平", 12, True), ("刚", 12, True), ("桂英", 11, False), ("建华", 10, True),
    ("建国", 10, True), ("志强", 10, True), ("玉兰", 9, False), ("海燕", 9, False), ("晓东", 8, True), ("丹", 8, False),
    ("婷婷", 8, False), ("浩然", 7, True), ("子涵", 7, False), ("欣怡", 7, False), ("宇轩", 7, True), ("梓涵", 6, False),
    ("俊杰", 6, True), ("雪梅", 6, False), ("文博", 5, True), ("佳怡", 5, False),
]
#: real 6-digit administrative division codes (GB/T 2260) of large cities' districts
_REGIONS = (
    "110101", "110102", "110105", "110106", "110108", "110114", "120101", "120103", "120104", "130102",
    "130104", "140105", "150102", "210102", "210202", "220102", "230103", "310101", "310104", "310105",
    "310107", "310110", "310112", "310115", "320102", "320106", "320205", "320505", "320583", "330102",
    "330106", "330203", "330302", "330782", "340104", "350102", "350203", "360102", "370102", "370202",
    "410105", "420106", "420111", "430104", "430111", "440103", "440104", "440106", "440304", "440305",
    "440306", "441900", "442000", "450103", "460106", "500103", "500107", "510104", "510107", "520102",
    "530102", "540102", "610113", "620102", "630102", "640104", "650102",
)
_MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150",
                    "151", "152", "153", "155", "156", "157", "158", "159", "166", "170", "173", "175", "176",
                    "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191",
                    "193", "195", "196", "197", "198", "199")
_LANDLINE_AREAS = ("010", "021", "022", "023", "020", "0755", "0571", "025", "027", "028", "029", "0512")
_PINYIN = ("zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu",
           "hu", "guo", "lin", "he", "gao", "luo", "wei", "jun", "hua", "ming", "li", "na", "jing", "xiao",
           "yan", "hong", "fang", "ping", "tao", "lei", "feng", "yu", "xin", "hao", "jie", "ting")
_EMAIL_DOMAINS = ("163.com", "126.com", "sina.com", "sohu.com", "foxmail.com", "outlook.com", "139.com",
                  "aliyun.com", "gmail.com")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_COMPANY_NAMES = ("鑫诚普惠金融信息服务(上海)有限公司", "汇通财富(北京)网络科技有限公司",
                  "融信达网络借贷信息中介(深圳)有限公司", "杭州金桥互联网金融信息服务有限公司")
_SUPERVISOR_NAME = "陈思远"
_SPECIALIST_NAMES = ("王静", "李娜", "张伟", "刘洋", "陈晨", "杨帆", "赵敏", "黄磊", "周婷", "吴昊", "徐丽", "孙杰",
                     "马超", "朱琳", "胡斌", "郭佳", "何欣", "高峰", "林雪", "罗勇")

_TAGS = ("高净值", "老客户", "理财新手", "重点关注", "投诉倾向", "节假日问候", "偏好短信", "推荐达人")
_MEMOS = (
    "客户偏好电话沟通,工作日下午方便接听。", "对收益率比较敏感,关注新产品上线。", "家庭理财由客户本人决策。",
    "曾咨询提现到账时间,已解释清楚。", "老客户介绍而来,注意服务态度。", "不喜欢频繁的营销电话。",
    "关注平台资金存管和安全性。", "有意向增加投资额度,可推荐中长期产品。", "退休教师,讲解需耐心、语速放慢。",
    "上班时间不方便接电话,可先发短信。", "曾对客服响应速度提出意见。", "节假日常外出,回访请避开。",
    "客户听力不好,沟通时请提高音量。", "客户为企业主,资金周转需求较多。",
)
_PREFERRED_TIMES = ("09:30-11:30", "14:00-17:00", "15:00-18:00", "19:00-20:30", "10:00-12:00", "14:30-16:30")
_OPINIONS = {
    "satisfied": ("平台操作方便,客服态度很好。", "对收益满意,会继续投资。", "提现到账快,体验不错。",
                  "客服讲解清楚,很专业。", "整体满意,希望活动再多一些。", "回访很及时,感觉受到重视。"),
    "average": ("收益一般,还在观望。", "APP偶尔卡顿,其他还行。", "提现到账有点慢。", "产品种类偏少。",
                "服务还可以,但电话不太好打通。"),
    "unsatisfied": ("提现多次延迟,很不满意。", "客服电话难打通,等待太久。", "收益率下降太多,考虑转走资金。",
                    "对积分规则不清楚,感觉被误导。", "问题反映多次仍未解决。"),
}
_SUGGESTIONS = ("希望增加短期理财产品。", "建议APP增加指纹登录。", "积分兑换希望更灵活一些。",
                "希望客服热线延长服务时间。", "建议提现做到T+0到账。", "希望推出更多新手专享标。",
                "营销短信太多,建议减少。", "希望产品说明里的风险提示更清楚。", "希望每月推送一次收益账单。",
                "建议在线客服响应再快一些。")
_CALLBACK_NOTES = ("客户要求下周再联系。", "客户在开会,约定下午回电。", "已发送产品介绍短信。",
                   "客户询问了积分有效期,已解释。", "已提醒客户到期续投事宜。", "客户表示近期无投资计划。")
_FAILED_NOTES = ("无人接听。", "提示已关机。", "占线,稍后再拨。", "客户挂断。")

#: (complaint, its resolution) per seeded category, in sort order: product, attitude, technical, funds, other
_COMPLAINT_TEXTS = (
    (("客户反映理财产品实际收益低于宣传的预期年化收益。", "已向客户说明预期收益与实际收益的计算方式,客户表示理解。"),
     ("客户对产品提前赎回的手续费有异议。", "已向客户出示产品协议中的费率条款,并按规则核减部分手续费。"),
     ("客户称产品说明中的风险提示不清楚。", "已向客户逐条解释风险提示,并反馈产品部改进说明文字。"),
     ("客户投诉新手标额度太少,总是抢不到。", "已说明新手标发布时间,并为客户预约下一期提醒。"),
     ("客户认为续投规则没有提前告知。", "已说明续投设置方法,并协助客户关闭自动续投。")),
    (("客户反映客服专员电话中语气生硬、不耐烦。", "已核实通话录音,对当事专员批评教育,并向客户致歉。"),
     ("客户投诉热线等待时间过长且被多次转接。", "已向客户致歉,并安排专人直接跟进其问题。"),
     ("客户称客服未按约定时间回电。", "已向客户致歉,主管当天回电并处理完毕。"),
     ("客户对回访电话过于频繁表示不满。", "已调整该客户的回访计划,并标注偏好短信联系。"),
     ("客户称在线客服答非所问,敷衍了事。", "已对在线客服进行话术培训,并由专人重新解答客户问题。")),
    (("客户反映APP登录时频繁闪退。", "技术部已修复问题,已指导客户更新APP至最新版本。"),
     ("客户称网页端充值页面无法打开。", "技术部已恢复页面,客户已完成充值。"),
     ("短信验证码收不到,无法完成实名认证。", "已协助客户完成实名认证,问题解决。"),
     ("客户投诉投资记录显示错误。", "技术部已修正数据显示,已请客户确认无误。"),
     ("客户反映修改绑定银行卡一直失败。", "已协助客户提交资料,银行卡已更换成功。")),
    (("客户反映提现超过两个工作日仍未到账。", "财务核查后已完成打款,款项已到账。"),
     ("充值已扣款但平台账户余额未增加。", "已与合作银行核实,款项已补记到客户账户。"),
     ("客户对提现手续费的收取标准有异议。", "已向客户说明收费标准,本次手续费予以退还。"),
     ("客户投诉回款日期延迟。", "已核实为借款人延迟还款,平台已按约定垫付回款。"),
     ("客户称借款还款后账单仍显示逾期。", "已核对还款记录并更正账单状态,逾期记录已撤销。")),
    (("客户投诉积分被扣减却未收到通知。", "已说明积分过期规则,并开通积分到期短信提醒。"),
     ("客户对推广活动奖励未发放表示不满。", "已补发活动奖励并致歉。"),
     ("客户反映收到大量营销短信。", "已按客户要求调整短信订阅设置。"),
     ("客户要求注销账户但流程复杂。", "已协助客户完成注销申请,并反馈简化流程的建议。"),
     ("客户对个人信息可能泄露表示担忧。", "已说明平台的信息保护措施,经核查未发现泄露。")),
)
_ROOT_CAUSE_BY_CATEGORY = ((0, 4), (1,), (2,), (3, 2, 5), (4, 6, 3))
_ESCALATION_REASONS = ("客户情绪激动,要求主管处理。", "涉及资金问题,需主管协调财务部。", "客户表示将向监管部门投诉。",
                       "同一问题多次投诉未解决。")
_STATE_NOTES = {"received": "受理投诉,已登记。", "in_progress": "开始处理,已联系客户了解情况。",
                "resolved": "已给出处理结果并告知客户。", "verified": "回访确认客户接受处理结果。", "closed": "结案归档。"}
_REOPEN_NOTE = "回访时客户对处理结果不满意,重新处理。"
_OVERRIDE_CLOSE = "客户多次联系未接通,经主管批准结案。"

#: enquiry summaries per seeded topic, in sort order
_ENQUIRY_TEXTS = (
    ("咨询如何注册账号,已指导通过手机号注册。", "注册时收不到验证码,已建议检查短信拦截设置。",
     "询问注册是否需要邀请码,已告知不需要。"),
    ("咨询实名认证需要哪些资料,已说明需身份证和本人银行卡。", "实名认证提示信息不一致,已建议核对银行预留手机号。",
     "询问实名认证多久生效,已告知一般即时生效。"),
    ("咨询充值限额,已告知各银行单笔及单日限额。", "充值未到账,已核实为银行处理中,预计两小时内到账。",
     "询问是否支持信用卡充值,已告知不支持。"),
    ("咨询提现到账时间,已告知T+1个工作日到账。", "询问提现手续费,已说明每月前三笔免费。",
     "提现失败,已核实为银行卡信息有误并协助修改。"),
    ("咨询新上线产品的期限和预期收益。", "询问产品到期后是否自动续投,已说明续投设置方法。", "咨询债权转让的规则和手续费。"),
    ("查询积分余额及有效期。", "咨询积分如何抵扣投资,已说明1积分抵1元。", "询问积分为何减少,已说明积分过期规则。"),
    ("咨询平台资金存管银行。", "询问客服工作时间。", "要求修改绑定手机号,已告知办理流程。"),
)
_HARASS_REASONS = ("多次来电辱骂客服。", "推销贷款业务的骚扰电话。", "无实际诉求,反复拨打热线。", "冒充客户套取他人信息。",
                   "疑似诈骗电话。")
_HARASS_SUMMARIES = ("来电辱骂后挂断。", "推销广告。", "接通后沉默不语。", "询问其他客户信息,已拒绝。", "自称公检法人员,已挂断。")
_HANDOVER_TEXTS = (
    "今天还有{n}个回访未完成,请下一班优先处理逾期的回访。",
    "客户{name}的提现投诉在等财务回复,已约定明天上午10点前回电,请跟进。",
    "热线系统下午有短暂故障,现已恢复,请留意客户反馈。",
    "VIP客户{name}要求明天下午回电,讨论续投方案。",
    "客户{name}情绪较激动,已安抚,明天请主管再联系一次。",
    "本周积分活动咨询量大,口径:积分不能提现,只能按1积分=1元抵扣投资。",
)
_CAMPAIGNS = (("元旦客户关怀回访", 1, 1, 6), ("年中理财节回访", 6, 10, 20), ("国庆节客户问候", 9, 28, 10),
              ("双十一理财节回访", 11, 1, 12))

def _expand(pairs) -> tuple:
    """A tuple holding each item WEIGHT times: pick with ``pool[int(random() * len(pool))]``."""
    return tuple(item for item, weight in pairs for _ in range(weight))


def id_check_char(body17: str) -> str:
    """The GB 11643 MOD 11-2 check character of the first 17 digits of an ID number."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS)) % 11]


# ----------------------------------------------------------------------------------------------
# Entry point

def generate(actor: User | None, customers: int, seed: int = 1, password: str = DEFAULT_PASSWORD,
             progress: ProgressFn | None = None) -> DemoSummary:
    """Fill an empty archive with CUSTOMERS demo customers and a year of history, in one transaction.

    Creates the missing demo users (``supervisor``, ``specialist1``...) with PASSWORD, the
    reference lists and the company name. The same SEED gives the same data (times are
    relative to ``clock.now()``). PROGRESS is called with (customers done, customers).
    """
    if User.select().exists():
        require(actor, DEMO_DATA, "demo.generate")   # outside the transaction: the refusal stays audited
    if not isinstance(customers, int) or not 1 <= customers <= MAX_CUSTOMERS:
        raise ValidationError(_("The number of customers must be between 1 and {n}.").format(n=MAX_CUSTOMERS),
                              "customers")
    if not password:
        raise ValidationError(_("Enter a password for the demo users."), "password")
    _refuse_if_customers()
    started = time.perf_counter()
    with database.atomic():
        _refuse_if_customers()
        builder = _Builder(actor, customers, seed, password, progress)
        summary = builder.run()
        audit.record(actor or builder.supervisor, "demo_data_generated",
                     summary=_("Demo data: {n} customers").format(n=customers),
                     details={"seed": seed, "counts": summary.as_dict(),
                              "users": builder.created_logins,
                              "seconds": round(time.perf_counter() - started, 1)})
    return summary


register("demo.generate", DEMO_DATA, generate)    # checks itself: the first run has no user yet


def _refuse_if_customers() -> None:
    if Customer.select().exists():
        raise ServiceError(_("The archive already holds customers: demo data can only go into an empty database."))


# ----------------------------------------------------------------------------------------------
# The builder: precomputed pools, explicit ids, rows as tuples, one executemany per table per batch

class _Builder:
    """Generates every row in memory batch by batch and inserts them below the ORM."""

    def __init__(self, actor: User | None, customers: int, seed: int, password: str,
                 progress: ProgressFn | None):
        self._deadline_args = None
        self.actor = actor
        self.n = customers
        self.rng = random.Random(seed)
        self.password = password
        self.progress = progress
        self.summary = DemoSummary()
        self.created_logins: list[str] = []
        self.db: pw.Database = database.obj
        self.conn = self.db.connection()
        self._stages: set[str] = set()
        self._pending: list[tuple] | None = None
        self._assigned: dict[int, tuple[int | None, int | None]] = {}
        self._last_contact: dict[int, int] = {}
        self._first_contact: dict[int, int] = {}
        self._name_keys: dict[str, str] = {}
        self._do_not_call: set[int] = set()
        self._setup_clock()

    # -- time: integer seconds since midnight _DAYS_BACK days ago, formatted from tables

    def _setup_clock(self) -> None:
        now = clock.now()
        self.now = now
        base = now.date() - dt.timedelta(days=_DAYS_BACK)
        self.days = [(base + dt.timedelta(days=d)).isoformat() + " " for d in range(_DAYS_BACK + _DAYS_AHEAD)]
        self.tod = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
        self.today_s = _DAYS_BACK * DAY
        self.now_s = self.today_s + now.hour * HOUR + now.minute * 60 + now.second
        self.year_ago_s = self.now_s - 365 * DAY
        # working seconds of a day: outbound calls avoid the quiet hours (before 9, 12-14, after 21)
        self.work_out = tuple(range(9 * HOUR, 12 * HOUR)) + tuple(range(14 * HOUR, 21 * HOUR))
        self.work_in = tuple(range(8 * HOUR + 1800, 21 * HOUR + 1800))
        # birth dates of adults aged 20 to 70 as YYYYMMDD
        today_ord = now.date().toordinal()
        self.births = [dt.date.fromordinal(o).strftime("%Y%m%d")
                       for o in range(today_ord - 70 * 365, today_ord - 20 * 365)]

        days, tod = self.days, self.tod

        def ts(t: int) -> str:
            """Seconds since the base midnight as "YYYY-MM-DD HH:MM:SS" (no strftime: called millions of times)."""
            return days[t // 86400] + tod[t % 86400]

        self.ts = ts

        def stamp(t: int) -> str:
            """The YYYYMMDDHHMMSS stamp services.callbacks puts in trigger keys."""
            return ts(t).replace("-", "").replace(" ", "").replace(":", "")

        self.stamp = stamp

    def _deadlines(self, received: str, severity: str) -> tuple[str, str]:
        """First-response and resolution deadlines (working hours), stored as the complaint service stores them."""
        from desktop_cs.services import complaints as complaint_service
        if self._deadline_args is None:
            self._deadline_args = (workcal.snapshot(), complaint_service._targets())
        first, resolution = complaint_service.deadlines(dt.datetime.fromisoformat(received), severity,
                                                        *self._deadline_args)
        return first.strftime("%Y-%m-%d %H:%M:%S"), resolution.strftime("%Y-%m-%d %H:%M:%S")

    def _setup_calendar(self) -> None:
        """Outbound contacts keep to the team's calendar: working days, outside the quiet hours."""
        base = self.now.date() - dt.timedelta(days=_DAYS_BACK)
        try:
            cal = workcal.snapshot()
            workday = [cal.is_working_day(base + dt.timedelta(days=d)) for d in range(len(self.days))]
            windows = cal.windows
        except Exception:   # no calendar data for a year: weekdays, default hours
            log.warning("demo data: the working-day calendar failed; using Monday to Friday", exc_info=True)
            workday = [(base + dt.timedelta(days=d)).weekday() < 5 for d in range(len(self.days))]
            windows = []
        pool = tuple(s for a, b in windows for s in range(a * 60, b * 60))
        work_out = pool if len(pool) >= 2 * HOUR else self.work_out
        self.work_out = work_out
        rnd = self.rng.random

        def at_work(lo: int, hi: int, pool: tuple[int, ...] = work_out) -> int:
            """A time between LO and HI (seconds), at a second of POOL (working hours) when the span allows.

            With the outbound pool (the default) the day is a working day too, when the span has one
            (a span inside the Spring Festival has none).
            """
            if hi <= lo:
                return lo
            lo_day = lo // 86400
            days = hi // 86400 - lo_day + 1
            n = len(pool)
            outbound = pool is work_out
            for attempt in range(8):
                day = lo_day + int(rnd() * days)
                t = day * 86400 + pool[int(rnd() * n)]
                if lo <= t <= hi and (attempt >= 4 or not outbound or workday[day]):
                    return t
            return lo + int(rnd() * min(hi - lo, 2 * HOUR))   # a narrow span: soon after LO

        self.at_work = at_work

    # -- main

    def run(self) -> DemoSummary:
        db_cache = self.db.execute_sql("PRAGMA cache_size").fetchone()[0] if self._sqlite else None
        if self._sqlite:
            self.db.execute_sql("PRAGMA cache_size = -262144")   # 256 MB while the big batches go in
        try:
            self._users()
            reference_data.seed(self.actor or self.supervisor)
            if not team_settings.get(team_settings.COMPANY_NAME):
                team_settings.put(self.actor or self.supervisor, team_settings.COMPANY_NAME,
                                  _COMPANY_NAMES[self.rng.randrange(len(_COMPANY_NAMES))])
            self._reference()
            self._prepare()
            dropped = self._drop_indexes() if self._sqlite else []
            for start in range(0, self.n, BATCH):
                self._batch(start, min(self.n, start + BATCH))
                if self.progress:
                    self.progress(min(self.n, start + BATCH), self.n)
            self._harassment()
            self._handovers()
            for sql in dropped:   # the schema's own statements, as they were
                self.db.execute_sql(sql)
            self._fix_sequences()
        finally:
            if self._sqlite:
                self._drop_stages()
                self.db.execute_sql(f"PRAGMA cache_size = {int(db_cache)}")
        return self.summary

    @property
    def _sqlite(self) -> bool:
        return isinstance(self.db, pw.SqliteDatabase)

    def insert(self, table: str, columns: str, rows: list[tuple]) -> None:
        """Insert ROWS (tuples in COLUMNS order) into TABLE; every constraint and trigger still applies.

        SQLite: the rows go into an untyped temporary table first and then into TABLE with
        one INSERT ... SELECT. A row-by-row executemany straight into a table with triggers
        and many indexes costs about twice as much (measured on points_entry and callback).
        """
        if not rows:
            return
        if self._pending is not None:
            self._pending.append((table, columns, rows))
            return
        marks = ", ".join([self.db.param] * (columns.count(",") + 1))
        cursor = self.conn.cursor()
        if not self._sqlite:
            # PostgreSQL: COPY, many times faster than row-by-row INSERTs; triggers and constraints still apply.
            # Values go as text, so 0/1 read as booleans where the column is one.
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        stage = f"demo_stage_{table}"
        if stage not in self._stages:
            cursor.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" ({columns})')
            cursor.execute(f'DELETE FROM temp."{stage}"')
            self._stages.add(stage)
        cursor.executemany(f'INSERT INTO temp."{stage}" ({columns}) VALUES ({marks})', rows)
        cursor.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM temp."{stage}" ORDER BY rowid')
        cursor.execute(f'DELETE FROM temp."{stage}"')

    def _drop_indexes(self) -> list[str]:
        """Drop the secondary indexes of the big tables for the load; return their SQL to rebuild them.

        Building an index once over all rows is cheaper than keeping it up to date row by row
        (100,000 customers: 40 s against 47 s). This happens inside the transaction: a failure
        rolls the drop back too, and the rebuilt unique indexes check every row. The indexes
        the guard triggers read stay (without them each ledger line would scan the table).
        """
        marks = ", ".join([self.db.param] * len(_BULK_TABLES))
        rows = self.db.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY tbl_name, name", _BULK_TABLES).fetchall()
        dropped = []
        for name, sql in rows:
            if name in _KEEP_INDEXES:
                continue
            self.db.execute_sql(f'DROP INDEX "{name}"')
            dropped.append(sql)
        return dropped

    def _drop_stages(self) -> None:
        for stage in self._stages:
            self.db.execute_sql(f'DROP TABLE IF EXISTS temp."{stage}"')
        self._stages.clear()

    def next_id(self, table: str) -> int:
        return (self.db.execute_sql(f'SELECT MAX(id) FROM "{table}"').fetchone()[0] or 0) + 1

    def _fix_sequences(self) -> None:
        """PostgreSQL: move the id sequences past the explicit ids written here."""
        if self._sqlite:
            return
        for table in ("customer", "customer_tag", "assignment", "complaint", "complaint_state_change", "callback",
                      "callback_attempt", "enquiry", "points_entry", "points_allocation", "points_adjustment",
                      "harassing_number", "harassing_call", "handover", "handover_read"):
            self.db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")

    # -- users and reference lists

    def _users(self) -> None:
        k = max(3, min(20, round(self.n / 5000)))
        wanted = [(SUPERVISOR_LOGIN, _SUPERVISOR_NAME, ROLE_SUPERVISOR)]
        wanted += [(SPECIALIST_LOGIN.format(n=i + 1), _SPECIALIST_NAMES[i % len(_SPECIALIST_NAMES)], ROLE_SPECIALIST)
                   for i in range(k)]
        existing = {u.login: u for u in User.select().where(User.login.in_([w[0] for w in wanted]))}
        missing = [w for w in wanted if w[0] not in existing]
        if missing:
            password_hash = users.hash_password(self.password)   # once: argon2 costs ~30 ms a hash
            created_at = self.now - dt.timedelta(days=366)
            User.insert_many([{"login": login, "display_name": name, "role": role, "password_hash": password_hash,
                               "created_at": created_at} for login, name, role in missing]).execute()
            self.created_logins = [w[0] for w in missing]
            self.summary.users_created = len(missing)
        by_login = {u.login: u for u in User.select().where(User.login.in_([w[0] for w in wanted]))}
        self.supervisor = by_login[SUPERVISOR_LOGIN]
        self.specialists = [by_login[w[0]].id for w in wanted[1:]]

    def _reference(self) -> None:
        self.tiers = list(Tier.select().where(Tier.active == True).order_by(Tier.sort_order, Tier.id))  # noqa: E712
        self.topics = [t.id for t in EnquiryTopic.select().order_by(EnquiryTopic.sort_order, EnquiryTopic.id)]
        self.categories = [c.id for c in ComplaintCategory.select().order_by(ComplaintCategory.sort_order,
                                                                             ComplaintCategory.id)]
        self.root_causes = [r.id for r in RootCause.select().order_by(RootCause.sort_order, RootCause.id)]
        self.cb_rules = {r.trigger: r.id for r in CallbackRule.select()}
        self.points_rules = {r.event: (r.id, r.mode, r.points, r.per_amount_fen, r.validity_days)
                             for r in PointsRule.select().where(PointsRule.active == True)}  # noqa: E712
        # tags
        have = {t.name: t.id for t in Tag.select()}
        missing = [name for name in _TAGS if name not in have]
        if missing:
            Tag.insert_many([{"name": name} for name in missing]).execute()
            have = {t.name: t.id for t in Tag.select()}
        self.tag_ids = [have[name] for name in _TAGS]
        self.tag_names = {have[name]: name for name in _TAGS}
        self._tag_keys = {name: normalize_query(name) for name in _TAGS}
        # campaigns: the last occurrence of each yearly campaign that has already started
        today = self.now.date()
        self.campaigns: list[tuple[int, int, int]] = []   # (id, start_s, end_s)
        for name, month, day, length in _CAMPAIGNS:
            start = dt.date(today.year, month, day)
            if start > today - dt.timedelta(days=length):
                start = dt.date(today.year - 1, month, day)
            end = start + dt.timedelta(days=length - 1)
            campaign = Campaign.create(name=f"{start.year}年{name}", purpose="special_period", method="phone",
                                       start_date=start, end_date=end, created_by=self.supervisor,
                                       created_at=dt.datetime.combine(start - dt.timedelta(days=7), dt.time(10)))
            start_s = (start - today).days * DAY + self.today_s
            self.campaigns.append((campaign.id, start_s, start_s + length * DAY - 1))
        self.summary.campaigns = len(self.campaigns)

    def _prepare(self) -> None:
        rng = self.rng
        rnd = rng.random
        self._setup_calendar()
        self.surnames = _expand(_SURNAMES)
        self.common_given = _expand([((name, male), weight) for name, weight, male in _COMMON_GIVEN])
        self.ids = {t: self.next_id(t) for t in (
            "customer", "customer_tag", "assignment", "complaint", "complaint_state_change", "callback",
            "callback_attempt", "enquiry", "points_entry", "points_allocation", "points_adjustment",
            "harassing_number", "harassing_call", "handover", "handover_read")}
        self.first_customer_id = self.ids["customer"]
        # creation times of all customers, sorted, so ids grow with time; more customers lately
        span = 365 * DAY - 2 * HOUR
        latest = self.now_s - HOUR
        self.created = sorted(self.at_work(latest - int(span * (1.0 - rnd() ** 1.25)), latest, self.work_in)
                              for _ in range(self.n))
        self.registered: set[int] = set()
        self.mobiles: set[str] = set()
        self.id_numbers: set[str] = set()
        # tiers: VIP 5 %, key 15 %, ordinary 70 %, none 10 % (extra tiers share a little)
        tier_pairs = [(None, 10)]
        weights = (5, 15, 70)
        for i, tier in enumerate(self.tiers):
            tier_pairs.append((i, weights[i] if i < len(weights) else 3))
        self.tier_pool = _expand(tier_pairs)
        self.type_pool = _expand([("investor", 55), ("borrower", 20), ("prospect", 25)])
        self.source_pool = _expand([("hotline", 25), ("online_chat", 20), ("website", 28), ("visit", 8),
                                    ("referral", 12), ("import", 5), ("other", 2)])
        self.spec_pool = tuple(self.specialists)
        self.method_pool = _expand([("phone", 80), ("sms", 8), ("im", 8), ("email", 4)])
        self.satisfaction_pool = _expand([("satisfied", 75), ("average", 18), ("unsatisfied", 7)])
        self.final_outcome_pool = _expand([("reached", 88), ("no_answer", 5), ("refused", 3), ("wrong_number", 2),
                                           ("phone_off", 2)])
        self.channel_pool = _expand([("hotline", 50), ("im", 15), ("web_chat", 12), ("email", 8), ("visit", 5),
                                     ("letter", 2), ("regulator", 3), ("other", 5)])
        self.enquiry_channel_pool = _expand([("hotline", 55), ("im", 25), ("web_chat", 15), ("email", 3),
                                             ("visit", 2)])
        self.category_pool = _expand([(i, w) for i, w in zip(range(len(self.categories)), (25, 15, 20, 30, 10, 5, 5))])
        self.severity_pool = _expand([("low", 20), ("normal", 55), ("high", 20), ("critical", 5)])
        self.state_pool = _expand([("closed", 60), ("verified", 8), ("resolved", 10), ("in_progress", 12),
                                   ("received", 10)])
        self.amount_pool = _expand([(1000, 15), (2000, 15), (5000, 20), (10000, 20), (20000, 12), (50000, 10),
                                    (100000, 5), (200000, 3)])
        self.complaints_done = 0
        self.reference_seq = 0

    # -- one batch of customers and everything that hangs on them

    def _batch(self, lo: int, hi: int) -> None:
        customers: list[tuple] = []
        info: list[tuple] = []   # per customer: (id, created, type, tier index, specialist, assigned, reg, rn, em, mob)
        tags: list[tuple] = []
        assignments: list[tuple] = []
        rng = self.rng
        rnd = rng.random
        ts = self.ts
        ids = self.ids
        sup = self.supervisor.id
        now_s = self.now_s
        surnames, ls = self.surnames, len(self.surnames)
        male, female = _MALE_GIVEN, _FEMALE_GIVEN
        common, lc = self.common_given, len(self.common_given)
        births, lb = self.births, len(self.births)
        regions, lr = _REGIONS, len(_REGIONS)
        prefixes, lp = _MOBILE_PREFIXES, len(_MOBILE_PREFIXES)
        specs, lsp = self.spec_pool, len(self.spec_pool)
        for idx in range(lo, hi):
            cid = ids["customer"]
            ids["customer"] += 1
            created = self.created[idx]
            if rnd() < 0.35:   # one of the popular given names
                given_name, is_male = common[int(rnd() * lc)]
                name = surnames[int(rnd() * ls)] + given_name
            else:
                is_male = rnd() < 0.5
                given = male if is_male else female
                name = surnames[int(rnd() * ls)] + given[int(rnd() * len(given))]
                if rnd() < 0.7:
                    name += given[int(rnd() * len(given))]
            ctype = self.type_pool[int(rnd() * len(self.type_pool))]
            prospect = ctype == "prospect"
            # ID number: most registered customers gave one
            id_number = None
            if rnd() < (0.35 if prospect else 0.93):
                while True:
                    body = (regions[int(rnd() * lr)] + births[int(rnd() * lb)]
                            + f"{int(rnd() * 500) * 2 + (1 if is_male else 0):03d}")
                    id_number = body + id_check_char(body)
                    if id_number not in self.id_numbers:
                        self.id_numbers.add(id_number)
                        break
            mobile = None
            if rnd() < 0.97:
                while True:
                    mobile = prefixes[int(rnd() * lp)] + f"{int(rnd() * 100_000_000):08d}"
                    if mobile not in self.mobiles:
                        self.mobiles.add(mobile)
                        break
            email = None
            if rnd() < 0.35:
                if rnd() < 0.5:
                    email = f"{rng.randint(10000, 3999999999)}@qq.com"
                else:
                    email = (_PINYIN[int(rnd() * len(_PINYIN))] + _PINYIN[int(rnd() * len(_PINYIN))]
                             + str(rng.randint(1, 9999)) + "@" + _EMAIL_DOMAINS[int(rnd() * len(_EMAIL_DOMAINS))])
            im_id = None
            if rnd() < 0.4:
                im_id = (str(rng.randint(10000, 3999999999)) if rnd() < 0.6
                         else "wxid_" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=10)))
            tier_i = self.tier_pool[int(rnd() * len(self.tier_pool))]
            if prospect and tier_i is not None and tier_i < 2 and rnd() < 0.8:
                tier_i = 2 if len(self.tiers) > 2 else None
            tier_id = self.tiers[tier_i].id if tier_i is not None else None
            source = self.source_pool[int(rnd() * len(self.source_pool))]
            referred_by = None
            if source == "referral":
                if cid > self.first_customer_id:
                    referred_by = self.first_customer_id + int(rnd() * (cid - self.first_customer_id))
                else:
                    source = "hotline"
            # platform events: registration (some long before they reached the archive), verifications
            reg = rn = em = mob = None
            if not prospect or rnd() < 0.3:
                reg = created - (int(rnd() * 400 * DAY) if (source == "import" or rnd() < 0.2) else int(rnd() * DAY))
                reg = max(reg, DAY)
                if mobile and rnd() < 0.95:
                    mob = min(reg + int(rnd() * 600), now_s)
                if id_number and not prospect and rnd() < 0.95:
                    rn = min(reg + int(rnd() * 3 * DAY), now_s)
                if email and rnd() < 0.6:
                    em = min(reg + int(rnd() * 10 * DAY), now_s)
            spec = None
            assigned = None
            if rnd() < (0.7 if prospect else 0.95):
                spec = specs[int(rnd() * lsp)]
                assigned = self.at_work(created, min(created + 3 * DAY, now_s), self.work_in)
                assignments.append((ids["assignment"], cid, spec, sup if source != "import" else None, ts(assigned),
                                    "import" if source == "import" else ("manual" if rnd() < 0.7 else "auto")))
                ids["assignment"] += 1
            memo = _MEMOS[int(rnd() * len(_MEMOS))] if rnd() < 0.15 else ""
            preferred = _PREFERRED_TIMES[int(rnd() * len(_PREFERRED_TIMES))] if rnd() < 0.2 else ""
            updated = max(created, assigned or 0, rn or 0, em or 0, mob or 0)
            created_by = sup if source == "import" else specs[int(rnd() * lsp)]
            do_not_call = rnd() < 0.01
            if do_not_call:
                self._do_not_call.add(cid)
            tag_names: list[str] = []
            if rnd() < 0.2:
                for tag in rng.sample(self.tag_ids, 1 if rnd() < 0.7 else 2):
                    tags.append((ids["customer_tag"], cid, tag))
                    ids["customer_tag"] += 1
                    tag_names.append(self.tag_names[tag])
            customers.append([cid, name, self._search_key(name, mobile, id_number, email, im_id, tag_names), mobile,
                              id_number, email, im_id, ctype, tier_id, source, referred_by,
                              ts(reg) if reg else None, ts(rn) if rn else None, ts(em) if em else None,
                              ts(mob) if mob else None, spec, ts(assigned) if assigned else None, memo, preferred,
                              int(do_not_call), ts(created), created_by, ts(updated), 1, None, None])
            info.append((cid, created, ctype, tier_i, spec, assigned, reg, rn, em, mob, referred_by))
            self._assigned[cid] = (spec, assigned)

        # the history of these customers; its rows wait until the customers are in
        self._pending = []
        compensations: dict[int, list[tuple]] = {}
        callbacks: list[tuple] = []
        attempts: list[tuple] = []
        self._complaints(info, lo, hi, compensations, callbacks, attempts)
        self._callbacks(info, callbacks, attempts)
        self.insert("callback", "id, customer_id, assigned_to_id, due_at, purpose, method, status, triggered_at, "
                    "trigger_key, rule_id, campaign_id, complaint_id, attempts, outcome, satisfaction, opinion, "
                    "suggestions, duration_seconds, next_step, notes, done_at, done_by_id, created_at, created_by_id, "
                    "version", callbacks)
        self.insert("callback_attempt", "id, callback_id, at, by_id, method, outcome, note", attempts)
        self.summary.callbacks += len(callbacks)
        self.summary.callback_attempts += len(attempts)
        self._enquiries(info, hi - lo)
        self._points(info, compensations)
        pending, self._pending = self._pending, None

        # contacts as customers.note_contact keeps them: the last by anyone, the first by the assigned specialist
        for row in customers:
            cid = row[0]
            last = self._last_contact.pop(cid, None)
            first = self._first_contact.pop(cid, None)
            row[24] = ts(last) if last is not None else None
            row[25] = ts(first) if first is not None else None
        self._assigned.clear()
        self._do_not_call.clear()
        self.insert("customer", "id, name, search_key, mobile, id_number, email, im_id, customer_type, tier_id, "
                    "source, referred_by_id, registered_at, realname_verified_at, email_verified_at, "
                    "mobile_verified_at, assigned_to_id, assigned_at, memo, preferred_time, do_not_call, created_at, "
                    "created_by_id, updated_at, version, last_contact_at, first_contact_at", customers)
        self.insert("customer_tag", "id, customer_id, tag_id", tags)
        self.insert("assignment", "id, customer_id, specialist_id, assigned_by_id, assigned_at, reason", assignments)
        self.summary.customers += len(customers)
        self.summary.customer_tags += len(tags)
        self.summary.assignments += len(assignments)
        for args in pending:
            self.insert(*args)

    def _contact(self, cid: int, by: int, at: int) -> None:
        """Note a contact with customer CID by user BY at AT (a reached callback, an enquiry, a complaint reply)."""
        if at > self._last_contact.get(cid, -1):
            self._last_contact[cid] = at
        spec, assigned = self._assigned[cid]
        if by == spec and assigned is not None and assigned <= at < self._first_contact.get(cid, 1 << 60):
            self._first_contact[cid] = at

    def _search_key(self, name: str, mobile: str | None, id_number: str | None, email: str | None,
                    im_id: str | None, tags: list[str]) -> str:
        """``search_keys.customer_search_key`` of these values, with the costly name part (pinyin) cached."""
        name_key = self._name_keys.get(name)
        if name_key is None:
            name_key = self._name_keys[name] = customer_search_key(name)
        parts = [name_key, mobile or "", (id_number or "").lower(), (email or "").lower(), (im_id or "").lower()]
        parts += [self._tag_keys[t] for t in tags]
        return SEPARATOR.join(p for p in parts if p)

    # -- callbacks

    def _done_callback(self, cb_id: int, cid: int, due: int, created: int, spec: int, method: str,
                       attempts: list[tuple], satisfaction: str | None = None) -> tuple:
        """The result columns of a done callback (attempts .. done_by) and its attempt rows."""
        rnd = self.rng.random
        n_attempts = 1 if rnd() < 0.7 else (2 if rnd() < 0.67 else 3)
        outcome = "reached" if satisfaction else self.final_outcome_pool[int(rnd() * len(self.final_outcome_pool))]
        if satisfaction:   # a complaint's verification: done when the complaint says it was verified
            done = due
        else:
            done = self.at_work(due, min(due + int(rnd() * 2 * DAY), self.now_s - 60))
        opinion = suggestions = notes = ""
        duration = next_step = None
        if outcome == "reached":
            self._contact(cid, spec, done)
            satisfaction = satisfaction or self.satisfaction_pool[int(rnd() * len(self.satisfaction_pool))]
            texts = _OPINIONS[satisfaction]
            opinion = texts[int(rnd() * len(texts))]
            if rnd() < 0.3 or satisfaction != "satisfied":
                suggestions = _SUGGESTIONS[int(rnd() * len(_SUGGESTIONS))]
            if method == "phone":
                duration = 60 + int(rnd() * 600)
            next_step = ("complaint" if satisfaction == "unsatisfied" and rnd() < 0.3 else
                         "callback" if satisfaction != "satisfied" and rnd() < 0.4 else "none")
            if rnd() < 0.15:
                notes = _CALLBACK_NOTES[int(rnd() * len(_CALLBACK_NOTES))]
        else:
            satisfaction = None
            next_step = "callback" if outcome in ("no_answer", "phone_off") else "none"
        if self.now_s - done < _ATTEMPT_LOG_DAYS * DAY:
            gap = HOUR + int(rnd() * 4 * HOUR)
            t = done - (n_attempts - 1) * gap
            for i in range(n_attempts):
                last = i == n_attempts - 1
                attempts.append((self.ids["callback_attempt"], cb_id, self.ts(t if not last else done), spec, method,
                                 outcome if last else ("no_answer" if rnd() < 0.7 else "phone_off"),
                                 "" if last else _FAILED_NOTES[int(rnd() * len(_FAILED_NOTES))]))
                self.ids["callback_attempt"] += 1
                t += gap
        return (n_attempts, outcome, satisfaction, opinion, suggestions, duration, next_step, notes,
                self.ts(done), spec)

    def _callback(self, callbacks: list[tuple], attempts: list[tuple], cid: int, spec: int, due: int, lo: int,
                  purpose: str, rule: int | None, campaign: int | None = None, complaint: int | None = None,
                  triggered: int | None = None, satisfaction: str | None = None, force_open: bool = False,
                  key: str | None = None) -> None:
        """Append one callback due at DUE (created after LO), done, open or cancelled by its age.

        KEY is the trigger key in the form services.callbacks writes for the same rule.
        """
        rnd = self.rng.random
        ts = self.ts
        now_s = self.now_s
        cb_id = self.ids["callback"]
        self.ids["callback"] += 1
        method = "phone" if purpose in ("welcome", "complaint_check") else \
            self.method_pool[int(rnd() * len(self.method_pool))]
        created = min(max(lo, due - DAY - int(rnd() * 6 * DAY)), now_s)
        if triggered is not None:
            created = min(max(created, triggered), now_s)
        due = max(due, created)
        age = now_s - due
        if force_open or (due > now_s and satisfaction is None):
            status = "open"
        elif satisfaction is not None:
            status = "done"
        elif due >= self.today_s:
            status = "done" if rnd() < 0.4 else "open"
        else:
            p_open = 0.15 if age < 7 * DAY else (0.02 if age < 30 * DAY else 0.001)
            r = rnd()
            status = "open" if r < p_open else ("cancelled" if r < p_open + 0.02 else "done")
        if status == "done":
            result = self._done_callback(cb_id, cid, due, created, spec, method, attempts, satisfaction)
        else:
            tries = 0
            if status == "open" and due < now_s and rnd() < 0.5:   # overdue after failed tries
                tries = 1 if rnd() < 0.7 else 2
                if age < _ATTEMPT_LOG_DAYS * DAY:
                    t = due
                    for _i in range(tries):
                        t = min(t + int(rnd() * 3 * HOUR), now_s)
                        attempts.append((self.ids["callback_attempt"], cb_id, ts(t), spec, method,
                                         "no_answer" if rnd() < 0.7 else "phone_off",
                                         _FAILED_NOTES[int(rnd() * len(_FAILED_NOTES))]))
                        self.ids["callback_attempt"] += 1
            result = (tries, None, None, "", "", None, None, "", None, None)
        callbacks.append((cb_id, cid, spec, ts(due), purpose, method, status,
                          ts(triggered) if triggered is not None else None, key, rule, campaign, complaint) + result
                         + (ts(created), self.supervisor.id if campaign else spec, 1))

    def _callbacks(self, info: list[tuple], callbacks: list[tuple], attempts: list[tuple]) -> None:
        rnd = self.rng.random
        now_s = self.now_s
        horizon = now_s + 14 * DAY
        rules = self.cb_rules
        intervals = [max(20, int(t.callback_interval_days * 0.5)) if t.callback_interval_days else 100
                     for t in self.tiers]
        stamp = self.stamp
        for cid, created, ctype, tier_i, spec, assigned, reg, rn, em, mob, _ref in info:
            if spec is None or cid in self._do_not_call:
                continue
            # first contact within a week of the assignment (the welcome callback)
            self._callback(callbacks, attempts, cid, spec, self.at_work(assigned, assigned + 6 * DAY), assigned,
                           "welcome", rules.get("assignment"), triggered=assigned,
                           key=f"assign:{cid}:{spec}:{stamp(assigned)}")
            first = assigned + 7 * DAY
            if first >= horizon:
                continue
            span = horizon - first
            interval = (intervals[tier_i] if tier_i is not None else 120) * DAY
            n = int(span / interval + rnd())
            if ctype == "investor":
                n_renew = int(span / (75 * DAY) + rnd())
            else:
                n_renew = 0
            for i in range(n):
                due = self.at_work(first, horizon)
                self._callback(callbacks, attempts, cid, spec, due, assigned, "periodic_care",
                               rules.get("tier_periodic"), key=f"care:{cid}:{self.ts(due)[:10]}:{i}")
            for _i in range(n_renew):
                due = self.at_work(first, horizon)
                self._callback(callbacks, attempts, cid, spec, due, assigned, "renewal_reminder", rules.get("maturity"),
                               triggered=due - 5 * DAY)
            for campaign_id, c_lo, c_hi in self.campaigns:
                if c_lo > assigned and rnd() < 0.5:
                    # no trigger key: bench/callbacks.py writes campaign:<first campaign>:<customer> keys
                    # into this archive for its baseline (rolled back), and must not collide
                    self._callback(callbacks, attempts, cid, spec, self.at_work(c_lo, c_hi), c_lo - 7 * DAY,
                                   "special_period", None, campaign=campaign_id)

    # -- complaints and their verification callbacks

    def _complaints(self, info: list[tuple], lo: int, hi: int, compensations: dict[int, list[tuple]],
                    callbacks: list[tuple], attempts: list[tuple]) -> None:
        rng = self.rng
        rnd = rng.random
        ts = self.ts
        now_s = self.now_s
        ids = self.ids
        sup = self.supervisor.id
        specs = self.spec_pool
        count = (hi // 2) - (lo // 2)
        complaints: list[tuple] = []
        changes: list[tuple] = []
        created_list = [row[1] for row in info]
        per_customer: dict[int, int] = {}
        rules = self.cb_rules
        # bounds of received_at per state (seconds before now): (newest, oldest)
        windows = {"received": (0, 3 * DAY), "in_progress": (HOUR, 10 * DAY), "resolved": (DAY, 12 * DAY),
                   "verified": (3 * DAY, 20 * DAY), "closed": (6 * DAY, 365 * DAY)}
        planned = []
        for _j in range(count):
            k = self.complaints_done
            self.complaints_done += 1
            state = ("received", "in_progress", "resolved", "verified", "closed")[k] if k < 5 else \
                self.state_pool[int(rnd() * len(self.state_pool))]
            newest, oldest = windows[state]
            latest = now_s - newest
            # a customer of this batch already known when the complaint came in
            n_known = bisect.bisect_right(created_list, latest)
            row = info[int(rnd() * n_known)] if n_known and rnd() < 0.95 else None
            lo_t = max(now_s - oldest, row[1] if row else 0)
            received = self.at_work(lo_t, latest, self.work_in)
            planned.append((received, state, row))
        planned.sort(key=lambda p: p[0])
        for received, state, row in planned:
            comp_id = ids["complaint"]
            ids["complaint"] += 1
            cid = row[0] if row else None
            caller = None
            if row is None:
                caller = _MOBILE_PREFIXES[int(rnd() * len(_MOBILE_PREFIXES))] + f"{int(rnd() * 100_000_000):08d}"
            is_repeat = 0
            if cid is not None:
                is_repeat = 1 if per_customer.get(cid) else 0
                per_customer[cid] = per_customer.get(cid, 0) + 1
            cat_i = self.category_pool[int(rnd() * len(self.category_pool))]
            description, resolution_text = _COMPLAINT_TEXTS[min(cat_i, 4)][int(rnd() * 5)]
            severity = self.severity_pool[int(rnd() * len(self.severity_pool))]
            handler = (row[4] if row and row[4] else specs[int(rnd() * len(specs))])
            created_by = handler if rnd() < 0.6 else specs[int(rnd() * len(specs))]
            channel = self.channel_pool[int(rnd() * len(self.channel_pool))]
            promised = received + int((2 + rnd() * 46) * HOUR)
            first_response = resolved = closed = escalated = None
            escalated_by = None
            escalation_reason = resolution = close_override = compensation_text = ""
            root_cause = satisfaction = None
            comp_fen = comp_points = reopened = 0
            history = [(None, "received", received, created_by)]
            t = received
            if state != "received":
                first_response = min(received + int((0.1 + rnd() * 5) * HOUR), now_s)
                t = first_response
                history.append(("received", "in_progress", t, handler))
                if cid is not None:
                    self._contact(cid, handler, first_response)
                if severity in ("high", "critical") and rnd() < 0.5 or rnd() < 0.05:
                    escalated = min(t + int(rnd() * 2 * HOUR), now_s)
                    escalated_by = handler
                    escalation_reason = _ESCALATION_REASONS[int(rnd() * len(_ESCALATION_REASONS))]
            if state in ("resolved", "verified", "closed"):
                limit = {"resolved": now_s, "verified": now_s - 2 * DAY, "closed": now_s - 3 * DAY}[state]
                resolved = min(t + int((1 + rnd() * 40) * HOUR), limit)
                resolved = max(resolved, t)
                resolution = resolution_text
                causes = _ROOT_CAUSE_BY_CATEGORY[min(cat_i, 4)]
                pick = causes[int(rnd() * len(causes))]
                root_cause = self.root_causes[pick] if pick < len(self.root_causes) else (
                    self.root_causes[int(rnd() * len(self.root_causes))] if self.root_causes else None)
                history.append(("in_progress", "resolved", resolved, handler))
                if cid is not None and rnd() < 0.12:
                    comp_points = (50, 100, 200, 500)[int(rnd() * 4)]
                    compensation_text = f"赠送{comp_points}积分作为补偿。"
                    compensations.setdefault(cid, []).append((resolved, comp_points, comp_id, handler))
                elif rnd() < 0.04:
                    comp_fen = (2000, 5000, 10000)[int(rnd() * 3)]
                    compensation_text = f"赠送{comp_fen // 100}元理财红包。"
            if state in ("verified", "closed"):
                override = state == "closed" and rnd() < 0.05
                if not override:
                    if state == "closed" and rnd() < 0.04:   # re-opened once after an unsatisfied check
                        reopened = 1
                        back = min(resolved + int((1 + rnd() * 2) * DAY), now_s - 3 * DAY)
                        back = max(back, resolved)
                        history.append(("resolved", "in_progress", back, handler))
                        resolved = min(back + int((2 + rnd() * 20) * HOUR), now_s - 2 * DAY)
                        resolved = max(resolved, back)
                        history.append(("in_progress", "resolved", resolved, handler))
                    satisfaction = self.satisfaction_pool[int(rnd() * len(self.satisfaction_pool))]
                    if satisfaction == "unsatisfied" and rnd() < 0.7:
                        satisfaction = "average"
                    limit = min(resolved + 3 * DAY, now_s - DAY if state == "closed" else now_s)
                    verified = max(self.at_work(resolved + DAY // 2, limit), resolved)
                    if cid is not None and cid not in self._do_not_call:
                        self._callback(callbacks, attempts, cid, row[4] or handler, verified, resolved,
                                       "complaint_check", rules.get("complaint_resolved"), complaint=comp_id,
                                       triggered=resolved, satisfaction=satisfaction,
                                       key=f"complaint:{comp_id}:{self.stamp(resolved)}")
                    history.append(("resolved", "verified", verified, handler))
                    t = verified
                else:
                    close_override = _OVERRIDE_CLOSE
                    t = resolved
                if state == "closed":
                    closed = min(t + int(rnd() * 2 * DAY), now_s)
                    history.append((history[-1][1], "closed", closed, sup if override else handler))
            elif state == "resolved" and cid is not None and cid not in self._do_not_call:
                # the verification callback is still to be made (due three days after the resolution)
                due = self.at_work(resolved, resolved + 3 * DAY)
                self._callback(callbacks, attempts, cid, row[4] or handler, due, resolved, "complaint_check",
                               rules.get("complaint_resolved"), complaint=comp_id, triggered=resolved,
                               force_open=True, key=f"complaint:{comp_id}:{self.stamp(resolved)}")
            complaints.append((
                comp_id, cid, caller, channel, ts(received), self.categories[cat_i], severity, description, handler,
                created_by, ts(promised), ts(first_response) if first_response else None, state, is_repeat, reopened,
                ts(escalated) if escalated else None, escalated_by, escalation_reason, resolution, root_cause,
                ts(resolved) if resolved else None, satisfaction, ts(closed) if closed else None, close_override,
                compensation_text, comp_fen, comp_points, 1, *self._deadlines(ts(received), severity)))
            for from_status, to_status, at, by in history:
                note = _REOPEN_NOTE if (from_status == "resolved" and to_status == "in_progress") else \
                    (close_override if (to_status == "closed" and close_override) else _STATE_NOTES[to_status])
                changes.append((ids["complaint_state_change"], comp_id, from_status, to_status, ts(at), by, note))
                ids["complaint_state_change"] += 1
        self.insert("complaint", "id, customer_id, caller_number, channel, received_at, category_id, severity, "
                    "description, handler_id, created_by_id, promised_reply_at, first_response_at, status, is_repeat, "
                    "reopened_count, escalated_at, escalated_by_id, escalation_reason, resolution, root_cause_id, "
                    "resolved_at, satisfaction, closed_at, close_override_reason, compensation_text, "
                    "compensation_fen, compensation_points, version, first_response_due, resolution_due", complaints)
        self.insert("complaint_state_change", "id, complaint_id, from_status, to_status, at, by_id, note", changes)
        self.summary.complaints += len(complaints)
        self.summary.complaint_state_changes += len(changes)

    # -- enquiries

    def _enquiries(self, info: list[tuple], size: int) -> None:
        rnd = self.rng.random
        ts = self.ts
        now_s = self.now_s
        specs = self.spec_pool
        rows = []
        n_topics = len(self.topics)
        pool = self.enquiry_channel_pool
        for _j in range(2 * size):
            row = info[int(rnd() * len(info))]
            if rnd() < 0.85:
                cid, caller = row[0], None
                lo_t = row[1]
            else:
                cid = None
                caller = _MOBILE_PREFIXES[int(rnd() * len(_MOBILE_PREFIXES))] + f"{int(rnd() * 100_000_000):08d}"
                lo_t = self.year_ago_s
            topic_i = int(rnd() * n_topics)
            texts = _ENQUIRY_TEXTS[min(topic_i, len(_ENQUIRY_TEXTS) - 1)]
            at = self.at_work(lo_t, now_s, self.work_in)
            handler = row[4] if cid and row[4] and rnd() < 0.3 else specs[int(rnd() * len(specs))]
            if cid is not None:
                self._contact(cid, handler, at)
            rows.append((self.ids["enquiry"], cid, caller, pool[int(rnd() * len(pool))], self.topics[topic_i],
                         texts[int(rnd() * len(texts))], "resolved" if rnd() < 0.9 else "handed_on", handler, ts(at)))
            self.ids["enquiry"] += 1
        rows.sort(key=lambda r: r[8])
        rows = [(self.ids["enquiry"] - len(rows) + i,) + r[1:] for i, r in enumerate(rows)]
        self.insert("enquiry", "id, customer_id, caller_number, channel, topic_id, summary, outcome, handled_by_id, "
                    "created_at", rows)
        self.summary.enquiries += len(rows)

    # -- points: lots first, then redemptions and expiries drawn from them (FIFO by expiry)

    def _award(self, event: str, amount_fen: int = 0) -> tuple[int, int | None, int]:
        """(points, rule id, validity days) of EVENT under the seeded rules; 0 points when there is no rule."""
        rule = self.points_rules.get(event)
        if rule is None:
            return 0, None, 0
        rule_id, mode, points, per_amount_fen, validity_days = rule
        if mode == "per_amount":
            points = points * (amount_fen // per_amount_fen) if per_amount_fen else 0
        return points, rule_id, validity_days

    def _points(self, info: list[tuple], compensations: dict[int, list[tuple]]) -> None:
        rng = self.rng
        rnd = rng.random
        ts = self.ts
        now_s = self.now_s
        ids = self.ids
        sup = self.supervisor.id
        entries: list[tuple] = []
        allocations: list[tuple] = []
        adjustments: list[tuple] = []
        fixed = {e: self._award(e) for e in ("registration", "realname", "email_verified", "mobile_verified",
                                             "referral")}
        reasons = {"registration": "注册奖励", "realname": "实名认证奖励", "email_verified": "邮箱认证奖励",
                   "mobile_verified": "手机认证奖励", "referral": "推荐好友奖励", "recharge": "充值奖励",
                   "investment": "投资奖励"}
        never = 1 << 60
        amounts = self.amount_pool
        for cid, created, ctype, tier_i, spec, assigned, reg, rn, em, mob, referred_by in info:
            if reg is None and cid not in compensations:
                continue
            if reg is not None:
                self.registered.add(cid)
            # earn events: (time, kind, points, event, rule, reference, once_key, expires, complaint, by, reason)
            events: list[tuple] = []
            for event, at in (("registration", reg), ("mobile_verified", mob), ("realname", rn),
                              ("email_verified", em)):
                points, rule, validity = fixed[event]
                if at is not None and points > 0:
                    events.append((at, "earn", points, event, rule, None, event,
                                   at + validity * DAY if validity else never, None, None, reasons[event]))
            if referred_by is not None and rn is not None and referred_by in self.registered:
                points, rule, validity = fixed["referral"]
                if points > 0:
                    # the referrer is paid once the referred customer passes real-name verification
                    entries_ref = (rn + 60, "earn", points, "referral", rule, None, None,
                                   rn + 60 + validity * DAY if validity else never, None, None,
                                   reasons["referral"])
                    self._ledger(referred_by, [entries_ref], entries, allocations, extra_only=True)
            if rn is not None and ctype != "prospect":
                event = "investment" if ctype == "investor" else "recharge"
                span = now_s - rn
                mean = (26.0 if ctype == "investor" else 12.0) * min(1.0, span / (300 * DAY))
                n = int(mean * (0.3 + 1.4 * rnd()) + rnd())
                for _i in range(n):
                    amount = amounts[int(rnd() * len(amounts))]
                    points, rule, validity = self._award(event, amount * 100)
                    if points <= 0:
                        continue
                    at = self.at_work(rn, now_s, self.work_in)
                    self.reference_seq += 1
                    prefix = "IV" if event == "investment" else "RC"
                    events.append((at, "earn", points, event, rule, f"{prefix}{self.reference_seq:010d}", None,
                                   at + validity * DAY if validity else never, None, None,
                                   f"{reasons[event]}({amount}元)"))
                # redemptions toward an investment (1 point = 1 yuan)
                if ctype == "investor":
                    for _i in range(int(rnd() * 3.2)):
                        events.append((self.at_work(rn, now_s, self.work_in), "redeem", 0))
            for at, points, complaint_id, handler in compensations.get(cid, ()):
                events.append((at, "adjust", points, None, None, None, None, never, complaint_id, handler,
                               "投诉补偿"))
            if rnd() < 0.004 and reg is not None:   # a manual adjustment request of the desk
                at = self.at_work(max(created, self.year_ago_s), now_s)
                status = ("approved", "pending", "rejected")[int(rnd() * 3)]
                points = (20, 50, 100, 300)[int(rnd() * 4)]
                entry_id = None
                decided = min(at + int(rnd() * DAY), now_s) if status != "pending" else None
                if status == "approved":
                    entry_id = -1   # filled in by the ledger below
                    events.append((decided, "adjust", points, None, None, None, None, never, None, sup,
                                   "活动补发积分(主管已批准)", len(adjustments)))
                adjustments.append([ids["points_adjustment"], cid, points, "活动补发积分", status,
                                    spec or sup, ts(at), sup if decided else None,
                                    ts(decided) if decided else None, entry_id])
                ids["points_adjustment"] += 1
            events.sort(key=lambda e: e[0])
            self._ledger(cid, events, entries, allocations, adjustments=adjustments)
        self.insert("points_entry", "id, customer_id, kind, points, created_at, created_by_id, reason, event, rule_id, "
                    "complaint_id, reference, once_key, expires_at", entries)
        self.insert("points_allocation", "id, entry_id, lot_id, points", allocations)
        self.insert("points_adjustment", "id, customer_id, points, reason, status, requested_by_id, requested_at, "
                    "decided_by_id, decided_at, entry_id", [tuple(a) for a in adjustments])
        self.summary.points_entries += len(entries)
        self.summary.points_allocations += len(allocations)
        self.summary.points_adjustments += len(adjustments)

    def _ledger(self, cid: int, events: list[tuple], entries: list[tuple], allocations: list[tuple],
                extra_only: bool = False, adjustments: list[list] | None = None) -> None:
        """Write CID's ledger in time order: lots, then redemptions and expiries that never overdraw."""
        rnd = self.rng.random
        ts = self.ts
        ids = self.ids
        now_s = self.now_s
        never = 1 << 60
        lots: list[list[int]] = []   # [expires, entry id, remaining]
        balance = 0
        next_expiry = never

        def add(kind: str, points: int, at: int, by, reason: str, event=None, rule=None, complaint=None,
                reference=None, once_key=None, expires=None) -> int:
            entry_id = ids["points_entry"]
            ids["points_entry"] += 1
            entries.append((entry_id, cid, kind, points, ts(at), by, reason, event, rule, complaint, reference,
                            once_key, ts(expires) if expires is not None else None))
            return entry_id

        def draw(entry_id: int, amount: int) -> None:
            lots.sort()
            for lot in lots:
                if amount <= 0:
                    break
                take = min(lot[2], amount)
                if take > 0:
                    allocations.append((ids["points_allocation"], entry_id, lot[1], take))
                    ids["points_allocation"] += 1
                    lot[2] -= take
                    amount -= take

        def expire_until(t: int) -> None:
            """Expire what is left of every lot whose time came by T (T is never after now)."""
            nonlocal balance, next_expiry
            if next_expiry > t:
                return
            lots.sort()
            for lot in lots:
                if lot[0] > t:
                    break
                if lot[2] > 0:
                    entry_id = add("expire", -lot[2], lot[0], None, "积分过期")
                    allocations.append((ids["points_allocation"], entry_id, lot[1], lot[2]))
                    ids["points_allocation"] += 1
                    balance -= lot[2]
                    lot[2] = 0
            next_expiry = min((lot[0] for lot in lots if lot[2] > 0), default=never)

        for ev in events:
            at = ev[0]
            if not extra_only:
                expire_until(at)
            if ev[1] == "redeem":
                if balance < 10:
                    continue
                amount = max(10, int(balance * (0.3 + 0.7 * rnd())) // 10 * 10)
                self.reference_seq += 1
                entry_id = add("redeem", -amount, at, None, f"积分抵扣投资款{amount}元", reference=
                               f"IV{self.reference_seq:010d}")
                draw(entry_id, amount)
                balance -= amount
                continue
            _at, kind, points, event, rule, reference, once_key, expires, complaint, by, reason = ev[:11]
            entry_id = add(kind, points, at, by, reason, event, rule, complaint, reference, once_key,
                           expires if expires != never else None)
            if len(ev) > 11 and adjustments is not None:
                adjustments[ev[11]][9] = entry_id
            lots.append([expires, entry_id, points])
            balance += points
            next_expiry = min(next_expiry, expires)
        if not extra_only:
            expire_until(now_s)

    # -- harassing callers and handovers

    def _harassment(self) -> None:
        rng = self.rng
        rnd = rng.random
        ts = self.ts
        ids = self.ids
        specs = self.spec_pool
        existing = {n for (n,) in self.db.execute_sql('SELECT number FROM "harassing_number"').fetchall()}
        numbers = []
        calls = []
        for _i in range(max(3, min(200, self.n // 2000))):
            while True:
                if rnd() < 0.7:
                    number = _MOBILE_PREFIXES[int(rnd() * len(_MOBILE_PREFIXES))] + f"{int(rnd() * 1e8):08d}"
                else:
                    area = _LANDLINE_AREAS[int(rnd() * len(_LANDLINE_AREAS))]
                    number = f"{area}-{rng.randint(2, 8)}{int(rnd() * 1e7):07d}"
                if number not in existing and number not in self.mobiles:
                    existing.add(number)
                    break
            first = self.at_work(self.year_ago_s, self.now_s - DAY, self.work_in)
            n_calls = 1 + int(rng.expovariate(1 / 15))
            times = sorted(self.at_work(first, self.now_s, self.work_in) for _j in range(n_calls))
            marker = specs[int(rnd() * len(specs))]
            marked = times[min(2, len(times) - 1)]
            number_id = ids["harassing_number"]
            ids["harassing_number"] += 1
            numbers.append((number_id, number, _HARASS_REASONS[int(rnd() * len(_HARASS_REASONS))], marker, ts(marked),
                            0 if rnd() < 0.1 else 1))
            for t in times:
                calls.append((ids["harassing_call"], number_id, ts(t), "hotline" if rnd() < 0.9 else "im",
                              _HARASS_SUMMARIES[int(rnd() * len(_HARASS_SUMMARIES))], specs[int(rnd() * len(specs))]))
                ids["harassing_call"] += 1
        self.insert("harassing_number", "id, number, reason, marked_by_id, marked_at, active", numbers)
        self.insert("harassing_call", "id, number_id, at, channel, summary, handler_id", calls)
        self.summary.harassing_numbers += len(numbers)
        self.summary.harassing_calls += len(calls)

    def _handovers(self) -> None:
        rng = self.rng
        rnd = rng.random
        ts = self.ts
        ids = self.ids
        staff = list(self.spec_pool) + [self.supervisor.id]
        first_cid = self.first_customer_id
        last_cid = self.ids["customer"] - 1
        first_cb, last_cb = self.ids["callback"] - self.summary.callbacks, self.ids["callback"] - 1
        handovers = []
        reads = []
        count = max(5, min(60, self.n // 2000))
        times = sorted(self.at_work(self.now_s - 60 * DAY, self.now_s - HOUR) for _i in range(count))
        for t in times:
            author = staff[int(rnd() * len(staff))]
            customer_ids = sorted({first_cid + int(rnd() * (last_cid - first_cid + 1))
                                   for _j in range(int(rnd() * 3))})
            callback_ids = sorted({first_cb + int(rnd() * (last_cb - first_cb + 1))
                                   for _j in range(int(rnd() * 3))}) if last_cb >= first_cb else []
            text = _HANDOVER_TEXTS[int(rnd() * len(_HANDOVER_TEXTS))]
            name = ""
            if "{name}" in text:   # a note about a customer links that customer
                if not customer_ids:
                    customer_ids = [first_cid + int(rnd() * (last_cid - first_cid + 1))]
                name = self.db.execute_sql('SELECT name FROM "customer" WHERE id = ' + self.db.param,
                                           (customer_ids[0],)).fetchone()[0]
            body = text.format(n=2 + int(rnd() * 12), name=name)
            handover_id = ids["handover"]
            ids["handover"] += 1
            handovers.append((handover_id, author, ts(t), body,
                              json.dumps({"customers": customer_ids, "callbacks": callback_ids}, sort_keys=True)))
            for user_id in rng.sample([s for s in staff if s != author], min(len(staff) - 1, int(rnd() * 4))):
                reads.append((ids["handover_read"], handover_id, user_id,
                              ts(min(t + int(rnd() * 16 * HOUR), self.now_s))))
                ids["handover_read"] += 1
        self.insert("handover", "id, author_id, created_at, body, links", handovers)
        self.insert("handover_read", "id, handover_id, user_id, read_at", reads)
        self.summary.handovers += len(handovers)
        self.summary.handover_reads += len(reads)

