"""The generic extractor on fragments cut from real pages, one table per cause of #16.

Each row's markup and text are cut from a saved public page (the source is beside the row):
realpages pages (../shared/realpages, from opendatalab/magic-html and adbar/htmldate, Apache-2.0,
see its README for each page's repository, path and commit) and the article-extraction-benchmark
(scrapinghub/article-extraction-benchmark, MIT, html/<id>.html.gz). Only what the row needs is
kept: the article's real text and the real furniture around it. Expected values were written by
reading the page. Every row goes through `archive extract`'s path (extract_record): the
extractor, then the normaliser.
"""

from __future__ import annotations

import pytest

from crawler.extract.page import extract_record

AUTHOR_ROLES = {"reporter", "author", "correspondent"}

# realpages HK-yahoo-2024a (hk.finance.yahoo.com, 路透): the article, a script of the page and
# the ad-feedback box its stream repeats after every advert.
YAHOO_LEAD = (
    "路透月度調查顯示，日本企業信心5月保持穩定，但製造業及服務業反映，日圓疲弱帶來的通脹壓力正損害利潤，"
    "企業面對原材料價格、勞動力及電費等成本上升。"
)
YAHOO_SCRIPT = (
    "<script> window.performance.mark('PageStart'); (function(html){var c = "
    "document.documentElement.classList;c.add('JsEnabled', 'jsenabled');c.remove('NoJs');})"
    "(document.documentElement); /** * Empty darlaOnready method, to avoid JS error. * This can "
    "happen when Async Darla JS file is loaded earlier than expected. */ </script>"
)
YAHOO_FEEDBACK = (
    '<div class="gemini-feedback-wrapper"><h4>為什麼你不喜歡這個廣告？</h4>'
    '<div class="show-then-hide-gemini-confirmation_D(n) D(b)">'
    "謝謝你的意見與建議。我們會移除這個廣告，並按需要作出更改。</div></div>"
)
# AEB 156770d676ce… (thehill.com): Drupal marks the page's <body> "sidebar-second".
THEHILL_LEAD = (
    "South Dakota Gov. Kristi Noem (R) is defending the state’s launch of an anti-drug campaign "
    "with the slogan “Meth, we’re on it.”"
)
THEHILL_SECOND = (
    "The tagline drew a mixed reaction on social media, with some users mocking the phrase and "
    "others saying the campaign got people talking about the state's methamphetamine problem."
)
# realpages CN-caijing-2024b: a one-paragraph story and the site's footer disclaimer.
CAIJING_STORY = (
    "北京商报讯（记者 岳品瑜 董晗萱）5月20日，中国人民银行授权全国银行间同业拆借中心公布，"
    "2024年5月20日贷款市场报价利率（LPR）为：1年期LPR为3.45%，5年期以上LPR为3.95%。两报价均与上月持平。"
)
CAIJING_FOOTER = (
    '<div class="foot"><div class="footer"><div class="copybd"> 有意与本刊合作者，有关合作事宜请与'
    "财经网联系。未经财经网书面授权，请勿转载或建立镜像，否则即为侵权。<br> "
    '[<a class="copybd_a" href="//dxzhgl.miit.gov.cn/"><span>京ICP证150772号</span></a>] '
    "增值电信业务经营许可证 广告经营许可证<span>[京海工商广字第0407号]</span></div></div></div>"
)
# realpages TW-sinatw-2020a (news.sina.com.tw): the lead follows a picture.
SINATW_BODY = (
    '<div class="pcont" dable> <p> </p><div class="artpic_multi"> <div class="nwpic"> '
    '<img src="https://newsimgs.sina.tw/article/images/news-15795766674156.jpg" alt=""></div>'
    " </div> <p> 日期:1月21日，凱爾特人在主場以139-107大勝湖人。這是凱爾特人首發控衛肯巴-沃克"
    "職業生涯第一次戰勝勒布朗-詹姆斯的球隊。</p> <p> 自從2011年進入NBA之後，肯巴-沃克從未戰勝過"
    "詹姆斯。今天這場比賽之前，沃克職業生涯對詹姆斯的戰績是0勝29負（包括全明星賽）。</p></div>"
)
# realpages CN-sohu-2024a: the time and 发布于 lines printed above the story.
SOHU_STORY = (
    "今年是中法建交60周年。60年来，中法双方独立自主的精神共鸣、"
    "灿烂文化的彼此吸引、利益广泛的务实合作。"
)
SOHU_SECOND = (
    "中法合作遍布于重要能源、前沿科技领域以及百姓生活中日常食品用品。目前法国是中国在欧盟内第三大贸易伙伴"
    "和第三大实际投资来源地，中国是法国在亚洲最大、全球第七大贸易伙伴。"
)
# realpages TW-ltn-2020a (ec.ltn.com.tw): the headline inside the article's box.
LTN_TITLE = "是你嗎？ 1-2月期發票千萬獎開出18張"
LTN_LEAD = (
    "〔記者巫其倫／台北報導〕財政部今天下午將公佈今年1-2月期統一發票中獎清冊，財政部透露，"
    "本期千萬中獎張數為18張；200萬特獎中獎張數則為14張。"
)
LTN_BOX = (
    f'<div class="whitecon boxTitle" data-desc="內文"> <h1>{LTN_TITLE} <div class="function"> '
    '<a href="javascript:;" class="fontsize boxText" data-desc="文字縮放"></a> </div> </h1> '
    '<span class="time">2020-04-01 10:29</span>'
    f"<p>{LTN_LEAD}</p><p>今年1-2月期統一發票1000萬元特別獎獎號為「12620024」。</p></div>"
)
# tests/realpages TW-udn-2020a (money.udn.com): a <figure> inside a <p>, with a share menu.
UDN_LEAD = (
    "日本產經新聞報導，日本電子產品製造商索尼與記憶體製造商、前身名為東芝的「鎧俠」（Kioxia），"
    "已經向美國華府申請繼續為大陸電訊設備生產商華為提供設備，暫時未知申請是否獲批。"
)
UDN_BODY = (
    '<div id="article_body"><p><figure class="photo_center"><a href="https://pgw.udn.com.tw/gw/'
    'photo.php?u=8685651.jpg" rel="prettyPhoto[pp_gal]"><img src="https://pgw.udn.com.tw/gw/'
    'photo.php?u=8685651.jpg" alt="日本電子產品製造商索尼與記憶體製造商…"></a><figcaption>'
    "日本電子產品製造商索尼與記憶體製造商、前身名為東芝的「鎧俠」（Kioxia），已經向美國華府申請"
    '繼續為大陸電訊設備生產商華為提供設備。 圖／騰訊科技</figcaption><div class="photo_pop"><ul>'
    '<li class="facebook"><a title="facebook" href="javascript:;">facebook</a></li></ul></div>'
    f"</figure></p><p>{UDN_LEAD}</p><p>索尼發言人表示，公司一向遵守所有法規，不評論與個別客戶的"
    "業務往來。</p></div>"
)
# tests/realpages TW-upmedia-2020a (upmedia.mg): the picture's caption in a <p> of its box.
UPMEDIA_LEAD = (
    "藝人吳宗憲日前錄製節目時稱罹患憂鬱症患者原因是「不知足」，引起廣大社會輿論嘩然。時代力量立委"
    "王婉諭12日於臉書直批，憂鬱是每個人都會有的情緒，吳宗憲作為公眾人物，應該更自律、謹慎。"
)
UPMEDIA_BODY = (
    '<div id="news-info"><div class="img"> <img src="upload/article/20200312200319280313.jpg">'
    " <p>對於日前吳宗憲稱憂鬱症患者是「不知足」，王婉諭直言，吳宗憲作為公眾人物，發言應該更自律。"
    '（取自王婉諭臉書）</p> </div> <div class="editor"><p>'
    f"{UPMEDIA_LEAD}</p><p>吳宗憲在主持節目《綜藝大熱門》中，對曾罹患憂鬱症的來賓說：「所有憂鬱症的"
    "患者仔細聽著，憂鬱症的原因，聽好囉！都是因為這三個字，不知足！」</p></div></div>"
)


def page(body: str, head: str = "", title: str = "新聞") -> bytes:
    """A page: a head with ``title`` and ``head``, a body."""
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body>{body}</body></html>"
    ).encode()


BODY_ROWS = [
    # (source, page bytes, URL, text the body must start with, text it must not hold)
    (
        "realpages HK-yahoo-2024a: script text and an ad-feedback box beside a short story",
        page(
            f'<div id="ad-slot">{YAHOO_SCRIPT * 4}</div>{YAHOO_FEEDBACK * 3}'
            f'<div class="caas-body"><p>{YAHOO_LEAD}</p></div>'
        ),
        "https://hk.finance.yahoo.com/news/a-002104675.html",
        YAHOO_LEAD,
        "謝謝你的意見",
    ),
    (
        "realpages HK-yahoo-2024a: the article inside Yahoo's filterNonGdprEmbeds wrapper",
        page(
            '<div class="caas caas-cc finance filterNonGdprEmbeds enableAdSlotsOneSlot">'
            f'<div class="caas-body"><p>{YAHOO_LEAD}</p></div></div>{YAHOO_FEEDBACK * 2}'
        ),
        "https://hk.finance.yahoo.com/news/a-002104675.html",
        YAHOO_LEAD,
        "謝謝你的意見",
    ),
    (
        "AEB 156770d676ce (thehill.com): <body class='… one-sidebar sidebar-second …'>",
        (
            '<html><head><title>x</title></head><body class="html not-front one-sidebar'
            ' sidebar-second page-node node-type-article"><div class="field-items">'
            f"<p>{THEHILL_LEAD}</p><p>{THEHILL_SECOND}</p></div></body></html>"
        ).encode(),
        "https://thehill.com/homenews/news/471033-south-dakota-governor",
        THEHILL_LEAD,
        None,
    ),
    (
        "AEB 20b2b64916b0 (remember8090.it): WordPress marks the <article> 'tag-amazon'",
        page(
            '<article class="post-2668 post type-post tag-amazon tag-black-friday">'
            "<p>Il black Friday incombe su di noi: per chi non lo sapesse (o per chi è sbarcato da"
            " Marte recentemente) il “venerdì nero” è l’ennesima consuetudine importata dagli"
            " Stati Uniti.</p></article>"
        ),
        "http://www.remember8090.it/black-friday-per-nostalgici/",
        "Il black Friday incombe su di noi",
        None,
    ),
    (
        "realpages CN-caijing-2024b: a footer disclaimer outweighs a one-paragraph story",
        page(
            f'<div id="the_content" class="article-content"><p>{CAIJING_STORY}</p>'
            '<div class="ar_writer"><span id="editor_baidu">(编辑：文静)</span></div></div>'
            + CAIJING_FOOTER
        ),
        "http://economy.caijing.com.cn/20240520/5012641.shtml",
        CAIJING_STORY[:40],
        "有意与本刊合作者",
    ),
    (
        "realpages TW-sinatw-2020a: the lead after a picture is no caption",
        page(SINATW_BODY),
        "https://news.sina.com.tw/article/20200121/34046328.html",
        "日期:1月21日，凱爾特人在主場以139-107大勝湖人。",
        None,
    ),
    (
        "realpages CN-sohu-2024a: time and 发布于 lines above the story",
        page(
            '<div class="text"><div class="article-info"><span class="time">2024-05-13 06:15</span>'
            '<div class="area"><span>发布于：</span><span>北京市</span></div></div>'
            f'<article class="article" id="mp-editor"><p>{SOHU_STORY}</p>'
            f"<p>{SOHU_SECOND}</p></article></div>"
        ),
        "https://www.sohu.com/a/778336904_120702",
        SOHU_STORY,
        "发布于",
    ),
    (
        "tests/realpages TW-udn-2020a: a <figure> inside a <p> is a picture, not the lead",
        page(UDN_BODY),
        "https://money.udn.com/money/story/5603/4909425",
        UDN_LEAD,
        "騰訊科技",
    ),
    (
        "tests/realpages TW-upmedia-2020a: the caption in a picture's box is no paragraph",
        page(UPMEDIA_BODY),
        "http://www.upmedia.mg/news_info.php?SerialNo=83141",
        UPMEDIA_LEAD,
        "取自王婉諭臉書",
    ),
    (
        "realpages TW-ltn-2020a: the headline inside the article box is not the body's first line",
        page(LTN_BOX, title=f"{LTN_TITLE} - 自由財經"),
        "https://ec.ltn.com.tw/article/breakingnews/3119452",
        LTN_LEAD,
        None,
    ),
]


@pytest.mark.parametrize("source, body, url, starts, absent", BODY_ROWS)
def test_body_starts_with_the_story_and_holds_no_furniture(
    source: str, body: bytes, url: str, starts: str, absent: str | None
) -> None:
    text = extract_record(url, body, {})["body"]
    assert text.startswith(starts), (source, text[:80])
    assert absent is None or absent not in text, source


TITLE_ROWS = [
    # (source, page bytes, headline as printed)
    (
        "realpages TW-ltn-2020a: <title> adds ' - 自由財經'",
        page(LTN_BOX, title=f"{LTN_TITLE} - 自由財經"),
        LTN_TITLE,
    ),
    (
        "realpages CN-sohu-2024a: <title> adds sohu's keywords '_中国_法国_全球'",
        page(
            f"<h1>中法经贸合作广度深度不断拓展</h1><article><p>{SOHU_STORY}</p></article>",
            title="中法经贸合作广度深度不断拓展_中国_法国_全球",
        ),
        "中法经贸合作广度深度不断拓展",
    ),
    (
        "realpages CN-caijing-2024b: the headline is an h2; <title> adds section and site",
        page(
            '<div id="article" class="article"><h2 id="cont_title">5月LPR按兵不动：1年期为3.45%，'
            "5年期以上为3.95%</h2>"
            f'<div id="the_content" class="article-content"><p>{CAIJING_STORY}</p></div></div>',
            title=(
                "5月LPR按兵不动：1年期为3.45%，5年期以上为3.95%_经济_宏观频道首页_财经网"
                " - CAIJING.COM.CN"
            ),
        ),
        "5月LPR按兵不动：1年期为3.45%，5年期以上为3.95%",
    ),
    (
        "realpages CN-xinhuanet-2024b: a kicker with ｜ is part of the printed headline",
        page(
            "<h1><span class='title'>新华视界｜河北遵化：数字农机服务助力农业生产</span></h1>"
            "<p>眼下，植保无人机、无人驾驶农机等在河北省遵化市的田间地头忙碌，助力农业生产。</p>",
            title="新华视界｜河北遵化：数字农机服务助力农业生产-新华网",
        ),
        "新华视界｜河北遵化：数字农机服务助力农业生产",
    ),
    (
        "realpages CN-163-2024a: 网易's <title> adds keywords and '_网易订阅'; no h1 matches",
        page(
            "<p>近日，有网友反映称，自己将车停在自家院子里，却被村委会要求缴纳资源占用费。</p>",
            title="租户将车停自家院子要交“资源占用费”？村民打“12345”讨说法|停车位|停车费|物业管理_网易订阅",
        ),
        "租户将车停自家院子要交“资源占用费”？村民打“12345”讨说法",
    ),
]


@pytest.mark.parametrize("source, body, title", TITLE_ROWS)
def test_headline_as_printed(source: str, body: bytes, title: str) -> None:
    assert extract_record("https://example.org/a.html", body, {})["title"] == title, source


STORY = "<article><p>" + SOHU_STORY + "</p><p>" + SOHU_SECOND + "</p></article>"
DATE_ROWS = [
    # (source, page bytes, URL, publication date and time as printed)
    (
        "realpages CN-xinhuanet-2024a: date split over bare spans, no metadata",
        page(
            '<div class="header-time left"><span class="year"><em>2024</em></span> '
            '<span class="day">05/09</span> <span class="time">22:27:02</span></div>'
            "<h1>李强在新疆调研时强调</h1>" + STORY
        ),
        "http://www.news.cn/politics/leaders/20240509/3dd6e33cc6d749fbaae01fea337ff400/c.html",
        "2024-05-09T22:27",
    ),
    (
        "realpages CN-sina-2024a: meta says 05:54, the page prints 00:26",
        page(
            '<h1>城市有轨电车之困</h1><div class="date-source"><span class="date">2024年05月10日'
            " 00:26</span></div>" + STORY,
            head='<meta property="article:published_time" content="2024-05-10T05:54:20+08:00">',
        ),
        "https://news.sina.com.cn/c/2024-05-10/doc-inausehc2630922.shtml",
        "2024-05-10T00:26",
    ),
    (
        "realpages CN-gmw-2024a: a bare span beside 来源, no metadata",
        page(
            "<h1>维护全人类共同利益需联手抵制保护主义</h1>"
            '<div class="m_tips"> <span class="m-con-source">来源：<a href="https://wap.peopleapp'
            '.com/article/7423402/7254184">人民日报</a></span><span class="m-con-time">2024-05-13'
            " 08:49</span> </div>" + STORY
        ),
        "https://politics.gmw.cn/2024-05/13/content_37319243.htm",
        "2024-05-13T08:49",
    ),
]


@pytest.mark.parametrize("source, body, url, published", DATE_ROWS)
def test_publication_date_and_time_as_printed(
    source: str, body: bytes, url: str, published: str
) -> None:
    assert (extract_record(url, body, {})["published"] or "").startswith(published), source


AUTHOR_ROWS = [
    # (source, page bytes, the writers' names)
    (
        "realpages CN-gmw-2024a: meta author is the editor the page prints (责编：杨煜)",
        page(
            STORY + '<div class="m-zbTool liability"> <span>[ </span> <span class="liability">'
            "责编：杨煜</span><span> ]</span> </div>",
            head='<meta name="author" content="杨煜"><meta name="editor" content="杨煜">',
        ),
        [],
    ),
    (
        "realpages CN-youth-2024b: meta author 青网新闻张毅 is 责任编辑：张毅",
        page(
            STORY + '<div class="rdwz_fh"><span id="editor_baidu">责任编辑：张毅</span></div>',
            head='<meta name="author" content="青网新闻张毅">',
        ),
        [],
    ),
    (
        "realpages CN-163-2024b: meta author is the site (网易)",
        page(
            STORY,
            head='<meta name="author" content="网易">',
            title="苹果称美国反垄断诉讼应被驳回_网易订阅",
        ),
        [],
    ),
    (
        "realpages CN-people-2024a: meta author is a user id; the byline div names two",
        page(
            "<h1>在新时代中部地区崛起中争先出彩</h1>"
            '<div class="author cf">本报记者 王乐文 方 敏</div>' + STORY,
            head='<meta name="author" content="105464">',
        ),
        ["王乐文", "方敏"],
    ),
    (
        "realpages TW-sinatw-2020a: JSON-LD author is the publisher, an Organization",
        page(
            STORY,
            head='<script type="application/ld+json">{"@type": "NewsArticle", "author": '
            '{"@type": "Organization", "name": "北京新浪網"}}</script>',
        ),
        [],
    ),
    (
        "tests/realpages TW-udn-2020a: meta author is a profile URL; the byline follows a time",
        page(
            '<div class="shareBar__info"> <div class="shareBar__info--author"><span>2020-10-04'
            " 15:05</span>聯合報 記者林宸誼／即時報導</div></div>" + STORY,
            head='<meta name="author" content="https://www.facebook.com/edn168/">',
        ),
        ["林宸誼"],
    ),
    (
        "realpages CN-1905-2024a: 作者：南帆 in a header line",
        page(
            '<div class="pic-base clear"> <span>时间：2024.05.11</span> <span class="pic-source">'
            '来源：光明日报</span> <span class="autor-name fr">作者：南帆</span></div>' + STORY
        ),
        ["南帆"],
    ),
    (
        "realpages CN-xinhuanet-2024b: 作者: 刘满仓 is the photographer of 新华社发（刘满仓摄）",
        page(
            '<div id="detail"><p style="text-align: justify;">  5月13日，在河北省遵化市东新庄镇'
            '一家庭农场，无人驾驶农机在播种玉米。</p><p style="'
            'text-align: justify;">  眼下，植保无人机、'
            "无人驾驶农机等在河北省遵化市的田间地头忙碌，助力"
            "农业生产。近年来，河北省遵化市积极推行农机无人驾驶"
            "耕种和无人机植保作业等数字农机服务工作，促进农业增效、农民"
            '增收。</p><p style="text-align: '
            'justify;">  新华社发（刘满仓摄）</p><div id="articleEdit"><span class="editor">[作者: '
            "刘满仓 　责任编辑: 杨丹宇 ]</span></div></div>"
        ),
        [],
    ),
    (
        "tests/realpages TW-upmedia-2020a: an author element with no label: 上報快訊／范姜佳鈺",
        page(
            '<div class="author"><a href=\'searc'
            "h.php?sh_keyword=上報快訊／范姜佳鈺'>上報快訊／范姜佳鈺"
            "</a>                    2020年03月12日 20:19:00</div>" + STORY
        ),
        ["范姜佳鈺"],
    ),
    (
        "realpages CN-gmw-2017a: 作者︱春春 printed beside the site's logo, where a caption goes",
        page(  # the credits close the story's own container, as on the page
            STORY.removesuffix("</article>")
            + "<p><strong>　　出品︱网易科学人栏目组 胖胖</strong></p><p><strong>　　作者︱春春"
            '</strong> <a href="http://www.gmw.cn" targe'
            't="_blank"><img src="https://img.gmw.cn/pic/'
            'content_logo.png" title="返回光明网首页" /></a> </p></article>'
        ),
        ["春春"],
    ),
    (
        "realpages CN-gmw-2024b: a survey widget's line before 新华社北京5月19日电（刘艺、杨吉）",
        page(
            '<div class="m-vote-list"><p style="text-align:center;color:#008000;">调查问题加载中，'
            "请稍候。<br>若长时间无响应，请刷新本页面</p></div><"
            'div class="u-mainText"><p>新华社北京5月'
            "19日电（刘艺、杨吉） 中国科学院专家19日在北京"
            "介绍国内首次在轨水生生态研究项目进展情况。</p>"
            "<p>4月25日，神舟十八号载人飞船从酒泉卫星发射"
            "中心升空。随3名航天员一起进入太空的还有4条斑马鱼和"
            "4克金鱼藻，用于在轨建立稳定运行的空间自循环水生生态系统。</p></div>"
        ),
        ["刘艺", "杨吉"],
    ),
    (
        "realpages CN-sohu-2024a: 作者：…研究员徐占忱 before sohu's 返回搜狐，查看更多 link",
        page(
            '<article class="article" id="mp-editor"><p>'
            + SOHU_STORY
            + "</p><p>"
            + SOHU_SECOND
            + "</p><p>（本文来源：经济日报 作者：中国国际经"
            "济交流中心世界经济研究部部长，“一带一路”研究部部长、"
            '研究员徐占忱）<a href="https://www.sohu.com/" id="backsohucom"><span class="backword">'
            '<i class="backsohu"></i>返回搜狐，查看更多</span></a></p></article>'
        ),
        ["徐占忱"],
    ),
    (
        "realpages CN-youth-2024a: 中青报·中青网记者 魏其濛 来源：中国青年报 is no caption",
        page(
            '<div class="TRS_Editor"><img src="https://news.youth.cn/gn/202405/W020240513.jpg"><p>'
            + SOHU_STORY
            + "</p><p>"
            + SOHU_SECOND
            + "</p><p>　　中青报·中青网记者 魏其濛 来源："
            "中国青年报</p></div>"
        ),
        ["魏其濛"],
    ),
    (
        "realpages CN-gmw-2024a: （钟才文） ends the story; 责编 and a gallery follow",
        page(
            '<div class="u-mainText"><p>'
            + SOHU_STORY
            + "</p><p>　　各国要联手抵制保护主义。各国要坚定"
            "地站在历史正确的一边，共同把“蛋糕”做大，实现“多赢”“共赢”。（钟才文）</p>"
            '<div class="m-zbTool liability"><span>[ <'
            '/span><span class="liability">责编：杨煜</span>'
            '<span> ]</span></div><div class="u-moreText">阅读剩余全文（<span></span>）</div>'
            "<p>您此时的心情</p><p>视觉焦点</p><p>2023-11"
            "-21 16:55</p><p>2023年11月21日，江苏省如皋市"
            "龙游河生态公园，色彩斑斓的树木与一河碧水相应成趣。</p><p"
            ">2023-11-21 16:55</p><p>光明网版权所有"
            "</p></div>"
        ),
        ["钟才文"],
    ),
]


@pytest.mark.parametrize("source, body, names", AUTHOR_ROWS)
def test_authors_are_writers_only(source: str, body: bytes, names: list[str]) -> None:
    record = extract_record("https://example.org/a.html", body, {})
    found = [b["name"] for b in record["bylines"] if b["role"] in AUTHOR_ROLES]
    assert found == names, source
