"""Words of the synthetic data (``seeds/synthetic.py``): the field vocabularies, regions,
organization names and the sentence templates of titles, descriptions and abstracts.

Technical terms come from the demo data's keywords (by field) and the matcher's domain
dictionary (each term put in the field of the demo listings that mention it); general nouns come
from jieba's dictionary sampled by frequency, so the text has a realistic long tail of words.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from matching.benchmark.synth import _jieba_nouns
from matching.text import load_domain_dictionary
from .loader import read

# Province → (weight: share of technology-transfer activity, cities or districts).
REGIONS: dict[str, tuple[float, list[str]]] = {
    "广东省": (14, ["深圳市", "广州市", "东莞市", "佛山市", "珠海市", "惠州市"]),
    "江苏省": (14, ["苏州市", "南京市", "无锡市", "常州市", "南通市", "徐州市"]),
    "北京市": (11, ["海淀区", "朝阳区", "昌平区", "大兴区", "顺义区"]),
    "浙江省": (10, ["杭州市", "宁波市", "嘉兴市", "绍兴市", "台州市", "温州市"]),
    "上海市": (9, ["浦东新区", "闵行区", "徐汇区", "嘉定区", "杨浦区", "松江区"]),
    "山东省": (7, ["济南市", "青岛市", "烟台市", "潍坊市", "淄博市"]),
    "湖北省": (4.5, ["武汉市", "襄阳市", "宜昌市"]),
    "四川省": (4, ["成都市", "绵阳市", "德阳市"]),
    "安徽省": (4, ["合肥市", "芜湖市", "马鞍山市"]),
    "陕西省": (3, ["西安市", "宝鸡市", "咸阳市"]),
    "湖南省": (3, ["长沙市", "株洲市", "湘潭市"]),
    "福建省": (3, ["福州市", "厦门市", "泉州市"]),
    "河南省": (2.5, ["郑州市", "洛阳市", "新乡市"]),
    "天津市": (2, ["滨海新区", "西青区", "南开区"]),
    "重庆市": (2, ["渝北区", "沙坪坝区", "九龙坡区"]),
    "辽宁省": (2, ["沈阳市", "大连市"]),
    "河北省": (1.5, ["石家庄市", "保定市", "唐山市"]),
    "江西省": (1.2, ["南昌市", "赣州市"]),
    "黑龙江省": (0.8, ["哈尔滨市", "大庆市"]),
    "吉林省": (0.8, ["长春市", "吉林市"]),
    "云南省": (0.6, ["昆明市"]),
    "广西壮族自治区": (0.6, ["南宁市", "柳州市"]),
    "山西省": (0.6, ["太原市"]),
    "贵州省": (0.5, ["贵阳市"]),
    "甘肃省": (0.4, ["兰州市"]),
    "内蒙古自治区": (0.4, ["呼和浩特市", "包头市"]),
    "新疆维吾尔自治区": (0.3, ["乌鲁木齐市"]),
    "海南省": (0.3, ["海口市"]),
    "宁夏回族自治区": (0.15, ["银川市"]),
    "青海省": (0.1, ["西宁市"]),
    "西藏自治区": (0.05, ["拉萨市"]),
}
# Field code → (weight: share of listings on a platform like InnoMatch, industry words of names).
FIELD_WEIGHTS: dict[str, tuple[float, list[str]]] = {
    "smart_manufacturing": (16, ["智能装备", "精密机械", "自动化", "智造"]),
    "new_materials": (13, ["新材料", "高分子", "复合材料", "特种材料"]),
    "ai": (11, ["智能科技", "数据科技", "视觉技术", "信息技术"]),
    "biomed": (10, ["生物医药", "药业", "生物科技"]),
    "new_energy": (9, ["新能源", "储能科技", "电池科技", "光伏科技"]),
    "ic": (8, ["微电子", "半导体", "芯片技术", "集成电路"]),
    "environment": (8, ["环保科技", "节能技术", "水处理", "环境工程"]),
    "medical_devices": (6, ["医疗器械", "医疗科技", "生命科技"]),
    "agriculture": (5, ["农业科技", "种业", "生态农业"]),
    "optoelectronics": (4, ["光电", "激光技术", "光学"]),
    "textiles": (3, ["纺织", "化纤", "服饰科技"]),
    "low_altitude": (2.5, ["航空科技", "无人机", "飞行器"]),
    "cell_gene": (1.5, ["细胞科技", "基因科技"]),
    "fintech": (1.2, ["金融科技", "数字科技"]),
    "silicon_photonics": (0.8, ["光子技术", "硅光科技"]),
    "semiconductor_4g": (0.5, ["宽禁带半导体", "氧化镓科技"]),
    "bci": (0.5, ["脑科技", "神经科技"]),
    "blockchain": (0.5, ["链科技", "可信数据"]),
}
OTHER_FIELD = (0.5, ["科技"])  # a field an administrator added
BRAND = list("恒瑞华芯源智达创新泰博科正宏远嘉凯铭盛海天中航联启明睿晟航宇鑫峰润弘德")
COMPANY_SUFFIX = ["科技有限公司", "技术有限公司", "股份有限公司", "有限公司", "集团有限公司", "科技股份有限公司"]
EFFECTS = ["效率", "稳定性", "良率", "寿命", "精度", "能耗", "成本", "可靠性", "一致性", "安全性", "响应速度", "灵敏度"]
APPLICATIONS = ["新能源汽车", "工业控制", "医疗诊断", "智慧农业", "电力系统", "消费电子", "航空航天", "轨道交通",
                "数据中心", "生物制药", "化工生产", "智能家居", "水处理", "建筑节能", "纺织印染", "物流仓储",
                "通信设备", "安防监控", "光伏电站", "储能电站", "精密加工", "食品加工", "海洋工程", "矿山开采"]
STAGES = ["实验室", "小试", "中试", "工程化", "示范线"]
TITLE_DEMAND = ["{kw}{suffix}", "{app}用{kw}{suffix}", "{kw}与{kw2}{suffix}", "面向{app}的{kw}{suffix}",
                "高{effect}{kw}{suffix}", "{kw}{effect}提升"]
SUFFIX_DEMAND = ["技术攻关", "工艺优化", "国产化替代", "方案征集", "联合研发", "技术需求", "关键技术突破", "产业化合作"]
TITLE_RESULT = ["基于{kw}的{kw2}{suffix}", "一种{kw}{suffix}", "高{effect}{kw}{suffix}", "{kw}在{app}中的应用",
                "面向{app}的{kw}{suffix}", "{kw}与{kw2}协同{suffix}"]
SUFFIX_RESULT = ["关键技术", "新方法", "原型系统", "制备工艺", "及其应用", "集成技术", "检测方法", "成套装备"]
DEMAND_SENTENCES = [
    "我公司主营{app}相关产品，现有{kw}方案在{effect}方面存在瓶颈。",
    "目前{kw}的{effect}仅达到行业先进水平的{p}%左右，制约了{noun}的规模化应用。",
    "拟寻求具备{kw2}经验的高校或科研院所合作，要求在{months}个月内完成{stage}验证。",
    "需兼容现有{noun}与{kw3}工艺，关键指标须满足客户对{effect2}的要求。",
    "可接受技术许可、转让或联合研发等合作方式，预算可根据方案调整。",
    "希望通过{kw2}解决{noun}{effect}低、{kw3}成本高的难题。",
]
RESULT_SENTENCES = [
    "本成果面向{app}，提出一种基于{kw}的{noun}方法。",
    "团队研制了{kw}原型，{effect}较现有方案提升约{p}%。",
    "已完成{stage}验证，连续稳定运行{hours}小时，{effect2}满足应用要求。",
    "结合{kw2}与{kw3}，解决了{noun}在{effect}方面的关键难题。",
    "可应用于{app}、{app2}等场景，拥有相关发明专利与软件著作权。",
    "团队在{kw2}方向积累多年，可提供技术培训与工艺包。",
]
DEMAND_SUMMARY = "寻求{kw}相关技术合作，应用于{app}，详情签署保密承诺后可见。"
MESSAGES = ["贵方的{kw}方案与我们的需求高度契合，希望进一步沟通。", "我们在{kw}方面有成熟成果，可提供样品测试。",
            "请问是否方便安排一次线上交流，介绍{kw}的技术细节？", "我方可按需调整技术方案，期待合作。"]
# jieba's nouns that name technical things (materials, devices, methods): the long tail of the text.
TECHNICAL_NOUN = re.compile(
    r"(材料|传感器|处理器|探测器|控制器|反应器|换热器|逆变器|放大器|变压器|剂|膜|系统|装置|工艺|设备|模块|电池|芯片"
    r"|算法|涂层|合金|纤维|树脂|催化|高分子|蛋白|细胞|基因|电路|信号|网络|数据|结构|元件|组件|光谱|电极|晶体|机床"
    r"|电机|发动机|仪器|疫苗|药物|农药|肥料|钢|陶瓷|玻璃|塑料|橡胶|薄膜|激光|雷达|天线|机器人|软件|聚合物|化合物|颗粒|粉末)$")
DECLINE_TEXTS = ["已与其他单位达成合作。", "项目预算调整，暂缓推进。", "内部方案已立项。"]


@dataclass
class Vocabulary:
    """Technical terms by field (plus a pool for unknown fields) and weighted general nouns."""

    terms: dict[str, list[str]]
    pool: list[str]
    nouns: list[str]
    noun_weights: list[float]

    def field_terms(self, code: str) -> list[str]:
        """The terms of one field; the whole pool for a field with none."""
        return self.terms.get(code) or self.pool


def vocabulary() -> Vocabulary:
    """Build the vocabulary from the demo data, the domain dictionary and jieba's nouns."""
    terms: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for name, body in (("demands.json", "description"), ("results.json", "abstract")):
        for item in read(name):
            terms.setdefault(item["field"], []).extend(k for k in item.get("keywords", []) if len(k) <= 20)
            texts[item["field"]] = texts.get(item["field"], "") + item["title"] + item[body]
    for word, _ in load_domain_dictionary():
        homes = [code for code, text in texts.items() if word in text]
        if homes and len(word) >= 2:
            terms[max(homes, key=lambda c: texts[c].count(word))].append(word)
    terms = {code: sorted(set(words)) for code, words in terms.items()}
    pool = sorted({word for words in terms.values() for word in words})
    nouns, freq = _jieba_nouns(60000)
    technical = [(noun, f) for noun, f in zip(nouns, freq) if TECHNICAL_NOUN.search(noun)]
    return Vocabulary(terms, pool, [n for n, _ in technical], [f ** 0.75 for _, f in technical])


def region_table() -> tuple[list[str], list[float]]:
    """Every "province + city/district" with its weight (a province's weight shared by its cities,
    the first city — the capital or the main centre — twice as likely as each of the others)."""
    names, weights = [], []
    for province, (weight, cities) in REGIONS.items():
        shares = [2.0] + [1.0] * (len(cities) - 1)
        for city, share in zip(cities, shares):
            names.append(province + city)
            weights.append(weight * share / sum(shares))
    return names, weights


def short_place(region: str) -> str:
    """苏州 from 江苏省苏州市; 浦东 from 上海市浦东新区 (for organization names)."""
    for province in REGIONS:
        if region.startswith(province):
            place = region[len(province):]
            if province.endswith("市"):
                return province[:-1]
            return place[:-1] if place.endswith(("市", "区")) else place
    return region[:2]


def organization_name(rng: random.Random, kind: str, region: str, field: str) -> str:
    """An invented enterprise, university or institute name (any likeness is accidental)."""
    place, brand = short_place(region), rng.choice(BRAND) + rng.choice(BRAND)
    industry = rng.choice(FIELD_WEIGHTS.get(field, OTHER_FIELD)[1])
    if kind == "enterprise":
        return f"{place}{brand}{industry}{rng.choice(COMPANY_SUFFIX)}"
    if kind == "university":
        return f"{place}{brand}{rng.choice(['大学', '理工大学', '工业大学', '科技大学', '学院', '职业技术大学'])}"
    return f"{place}{brand}{industry.removesuffix('科技')}{rng.choice(['研究院', '研究所', '技术研究院', '创新研究院'])}"


def fill(rng: random.Random, vocab: Vocabulary, field: str, keywords: list[str]) -> dict[str, str]:
    """Values for the templates: the listing's keywords first, then words of its field."""
    words = vocab.field_terms(field)
    noun = rng.choices(vocab.nouns, vocab.noun_weights)[0]
    return {"kw": keywords[0], "kw2": keywords[1 % len(keywords)], "kw3": rng.choice(words), "noun": noun,
            "app": rng.choice(APPLICATIONS), "app2": rng.choice(APPLICATIONS), "effect": rng.choice(EFFECTS),
            "effect2": rng.choice(EFFECTS), "stage": rng.choice(STAGES), "p": str(rng.randint(5, 95)),
            "months": str(rng.choice([6, 12, 18, 24])), "hours": str(rng.choice([200, 500, 1000, 2000, 5000]))}


def title(rng: random.Random, kind: str, values: dict[str, str]) -> str:
    """A title in a demand's or a result's phrasing (at most 120 characters)."""
    templates, suffixes = (TITLE_DEMAND, SUFFIX_DEMAND) if kind == "demand" else (TITLE_RESULT, SUFFIX_RESULT)
    return rng.choice(templates).format(suffix=rng.choice(suffixes), **values)[:110]


def body(rng: random.Random, kind: str, values: dict[str, str]) -> str:
    """Three to six sentences of a description or an abstract."""
    sentences = DEMAND_SENTENCES if kind == "demand" else RESULT_SENTENCES
    chosen = [0] + sorted(rng.sample(range(1, len(sentences)), rng.randint(2, len(sentences) - 1)))
    return "".join(sentences[k].format(**values) for k in chosen)
