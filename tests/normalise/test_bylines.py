"""Bylines and datelines: one row per printed form, Traditional and Simplified, both widths."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.normalise.bylines import canonical_outlet, parse_byline, split_trailing_byline

PUBLISHED = date(2024, 8, 30)


def _byline(outlet, printed, people=(), place=None, day=None, via=None):
    """The expected parse_byline result, without ``end`` (checked through the rest)."""
    return {
        "outlet": outlet,
        "outlet_as_printed": printed,
        "bylines": [{"role": r, "name": n, "outlet": o} for r, n, o in people],
        "dateline": {"place": place, "date": day},
        "via": via,
    }


HKCD = "香港商報"
TKP = "大公報"
WWP = "文匯報"
XH = "新華社"

# (text, page outlet, expected, text left after the byline)
BYLINE_CASES = [
    (
        "【香港商報訊】記者王丹丹報道：昨日，論壇在本港舉辦。",
        HKCD,
        _byline(HKCD, "香港商報", [("reporter", "王丹丹", HKCD)]),
        "昨日，論壇在本港舉辦。",
    ),
    (
        "【香港商報訊】記者 王丹丹 報道：昨日，論壇舉行。",
        HKCD,
        _byline(HKCD, "香港商報", [("reporter", "王丹丹", HKCD)]),
        "昨日，論壇舉行。",
    ),
    (
        "【香港商報訊】記者 王 丹丹報導:昨日論壇舉行。",
        HKCD,
        _byline(HKCD, "香港商報", [("reporter", "王丹丹", HKCD)]),
        "昨日論壇舉行。",
    ),
    (
        "[香港商報訊]記者王丹丹報道:昨日論壇舉行。",
        HKCD,
        _byline(HKCD, "香港商報", [("reporter", "王丹丹", HKCD)]),
        "昨日論壇舉行。",
    ),
    (
        "【香港商报讯】记者王丹丹报道：昨日，论坛举行。",
        None,
        _byline(HKCD, "香港商报", [("reporter", "王丹丹", HKCD)]),
        "昨日，论坛举行。",
    ),
    (
        "【香港商報訊】昨日，創新科技及工業局局長孫東致辭。",
        HKCD,
        _byline(HKCD, "香港商報"),
        "昨日，創新科技及工業局局長孫東致辭。",
    ),
    (
        "【大公報訊】記者 李明、張華 報道：大會昨日開幕。",
        TKP,
        _byline(TKP, "大公報", [("reporter", "李明", TKP), ("reporter", "張華", TKP)]),
        "大會昨日開幕。",
    ),
    (
        "【大公報訊】記者李明、張華報道：大會昨日開幕。",
        TKP,
        _byline(TKP, "大公報", [("reporter", "李明", TKP), ("reporter", "張華", TKP)]),
        "大會昨日開幕。",
    ),
    (
        "【大公報訊】記者李明 通訊員張華報道：深圳昨日",
        TKP,
        _byline(TKP, "大公報", [("reporter", "李明", TKP), ("correspondent", "張華", TKP)]),
        "深圳昨日",
    ),
    (
        "【大公报讯】记者 李明 通讯员 张华 报道：深圳昨日",
        None,
        _byline(TKP, "大公报", [("reporter", "李明", TKP), ("correspondent", "张华", TKP)]),
        "深圳昨日",
    ),
    (
        "【大公報訊】記者 王丹丹、林雪兒 北京報道：國家",
        TKP,
        _byline(
            TKP, "大公報", [("reporter", "王丹丹", TKP), ("reporter", "林雪兒", TKP)], place="北京"
        ),
        "國家",
    ),
    (
        "【大公報訊】記者王丹丹北京報道：國家",
        TKP,
        _byline(TKP, "大公報", [("reporter", "王丹丹", TKP)], place="北京"),
        "國家",
    ),
    (
        "【大公報訊】據新華社報道：國家主席",
        TKP,
        _byline(TKP, "大公報", [("agency", XH, XH)], via=XH),
        "國家主席",
    ),
    ("【大公報訊】綜合報道：美國", TKP, _byline(TKP, "大公報"), "美國"),
    ("本報記者 陳大文", TKP, _byline(TKP, "本報", [("reporter", "陳大文", TKP)]), ""),
    ("本報訊（記者 陳大文）昨日", TKP, _byline(TKP, "本報", [("reporter", "陳大文", TKP)]), "昨日"),
    (
        "本报讯 (记者 陈大文) 昨日",
        "人民日报",
        _byline("人民日報", "本报", [("reporter", "陈大文", "人民日報")]),
        "昨日",
    ),
    (
        "本報香港8月29日電（記者 張三）科技",
        "人民日報",
        _byline("人民日報", "本報", [("reporter", "張三", "人民日報")], "香港", "2024-08-29"),
        "科技",
    ),
    ("大公報記者 盧靜怡", None, _byline(TKP, "大公報", [("reporter", "盧靜怡", TKP)]), ""),
    (
        "大公報記者 張帥 北京報道",
        None,
        _byline(TKP, "大公報", [("reporter", "張帥", TKP)], place="北京"),
        "",
    ),
    (
        "香港文匯報記者 黃書蘭 北京報道",
        None,
        _byline(WWP, "香港文匯報", [("reporter", "黃書蘭", WWP)], place="北京"),
        "",
    ),
    (
        "香港文匯報訊（記者 黃書蘭、費小燁）昨日",
        None,
        _byline(WWP, "香港文匯報", [("reporter", "黃書蘭", WWP), ("reporter", "費小燁", WWP)]),
        "昨日",
    ),
    (
        "香港文汇报讯（记者 黄书兰）昨日",
        None,
        _byline(WWP, "香港文汇报", [("reporter", "黄书兰", WWP)]),
        "昨日",
    ),
    (
        "新華社香港8月29日電（記者 張三 李四）國家",
        None,
        _byline(
            XH, "新華社", [("reporter", "張三", XH), ("reporter", "李四", XH)], "香港", "2024-08-29"
        ),
        "國家",
    ),
    (
        "新華社香港8月29日電(記者張三、李四)國家",
        None,
        _byline(
            XH, "新華社", [("reporter", "張三", XH), ("reporter", "李四", XH)], "香港", "2024-08-29"
        ),
        "國家",
    ),
    (
        "新华社香港８月２９日电（记者 张三 李四）国家",
        None,
        _byline(
            XH, "新华社", [("reporter", "张三", XH), ("reporter", "李四", XH)], "香港", "2024-08-29"
        ),
        "国家",
    ),
    (
        "新华社北京8月29日电 记者张三、李四",
        None,
        _byline(
            XH, "新华社", [("reporter", "张三", XH), ("reporter", "李四", XH)], "北京", "2024-08-29"
        ),
        "",
    ),
    (
        "新华社北京8月29日电 题：科技赋能",
        None,
        _byline(XH, "新华社", place="北京", day="2024-08-29"),
        "题：科技赋能",
    ),
    (
        "新華社布魯塞爾8月29日電 歐盟",
        None,
        _byline(XH, "新華社", place="布魯塞爾", day="2024-08-29"),
        "歐盟",
    ),
    (
        "中新社香港1月17日电 (记者 戴梦岚) 香港特区",
        None,
        _byline("中新社", "中新社", [("reporter", "戴梦岚", "中新社")], "香港", "2024-01-17"),
        "香港特区",
    ),
    (
        "中新网香港8月29日电 (记者 戴梦岚)香港",
        None,
        _byline("中新社", "中新网", [("reporter", "戴梦岚", "中新社")], "香港", "2024-08-29"),
        "香港",
    ),
    (
        "人民日报北京8月29日电（记者 王明）",
        None,
        _byline("人民日報", "人民日报", [("reporter", "王明", "人民日報")], "北京", "2024-08-29"),
        "",
    ),
    (
        "中評社北京12月17日電／據新華社報導，國家",
        None,
        _byline("中評社", "中評社", [("agency", XH, XH)], "北京", "2023-12-17", XH),
        "國家",
    ),
    (
        "中评社北京12月17日电/据新华社报道，国家",
        None,
        _byline("中評社", "中评社", [("agency", XH, XH)], "北京", "2023-12-17", XH),
        "国家",
    ),
    (
        "中評社香港8月29日電（記者 莊恬恬）香港",
        None,
        _byline("中評社", "中評社", [("reporter", "莊恬恬", "中評社")], "香港", "2024-08-29"),
        "香港",
    ),
    (
        "（中央社記者黃名璽台北3日電）總統",
        None,
        _byline("中央社", "中央社", [("reporter", "黃名璽", "中央社")], "台北", "2024-08-03"),
        "總統",
    ),
    (
        "（中央社記者黃名璽、鄭鴻達台北29日電）立法院",
        None,
        _byline(
            "中央社",
            "中央社",
            [("reporter", "黃名璽", "中央社"), ("reporter", "鄭鴻達", "中央社")],
            "台北",
            "2024-08-29",
        ),
        "立法院",
    ),
    (
        "（中央社記者林宏翰華盛頓28日專電）美國",
        None,
        _byline("中央社", "中央社", [("reporter", "林宏翰", "中央社")], "華盛頓", "2024-08-28"),
        "美國",
    ),
    (
        "（中央社台北3日電）行政院",
        None,
        _byline("中央社", "中央社", place="台北", day="2024-08-03"),
        "行政院",
    ),
    (
        "（中央社台北3日綜合外電報導）美國",
        None,
        _byline("中央社", "中央社", place="台北", day="2024-08-03"),
        "美國",
    ),
    ("【點新聞報道】香港特區政府", None, _byline("點新聞", "點新聞"), "香港特區政府"),
    ("【明報專訊】政府昨日公布", None, _byline("明報", "明報"), "政府昨日公布"),
    ("【星島日報報道】警方", None, _byline("星島日報", "星島日報"), "警方"),
    ("（星島日報報道）警方", None, _byline("星島日報", "星島日報"), "警方"),
    ("【on.cc東網專訊】", None, _byline("東方日報", "on.cc東網"), ""),
    (
        "香港商報網訊：由香港中華聯誼會主辦",
        HKCD,
        _byline(HKCD, "香港商報網"),
        "由香港中華聯誼會主辦",
    ),
    (
        "香港商報網訊（記者 林雪兒）由香港",
        HKCD,
        _byline(HKCD, "香港商報網", [("reporter", "林雪兒", HKCD)]),
        "由香港",
    ),
    ("文匯網訊 據報", None, _byline(WWP, "文匯網"), "據報"),
    ("大公網訊：昨日", None, _byline(TKP, "大公網"), "昨日"),
    ("央视网消息：", None, _byline("央視", "央视网"), ""),
    ("據新華社報道，國家主席", HKCD, _byline(HKCD, None, [("agency", XH, XH)], via=XH), "國家主席"),
    (
        "文：記者 李明 ／ 圖：記者 張華",
        TKP,
        _byline(TKP, None, [("reporter", "李明", TKP), ("photographer", "張華", TKP)]),
        "",
    ),
    (
        "文/記者 李明 圖/記者 張華",
        TKP,
        _byline(TKP, None, [("reporter", "李明", TKP), ("photographer", "張華", TKP)]),
        "",
    ),
    ("文／大公報記者 何嘉駿", None, _byline(TKP, "大公報", [("reporter", "何嘉駿", TKP)]), ""),
    (
        "文/圖：李明",
        TKP,
        _byline(TKP, None, [("reporter", "李明", TKP), ("photographer", "李明", TKP)]),
        "",
    ),
    (
        "文、圖：張華",
        TKP,
        _byline(TKP, None, [("reporter", "張華", TKP), ("photographer", "張華", TKP)]),
        "",
    ),
    ("撰文：黃雅詩", "香港01", _byline("香港01", None, [("reporter", "黃雅詩", "香港01")]), ""),
    (
        "撰文：黃雅詩 攝影：林振東",
        "香港01",
        _byline(
            "香港01", None, [("reporter", "黃雅詩", "香港01"), ("photographer", "林振東", "香港01")]
        ),
        "",
    ),
    (
        "撰文：黃雅詩 出版：2024/08/29 12:00",
        "香港01",
        _byline("香港01", None, [("reporter", "黃雅詩", "香港01")]),
        "出版：2024/08/29 12:00",
    ),
    ("攝影：張華", TKP, _byline(TKP, None, [("photographer", "張華", TKP)]), ""),
    (
        "记者:李明编辑:张华",
        None,
        _byline(None, None, [("reporter", "李明", None), ("editor", "张华", None)]),
        "",
    ),
    (
        "記者:李明編輯:張華",
        TKP,
        _byline(TKP, None, [("reporter", "李明", TKP), ("editor", "張華", TKP)]),
        "",
    ),
    ("責任編輯：李嘉欣", HKCD, _byline(HKCD, None, [("editor", "李嘉欣", HKCD)]), ""),
    ("责任编辑：李嘉欣", None, _byline(None, None, [("editor", "李嘉欣", None)]), ""),
    ("【責任編輯：李嘉欣】", HKCD, _byline(HKCD, None, [("editor", "李嘉欣", HKCD)]), ""),
    (
        "（編輯：黃世雅）1130222",
        "中央社",
        _byline("中央社", None, [("editor", "黃世雅", "中央社")], day="2024-02-22"),
        "",
    ),
    (
        "（譯者：陳家倫/核稿：張佑之）1130222",
        "中央社",
        _byline(
            "中央社",
            None,
            [("translator", "陳家倫", "中央社"), ("editor", "張佑之", "中央社")],
            day="2024-02-22",
        ),
        "",
    ),
    ("（記者 張三）", TKP, _byline(TKP, None, [("reporter", "張三", TKP)]), ""),
    (
        "(實習記者 梁小明、記者 張三)",
        TKP,
        _byline(TKP, None, [("reporter", "梁小明", TKP), ("reporter", "張三", TKP)]),
        "",
    ),
    ("記者 蔡啓文攝", HKCD, _byline(HKCD, None, [("photographer", "蔡啓文", HKCD)]), ""),
    (
        "By Jane Doe in Hong Kong",
        None,
        _byline(None, None, [("reporter", "Jane Doe", None)], place="Hong Kong"),
        "",
    ),
    (
        "By JANE DOE and LI MING in Beijing | China Daily",
        "中國日報",
        _byline(
            "中國日報",
            "China Daily",
            [("reporter", "JANE DOE", "中國日報"), ("reporter", "LI MING", "中國日報")],
            place="Beijing",
        ),
        "",
    ),
    ("Xinhua | Updated: 2024-08-30 09:12", "中國日報", _byline(XH, "Xinhua"), ""),
    (
        "HONG KONG, Aug. 29 (Xinhua) -- The summit",
        None,
        _byline(XH, "Xinhua", place="HONG KONG", day="2024-08-29"),
        "The summit",
    ),
    (
        "By Wu Kunling in Hong Kong | chinadaily.com.cn | Updated: 2024-08-30 09:12",
        None,
        _byline(
            "中國日報",
            "chinadaily.com.cn",
            [("reporter", "Wu Kunling", "中國日報")],
            place="Hong Kong",
        ),
        "",
    ),
    ("By Jane Doe, Xinhua", None, _byline(XH, "Xinhua", [("reporter", "Jane Doe", XH)]), ""),
    (
        "(Reporting by Jane Doe; Editing by John Smith)",
        "路透社",
        _byline(
            "路透社", None, [("reporter", "Jane Doe", "路透社"), ("editor", "John Smith", "路透社")]
        ),
        "",
    ),
    (
        "【大公報訊】綜合新華社、中新社報道：國家",
        TKP,
        _byline(
            TKP,
            "大公報",
            [("agency", XH, XH), ("agency", "中新社", "中新社")],
            via="新華社、中新社",
        ),
        "國家",
    ),
    (
        "【大公報訊】記者黃仲平、實習記者陳嘉謙報道：",
        TKP,
        _byline(TKP, "大公報", [("reporter", "黃仲平", TKP), ("reporter", "陳嘉謙", TKP)]),
        "",
    ),
    (
        "香港文匯報訊（記者 張帥、通訊員 劉芳 廣州報道）廣州",
        None,
        _byline(
            WWP,
            "香港文匯報",
            [("reporter", "張帥", WWP), ("correspondent", "劉芳", WWP)],
            place="廣州",
        ),
        "廣州",
    ),
    (
        "文、圖：點新聞記者 陳曉琳",
        None,
        _byline(
            "點新聞",
            "點新聞",
            [("reporter", "陳曉琳", "點新聞"), ("photographer", "陳曉琳", "點新聞")],
        ),
        "",
    ),
    (
        "21世纪经济报道记者 王帆 香港报道",
        None,
        _byline(
            "21世紀經濟報道",
            "21世纪经济报道",
            [("reporter", "王帆", "21世紀經濟報道")],
            place="香港",
        ),
        "",
    ),
    ("【編輯:黃鈺涵】", "中新社", _byline("中新社", None, [("editor", "黃鈺涵", "中新社")]), ""),
    ("(编辑 黄钰涵)", "中新社", _byline("中新社", None, [("editor", "黄钰涵", "中新社")]), ""),
    ("作者：香港商報", None, _byline(HKCD, "香港商報"), ""),
    ("【橙新聞】", None, _byline("橙新聞", "橙新聞"), ""),
    (
        "中新网8月29日电 据香港特区政府新闻网消息，",
        None,
        _byline(
            "中新社",
            "中新网",
            [("agency", "政府新聞網", "政府新聞網")],
            day="2024-08-29",
            via="政府新聞網",
        ),
        "",
    ),
    (
        "责任编辑：李嘉欣 校对：陈明",
        None,
        _byline(None, None, [("editor", "李嘉欣", None), ("editor", "陈明", None)]),
        "",
    ),
    (
        "國際在線報道（記者 王小明）：香港",
        None,
        _byline("國際在線", "國際在線", [("reporter", "王小明", "國際在線")]),
        "香港",
    ),
    (
        "香港電台報道，政府",
        HKCD,
        _byline(HKCD, None, [("agency", "香港電台", "香港電台")], via="香港電台"),
        "政府",
    ),
    (
        "【香港商報深圳訊】記者 王丹丹",
        None,
        _byline(HKCD, "香港商報", [("reporter", "王丹丹", HKCD)], place="深圳"),
        "",
    ),
    ("【澳門日報訊】澳門", None, _byline("澳門日報", "澳門日報"), "澳門"),
    (
        "【本報北京8月29日訊】",
        "人民日報",
        _byline("人民日報", "本報", place="北京", day="2024-08-29"),
        "",
    ),
    (
        "中評社香港8月29日電（記者 陳大明 整理報道）",
        None,
        _byline("中評社", "中評社", [("reporter", "陳大明", "中評社")], "香港", "2024-08-29"),
        "",
    ),
    (
        "Taipei, Aug. 29 (CNA) Taiwan",
        None,
        _byline("中央社", "CNA", place="Taipei", day="2024-08-29"),
        "Taiwan",
    ),
    (
        "記者 王丹丹 / 攝影 林振東 報導",
        None,
        _byline(None, None, [("reporter", "王丹丹", None), ("photographer", "林振東", None)]),
        "",
    ),
    (
        "新华社记者 王丹丹 摄影记者 林振东",
        None,
        _byline(XH, "新华社", [("reporter", "王丹丹", XH), ("photographer", "林振东", XH)]),
        "",
    ),
]
BYLINE_IDS = [
    "hkcd-no-space",
    "hkcd-spaces",
    "hkcd-spaced-name-baodao-ascii-colon",
    "hkcd-ascii-brackets",
    "hkcd-simplified",
    "hkcd-outlet-only",
    "tkp-two-reporters-spaces",
    "tkp-two-reporters-tight",
    "tkp-reporter-correspondent",
    "tkp-reporter-correspondent-hans",
    "tkp-place-after-space",
    "tkp-place-run-in",
    "tkp-via-xinhua",
    "tkp-compiled",
    "own-reporter",
    "own-outlet-bracket",
    "own-outlet-hans-ascii",
    "own-dateline",
    "tkp-reporter-line",
    "tkp-reporter-place",
    "wwp-reporter-place",
    "wwp-plain-two-reporters",
    "wwp-plain-hans",
    "xinhua-spaces",
    "xinhua-ascii-brackets",
    "xinhua-fullwidth-digits",
    "xinhua-unbracketed-reporters",
    "xinhua-title-line",
    "xinhua-long-place",
    "cns-hans-ascii-brackets",
    "cns-web",
    "peoples-daily",
    "crntt-via",
    "crntt-via-hans",
    "crntt-reporter",
    "cna-run-together",
    "cna-two-names",
    "cna-special-dispatch",
    "cna-no-reporter",
    "cna-compiled",
    "dotdot",
    "mingpao",
    "singtao",
    "singtao-round-brackets",
    "oncc",
    "hkcd-web",
    "hkcd-web-reporter",
    "wwp-web",
    "tkp-web",
    "cctv-web",
    "via-at-start",
    "text-photo-labels",
    "text-photo-slashes",
    "text-with-outlet",
    "text-and-photo-same",
    "text-and-photo-comma",
    "hk01-writer",
    "hk01-writer-photo",
    "hk01-writer-then-date",
    "photo-label",
    "run-together-hans",
    "run-together-hant",
    "editor-line",
    "editor-line-hans",
    "editor-in-brackets",
    "cna-editor-roc",
    "cna-translator-editor",
    "trailing-reporter",
    "intern-and-reporter",
    "photo-verb",
    "english-by-in",
    "english-two-names-outlet",
    "english-agency-updated",
    "english-dateline",
    "english-web-outlet-updated",
    "english-name-comma-agency",
    "english-reuters-roles",
    "compiled-two-agencies",
    "reporter-and-intern",
    "wwp-reporter-correspondent-place",
    "text-photo-with-outlet",
    "outlet-containing-baodao",
    "cns-editor-brackets",
    "editor-no-colon",
    "author-is-outlet",
    "known-outlet-alone",
    "cns-via-government",
    "editor-and-proofreader",
    "known-outlet-reports",
    "attribution-reports-comma",
    "bracket-outlet-place",
    "unknown-outlet-bracket",
    "own-place-date-bracket",
    "reporter-compiled",
    "english-dateline-mixed-case",
    "reporter-slash-photographer-label",
    "reporter-then-photo-reporter",
]


@pytest.mark.parametrize(("text", "page_outlet", "expected", "rest"), BYLINE_CASES, ids=BYLINE_IDS)
def test_parse_byline(text, page_outlet, expected, rest):
    result = parse_byline(text, page_outlet=page_outlet, published=PUBLISHED)
    assert result is not None
    end = result.pop("end")
    assert result == expected
    assert text[end:] == rest


@pytest.mark.parametrize(
    "text",
    [
        "記者會上，李家超表示，政府會全力支持。",
        "李家超昨日表示，發展新質生產力是關鍵。",
        "據悉，政府將於下月公布細節。",
        "記者昨日從商務局獲悉，展會將於下月舉行。",
        "記者了解到，展會將於下月舉行。",
        "記者發現，不少市民排隊。",
        "香港中華聯誼會主辦的論壇昨日舉行。",
        "The summit opened on Thursday.",
        "",
        "他对记者说，今年的展会规模更大。",
        "多名记者在现场看到，市民排队入场。",
        "随后记者来到现场。",
        "（周一）",
        "（张某）",
        "（新华社）",
        "作者：佚名",
    ],
    ids=[
        "press-conference",
        "sentence",
        "jusi",
        "jizhe-without-name",
        "jizhe-liaojie",
        "jizhe-faxian",
        "organiser",
        "english",
        "empty",
        "told-the-reporter",
        "several-reporters",
        "then-the-reporter",
        "weekday-in-brackets",
        "pseudonym-in-brackets",
        "agency-in-brackets",
        "anonymous-author",
    ],
)
def test_parse_byline_finds_none(text):
    assert parse_byline(text, published=PUBLISHED) is None


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("新華社", XH),
        ("新华社", XH),
        ("新華網", XH),
        ("新华网", XH),
        ("Xinhua", XH),
        ("香港商報網", HKCD),
        ("香港商报", HKCD),
        ("【香港商報訊】", HKCD),
        ("文匯網", WWP),
        ("香港文匯報", WWP),
        ("香港文汇报", WWP),
        ("大公網", TKP),
        ("大公报", TKP),
        ("中新網", "中新社"),
        ("中国新闻网", "中新社"),
        ("中評網", "中評社"),
        ("中央通訊社", "中央社"),
        ("央視新聞客戶端", "央視"),
        ("央视网", "央視"),
        ("人民網", "人民日報"),
        ("星島頭條", "星島日報"),
        ("on.cc東網", "東方日報"),
        ("HK01", "香港01"),
        ("China Daily", "中國日報"),
        ("中联办网站", "中聯辦網站"),
        ("南方日报", "南方日報"),
        ("明報專訊", "明報"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_canonical_outlet(printed, canonical):
    assert canonical_outlet(printed) == canonical


@pytest.mark.parametrize(
    ("text", "before", "people"),
    [
        ("……實現自身更好發展。（記者 張三）", "……實現自身更好發展。", [("reporter", "張三")]),
        (
            "……實現自身更好發展。(记者 张三 李四)",
            "……實現自身更好發展。",
            [("reporter", "张三"), ("reporter", "李四")],
        ),
        ("……發展。（編輯：黃世雅）1130222", "……發展。", [("editor", "黃世雅")]),
        ("……發展。 責任編輯：李嘉欣", "……發展。", [("editor", "李嘉欣")]),
        ("……發展（見圖）。", "……發展（見圖）。", []),
    ],
    ids=["reporter", "two-reporters-hans", "cna-editor", "editor-after-space", "no-credit"],
)
def test_split_trailing_byline(text, before, people):
    rest, parsed = split_trailing_byline(text, published=PUBLISHED)
    assert rest == before
    found = [(b["role"], b["name"]) for b in parsed["bylines"]] if parsed else []
    assert found == people


@pytest.mark.parametrize(
    ("text", "published", "outlet", "place", "day"),
    [
        ("新華社香港8月29日電", date(2024, 8, 30), XH, "香港", "2024-08-29"),
        ("新华社北京12月31日电", date(2025, 1, 1), XH, "北京", "2024-12-31"),
        ("中新社香港1月17日电", date(2025, 1, 18), "中新社", "香港", "2025-01-17"),
        ("（中央社記者黃名璽台北31日電）", date(2024, 9, 1), "中央社", "台北", "2024-08-31"),
        ("（中央社台北1日電）", date(2024, 9, 1), "中央社", "台北", "2024-09-01"),
        ("新華社聯合國8月29日電", date(2024, 8, 30), XH, "聯合國", "2024-08-29"),
        ("新华社华盛顿8月28日电", date(2024, 8, 30), XH, "华盛顿", "2024-08-28"),
        ("中評社台北８月２９日電", date(2024, 8, 30), "中評社", "台北", "2024-08-29"),
        ("人民网香港8月29日电", date(2024, 8, 30), "人民日報", "香港", "2024-08-29"),
        ("中國新聞網北京8月29日電", date(2024, 8, 30), "中新社", "北京", "2024-08-29"),
        ("【本報深圳8月29日訊】", date(2024, 8, 30), "香港商報", "深圳", "2024-08-29"),
        ("HONG KONG, Aug. 29 (Xinhua) --", date(2024, 8, 30), XH, "HONG KONG", "2024-08-29"),
        ("BEIJING, Dec. 31 (Xinhua) --", date(2025, 1, 1), XH, "BEIJING", "2024-12-31"),
        ("新華社香港8月29日電", None, XH, "香港", None),
    ],
    ids=[
        "xinhua",
        "xinhua-year-end",
        "cns-new-year",
        "cna-month-end",
        "cna-first-of-month",
        "united-nations",
        "washington-hans",
        "crntt-fullwidth",
        "people-web",
        "cns-full-name",
        "own-bracket",
        "english",
        "english-year-end",
        "no-publication-date",
    ],
)
def test_dateline(text, published, outlet, place, day):
    result = parse_byline(text, page_outlet="香港商報", published=published)
    assert (result["outlet"], result["dateline"]) == (outlet, {"place": place, "date": day})
