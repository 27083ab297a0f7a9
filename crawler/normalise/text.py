"""Article text: collapse whitespace, drop boilerplate, join paragraphs the layout broke.

- :func:`collapse_whitespace` turns every run of whitespace (full-width spaces, no-break spaces,
  newlines) into one space, drops zero-width and bidirectional control characters (U+200E/F,
  U+202A-U+202E, U+2066-U+2069, U+061C) and removes a line break printed
  between two Chinese characters (a hard wrap, not a word space). Other characters are kept.
- :func:`is_boilerplate` recognises promotion, share bars, editor lines and related-news
  headings (碼上看, 掃碼睇片, 分享到, 責任編輯：…, 相關新聞).
- :func:`join_broken_paragraphs` joins a paragraph that does not end a sentence to the next
  one when that starts mid-sentence (國際創 / 科中心建設); headings, list items and captions
  are never joined.
- :func:`strip_link_trailer` takes off a site's link printed at the end of a paragraph
  (……徐占忱） 返回搜狐，查看更多).
- :func:`clean_blocks` does all three, and also drops a whole promotion block (碼上看 with its
  item titles and 掃碼睇… lines).

Reads no settings.
"""

from __future__ import annotations

import re

from crawler.items import Block
from crawler.normalise.bylines import parse_byline
from crawler.normalise.captions import has_credit
from crawler.normalise.names import HAN

# Zero-width and bidirectional control characters: invisible, yet they split a word for search
# (王丹\u202e丹 is no match for 王丹丹); the WARC keeps the page as received (#19).
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
ZERO_WIDTH_REGEX = re.compile(f"[\u200b\u200c\u200d\u2060\ufeff\u00ad{BIDI_CONTROLS}]")
HARD_WRAP_REGEX = re.compile(
    rf"(?<=[{HAN}，。、；：！？「」『』（）])[ \t\u3000\xa0]*[\r\n]+\s*(?=[{HAN}])"
)
WHITESPACE_REGEX = re.compile(r"[\s\u3000\xa0]+")

# A line that is promotion or page furniture, whatever follows it.
BOILERPLATE_REGEX = re.compile(
    r"^[\s【\[（(]*(?:"
    r"碼上看|码上看|掃碼睇\S{0,3}|扫码睇\S{0,3}|掃碼(?:看|閱讀|观看|觀看|下載|關注)\S{0,6}|"
    r"扫码(?:看|阅读|观看|下载|关注)\S{0,6}|掃描二維碼\S{0,10}|扫描二维码\S{0,10}|"
    r"長按(?:識別|二維碼)\S{0,10}|长按(?:识别|二维码)\S{0,10}|"
    r"分享(?:到|至)?[:：]?|分享：?(?:微信|微博|Facebook|WhatsApp|Twitter|X|臉書|LINE|\s)*|"
    r"(?:微信|微博|Facebook|WhatsApp|Twitter|臉書|脸书|LINE|Telegram|複製連結|复制链接|\s|[|｜/])+|"
    r"相關新聞|相关新闻|相關閱讀|相关阅读|延伸閱讀|延伸阅读|推薦閱讀|推荐阅读|熱門新聞|热门新闻|"
    r"熱門文章|热门文章|更多新聞|更多新闻|你可能感興趣|你可能感兴趣|猜你喜歡|猜你喜欢|相關文章|相关文章|"
    r"(?:責任編輯|责任编辑|責編|责编|編輯|编辑|校對|校对|審校|审校|監製|监制)\s*[:：]\s*\S{0,20}|"
    r"【?(?:打印|列印|關閉|关闭|返回頂部|返回顶部|返回首頁|返回首页|字號|字号)[】\s]*.{0,12}|"
    r"字[號号][:：]?\s*[大中小\s]+|"
    r"下載.{0,10}(?:App|APP|客戶端)|下载.{0,10}(?:App|APP|客户端)|"
    r"(?:Copyright|版權所有|版权所有|©).{0,60}|"
    r"（?完）?|\(完\)|（完）|-{2,}\s*完\s*-{2,}|"
    r"點擊(?:查看|進入|閱讀)\S{0,15}|点击(?:查看|进入|阅读)\S{0,15}|"
    r"【?(?:糾錯|纠错)】?.{0,20}|(?:原標題|原标题|關鍵詞|关键词|標籤|标签|Tags?)\s*[:：].{0,60}|"
    r"(?:上一篇|下一篇|返回目錄|返回目录|返回列表)\s*[:：]?.{0,40}|"
    r".{0,20}(?:不得轉載|不得转载|禁止轉載|禁止转载|轉載請註明|转载请注明|版權聲明|版权声明|"
    r"免責聲明|免责声明).{0,80}|"
    r"字[體体][:：]?\s*[大中小\s]+|(?:關注|关注)(?:我們|我们).{0,20}|"
    r"Share(?:\s+this)?(?:\s+article)?:?|Related(?:\s+(?:News|Stories|Articles))?:?"
    r")[\s】\]）)]*$",
    re.IGNORECASE,
)
# Headings that open a block of promotion: everything up to the next real paragraph goes.
PROMO_START_REGEX = re.compile(
    r"^(?:碼上看|码上看|相關新聞|相关新闻|相關閱讀|相关阅读|延伸閱讀|延伸阅读|推薦閱讀|推荐阅读|"
    r"熱門新聞|热门新闻|熱門文章|热门文章|更多新聞|更多新闻|你可能感興趣|猜你喜歡|相關文章|相关文章|"
    r"Related(?:\s+(?:News|Stories|Articles))?)\s*[:：]?$",
    re.IGNORECASE,
)
# A link the site appends to the story's last paragraph (every 搜狐号 page: 返回搜狐，查看更多).
LINK_TRAILER_REGEX = re.compile(
    r"\s*(?:返回搜狐[，,]?\s*查看更多|【?(?:返回首頁|返回首页|返回頂部|返回顶部)】?)\s*$"
)
QR_LINE_REGEX = re.compile(r"^(?:掃碼|扫码|掃描|扫描|長按|长按)")
SENTENCE_END = "。！？!?…；;」』”’）)】〕.:："
LIST_ITEM_REGEX = re.compile(
    r"^\s*(?:——|──|[●○■□▲△◆◇★☆▶►•·\-*]|[（(][一二三四五六七八九十\d]+[）)]|"
    r"[一二三四五六七八九十]+、|\d+[.、)）]|第[一二三四五六七八九十\d]+[，、：:])"
)
INNER_PUNCTUATION_REGEX = re.compile(r"[，。、；：！？,;]")


def strip_invisible(text: str) -> str:
    """Drop zero-width and bidirectional control characters, and nothing else."""
    return ZERO_WIDTH_REGEX.sub("", text)


def collapse_whitespace(text: str) -> str:
    """Collapse whitespace runs to one space and drop hard wraps between Chinese characters."""
    text = ZERO_WIDTH_REGEX.sub("", text or "")
    text = HARD_WRAP_REGEX.sub("", text)
    return WHITESPACE_REGEX.sub(" ", text).strip()


def strip_link_trailer(text: str) -> str:
    """``text`` without a site's link printed after it (返回搜狐，查看更多)."""
    return LINK_TRAILER_REGEX.sub("", text)


def is_boilerplate(text: str) -> bool:
    """Whether a block is promotion or page furniture (碼上看, 掃碼睇片, 分享到, 責任編輯：…)."""
    text = collapse_whitespace(text)
    return not text or bool(BOILERPLATE_REGEX.match(text))


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with a mark that closes a sentence or clause block."""
    return text.rstrip()[-1:] in SENTENCE_END


def _is_fragment(block: Block) -> bool:
    """Whether a paragraph stops mid-sentence (it has inner punctuation, so it is no heading)."""
    text = block.text.rstrip()
    return (
        block.kind == "paragraph"
        and bool(text)
        and not _ends_sentence(text)
        and bool(INNER_PUNCTUATION_REGEX.search(text) or len(text) >= 40)
        and not has_credit(text)
    )


def _is_latin_fragment(block: Block, following: Block) -> bool:
    """Whether an English paragraph stops mid-sentence before one that starts in lower case."""
    text = block.text.rstrip()
    return (
        block.kind == "paragraph"
        and text[-1:].isascii()
        and text[-1:].isalnum()
        and following.text[:1].islower()
    )


def _continues(block: Block) -> bool:
    """Whether a paragraph starts mid-sentence (not a list item, caption or heading)."""
    text = block.text.lstrip()
    if block.kind != "paragraph" or not text or LIST_ITEM_REGEX.match(text):
        return False
    if has_credit(text) or text[0] in "【〔[「『“":
        return False
    first = text[0]
    if first.isascii() and first.isalpha():
        return first.islower()
    return bool(re.match(rf"[{HAN}\d，。、；：,]", first))


def _join_texts(left: str, right: str) -> str:
    """Join two halves of a sentence, with a space only between two Latin words."""
    left, right = left.rstrip(), right.lstrip()
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def join_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    """Join paragraphs that the page layout broke in the middle of a sentence.

    Example: ``[Block("paragraph", "…大力推進國際創"), Block("paragraph", "科中心建設，…")]``
    becomes one paragraph "…大力推進國際創科中心建設，…".
    """
    joined: list[Block] = []
    for block in blocks:
        if (
            joined
            and _continues(block)
            and (_is_fragment(joined[-1]) or _is_latin_fragment(joined[-1], block))
            # A lead opening with its dateline starts a paragraph: a survey widget's 请刷新本页面
            # took 新华社北京5月19日电（刘艺、杨吉） (realpages CN-gmw-2024b).
            and parse_byline(block.text) is None
        ):
            joined[-1] = Block("paragraph", _join_texts(joined[-1].text, block.text))
        else:
            joined.append(Block(block.kind, block.text))
    return joined


def _is_promo_item(text: str) -> bool:
    """Whether a line inside a promotion block is an item title (short, no sentence end)."""
    return len(text) <= 40 and not _ends_sentence(text) and not has_credit(text)


def drop_promotion(blocks: list[Block]) -> list[Block]:
    """Drop promotion blocks: a 碼上看/相關新聞 heading with its item titles, and 掃碼 lines
    with the item title printed before each."""
    kept: list[Block] = []
    in_promo = False
    for block in blocks:
        text = block.text
        if PROMO_START_REGEX.match(text):
            in_promo = True
            continue
        if QR_LINE_REGEX.match(text) and is_boilerplate(text):
            if kept and _is_promo_item(kept[-1].text):
                kept.pop()
            continue
        if in_promo and (_is_promo_item(text) or is_boilerplate(text)):
            continue
        in_promo = False
        kept.append(block)
    return kept


def clean_blocks(blocks: list[Block]) -> list[Block]:
    """Collapse whitespace, drop empty, boilerplate and promotion blocks, join broken paragraphs."""
    collapsed = [Block(block.kind, collapse_whitespace(block.text)) for block in blocks]
    collapsed = [block for block in collapsed if block.text]
    without_promo = drop_promotion(collapsed)
    kept = [block for block in without_promo if not is_boilerplate(block.text)]
    return join_broken_paragraphs(kept)
