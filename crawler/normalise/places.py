"""Dateline places: a gazetteer that splits a place from a name printed against it.

Datelines run a reporter's name and the place together (中央社記者黃名璽台北3日電, 記者王丹丹北京
報道); the gazetteer lets the parser find where the name ends. Where the place sits between an
agency and a date (新華社香港8月29日電) no gazetteer is needed and any place is accepted.
Simplified forms are derived with OpenCC.

Reads no settings.
"""

from __future__ import annotations

import re

from crawler.normalise.script import to_simplified

PLACES = (
    # Greater China
    "香港", "本港", "港島", "九龍", "新界", "本澳", "澳門", "北京", "上海", "天津", "重慶", "深圳",
    "廣州", "珠海", "東莞", "佛山", "中山", "江門", "惠州", "肇慶", "汕頭", "湛江", "前海", "南沙",
    "橫琴", "河套", "雄安",
    "杭州", "寧波", "溫州", "南京", "蘇州", "無錫", "武漢", "長沙", "成都", "西安", "鄭州", "濟南",
    "青島", "廈門", "福州", "泉州", "合肥", "南昌", "昆明", "貴陽", "南寧", "海口", "三亞", "蘭州",
    "西寧", "銀川", "烏魯木齊", "拉薩", "呼和浩特", "太原", "石家莊", "瀋陽", "大連", "長春",
    "哈爾濱", "台北", "臺北", "新北", "高雄", "台中", "臺中", "台南", "臺南", "桃園", "新竹",
    "基隆", "花蓮", "金門", "大灣區", "博鰲", "達沃斯",
    # Elsewhere
    "東京", "大阪", "首爾", "平壤", "新加坡", "曼谷", "吉隆坡", "雅加達", "河內", "胡志明市",
    "馬尼拉", "金邊", "仰光", "萬象", "新德里", "孟買", "伊斯蘭堡", "達卡", "科倫坡", "加德滿都",
    "烏蘭巴托", "阿斯塔納", "塔什干", "德黑蘭", "利雅得", "迪拜", "杜拜", "多哈", "阿布扎比",
    "特拉維夫", "耶路撒冷", "開羅", "安卡拉", "伊斯坦布爾", "莫斯科", "基輔", "明斯克", "倫敦",
    "巴黎", "柏林", "羅馬", "馬德里", "里斯本", "維也納", "布魯塞爾", "阿姆斯特丹", "海牙",
    "日內瓦", "蘇黎世", "斯德哥爾摩", "奧斯陸", "哥本哈根", "赫爾辛基", "華沙", "布拉格",
    "布達佩斯", "雅典", "華盛頓", "紐約", "洛杉磯", "三藩市", "舊金山", "芝加哥", "休斯頓",
    "波士頓", "西雅圖", "渥太華", "多倫多", "溫哥華", "墨西哥城", "巴西利亞", "聖保羅",
    "里約熱內盧", "布宜諾斯艾利斯", "聖地亞哥", "利馬", "悉尼", "雪梨", "墨爾本", "堪培拉",
    "奧克蘭", "惠靈頓", "內羅畢", "約翰內斯堡", "比勒陀利亞", "阿布賈", "拉各斯", "亞的斯亞貝巴",
    "聯合國",
)
_FORMS = {form for place in PLACES for form in (place, to_simplified(place))}
PLACE_PATTERN = "|".join(sorted(_FORMS, key=len, reverse=True))
PLACE_SUFFIX_REGEX = re.compile(r"(?:" + PLACE_PATTERN + r")$")


# A word of three or more characters ending like an administrative area is a place too.
AREA_REGEX = re.compile(r"^[\u4e00-\u9fff]{2,5}(?:市|省|縣|县|區|区|鎮|镇|州)$")


def split_place_suffix(text: str) -> tuple[str, str | None]:
    """Split a known place off the end of ``text``: 黃名璽台北 -> (黃名璽, 台北)."""
    match = PLACE_SUFFIX_REGEX.search(text)
    if match and match.start() > 0:
        return text[: match.start()], match.group()
    return text, None


def is_place(text: str) -> bool:
    """Whether ``text`` is a gazetteer place or an area name (深圳市, 南山區)."""
    return bool(PLACE_SUFFIX_REGEX.fullmatch(text) or AREA_REGEX.match(text))
