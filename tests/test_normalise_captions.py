"""Photo captions: the credit (source or photographer) split from the caption text."""

from __future__ import annotations

import pytest

from crawler.normalise.captions import has_credit, split_caption

# (caption as printed, caption, source, photographer)
CAPTION_CASES = [
    ("啓動儀式。中聯辦網站圖片", "啓動儀式。", "中聯辦網站", None),
    ("香港中華聯誼會舉辦的「科技+新質生產力」高峰論壇昨舉行。 記者 蔡啓文攝",
     "香港中華聯誼會舉辦的「科技+新質生產力」高峰論壇昨舉行。", None, "蔡啓文"),
    ("市民在烈日下撐傘遮陽。 記者 馮俊文攝", "市民在烈日下撐傘遮陽。", None, "馮俊文"),
    ("論壇現場。記者蔡啓文 攝", "論壇現場。", None, "蔡啓文"),
    ("李家超致辭。（圖片來源：新華社）", "李家超致辭。", "新華社", None),
    ("李家超致辭。(圖片來源:新華社)", "李家超致辭。", "新華社", None),
    ("李家超致辞。（图片来源：新华社）", "李家超致辞。", "新华社", None),
    ("李家超致辭。圖：新華社", "李家超致辭。", "新華社", None),
    ("李家超致辭 圖：新華社", "李家超致辭", "新華社", None),
    ("李家超致辭。新華社圖片", "李家超致辭。", "新華社", None),
    ("李家超致辞。新华社图片", "李家超致辞。", "新华社", None),
    ("李家超致辭 (視頻截圖)", "李家超致辭", "視頻截圖", None),
    ("李家超致辞（视频截图）", "李家超致辞", "视频截图", None),
    ("資料圖片", "", "資料圖片", None),
    ("公共屋邨。資料圖片", "公共屋邨。", "資料圖片", None),
    ("李家超。（資料圖片）", "李家超。", "資料圖片", None),
    ("鄭雁雄致辭。中聯辦資料圖片", "鄭雁雄致辭。", "中聯辦", None),
    ("論壇現場。(香港科技界籌委會提供圖片)", "論壇現場。", "香港科技界籌委會", None),
    ("會議現場。（主辦方供圖）", "會議現場。", "主辦方", None),
    ("李家超（左二）與嘉賓合照。 受訪者供圖", "李家超（左二）與嘉賓合照。", "受訪者", None),
    ("市民參觀展覽。（讀者提供）", "市民參觀展覽。", "讀者", None),
    ("嘉賓合照。（政府新聞處圖片）", "嘉賓合照。", "政府新聞處", None),
    ("市民參觀科學園展出的創科成果。 圖：政府新聞處", "市民參觀科學園展出的創科成果。",
     "政府新聞處", None),
    ("攝影：陳大文", "", None, "陳大文"),
    ("論壇現場。（攝影：陳大文）", "論壇現場。", None, "陳大文"),
    ("论坛现场。摄影：陈大文", "论坛现场。", None, "陈大文"),
    ("李家超致辭。圖/陳大文", "李家超致辭。", None, "陳大文"),
    ("李家超致辭。圖／陳大文", "李家超致辭。", None, "陳大文"),
    ("論壇現場。圖：記者 陳大文", "論壇現場。", None, "陳大文"),
    ("論壇現場。新華社記者 張三 攝", "論壇現場。", "新華社", "張三"),
    ("論壇現場。（新華社記者 張三 攝）", "論壇現場。", "新華社", "張三"),
    ("论坛现场。新华社发（张三 摄）", "论坛现场。", "新华社", "张三"),
    ("论坛现场。中新社记者 侯宇 摄", "论坛现场。", "中新社", "侯宇"),
    ("李家超致辭。大公報記者黃洋港攝", "李家超致辭。", "大公報", "黃洋港"),
    ("■李家超出席論壇。 香港文匯報記者彭子文 攝", "■李家超出席論壇。", "香港文匯報", "彭子文"),
    ("李家超出席論壇。（明報記者攝）", "李家超出席論壇。", "明報", None),
    ("李家超致辭。（黃志東攝）", "李家超致辭。", None, "黃志東"),
    ("李家超致辭。（新華社）", "李家超致辭。", "新華社", None),
    ("美國總統。（路透社）", "美國總統。", "路透社", None),
    ("嘉賓合照。記者 張三攝 記者 李四攝", "嘉賓合照。", None, "張三、李四"),
    ("上圖：新華社；下圖：中新社", "", "新華社、中新社", None),
    ("李家超出席。（左圖：新華社；右圖：中新社）", "李家超出席。", "新華社、中新社", None),
    ("John Lee speaks. Photo: Xinhua", "John Lee speaks.", "Xinhua", None),
    ("John Lee speaks. (Photo: Xinhua)", "John Lee speaks.", "Xinhua", None),
    ("John Lee speaks. [Photo/Xinhua]", "John Lee speaks.", "Xinhua", None),
    ("Guests at the summit. [Photo by Jane Doe/China Daily]", "Guests at the summit.",
     "China Daily", "Jane Doe"),
    ("John Lee speaks. (Xinhua/Li Ming)", "John Lee speaks.", "Xinhua", "Li Ming"),
    ("Protesters. (AP Photo/Jane Doe)", "Protesters.", "AP", "Jane Doe"),
    ("Skyline. REUTERS/Tyrone Siu", "Skyline.", "REUTERS", "Tyrone Siu"),
    ("The forum. Photo: Jane Doe", "The forum.", None, "Jane Doe"),
    ("The forum. PHOTO: SCMP", "The forum.", "SCMP", None),
    ("賴清德出席活動。（中央社記者王飛華攝 113年8月29日）", "賴清德出席活動。", "中央社", "王飛華"),
    ("總統府。（中央社檔案照片）", "總統府。", "中央社", None),
    ("總統府。（圖取自總統府Flickr）", "總統府。", "總統府Flickr", None),
    ("論壇現場。（中評社 張三攝）", "論壇現場。", "中評社", "張三"),
    ("李家超（中）出席論壇。（李家超Facebook）", "李家超（中）出席論壇。", "李家超Facebook", None),
    ("李家超。（資料圖片／新華社）", "李家超。", "資料圖片、新華社", None),
    ("會場。圖片由主辦方提供", "會場。", "主辦方", None),
    ("會場。（網上截圖）", "會場。", "網上截圖", None),
    ("論壇現場。 香港文匯報記者 攝", "論壇現場。", "香港文匯報", None),
    ("The forum. (Photo: GovHK)", "The forum.", "GovHK", None),
    ("The forum. Photo: Xinhua/Li Ming", "The forum.", "Xinhua", "Li Ming"),
    ("會場。（張三提供）", "會場。", "張三", None),
    ("會場。主辦單位提供", "會場。", "主辦單位", None),
    ("展覽展出多幅珍貴圖片", "展覽展出多幅珍貴圖片", None, None),
    ("北部都會區示意圖", "北部都會區示意圖", None, None),
    ("李家超（中）出席開幕禮。", "李家超（中）出席開幕禮。", None, None),
    ("左起：張三、李四、王五。", "左起：張三、李四、王五。", None, None),
    ("圖為李家超致辭。", "圖為李家超致辭。", None, None),
    ("記者會上。", "記者會上。", None, None),
]
CAPTION_IDS = [
    "seed-liaison-office", "seed-staff-photographer", "staff-photographer",
    "staff-photographer-space-before-verb", "source-label-brackets", "source-label-ascii",
    "source-label-hans", "tu-label", "tu-label-after-space", "noun-tupian", "noun-tupian-hans",
    "video-still", "video-still-hans", "file-photo-alone", "file-photo", "file-photo-brackets",
    "liaison-file-photo", "provided-by-committee", "supplied-by-organiser", "interviewee",
    "reader", "isd-photo", "tu-label-isd", "sheying-alone", "sheying-brackets", "sheying-hans",
    "tu-slash", "tu-fullwidth-slash", "tu-staff", "xinhua-staff", "xinhua-staff-brackets",
    "xinhua-distributes-hans", "cns-staff-hans", "tkp-staff", "wwp-staff-bullet",
    "mingpao-staff-no-name", "name-she-brackets", "agency-brackets", "reuters-brackets",
    "two-photographers", "two-credits-labels", "two-credits-one-bracket", "english-photo-label",
    "english-photo-label-brackets", "china-daily-style", "china-daily-photographer",
    "xinhua-slash-name", "ap-photo", "reuters-slash", "english-person", "english-org",
    "cna-staff-with-roc-date", "cna-file-photo", "taken-from-flickr", "crntt-org-name-she",
    "facebook-page", "file-photo-and-agency", "provided-by", "online-screenshot",
    "wwp-staff-no-name", "english-single-word-org", "english-label-agency-slash",
    "provided-by-person-brackets", "provided-by-unit", "pictures-in-sentence", "diagram",
    "position-note", "names-list", "tu-wei-not-credit", "press-conference-not-credit",
]


@pytest.mark.parametrize(("raw", "caption", "source", "photographer"), CAPTION_CASES,
                         ids=CAPTION_IDS)
def test_split_caption(raw, caption, source, photographer):
    assert split_caption(raw) == {
        "caption": caption, "source": source, "photographer": photographer, "raw": raw,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("啓動儀式。中聯辦網站圖片", True),
        ("李家超表示，政府會全力支持創科發展。", False),
        ("他說：「這是香港的機遇。」", False),
    ],
    ids=["caption", "paragraph", "quote"],
)
def test_has_credit(text, expected):
    assert has_credit(text) is expected
