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


class ResultStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


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


class EventKind(LabeledEnum):
    DEMAND_PUBLISHED = "demand_published", "需求发布"
    RESULT_PUBLISHED = "result_published", "成果发布"
    PAIRING_PROPOSED = "pairing_proposed", "发起对接"
    PAIRING_CONNECTED = "pairing_connected", "对接成功"
    PAIRING_DECLINED = "pairing_declined", "对接婉拒"
    PAIRING_WITHDRAWN = "pairing_withdrawn", "对接撤回"
    PAIRING_EXPIRED = "pairing_expired", "对接过期"


class ListingKind(LabeledEnum):
    DEMAND = "demand", "技术需求"
    RESULT = "result", "科技成果"
