"""Write places.tsv, the dateline gazetteer, from maintained sources (run by hand, not imported).

Sources:
- Unicode CLDR through Babel (pip install babel): country names and time-zone exemplar cities
  in zh_Hant_HK, zh_Hant and zh_Hans (Unicode licence);
- cpca's adcodes.csv (pip download cpca==0.5.5, MIT): mainland provinces, prefecture-level and
  county-level cities (names ending 市), with and without their suffix;
- HONG_KONG, MACAO and TAIWAN below: the 18 districts and main areas (GovHK), Macao's
  parishes and islands, Taiwan's municipalities, cities and counties.

Usage: python crawler/normalise/data/build_places.py path/to/adcodes.csv > places.tsv
"""

from __future__ import annotations

import csv
import re
import sys


def _words(text: str) -> list[str]:
    """The space-separated words of ``text``."""
    return text.split()


HONG_KONG = _words(
    "香港 本港 港島 九龍 新界 中西區 灣仔 東區 南區 油尖旺 深水埗 九龍城 黃大仙 觀塘 葵青 荃灣 "
    "屯門 元朗 北區 大埔 沙田 西貢 離島 將軍澳 天水圍 上水 粉嶺 東涌 大嶼山 長洲 赤鱲角 銅鑼灣 "
    "旺角 尖沙咀 中環 金鐘 紅磡 馬鞍山 北角 柴灣 香港仔 鴨脷洲 薄扶林 啟德 落馬洲 羅湖"
)
MACAO = _words("澳門 本澳 氹仔 路環 路氹 花地瑪堂區 聖安多尼堂區 大堂區 望德堂區 風順堂區 嘉模堂區")
TAIWAN = _words(
    "台北 臺北 新北 桃園 台中 臺中 台南 臺南 高雄 基隆 新竹 嘉義 苗栗 彰化 南投 雲林 屏東 宜蘭 "
    "花蓮 台東 臺東 澎湖 金門 馬祖 連江 綠島 蘭嶼"
)
# Capitals and dateline cities that are no CLDR time-zone city (CLDR names one city a zone).
OTHER = _words(
    "大灣區 前海 南沙 橫琴 河套 雄安 博鰲 達沃斯 聯合國 華盛頓 紐約 溫州 大阪 河內 新德里 孟買 "
    "伊斯蘭堡 阿斯塔納 多哈 阿布扎比 特拉維夫 安卡拉 海牙 日內瓦 三藩市 舊金山 休斯頓 波士頓 "
    "西雅圖 渥太華 巴西利亞 里約熱內盧 堪培拉 坎培拉 惠靈頓 比勒陀利亞 阿布賈 京都 名古屋 橫濱 "
    "釜山 慕尼黑 法蘭克福 米蘭 威尼斯 曼徹斯特 愛丁堡 費城 邁阿密 達拉斯 亞特蘭大 拉斯維加斯 "
    "聖彼得堡 海參崴 布里斯班 珀斯 班加羅爾 加爾各答 卡拉奇 拉合爾 喀布爾 巴格達 大馬士革 "
    "貝魯特 安曼 加沙 拉姆安拉 利雅德 吉達 馬斯喀特 科威特城 麥納麥 薩那 的黎波里 突尼斯 "
    "阿爾及爾 拉巴特 達喀爾 阿克拉 金沙薩 羅安達 哈拉雷 盧薩卡 坎帕拉 基加利 達累斯薩拉姆 "
    "塞班 關島 夏威夷 檀香山 蒙特利爾 卡加利 金邊 仰光 內比都 萬象 斯里巴加灣 帝力 "
    "莫爾茲比港 蘇瓦 阿皮亞 努庫阿洛法 聖地牙哥 波哥大 加拉加斯 基多 拉巴斯 蒙得維的亞 亞松森 "
    "哈瓦那 巴拿馬城 聖何塞 馬那瓜 瓜地馬拉市 太子港 聖多明各 梵蒂岡 摩納哥"
)
SUFFIX_REGEX = re.compile(
    r"(?:特別行政區|特别行政区|維吾爾自治區|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$"
)


def cldr_rows() -> list[tuple[str, str, str]]:
    """Countries and exemplar cities of CLDR in three Chinese locales."""
    from babel import Locale

    rows = []
    for code in ("zh_Hant_HK", "zh_Hant", "zh_Hans"):
        locale = Locale.parse(code)
        for key, name in locale.territories.items():
            if key.isalpha() and len(key) == 2:
                rows.append((name, "country", f"CLDR {code}"))
        for zone, data in locale.time_zones.items():
            city = data.get("city")
            if city and not zone.startswith("Etc/"):
                rows.append((city, "city", f"CLDR {code}"))
    return rows


def mainland_rows(path: str) -> list[tuple[str, str, str]]:
    """Provinces and prefecture-level cities, and county-level cities, of cpca's adcodes."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            code, name = record["adcode"], record["name"]
            level = "province" if code[2:] == "0" * 10 else "city" if code[4:] == "0" * 8 else ""
            if not level and not name.endswith("市"):
                continue
            short = SUFFIX_REGEX.sub("", name)
            for form in sorted({name, short}):
                if len(form) >= 2:
                    rows.append((form, level or "city", "cpca adcodes"))
    return rows


def main(adcodes: str) -> None:
    """Print the gazetteer as TSV: name, kind, source (first source wins)."""
    rows = [(n, "hk", "GovHK districts") for n in HONG_KONG]
    rows += [(n, "macao", "Macao parishes") for n in MACAO]
    rows += [(n, "taiwan", "Taiwan cities and counties") for n in TAIWAN]
    rows += [(n, "other", "hand") for n in OTHER]
    rows += cldr_rows() + mainland_rows(adcodes)
    seen: set[str] = set()
    print("# name\tkind\tsource  (written by build_places.py; see data/README.md)")
    for name, kind, source in rows:
        name = name.strip()
        if name and name not in seen and re.fullmatch(r"[\u4e00-\u9fff·]{2,12}", name):
            seen.add(name)
            print(f"{name}\t{kind}\t{source}")


if __name__ == "__main__":
    main(sys.argv[1])
