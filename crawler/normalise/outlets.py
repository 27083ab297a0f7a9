"""One canonical name per news organisation, so that facets on outlet do not split.

``OUTLETS`` maps each canonical name (Traditional, as Hong Kong prints it) to the forms the
press prints: web editions (香港商報網, 文匯網, 新華網), apps (央視新聞客戶端), full names
(中國新聞社) and English names (Xinhua). Simplified forms are derived with OpenCC, so 新华社,
香港商报网 and 中国新闻网 need no entry of their own. A name not in the table is canonicalised to
its Hong Kong Traditional form (南方日报 -> 南方日報) so that its two scripts still meet.

Reads no settings.
"""

from __future__ import annotations

import functools
import re

from crawler.normalise.patterns import trie_pattern
from crawler.normalise.script import fold_words, to_simplified, to_traditional

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
    "香港經濟日報": ("經濟通", "香港經濟日報網", "HKET", "Hong Kong Economic Times"),
    "香港01": ("HK01", "香港01網", "01新聞"),
    "am730": ("AM730",),
    "晴報": ("Sky Post",),
    "都市日報": ("Metro Daily",),
    "成報": ("成報網",),
    "橙新聞": ("Orange News",),
    "巴士的報": ("bastillepost", "Bastille Post"),
    "香港電台": (
        "港台",
        "RTHK",
        "香港電台網站",
        "港台新聞",
        "港台電視",
        "香港電台新聞",
        "RTHK新聞",
    ),
    "無綫新聞": (
        "無綫電視",
        "無線新聞",
        "無綫新聞台",
        "無線電視",
        "TVB",
        "TVB News",
        "TVB新聞",
        "翡翠台",
        "news.tvb.com",
    ),
    "有線新聞": ("有線電視", "有線新聞台", "有線寬頻", "i-CABLE", "i-Cable News", "i-CABLE新聞"),
    "Now新聞": (
        "now新聞",
        "Now新聞台",
        "now新聞台",
        "Now TV",
        "now TV",
        "Now News",
        "news.now.com",
    ),
    "商業電台": ("商台", "商台新聞", "叱咤903", "雷霆881", "881903", "CRHK"),
    "鳳凰衛視": ("鳳凰衛視資訊台", "Phoenix TV"),
    "中通社": ("香港中國通訊社", "香港中通社", "中國通訊社", "HKCNA"),
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
    "香港經濟通": ("ETNet", "etnet"),
    "信報財經": ("信報即時新聞",),
    "港人講地": ("Speak Out HK", "speakout"),
    "TOPick": ("topick",),
    "HOY TV": ("HOY資訊台", "HOY 77", "奇妙電視", "hoy.tv"),
    "ViuTV": ("ViuTV新聞", "Viu TV"),
    "鳳凰網": ("鳳凰新聞", "ifeng", "ifeng.com", "鳳凰網資訊"),
    "亞洲週刊": ("Yazhou Zhoukan",),
    "眾新聞": ("Citizen News",),
    "立場新聞": ("Stand News",),
    "蘋果日報": ("蘋果新聞網", "Apple Daily", "台灣蘋果日報"),
    "獨立媒體": ("獨媒", "inmediahk", "香港獨立媒體"),
    "端傳媒": ("Initium Media", "theinitium"),
    "大紀元時報": ("大紀元", "Epoch Times", "香港大紀元"),
    "新唐人": ("NTDTV", "新唐人電視台"),
    "東周刊": (),
    "壹週刊": ("Next Magazine", "壹周刊"),
    "明周": ("明報周刊", "MingPao Weekly"),
    "經濟一週": ("EDigest",),
    "晶報": (),
    "紫荊雜誌": ("紫荊",),
    "線新聞": ("Channel C",),
    # Macao
    "澳門日報": ("澳日", "Macao Daily", "澳門日報電子版"),
    "力報": ("澳門力報", "Exmoo"),
    "澳廣視": ("澳門廣播電視", "澳廣視新聞", "TDM", "TDM Macau", "澳門電台"),
    "市民日報": ("澳門市民日報",),
    "華僑報": ("澳門華僑報",),
    "正報": ("澳門正報",),
    "濠江日報": (),
    "新華澳報": (),
    "論盡媒體": ("論盡", "All About Macau", "aamacau", "aamacau.com"),
    "澳門新聞局": ("澳門特區政府新聞局", "GCS"),
    "句號報": (),
    "訊報": ("澳門訊報",),
    "捌號傳媒": (),
    "澳門焦點": (),
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
    "中央廣播電視總台": ("總台", "總臺", "中央廣播電視總台央廣網", "CMG", "China Media Group"),
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
    # The mainland's 經濟日報 (Economic Daily); Hong Kong's paper prints 香港經濟日報.
    "經濟日報": ("經濟日報新聞客戶端", "經濟日報客戶端", "中國經濟網", "Economic Daily"),
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
    "中國新聞週刊": (),
    "新京報": ("新京報網", "新京報客戶端", "貝殼財經", "The Beijing News"),
    "北京日報": ("北京日報客戶端", "京報網"),
    "北京青年報": ("北青網", "北青報"),
    "北京晚報": (),
    "解放日報": ("上觀新聞", "上觀"),
    "新民晚報": ("新民網",),
    "東方網": (),
    "界面新聞": ("界面", "Jiemian"),
    "觀察者網": ("觀察者",),
    "每日經濟新聞": ("每經", "每經網"),
    "經濟觀察報": ("經濟觀察網",),
    "證券時報": ("證券時報網", "e公司"),
    "中國證券報": ("中證網",),
    "上海證券報": ("上證報",),
    "華夏時報": (),
    "紅星新聞": ("成都商報", "紅星新聞客戶端"),
    "封面新聞": ("華西都市報",),
    "潮新聞": ("錢江晚報", "浙江日報", "浙江在線"),
    "極目新聞": ("楚天都市報",),
    "大河報": ("頂端新聞", "大河網"),
    "齊魯晚報": ("齊魯壹點",),
    "揚子晚報": ("紫牛新聞",),
    "現代快報": (),
    "羊城晚報": ("羊城派", "金羊網"),
    "廣州日報": ("新花城", "大洋網"),
    "新快報": (),
    "信息時報": (),
    "深圳晚報": (),
    "南方週末": ("南方周末",),
    "中國青年網": (),
    "中國台灣網": ("台灣網",),
    "參考消息": ("參考消息網",),
    "求是": ("求是網",),
    "法治日報": ("法制日報", "法治網"),
    "工人日報": ("中工網",),
    "農民日報": (),
    "中國婦女報": (),
    "健康報": (),
    "中國教育報": (),
    "人民政協報": (),
    "經濟參考報": (),
    "騰訊新聞": ("騰訊網", "Tencent News"),
    "新浪新聞": ("新浪網", "新浪", "Sina"),
    "網易新聞": ("網易", "NetEase"),
    "搜狐新聞": ("搜狐", "Sohu"),
    "今日頭條": ("頭條號",),
    "北京商報": (),
    "三聯生活週刊": (),
    "財聯社": (),
    "海峽導報": (),
    "東南衛視": (),
    "海峽之聲": (),
    "廈門日報": (),
    "福建日報": (),
    "湖南日報": ("新湖南",),
    "紅網": ("紅網時刻新聞", "時刻新聞", "紅網時刻"),
    "四川日報": ("川觀新聞",),
    "重慶日報": (),
    "天津日報": ("津雲",),
    "河北日報": (),
    "遼寧日報": (),
    "吉林日報": (),
    "黑龍江日報": (),
    "新華日報": ("交匯點",),
    "湖北日報": (),
    "河南日報": (),
    "安徽日報": (),
    "江西日報": (),
    "廣西日報": (),
    "海南日報": (),
    "雲南日報": (),
    "貴州日報": (),
    "陝西日報": (),
    "甘肅日報": (),
    "青海日報": (),
    "寧夏日報": (),
    "新疆日報": (),
    "西藏日報": (),
    "內蒙古日報": (),
    "山西日報": (),
    "大眾日報": ("大眾網",),
    "湖南衛視": (),
    "東方衛視": ("看看新聞",),
    "北京廣播電視台": ("北京電視台", "BRTV"),
    "上海廣播電視台": ("SMG", "上海電視台"),
    "廣東廣播電視台": ("廣東電視台", "觸電新聞"),
    # Taiwan and international
    "中央社": ("中央通訊社", "中央社即時新聞", "CNA", "Central News Agency", "Focus Taiwan"),
    "聯合報": ("聯合新聞網", "聯合晚報", "udn", "udn.com", "United Daily News"),
    "中國時報": ("中時新聞網", "中時", "中時電子報", "工商時報", "旺報", "China Times"),
    "自由時報": ("自由時報電子報", "自由財經", "Liberty Times", "ltn", "Taipei Times"),
    "ETtoday": ("ETtoday新聞雲", "東森新聞雲", "ettoday", "ETtoday東森新聞雲"),
    "東森新聞": ("東森", "EBC", "東森電視", "東森新聞台"),
    "公視": ("公共電視", "公視新聞", "公視新聞網", "PTS", "PNN"),
    "三立新聞": ("三立", "三立新聞網", "三立電視", "SETN", "三立新聞台"),
    "TVBS": ("TVBS新聞", "TVBS新聞網", "TVBS新聞台"),
    "民視": ("民視新聞", "民視新聞網", "FTV", "FTV News"),
    "中天新聞": ("中天", "中天電視", "CTi", "中天新聞台"),
    "華視": ("華視新聞", "中華電視公司", "CTS"),
    "台視": ("台視新聞", "TTV"),
    "中視": ("中視新聞", "CTV"),
    "年代新聞": ("年代", "ERA News", "年代新聞台"),
    "壹電視": ("壹新聞", "Nexttv"),
    "非凡新聞": ("非凡", "非凡電視"),
    "鏡週刊": ("鏡新聞", "鏡傳媒", "Mirror Media", "鏡週刊Mirror Media"),
    "風傳媒": ("Storm Media", "storm.mg"),
    "新頭殼": ("Newtalk", "新頭殼newtalk"),
    "上報": ("Up Media",),
    "今周刊": ("今週刊",),
    "商業周刊": ("商周", "Business Weekly"),
    "天下雜誌": ("天下", "CommonWealth Magazine"),
    "報導者": ("The Reporter", "twreporter"),
    "今日新聞": ("NOWnews今日新聞",),
    "太報": (),
    "CTWANT": ("周刊王", "CTWANT周刊王"),
    "青年日報": (),
    "中華日報": ("中華新聞雲", "cdns"),
    "台灣時報": (),
    "人間福報": (),
    "民眾日報": (),
    "世界日報": ("World Journal",),
    "星洲日報": ("Sin Chew Daily", "星洲網"),
    "聯合早報": ("聯合早報網", "Lianhe Zaobao", "zaobao"),
    "Yahoo新聞": ("Yahoo奇摩新聞", "Yahoo奇摩", "雅虎新聞", "Yahoo News"),
    "LINE TODAY": (),
    "中央廣播電台": ("Rti", "中央廣播電臺", "Radio Taiwan International"),
    "路透社": ("路透", "Reuters", "路透中文網"),
    "法新社": ("AFP", "Agence France-Presse", "法國新聞社"),
    "美聯社": ("AP", "Associated Press", "美联社", "美國聯合通訊社", "美联"),
    "彭博": ("彭博社", "彭博通訊社", "彭博新聞社", "Bloomberg"),
    "安莎社": ("ANSA", "義大利安莎社", "意大利安莎社", "安莎通訊社"),
    "德新社": ("DPA", "德國新聞社", "德意志新聞社"),
    "埃菲社": ("EFE", "西班牙埃菲社"),
    "俄新社": ("RIA Novosti", "俄羅斯新聞社"),
    "衛星通訊社": ("俄羅斯衛星通訊社", "Sputnik"),
    "今日俄羅斯": ("RT",),
    "半島電視台": ("Al Jazeera", "半島電視臺"),
    "CNN": ("美國有線電視新聞網", "CNN中文"),
    "NHK": ("日本放送協會", "NHK新聞"),
    "日經": ("日本經濟新聞", "日經中文網", "Nikkei", "Nikkei Asia"),
    "朝日新聞": ("Asahi Shimbun",),
    "讀賣新聞": ("Yomiuri Shimbun",),
    "每日新聞": ("Mainichi",),
    "時事通訊社": ("時事社", "Jiji Press", "Jiji"),
    "韓國中央日報": ("JoongAng Ilbo",),
    "朝鮮日報": ("Chosun Ilbo",),
    "韓國放送公社": ("KBS",),
    "越通社": ("越南通訊社", "VNA"),
    "安塔拉通訊社": ("安塔拉社", "Antara"),
    "馬新社": ("馬來西亞國家新聞社", "Bernama"),
    "英國衛報": ("衛報", "The Guardian", "Guardian"),
    "泰晤士報": ("The Times",),
    "經濟學人": ("The Economist", "Economist"),
    "華盛頓郵報": ("Washington Post", "The Washington Post"),
    "美國全國廣播公司": ("NBC", "NBC News"),
    "哥倫比亞廣播公司": ("CBS", "CBS News"),
    "福克斯新聞": ("Fox News", "霍士新聞"),
    "法國國際廣播電台": ("RFI", "法廣"),
    "自由亞洲電台": ("RFA", "自由亞洲"),
    "澳洲廣播公司": ("ABC", "ABC中文"),
    "阿新社": ("阿根廷新聞社",),
    "中東社": ("埃及中東通訊社",),
    "伊通社": ("伊朗伊斯蘭共和國通訊社", "IRNA"),
    "阿納多盧通訊社": ("阿納多盧社", "Anadolu"),
    "烏克蘭國家通訊社": ("烏克蘭通訊社", "Ukrinform"),
    "拉美社": ("Prensa Latina",),
    "合眾國際社": ("UPI", "合眾社"),
    "共同社": ("Kyodo", "Kyodo News", "日本共同社", "共同通訊社"),
    "歐新社": ("EPA", "歐洲新聞圖片社", "EPA-EFE"),
    "蓋帝圖像": ("Getty Images", "Getty", "蓋蒂圖片社"),
    "韓聯社": ("Yonhap", "Yonhap News", "韓國聯合通訊社"),
    "視覺中國": ("VCG", "Visual China Group"),
    "人民視覺": (),
    "達志影像": ("TPG達志影像", "TPG"),
    "東方IC": ("IC Photo",),
    "朝中社": ("KCNA",),
    "塔斯社": ("TASS", "俄塔社", "俄通社-塔斯社"),
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


@functools.lru_cache(maxsize=8192)
def _key(name: str) -> str:
    """The lookup key of a printed outlet name: one script, no spaces, lower case."""
    return re.sub(r"\s+", "", to_simplified(name)).lower()


_PRINTED = [
    (canonical, variant) for canonical, vs in OUTLETS.items() for variant in (canonical, *vs)
]
_FOLDED = fold_words([variant for _, variant in _PRINTED])
OUTLET_KEYS: dict[str, str] = {
    re.sub(r"\s+", "", simplified).lower(): canonical
    for (canonical, _), (simplified, _) in zip(_PRINTED, _FOLDED, strict=True)
}

# Every printed form, in both scripts, for use inside other regexes. Short Latin forms (AP, FT,
# CNS) are too ambiguous to be matched inside running text and are left out.
_FORMS = {
    form
    for (_, variant), folded in zip(_PRINTED, _FOLDED, strict=True)
    if re.search(r"[\u4e00-\u9fff]", variant) and len(variant) >= 2
    for form in (variant, *folded)
}
OUTLET_PATTERN = trie_pattern(_FORMS)
OUTLET_REGEX = re.compile(OUTLET_PATTERN)
_LATIN_FORMS = {
    variant
    for canonical, variants in OUTLETS.items()
    for variant in (canonical, *variants)
    if not re.search(r"[\u4e00-\u9fff]", variant) and len(variant) >= 3
}
LATIN_OUTLET_PATTERN = trie_pattern(_LATIN_FORMS)
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
