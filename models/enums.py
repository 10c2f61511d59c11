"""Enumerations of the domain: codes are the API's, labels the interface's (Chinese)."""
from __future__ import annotations

import enum


class LabeledEnum(str, enum.Enum):
    """A string enum whose members carry a Chinese label."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs for select boxes."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def codes(cls) -> list[str]:
        """All codes in declaration order."""
        return [m.value for m in cls]


class Role(LabeledEnum):
    ENTERPRISE = "enterprise", "企业"
    RESEARCHER = "researcher", "科研人员"
    CENTER = "center", "概念验证中心"
    ADMIN = "admin", "平台运营"


class OrgKind(LabeledEnum):
    ENTERPRISE = "enterprise", "企业"
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    CENTER = "center", "概念验证中心"
    SERVICE = "service", "服务机构"


class Visibility(LabeledEnum):
    PUBLIC = "public", "公开"
    ANONYMOUS = "anonymous", "匿名（隐藏机构）"
    CONFIDENTIAL = "confidential", "保密（仅公开摘要）"


class CooperationMode(LabeledEnum):
    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENSE = "license", "许可"
    JOINT_RESEARCH = "joint_research", "合作研发"
    CHALLENGE = "challenge", "揭榜挂帅"


class Maturity(LabeledEnum):
    LAB = "lab", "实验室"
    BENCH = "bench", "小试"
    PILOT = "pilot", "中试"
    PRODUCTION = "production", "产业化"


class TransferMode(LabeledEnum):
    LICENSE = "license", "许可"
    ASSIGNMENT = "assignment", "转让"
    EQUITY = "equity", "作价投资"


class PatentStatus(LabeledEnum):
    PENDING = "pending", "申请中"
    GRANTED = "granted", "已授权"


class DemandStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已关闭"
    FULFILLED = "fulfilled", "已完成验证"  # final: its pairing's validation was accepted
    HIDDEN = "hidden", "已被平台隐藏"  # by an operator (services/moderation.py); only an operator restores it


class ResultStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"
    VALIDATED = "validated", "已完成验证"  # final: its pairing's validation was accepted
    HIDDEN = "hidden", "已被平台隐藏"  # by an operator (services/moderation.py); only an operator restores it


class TokenKind(LabeledEnum):
    WEB = "web", "网页会话"
    API = "api", "API 令牌"


# Which organization kinds each self-registering role may belong to.
ROLE_ORG_KINDS: dict[Role, tuple[OrgKind, ...]] = {
    Role.ENTERPRISE: (OrgKind.ENTERPRISE,),
    Role.RESEARCHER: (OrgKind.UNIVERSITY, OrgKind.INSTITUTE),
    Role.CENTER: (OrgKind.CENTER,),
    Role.ADMIN: (OrgKind.SERVICE,),
}


class PairingStatus(LabeledEnum):
    PROPOSED = "proposed", "待回复"
    CONNECTED = "connected", "已对接"
    DECLINED = "declined", "已婉拒"
    WITHDRAWN = "withdrawn", "已撤回"
    EXPIRED = "expired", "已过期"


class Side(LabeledEnum):
    DEMAND = "demand", "需求方"
    RESULT = "result", "成果方"


class DeclineReason(LabeledEnum):
    TOO_EARLY = "too_early", "技术尚不成熟，时机过早"
    BENEFIT_UNCLEAR = "benefit_unclear", "合作收益不明确"
    ROUTE_UNCLEAR = "route_unclear", "商业化路径不清晰"
    DESCRIPTION_UNCLEAR = "description_unclear", "描述不够清楚"
    BUDGET_MISMATCH = "budget_mismatch", "预算或价格不匹配"
    ALREADY_SOLVED = "already_solved", "问题已解决"
    OTHER = "other", "其他原因"


class NotificationKind(LabeledEnum):
    PAIRING_PROPOSED = "pairing_proposed", "新的对接请求"
    PAIRING_ACCEPTED = "pairing_accepted", "对接已接受"
    PAIRING_DECLINED = "pairing_declined", "对接被婉拒"
    PAIRING_WITHDRAWN = "pairing_withdrawn", "对接请求已撤回"
    PAIRING_EXPIRED = "pairing_expired", "对接请求已过期"
    PAIRING_OVERDUE = "pairing_overdue", "对接请求逾期未回复"
    MESSAGE = "message", "新消息"
    NEW_MATCH = "new_match", "新的高匹配项"
    VALIDATION_REQUEST = "validation_request", "新的概念验证请求"
    BID_RECEIVED = "bid_received", "收到验证方案"
    BID_UPDATE = "bid_update", "验证方案动态"
    BID_SELECTED = "bid_selected", "方案中选"
    BID_REJECTED = "bid_rejected", "方案未中选"
    AGREEMENT_SIGN = "agreement_sign", "协议待签署"
    ENGAGEMENT_UPDATE = "engagement_update", "验证进展"
    MILESTONE_OVERDUE = "milestone_overdue", "里程碑逾期"
    REPORT_UPDATE = "report_update", "验证报告"
    MODERATION = "moderation", "内容审核"
    LISTING_FRESHNESS = "listing_freshness", "信息时效"
    JOIN_REQUEST = "join_request", "加入机构申请"


class EventKind(LabeledEnum):
    DEMAND_PUBLISHED = "demand_published", "需求发布"
    RESULT_PUBLISHED = "result_published", "成果发布"
    PAIRING_PROPOSED = "pairing_proposed", "发起对接"
    PAIRING_CONNECTED = "pairing_connected", "对接成功"
    PAIRING_DECLINED = "pairing_declined", "对接婉拒"
    PAIRING_WITHDRAWN = "pairing_withdrawn", "对接撤回"
    PAIRING_EXPIRED = "pairing_expired", "对接过期"
    VALIDATION_REQUESTED = "validation_requested", "申请概念验证"
    BID_SUBMITTED = "bid_submitted", "提交验证方案"
    ENGAGEMENT_CREATED = "engagement_created", "选定验证中心"
    ENGAGEMENT_ACTIVATED = "engagement_activated", "三方签署协议"
    VALIDATION_COMPLETED = "validation_completed", "完成概念验证"


class ListingKind(LabeledEnum):
    DEMAND = "demand", "技术需求"
    RESULT = "result", "科技成果"


# -- the proof-of-concept stage ------------------------------------------------------------------

class CenterService(LabeledEnum):
    TECHNICAL_VALIDATION = "technical_validation", "技术验证"
    MARKET_VALIDATION = "market_validation", "商业验证"
    PROTOTYPING = "prototyping", "样品试制"
    TESTING = "testing", "试验检测"
    PILOT_SCALING = "pilot_scaling", "中试熟化"
    MARKET_LINKING = "market_linking", "市场对接"
    FUNDRAISING = "fundraising", "资金筹集"


class QualificationKind(LabeledEnum):
    CNAS = "cnas", "CNAS 实验室认可"
    CMA = "cma", "CMA 检验检测资质认定"
    OTHER = "other", "其他资质"


class ValidationNeed(LabeledEnum):
    TECHNICAL = "technical", "技术可行性验证"
    MARKET = "market", "市场可行性验证"
    BOTH = "both", "技术与市场双验证"


class RequestStatus(LabeledEnum):
    OPEN = "open_for_bids", "征集验证方案"
    ENGAGED = "engaged", "已选定验证中心"
    CANCELLED = "cancelled", "已取消"


class BidStatus(LabeledEnum):
    SUBMITTED = "submitted", "已提交"
    WITHDRAWN = "withdrawn", "已撤回"
    ACCEPTED = "accepted", "已中选"
    REJECTED = "rejected", "未中选"


class FundingModel(LabeledEnum):
    ENTERPRISE_PAYS = "enterprise_pays", "企业出资"
    CENTER_GRANT = "center_grant", "验证中心无偿资助"
    INVEST_FOR_EQUITY = "invest_for_equity", "先投后股"


class LicenseKind(LabeledEnum):
    EXCLUSIVE = "exclusive", "独占许可"
    NON_EXCLUSIVE = "non_exclusive", "普通许可"
    NONE = "none", "不许可"


class Party(LabeledEnum):
    ENTERPRISE = "enterprise", "需求企业"
    INSTITUTION = "institution", "成果方（高校院所）"
    CENTER = "center", "概念验证中心"


class EngagementStatus(LabeledEnum):
    AWAITING_SIGNATURES = "awaiting_signatures", "待签署协议"
    ACTIVE = "active", "验证进行中"
    REPORT_SUBMITTED = "report_submitted", "报告待确认"
    COMPLETED = "completed", "已完成"


class MilestoneStatus(LabeledEnum):
    PENDING = "pending", "进行中"
    SUBMITTED = "submitted", "待验收"
    APPROVED = "approved", "已验收"
    REJECTED = "rejected", "退回修改"


class PaymentStatus(LabeledEnum):
    NOT_DUE = "not_due", "未到付款条件"
    DUE = "due", "应付"
    PAID = "paid", "已付"


class Verdict(LabeledEnum):
    FEASIBLE = "feasible", "可行"
    INFEASIBLE = "infeasible", "不可行"
    INCONCLUSIVE = "inconclusive", "尚无定论"


class Recommendation(LabeledEnum):
    PILOT = "pilot", "进入中试"
    LICENSE = "license", "许可转化"
    SPIN_OFF = "spin_off", "成立公司"
    STOP = "stop", "终止"


class ReportStatus(LabeledEnum):
    SUBMITTED = "submitted", "待确认"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "已确认"


class ReportTarget(LabeledEnum):
    """What a user reports to the operators."""

    DEMAND = "demand", "需求"
    RESULT = "result", "成果"
    MESSAGE = "message", "对接留言"


class ModerationStatus(LabeledEnum):
    OPEN = "open", "待处理"
    ACTIONED = "actioned", "已处理（内容已隐藏）"
    DISMISSED = "dismissed", "已驳回"


class JoinStatus(LabeledEnum):
    PENDING = "pending", "待批准"
    APPROVED = "approved", "已批准"
    DECLINED = "declined", "已婉拒"


class MailStatus(LabeledEnum):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class MailDelivery(LabeledEnum):
    """How a user hears of one kind of notification by e-mail."""

    INSTANT = "instant", "即时发送"
    DIGEST = "digest", "每日汇总"
    OFF = "off", "不发送"
