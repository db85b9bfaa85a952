"""Chinese names for synthetic places, units and union organisations, built the way real ones are.

Real names follow fixed patterns: an enterprise is 行政区划 + 字号 + 行业 + 组织形式 (``湖南恒鑫机械有限公司``),
a township is two or three characters and 镇/乡/街道 (``陬市镇``, ``马鬃岭镇``, ``定王台街道``), a union is its
unit's name + 工会, a federation is its region's full name + 总工会 or 工会联合会. Every function takes the
``random.Random`` to draw from, so names are deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final, TypeVar

from exchange.standard import code_list

# 字号 (trade names): two of these, e.g. 恒鑫, 宏泰, 湘盛.
TRADE_NAME_CHARACTERS: Final = (
    "华恒鑫宏顺泰永新天瑞博嘉盛正金丰源达信诚通荣昌兴隆宇润和成远海楚星汇联德广利凯锦晟创佳安康科翔腾富融晨升威"
)

MANUFACTURING: Final = (
    "机械", "电子", "纺织", "印染", "食品", "医药", "化工", "建材", "新材料", "汽车零部件", "电气", "包装",
    "塑业", "钢结构", "陶瓷", "竹木制品", "茶业", "服饰", "五金", "环保科技", "生物科技", "精密制造", "电缆",
    "油脂", "农业科技", "光电科技", "智能装备", "矿业", "水泥", "饲料",
)  # fmt: skip
SERVICES: Final = (
    "商贸", "物流", "物业服务", "餐饮管理", "信息技术", "电子商务", "家政服务", "广告传媒", "旅游开发", "酒店管理",
    "超市", "医疗器械", "汽车销售服务", "人力资源服务", "保安服务", "房地产开发", "文化传播", "供应链管理",
    "网络科技", "教育咨询",
)  # fmt: skip
CONSTRUCTION: Final = ("建筑工程", "建设工程", "装饰工程", "路桥工程", "市政工程", "水利水电工程", "园林绿化工程")
SHOPS: Final = (
    "粉店", "便利店", "超市", "餐馆", "理发店", "五金店", "汽车维修店", "农资店", "服装店", "药店", "茶馆",
    "水果店", "快餐店", "副食店", "建材店", "手机店", "早餐店", "洗车店", "花店", "烟酒店",
)  # fmt: skip
TRADES: Final = ("餐饮", "商贸", "物流快递", "家政服务", "建筑", "美容美发", "汽车维修", "物业")
# Made-up foreign and Hong Kong/Macao/Taiwan trade names, as written in Chinese.
FOREIGN_NAMES: Final = (
    "艾森",
    "贝卡",
    "德隆",
    "福克斯",
    "霍曼",
    "卡特兰",
    "莱茵",
    "美特",
    "诺斯",
    "欧林",
    "施泰",
    "索尔",
)
HMT_NAMES: Final = ("港华", "宝胜", "裕丰", "鸿昌", "永丰", "嘉里", "富通", "百利", "德昌", "利丰")
BANKS: Final = (
    "中国工商银行股份有限公司", "中国农业银行股份有限公司", "中国银行股份有限公司", "中国建设银行股份有限公司",
    "中国邮政储蓄银行股份有限公司", "交通银行股份有限公司",
)  # fmt: skip
INSURERS: Final = ("中国人寿保险股份有限公司", "中国人民财产保险股份有限公司")
# Government departments of a city or county, as their names follow the region's name.
DEPARTMENTS: Final = (
    "财政局", "发展和改革局", "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局", "农业农村局",
    "水利局", "商务局", "文化旅游广电体育局", "卫生健康局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "林业局", "城市管理综合执法局", "民政局", "司法局", "公安局", "人民法院", "人民检察院",
    "人大常委会机关", "政协机关", "人民政府办公室", "科学技术局", "退役军人事务局", "生态环境分局",
)  # fmt: skip
PARTY_DEPARTMENTS: Final = ("办公室", "组织部", "宣传部", "政法委员会", "统战部")
INSTITUTIONS: Final = (
    "广播电视台", "图书馆", "文化馆", "档案馆", "公共资源交易中心", "政务服务中心", "农业技术推广中心",
    "不动产登记中心", "住房公积金管理部", "城乡规划设计院", "气象局", "水文站",
)  # fmt: skip
ASSOCIATIONS: Final = ("个体劳动者协会", "建筑业协会", "餐饮行业协会", "物流协会", "律师协会", "会计学会", "商会")
NUMERALS: Final = "一二三四五六七八九十"

# Place names: first character, optional middle, landform character (马鬃岭, 茶庵铺, 双溪口, 青林).
PLACE_FIRST: Final = (
    "青枫木架盘双热黄九漆理牛观龙三泥剪夷茶西杨郑沙漳浔陬金银白石新东南北"
    "大小高长平安永兴太和福桃花柳梅杉松竹洪清仙凤鹤马羊上下中"
)
PLACE_MIDDLE: Final = "家公阳溪塘花石子山鬃庵望车水"
PLACE_LAST: Final = "林树塘桥岭口市石溪河港潭坪铺驿山湖洲湾冲坡田源江岗庙头集垸"
STREET_LAST: Final = "园路台门街湖桥坡岭洲"
ROADS: Final = (
    "人民路", "解放路", "建设路", "迎宾路", "车站路", "五一路", "新华路", "中山路", "文化路", "工业大道", "城北路",
    "滨江路", "桃花路", "朝阳路", "长青路", "和平路", "光明路", "学府路", "金山路", "沿河路",
)  # fmt: skip

# Suffixes that name what a division is, longest first; stripped to get the name people use (湘西, 桃源).
_DIVISION_SUFFIXES: Final = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "盟", "县", "区", "旗",
)  # fmt: skip
_AUTONOMOUS_REGIONS: Final = {"15": "内蒙古", "45": "广西", "54": "西藏", "64": "宁夏", "65": "新疆"}

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One of ``items``, uniformly: ``rng.choice`` in a single draw (planning a province calls it a lot)."""
    return items[int(rng.random() * len(items))]


def pick_weighted(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    """One of the items of (item, weight) pairs, with probability proportional to its weight."""
    left = rng.random() * sum(weight for _, weight in weighted)
    for item, weight in weighted:
        left -= weight
        if left < 0:
            return item
    return weighted[-1][0]


def below(rng: random.Random, stop: int) -> int:
    """A whole number in ``range(stop)``, in a single draw."""
    return int(rng.random() * stop)


def short_place_name(name: str) -> str:
    """The name a division goes by without its kind: 长沙市 → 长沙, 湘西土家族苗族自治州 → 湘西, 攸县 → 攸县."""
    ethnic = [name.find(entry.label) for entry in code_list("ethnicity") if entry.label in name]
    stem = name[: min(ethnic)] if ethnic and min(ethnic) >= 2 else name
    for suffix in _DIVISION_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
            return stem.removesuffix(suffix)
    return stem


def province_short_name(province: str, name: str) -> str:
    """湖南省 → 湖南, 广西壮族自治区 → 广西, 北京市 → 北京."""
    return _AUTONOMOUS_REGIONS.get(province) or short_place_name(name)


def trade_name(rng: random.Random) -> str:
    """A two-character 字号 such as 恒鑫."""
    count = len(TRADE_NAME_CHARACTERS)
    first = below(rng, count)
    second = (first + 1 + below(rng, count - 1)) % count  # never the same character twice
    return TRADE_NAME_CHARACTERS[first] + TRADE_NAME_CHARACTERS[second]


def place_name(rng: random.Random) -> str:
    """The proper part of a village or township name: 青林, 马鬃岭, 茶庵铺."""
    middle = pick(rng, PLACE_MIDDLE) if rng.random() < 0.3 else ""
    return pick(rng, PLACE_FIRST) + middle + pick(rng, PLACE_LAST)


def street_name(rng: random.Random) -> str:
    """The proper part of a street (街道) or community name: 定王台-like, 荷花园-like."""
    if rng.random() < 0.5:
        return pick(rng, PLACE_FIRST) + pick(rng, PLACE_MIDDLE) + pick(rng, STREET_LAST)
    return pick(rng, PLACE_FIRST) + pick(rng, PLACE_LAST)


def township_name(rng: random.Random, *, urban: bool) -> str:
    """A township-level division: mostly 街道 in an urban district, mostly 镇 (some 乡) in a county."""
    roll = rng.random()
    if roll < (0.85 if urban else 0.08):
        return street_name(rng) + "街道"
    return place_name(rng) + ("乡" if not urban and roll > 0.8 else "镇")


def address(rng: random.Random, place: str) -> str:
    """A street address in ``place`` (a county or township's full name)."""
    road = pick(rng, ROADS) if rng.random() < 0.6 else place_name(rng) + "路"
    return f"{place}{road}{1 + below(rng, 399)}号"


def numeral(number: int) -> str:
    """一 … 十, 十一 … 十九 (school and hospital numbers)."""
    if number <= 10:
        return NUMERALS[number - 1]
    return "十" + NUMERALS[number - 11]
