"""One canonical name per news organisation, so that facets on outlet do not split.

``OUTLETS`` maps each canonical name (Traditional, as Hong Kong prints it) to the forms the
press prints: web editions (香港商報網, 文匯網, 新華網), apps (央視新聞客戶端), full names
(中國新聞社) and English names (Xinhua). Simplified forms are derived with OpenCC, so 新华社,
香港商报网 and 中国新闻网 need no entry of their own. A name not in the table is canonicalised to
its Hong Kong Traditional form (南方日报 -> 南方日報) so that its two scripts still meet.

Reads no settings.
"""

from __future__ import annotations

import re

from crawler.normalise.script import to_simplified, to_traditional

OUTLETS: dict[str, tuple[str, ...]] = {
    # Hong Kong
    "香港商報": ("商報", "香港商報網", "商報網", "HKCD", "Hong Kong Commercial Daily", "hkcd.com"),
    "文匯報": ("香港文匯報", "文匯網", "香港文匯網", "Wen Wei Po", "wenweipo", "wenweipo.com"),
    "大公報": ("香港大公報", "大公網", "Ta Kung Pao", "takungpao", "takungpao.com"),
    "大公文匯": ("大公文匯網", "大公文匯全媒體", "大公文匯傳媒集團", "tkww", "tkww.hk"),
    "點新聞": ("點點新聞", "dotdotnews", "dotdotnews.com", "DotDotNews"),
    "星島日報": (
        "星島",
        "星島頭條",
        "星島網",
        "星島新聞",
        "星島頭條網",
        "Sing Tao Daily",
        "Sing Tao",
        "stheadline",
    ),
    "頭條日報": ("頭條網", "Headline Daily"),
    "明報": ("明報新聞網", "明報網", "Ming Pao", "mingpao"),
    "東方日報": (
        "東網",
        "on.cc",
        "on.cc東網",
        "東網on.cc",
        "Oriental Daily",
        "Oriental Daily News",
    ),
    "信報": ("信報財經新聞", "信報網", "Hong Kong Economic Journal", "HKEJ"),
    "香港經濟日報": ("經濟日報", "經濟通", "香港經濟日報網", "HKET", "Hong Kong Economic Times"),
    "香港01": ("HK01", "香港01網"),
    "am730": ("AM730",),
    "晴報": ("Sky Post",),
    "都市日報": ("Metro Daily",),
    "成報": ("成報網",),
    "橙新聞": ("Orange News",),
    "巴士的報": ("bastillepost", "Bastille Post"),
    "香港電台": ("港台", "RTHK", "香港電台網站", "港台新聞"),
    "無綫新聞": ("無綫電視", "無線新聞", "TVB", "TVB News", "翡翠台"),
    "有線新聞": ("有線電視", "i-CABLE", "i-Cable News"),
    "Now新聞": ("now新聞", "Now TV", "now TV", "Now News"),
    "商業電台": ("商台", "881903", "CRHK"),
    "鳳凰衛視": ("鳳凰衛視資訊台", "Phoenix TV"),
    "中通社": ("香港中國通訊社", "香港中通社", "HKCNA"),
    "南華早報": ("SCMP", "South China Morning Post", "南華早報中文網", "scmp.com"),
    "英文虎報": ("The Standard", "虎報"),
    "香港自由新聞": ("HKFP", "Hong Kong Free Press"),
    "政府新聞網": (
        "香港政府新聞網",
        "香港特區政府新聞網",
        "特區政府新聞網",
        "news.gov.hk",
        "news.gov.hk政府新聞網",
    ),
    "政府新聞公報": ("新聞公報", "info.gov.hk", "香港特區政府新聞公報"),
    "政府新聞處": ("新聞處", "香港特區政府新聞處", "ISD", "Information Services Department"),
    "中聯辦網站": ("中聯辦", "香港中聯辦", "中聯辦官網", "香港中聯辦網站", "locpg.gov.cn", "locpg"),
    # Mainland
    "新華社": (
        "新華網",
        "新華通訊社",
        "新華社客戶端",
        "Xinhua",
        "Xinhua News Agency",
        "xinhuanet",
        "xinhuanet.com",
        "news.cn",
    ),
    "中新社": (
        "中新網",
        "中國新聞社",
        "中國新聞網",
        "中新社客戶端",
        "China News Service",
        "CNS",
        "chinanews",
        "chinanews.com",
    ),
    "人民日報": (
        "人民網",
        "人民日報海外版",
        "人民日報客戶端",
        "海外網",
        "People's Daily",
        "People's Daily Online",
        "people.com.cn",
    ),
    "央視": (
        "央視新聞",
        "央視網",
        "央視新聞客戶端",
        "中央電視台",
        "中國中央電視台",
        "CCTV",
        "CCTV News",
        "cctv.com",
    ),
    "中央廣播電視總台": ("總台", "中央廣播電視總台央廣網", "CMG", "China Media Group"),
    "央廣": ("央廣網", "中央人民廣播電台", "中國之聲", "CNR"),
    "CGTN": ("中國國際電視台",),
    "中國日報": (
        "中國日報網",
        "中國日報香港版",
        "China Daily",
        "chinadaily",
        "chinadaily.com.cn",
        "China Daily Hong Kong",
    ),
    "環球時報": ("環球網", "Global Times", "globaltimes"),
    "光明日報": ("光明網", "Guangming Daily"),
    "中國青年報": ("中青網", "中青在線"),
    "科技日報": ("Science and Technology Daily",),
    "解放軍報": ("中國軍網",),
    "南方日報": ("南方網", "南方+", "Nanfang Daily"),
    "南方都市報": ("南都", "南都即時"),
    "深圳特區報": ("深圳特區報社", "讀創"),
    "深圳商報": ("讀創深圳商報",),
    "澎湃新聞": ("澎湃", "The Paper", "thepaper"),
    "財新": ("財新網", "Caixin"),
    "第一財經": ("Yicai",),
    "21世紀經濟報道": ("21財經",),
    "國際在線": ("CRI Online",),
    "中國網": ("china.com.cn",),
    "中評社": (
        "中評網",
        "中國評論通訊社",
        "中國評論新聞網",
        "中評",
        "CRNTT",
        "China Review News",
        "crntt.com",
    ),
    # Taiwan and international
    "中央社": ("中央通訊社", "CNA", "Central News Agency", "Focus Taiwan"),
    "聯合報": ("聯合新聞網", "udn", "udn.com"),
    "中國時報": ("中時新聞網", "中時"),
    "自由時報": ("自由時報電子報", "Liberty Times"),
    "路透社": ("路透", "Reuters"),
    "法新社": ("AFP", "Agence France-Presse"),
    "美聯社": ("AP", "Associated Press", "美联社"),
    "彭博": ("彭博社", "彭博通訊社", "Bloomberg"),
    "共同社": ("Kyodo", "Kyodo News"),
    "歐新社": ("EPA", "歐洲新聞圖片社", "EPA-EFE"),
    "蓋帝圖像": ("Getty Images", "Getty", "蓋蒂圖片社"),
    "韓聯社": ("Yonhap", "Yonhap News"),
    "視覺中國": ("VCG", "Visual China Group"),
    "人民視覺": (),
    "東方IC": ("IC Photo",),
    "朝中社": ("KCNA",),
    "塔斯社": ("TASS",),
    "BBC": ("BBC中文", "BBC中文網", "英國廣播公司"),
    "美國之音": ("VOA",),
    "德國之聲": ("DW", "Deutsche Welle"),
    "紐約時報": ("紐約時報中文網", "New York Times", "The New York Times", "NYT"),
    "華爾街日報": ("Wall Street Journal", "WSJ"),
    "金融時報": ("Financial Times", "FT中文網"),
}

# Outlets printed in brackets at a line's start (【X訊】) end with one of these.
OUTLET_SUFFIXES = (
    "日報",
    "日报",
    "晚報",
    "晚报",
    "時報",
    "时报",
    "商報",
    "商报",
    "報",
    "报",
    "社",
    "網",
    "网",
    "台",
    "新聞",
    "新闻",
    "客戶端",
    "客户端",
    "電視",
    "电视",
    "頻道",
    "频道",
    "財經",
    "财经",
)


def _key(name: str) -> str:
    """The lookup key of a printed outlet name: one script, no spaces, lower case."""
    return re.sub(r"\s+", "", to_simplified(name)).lower()


OUTLET_KEYS: dict[str, str] = {}
for _canonical, _variants in OUTLETS.items():
    for _variant in (_canonical, *_variants):
        OUTLET_KEYS[_key(_variant)] = _canonical

# Every printed form, in both scripts, longest first, for use inside other regexes. Short Latin
# forms (AP, FT, CNS) are too ambiguous to be matched inside running text and are left out.
_FORMS = {
    form
    for canonical, variants in OUTLETS.items()
    for variant in (canonical, *variants)
    if re.search(r"[\u4e00-\u9fff]", variant) and len(variant) >= 2
    for form in (variant, to_simplified(variant), to_traditional(variant))
}
OUTLET_PATTERN = "|".join(re.escape(form) for form in sorted(_FORMS, key=len, reverse=True))
OUTLET_REGEX = re.compile(OUTLET_PATTERN)
_LATIN_FORMS = {
    variant
    for canonical, variants in OUTLETS.items()
    for variant in (canonical, *variants)
    if not re.search(r"[\u4e00-\u9fff]", variant) and len(variant) >= 3
}
LATIN_OUTLET_PATTERN = "|".join(
    re.escape(form) for form in sorted(_LATIN_FORMS, key=len, reverse=True)
)
LATIN_OUTLET_REGEX = re.compile(
    r"(?<![A-Za-z])(?:" + LATIN_OUTLET_PATTERN + r")(?![A-Za-z])", re.IGNORECASE
)
OUTLET_MARKER_REGEX = re.compile(
    r"^[【\[［〔(（]?\s*|\s*(?:專訊|专讯|訊|讯|報道|报道|報導|报导|消息|電|电)?\s*[】\]］〕)）]?$"
)


def is_known_outlet(name: str) -> bool:
    """Whether ``name`` is a printed form of an outlet in the table."""
    return _key(name) in OUTLET_KEYS


def canonical_outlet(name: str) -> str:
    """Return the one canonical name of the outlet printed as ``name``.

    Brackets and a trailing 訊/專訊/報道 are ignored; known names, in either script, web
    edition or English form, map through ``OUTLETS``; other names are folded to Hong Kong
    Traditional characters.

    Example: ``canonical_outlet("新华网") == "新華社"``, ``canonical_outlet("文匯網") == "文匯報"``.
    """
    found = OUTLET_KEYS.get(_key(name))
    if found:
        return found
    bare = OUTLET_MARKER_REGEX.sub("", name.strip()).strip()
    if not bare:
        return name.strip()
    found = OUTLET_KEYS.get(_key(bare))
    if found:
        return found
    if bare.endswith(("網", "网")) and _key(bare[:-1] + "報") in OUTLET_KEYS:
        return OUTLET_KEYS[_key(bare[:-1] + "報")]
    return to_traditional(bare)
