"""The generic extractor's body on fragments cut from real pages, one row per class of failure
seen on the article-extraction-benchmark (scrapinghub/article-extraction-benchmark, MIT,
html/<id>.html.gz; the id beside each row) and realpages (../shared/realpages).

Only what the row needs is kept: the article's real text and the real furniture around it, as
the page prints them. Every row goes through `archive extract`'s path (extract_record). Each
row names texts the body must hold (each as often as listed) and text it must not hold.
"""

from __future__ import annotations

import pytest

from crawler.extract.page import extract_record


def page(body: str, title: str = "News") -> bytes:
    """A page with ``body`` in its <body>."""
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'
    ).encode()


# AEB f6ac15a4d985 (jaraguadosul.com.br): a sidebar tag cloud of 106 one-word links beside a
# one-paragraph story whose text follows two floated pictures inside the story's own box.
JARAGUA_TAGS = [
    "adote um amigo",
    "agua",
    "alerta",
    "ambiente",
    "amizade",
    "atendimento",
    "atirador",
    "bem-estar",
    "biblioteca",
    "caminhada",
    "campanha",
    "capacitacao",
    "capacitação",
    "carnaval",
    "civil",
    "cmdca",
    "comunicado",
    "comunicação",
    "concreto",
    "concurso",
    "conselheiros",
    "conselho",
    "contação",
    "cultura",
    "curso",
    "cursos",
    "dança",
    "defesa civil",
    "dia",
    "edital",
    "educacao",
    "empossados",
    "encerramento",
    "enchentes",
    "entrega",
    "entulho",
    "escola",
    "espaços esportivos",
    "evento",
    "eventos",
    "exposição",
    "facultativo",
    "feira",
    "festa",
    "fgts",
    "fme",
    "forum",
    "fujama",
    "habitacao",
    "horário",
    "idosos",
    "inauguracao",
    "infantil",
    "instituto",
    "interdição",
    "iptu",
    "jaragua",
    "jaraguá",
    "jiti",
    "jourdan",
    "juventude",
    "literatura",
    "livro",
    "livros",
    "luzes",
    "meio ambiente",
    "mobilidade",
    "mulher",
    "municipal",
    "museu",
    "natal",
    "nudec",
    "obra",
    "obras",
    "palestra",
    "pavilhão",
    "pesquisa",
    "ponte",
    "posse",
    "posto",
    "procon",
    "programação",
    "projeto",
    "projetos",
    "rau",
    "recapeamento",
    "reciclagem",
    "reforma",
    "rendimento",
    "rua",
    "samae",
    "saude",
    "schützenfest",
    "sedef",
    "sem",
    "semag",
    "semana",
    "seminario",
    "silvana",
    "social",
    "treinamento",
    "trânsito",
    "turismo",
    "urbanismo",
    "vacina",
    "visita",
]
JARAGUA_STORY = (
    "A equipe do Serviço de Atendimento Domiciliar (SAD), do bairro Amizade, registrou nesta manhã"
    " o arrombamento de dois dos cinco automóveis da unidade. Os veículos estavam sem as"
    " respectivas baterias e com marcas de depredação. Foi feito boletim de ocorrência e a polícia"
    " foi até o local para verificar os danos nos veículos. Os pacientes agendados para o período"
    " da manhã desta sexta-feira estão sendo reagendados. A Secretaria de Saúde prevê que o"
    " atendimento estará normalizado a partir da tarde de hoje (5)."
)
JARAGUA_CLOUD = (
    '<div class="well well-sm hidden-sm hidden-xs"><blockquote class="titulo">Tags</blockquote>'
    "<br>"
    + "\n".join(
        f'<a class="label" href="/noticias.php?tag={tag}">{tag}</a> ' for tag in JARAGUA_TAGS
    )
    + "</div>"
)
JARAGUA_STORY_BOX = (
    '<div class="col-md-9 col-sm-12 col-xs-12"><p class="titulo" title="21956">Atendimento'
    " Domiciliar registra arrombamento em veículos</p>"
    '<img alt="" class="img-polaroid" src="/userfiles/images/news/2018/21956/sad3.jpeg"'
    ' style="float:right"><img alt="" class="img-polaroid"'
    ' src="/userfiles/images/news/2018/21956/sad.jpeg" style="float:left">'
    f"{JARAGUA_STORY}<br><br><br></div>"
)

# AEB 11ea381ad92b (autoracing.com.br): the standings are a data table.
AUTORACING_TABLE = (
    '<div class="entry"><p>Nesta página você terá sempre a classificação atualizada da NASCAR até'
    " a última corrida!</p><p>Coloque nos seus favoritos e venha sempre conferir a classificação"
    " da NASCAR!</p><p>Classificação final da Monster Energy NASCAR Cup Series em 2019 após 36"
    ' etapas:</p><table class="tablehead"><tbody><tr class="colhead"><td><strong>Pos.</strong>'
    "</td><td><strong>Piloto</strong></td><td><strong>Pontos</strong></td><td><strong>Vitórias"
    "</strong></td><td><strong>Poles</strong></td><td><strong>Top 5</strong></td><td><strong>"
    'Top 10</strong></td></tr><tr class="oddrow"><td class="sortcell">1</td><td>Kyle Busch</td>'
    '<td>5040</td><td>5</td><td>1</td><td>17</td><td>27</td></tr><tr class="evenrow">'
    '<td class="sortcell">2</td><td>Martin Truex Jr.</td><td>5035</td><td>7</td><td>0</td>'
    "<td>15</td><td>24</td></tr></tbody></table></div>"
)

# AEB 264dc3ae3124 (twincities.com): "More in Minnesota Wild", teasers whose headline is a link
# in a <header> beside the summary, under the story in the same content box.
TWINCITIES_STORY = [
    "BUFFALO, N.Y. — Hours before Zach Parise’s two-goal performance Tuesday, Wild coach Bruce"
    " Boudreau expressed confidence in the veteran winger, saying he always finds a way to start"
    " scoring.",
    "“It takes a little longer now, but he’s playing well now, he’s getting a little bit of"
    " confidence back,” Boudreau said before the Wild’s 4-1 win over the Sabres in front of 15,522"
    " in KeyBank Center. “That goes a long way.”",
    "Right now, having scored four times during a three-game streak, Parise is brimming with"
    " confidence.",
    "Parise’s first-period goals – he scored at 7:14 and on the power play at 19:56 – gave the"
    " Wild a commanding two-goal lead they wouldn’t relinquish.",
]
TWINCITIES_TEASERS = [
    (
        "minnesotan-casey-mittelstadt-finding-his-legs-in-buffalo",
        "Minnesotan Casey Mittelstadt finding his legs in Buffalo",
        "BUFFALO, N.Y. — About three years ago, a 17-year-old NHL Draft prospect started working"
        " out with some veterans at Saint Thomas Academy: Casey Mittelstadt, a slick center from"
        " Eden Prairie. “He looked like he was 12,” Minnesota Wild winger Zach Parise said. “I was"
        ' like, oh my gosh, this guy is going to be in the NHL next year?" The...',
    ),
    (
        "wild-have-found-their-own-personal-geek-squad-to-fix-their-problems",
        "Wild’s personal ‘GEEK Squad’ helping Minnesota fix problems",
        "Maybe the Wild have found their own personal GEEK Squad to fix their problems. Not to be"
        " confused with the techies that work for Best Buy, Jordan Greenway, Joel Eriksson Ek and"
        " Luke Kunin are helping Minnesota find its legs after a difficult start — and coach Bruce"
        ' Boudreau couldn\'t be happier. "They are getting better and better," he said....',
    ),
]
TWINCITIES_PAGE = (
    '<div class="site-content" id="content"><main class="site-main"><article class="full-view">'
    '<div class="article-body"><div class="body-copy">'
    + "".join(f"<p>{text}</p>" for text in TWINCITIES_STORY)
    + '</div></div></article></main><div class="more-news"><h2 class="widget-title">More in'
    " Minnesota Wild</h2><ul>"
    + "".join(
        f'<li><article class=" more-posts-view archive-view has-image"><div class="article-info">'
        f'<header><h5 class="entry-title"><a class="article-title" href="https://www.twincities.com'
        f'/2019/11/18/{slug}/"><span class="dfm-title">{title}</span></a></h5>'
        '<div class="entry-meta"><time>November 18, 2019 at 2:01 pm</time></div></header>'
        f'<div class="excerpt">{excerpt}</div></div></article></li>'
        for slug, title, excerpt in TWINCITIES_TEASERS
    )
    + "</ul></div></div>"
)

# AEB 70cb2d5bca75 (bbc.com): a picture loaded by script (no <img>) in a <figure>, its credit
# and caption printed as text.
BBC_BODY = (
    '<div class="story-body__inner"><p class="story-body__introduction">A row involving Taylor'
    " Swift, her former record label and a couple of big name US politicians looks like it's"
    " coming to an end.</p><p>The group that owns most of her music, Big Machine, says she will be"
    " allowed to play her old tracks at the American Music Awards on Sunday.</p>"
    '<figure class="media-landscape has-caption full-width"><span class="image-and-copyright-'
    'container"><div class="js-delayed-image-load" data-alt="Justin Bieber and Scooter Braun"'
    ' data-src="https://ichef.bbci.co.uk/news/320/cpsprodpb/16A3F/production/_107653729_bieber'
    'scooter976.jpg"></div><span class="off-screen">Image copyright</span><span class="story-'
    'image-copyright">Getty Images</span></span><figcaption class="media-caption"><span class='
    '"off-screen">Image caption</span><span class="media-caption__text">Scooter Braun has managed'
    " Justin Bieber, among others, throughout his career in music</span></figcaption></figure>"
    "<p>Then, last week, Taylor Swift posted on Twitter accusing Big Machine of trying to stop her"
    " performing tracks from her first six albums at the AMAs.</p><p>She claimed the label"
    " thought the performance would amount to a re-recording.</p></div>"
)
# AEB db6b0816c612 (chron.com): a gallery in the story's body, each caption in a div of its own.
CHRON_CAPTION = (
    "U.S. Defense Secretary Mark Esper, left, and Vietnamese Defense Minister Ngo Xuan Lich shake"
    " hands in Hanoi, Vietnam Wednesday, Nov. 20, 2019. Esper is on a visit to Vietnam to"
    " strengthen the military relations with the Southeast Asian nation."
)
CHRON_BODY = (
    '<div class="article-body"><div class="asset_gallery"><ul class="hst-resgallery non-grid">'
    '<li class="hst-resgalleryitem "><div class="img-wrap landscape"><img class="landscape"'
    ' src="https://s.hdnux.com/photos/01/07/06/06/18637241/5/920x920.jpg" alt=""></div>'
    f'<div class="caption "><div class="caption-full">{CHRON_CAPTION}<a class="more-caption">'
    ' less</a></div><span class="credit">Photo: Hau Dinh, AP</span></div></li></ul></div>'
    "<p>HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday accused China of"
    " using coercion and intimidation against smaller Asian nations to impose its will in the"
    " South China Sea. He urged Vietnam and others in the region to push back.</p><p>“We will not"
    " accept attempts to assert unlawful maritime claims at the expense of law-abiding nations,”"
    " Esper said in a speech to the Diplomatic Academy of Vietnam, a government university.</p>"
    "</div>"
)

# AEB 6ebac05f637e (thehill.com): an ad slot's label between two paragraphs.
THEHILL_BODY = (
    '<div class="field-item even"><p>U.S. Attorney James Kennedy Jr. said in the release this'
    " case demonstrates that free speech does not protect people to “make threats to harm"
    " lawmakers simply because they may disagree with them.”</p>"
    '<div id="dfp-ad-incontent_desk_1-wrapper" class="dfp-tag-wrapper wrapper"><div'
    ' id="dfp-ad-incontent_desk_1" class="dfp-tag-wrapper"><span>ADVERTISEMENT</span></div></div>'
    "<p>Sonya A. Zoghlin, Carlineo’s attorney, told The Hill in a statement that her client did not"
    " intend to cause harm to Omar and did not make plans to do so.</p></div>"
)
# AEB 3c6d3381ef52 (wday.ru): an interview puts the same questions to each guest.
WDAY_QUESTION = "Что вас вдохновило на создание кулинарной страницы?"
WDAY_BODY = (
    '<div class="block-text"><p><strong>Аккаунт: <a href="https://www.instagram.com/darkzip/">'
    f"@darkzip</a></strong></p><p><strong>{WDAY_QUESTION}</strong></p><p>— Внезапно я захотел"
    " вести блог – совершенно любой. Господи, какие только темы я не придумывал. Но точно знал,"
    " что из всех моих хобби не брошу только одно: не перестану есть.</p></div>"
    '<div class="block-text"><p><strong>Аккаунт: <a href="https://www.instagram.com/okuprin/">'
    f"@okuprin</a></strong></p><p><strong>{WDAY_QUESTION}</strong></p><p>— Еда объединяет. Где бы"
    " мы ни оказались, даже не зная языка, за одним столом с другими людьми мы всегда найдем о"
    " чем поговорить.</p></div>"
)

# AEB 1f765c4878 (sputniknews.com): the page's hidden dialogs (community rules) hold almost as
# much prose as the column, and the column holds the latest-news strip.
SPUTNIK_STORY = [
    "Prince Andrew, the nearly 60-year-old younger brother of heir to the British throne,"
    " Charles, has reportedly told friends and family that the interview aired at the weekend was"
    " a “great success”.",
    "In it, the British royal blankly denied having sex with underage girls supplied to him by the"
    " convicted pedophile Epstein who reportedly committed suicide in August while in custody in a"
    " US prison.",
    "In a sign of how detached from reality this scion of the British monarchy is, the general"
    " public reaction to the interview was a torrent of derision and disgust.",
    "But perhaps the most telling contradiction was his claim that he visited Epstein in New York"
    " in 2010 – after Epstein was released from prison for trafficking a minor for prostitution –"
    " in order to terminate his friendship.",
    "During the visit, he was photographed having long and serious chats with Epstein while"
    " strolling around Central Park. Was this to find out how vulnerable the royal was from"
    " potential scandal fall-out?",
]
SPUTNIK_RULES = [
    "The fact of registration and authorization of users on Sputnik websites via users’ account"
    " or accounts on social networks indicates acceptance of these rules.",
    "Users are obliged abide by national and international laws. Users are obliged to speak"
    " respectfully to the other participants in the discussion, readers and individuals"
    " referenced in the posts.",
    "The websites’ administration has the right to delete comments made in languages other than"
    " the language of the majority of the websites’ content.",
]
SPUTNIK_LATEST = [
    "In Footsteps of Katy Perry & Dua Lipa? Kylie Jenner's Rapper-Ex Tyga Set for First Gig in"
    " Mumbai",
    "Iran Interested in Russian S-400s, Bastion Coastal Defence Systems, T-90 Tanks, Pentagon Says",
    "Emirates Airline Signs Deal With Boeing to Buy 30 B787-9 Planes at Dubai Airshow",
    "Russia Ready to Sign Deal on Preventing Cyberspace Incidents With US - Official",
]
SPUTNIK_PAGE = (
    '<div class="page_container m-relative"><div class="l-maincolumn m-static"><div'
    ' class="b-article"><div class="b-article__text">'
    + "".join(f"<p>{text}</p>" for text in SPUTNIK_STORY)
    + '</div></div><ul class="b-stream">'
    + "".join(f'<li><a href="/world/1">{text}</a></li>' for text in SPUTNIK_LATEST)
    + '</ul></div></div><div class="modal-window window-comments-rules modalWindow"><header>'
    'Community standards</header><section class="body"><div class="rules scrollpane">'
    + "".join(f"<p>{text}</p>" for text in SPUTNIK_RULES)
    + "</div></section></div>"
)

BODY_ROWS = [
    # (source, page bytes, URL, texts the body holds, text it must not hold)
    (
        "AEB f6ac15a4d985: a tag cloud's links are read word by word, not as prose",
        page(f"<div class='row'><div class='col-md-3'>{JARAGUA_CLOUD}</div>{JARAGUA_STORY_BOX}"),
        "http://jaraguadosul.com.br/news/servi-o-de-atendimento-domiciliar-registra-arrombamento",
        [JARAGUA_STORY],
        "adote um amigo",
    ),
    (
        "AEB 11ea381ad92b: a data table's row is one line, its cells side by side",
        page(AUTORACING_TABLE),
        "http://www.autoracing.com.br/classificacao-nascar/",
        ["Pos. Piloto Pontos Vitórias Poles Top 5 Top 10", "2 Martin Truex Jr. 5035 7 0 15 24"],
        None,
    ),
    (
        "AEB 264dc3ae3124: teasers with their headline in a <header> are not the story",
        page(TWINCITIES_PAGE),
        "https://www.twincities.com/2019/11/19/parise-scores-2-goals-wild-beat-sabres-4-1/",
        TWINCITIES_STORY,
        "Maybe the Wild",
    ),
    (
        "AEB 70cb2d5bca75: a figure without <img> is a picture: its caption is not text",
        page(BBC_BODY),
        "https://www.bbc.com/news/entertainment-arts-50482418",
        ["The group that owns most of her music, Big Machine, says she will be allowed to play"],
        "Scooter Braun has managed",
    ),
    (
        "AEB 70cb2d5bca75: ... nor is the picture's credit line",
        page(BBC_BODY),
        "https://www.bbc.com/news/entertainment-arts-50482418",
        [],
        "Image copyright",
    ),
    (
        "AEB db6b0816c612: a gallery's caption in a div of its own is no paragraph",
        page(CHRON_BODY),
        "https://www.chron.com/news/world/article/Esper-says-US-providing-Vietnam-14848382.php",
        [],
        "Ngo Xuan Lich shake hands",
    ),
    (
        "AEB 6ebac05f637e: an ad slot's label is not text",
        page(THEHILL_BODY),
        "https://thehill.com/blogs/blog-briefing-room/news/471031-new-york-man-pleads-guilty",
        [],
        "ADVERTISEMENT",
    ),
    (
        "AEB 3c6d3381ef52: an interview's question repeated for each guest stays, each time",
        page(WDAY_BODY),
        "http://www.wday.ru/articles/mastera-vkusa-i-krasotyi-23-samyih-krutyih-fudblogera/",
        [WDAY_QUESTION, WDAY_QUESTION],
        None,
    ),
    (
        "AEB 1f765c4878: hidden dialogs and a news strip around the story are not the story",
        page(SPUTNIK_PAGE),
        "https://sputniknews.com/columnists/201911181077343476-royal-self-indicting-arrogance/",
        SPUTNIK_STORY,
        "Users are obliged",
    ),
]


@pytest.mark.parametrize("source, body, url, texts, absent", BODY_ROWS)
def test_body_holds_the_story_and_no_furniture(
    source: str, body: bytes, url: str, texts: list[str], absent: str | None
) -> None:
    text = extract_record(url, body, {})["body"]
    for held in dict.fromkeys(texts):
        assert text.count(held) == texts.count(held), (source, held, text)
    assert absent is None or absent not in text, (source, text)
