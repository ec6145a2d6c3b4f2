"""Context-free boilerplate rules: each rule's shapes, and the body text it must leave alone."""

from __future__ import annotations

import pytest

import dedupe
from dedupe import Config
from dedupe.stages.boilerplate import classify_line


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("By Jane Doe", "boilerplate.byline"),
        ("BY JANE DOE", "boilerplate.byline"),
        ("by Jane Doe and John Roe, Reuters", "boilerplate.byline"),
        ("Von Max Mustermann", "boilerplate.byline"),
        ("Posted by Jane Doe, Product Manager", "boilerplate.byline"),
        ("You may also be interested in:", "boilerplate.prompt"),
        ("Das könnte Sie auch interessieren", "boilerplate.prompt"),
        ("Related stories:", "boilerplate.prompt"),
        ("Example Online © Example Media Limited 2006", "boilerplate.copyright"),
        ("© 2012 Example Press. All rights reserved.", "boilerplate.copyright"),
        ("Pages :", "boilerplate.navigation"),
        ("| Display Page #: | Next >> |", "boilerplate.navigation"),
        ("Pages: 1 2 3 Next »", "boilerplate.navigation"),
        ("« Previous | Next »", "boilerplate.navigation"),
        ("Nächste Seite »", "boilerplate.navigation"),
        ("Show All »", "boilerplate.navigation"),
        ("News | Sport | Weather | Contact", "boilerplate.navigation"),
        ("Privacy • Advertising • Contact • Terms", "boilerplate.navigation"),
        ("Kontakt | Impressum | Datenschutz | AGB", "boilerplate.navigation"),
        ("Posted in History, Football | Leave a comment", "boilerplate.links"),
        ("Veröffentlicht unter Allgemein, Termine |", "boilerplate.links"),
        ("Pingback: Ten ideas for the weekend - Example Blog", "boilerplate.links"),
        ("- 3 Kommentare", "boilerplate.prompt"),
        ("12 commentaires", "boilerplate.prompt"),
        ("Direkt zum Inhalt springen", "boilerplate.prompt"),
        (
            "Diese Webseite verwendet Cookies, die für die Funktion der Seite nötig sind.",
            "boilerplate.prompt",
        ),
        ("Hier können Sie Ihre Cookie-Einstellungen verwalten.", "boilerplate.prompt"),
        ("Ich akzeptiere die Verarbeitung meiner personenbezogenen Daten für Werbung.", "boilerplate.prompt"),
        ("I agree to the Terms of Use and the Privacy Policy", "boilerplate.prompt"),
        ("||Back to top ||", "boilerplate.prompt"),  # a fixed phrase inside table-cell bars
        ("- Read more", "boilerplate.prompt"),
        ("49 of 52 people found this review helpful", "boilerplate.prompt"),
        ("12 von 15 Kunden fanden diese Bewertung hilfreich", "boilerplate.prompt"),
        ("You cannot edit your posts in this forum", "boilerplate.prompt"),
        ("Leave a Reply", "boilerplate.prompt"),
        ("Comments are closed.", "boilerplate.prompt"),
        ("Tell us what you think in the comments below.", "boilerplate.prompt"),
        ("Kommentare (12)", "boilerplate.prompt"),
        ("Related Articles", "boilerplate.prompt"),
        ("Share", "boilerplate.prompt"),
        ("Get the latest news delivered to your inbox", "boilerplate.prompt"),
        ("Disclaimer: the author holds shares in the companies mentioned.", "boilerplate.disclaimer"),
        ("The views expressed in this article are the author's own.", "boilerplate.disclaimer"),
        ("This article is for informational purposes only.", "boilerplate.disclaimer"),
        ("The information on this site does not constitute financial advice.", "boilerplate.disclaimer"),
        ("Dieser Artikel wurde automatisch übersetzt.", "boilerplate.translation_notice"),
        ("2 min read", "boilerplate.reading_time"),
        ("14 April, 2019", "boilerplate.dateline"),
    ],
)
def test_boilerplate_shapes(line, reason):
    hit = classify_line(line)
    assert hit is not None and hit[0] == reason


@pytest.mark.parametrize(
    "line",
    [
        "By the time the vote was taken, most members had left the chamber.",
        "by and large the plan was welcomed",
        "Pages: 48",  # a forum member's statistics
        "Share prices rose by two percent on Monday.",
        "The minister said the figures do not constitute a recommendation to buy.",
        "The views expressed by residents at the meeting were mixed, and the council listened.",
        "Related research has found the same effect in three other countries.",
        "Page 3",
        "The next page of the report shows the costs.",
        "Politics | Business | Tech",  # three items: a kicker or a title's tail
        "Posted in 2012, the video drew millions of viewers.",
        "I agree that the plan was good and that the data supports it.",
        "Ich akzeptiere das Ergebnis der Wahl.",
        "45 of 100 respondents found this policy unfair, according to the poll.",
        "| Politics |",
        "| Party | Seats | Votes | Share |",  # a table row
        "He said: yes | no | maybe | later",
        "The first chapter of the book | The second part | The end | An index of all",
        "Next year the council will vote again on the plan.",
        "The photographer, © notwithstanding, shared the picture with the museum and the city.",
        "You may also be interested in the history of the harbour, which dates back to 1620 and "
        "was rebuilt twice after storms destroyed the pier.",
    ],
)
def test_body_text_is_not_boilerplate(line):
    assert classify_line(line) is None


def test_table_rows_are_only_removed_as_exact_repeats():
    row = "| Office Assistant | Job type: Full time | Pay: $8.00 - $10.00/hour | Staffing company {} |"
    # Two records of one table that differ by one word (a typo, as far as the text can tell).
    rows = [row.format("North Harbour Services"), row.format("North Harbour Services").replace("time", "tme")]
    prose = [
        "The listings below were collected from the regional job board on Monday morning.",
        "Applicants should send a letter and a short CV to the address given in each listing.",
    ]
    text = "\n\n".join([*prose, *rows, rows[0]])
    res = dedupe.clean(text, config=Config(stages=("duplicates",)))
    assert [d.kept for d in res.decisions] == [True, True, True, True, False]
    assert res.decisions[4].evidence["match"] == "exact"
    # The same two records as prose lines: the second is a near copy of the first. (Records that
    # differ by a name, "North Harbour Services" / "Riverside Office Partners", are two items of a
    # template and stay whatever their shape: see test_repeats.py.)
    plain = "\n\n".join([*prose, *(r.strip("| ").replace(" | ", ", ") for r in rows)])
    res = dedupe.clean(plain, config=Config(stages=("duplicates",)))
    assert not res.decisions[3].kept


_HEADLINE = "Council approves the new budget for schools after a long debate"
_BODY = "The council voted on Monday to approve the budget, which adds money for schools and roads."


@pytest.mark.parametrize(
    ("line", "removed"),
    [
        ("World News", True),
        ("Politics", True),
        ("|Genitiv||der Lotterie||der Lotterien|", False),  # a table row
        ("Substantiv, f[Bearbeiten]", False),  # wiki markup
        ("Contact: info@example.org", False),
        ("Council Budget", False),  # the headline takes up all its words: the page's title
        ("Council News", True),  # "news" is not the story's: a section label
    ],
)
def test_section_label_is_words_only(line, removed):
    """Only a line of plain words above the headline is a section label; table rows and markup
    are structured content."""
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean(f"{line}\n{_HEADLINE}\n{_BODY}", config=cfg)
    reasons = [d.reason for d in r.decisions]
    assert (reasons[0] == "boilerplate.section_label") is removed, reasons
    assert reasons[1:] == ["kept", "kept"]


@pytest.mark.parametrize(
    "line",
    [
        "Publié le 12 mars 2024 à 10h32",
        "Mis à jour le 12 mars 2024 à 11h05",
        "Pubblicato il 12 marzo 2024 alle 10:32",
        "Publicado em 12 de março de 2024 às 10h32",
        "Gepubliceerd op 12 maart 2024 om 10:32",
        "Stand: 12.03.2024 10:32 Uhr",
        "Updated: March 3, 2024 at 5:00 p.m. ET",
        "Madrid, 12 de marzo de 2024",
        "WASHINGTON, March 3, 2024",
        "Berlin, 12. März 2024",
        "Paris, le 12 mars 2024",
    ],
)
def test_datelines_in_several_languages(line):
    assert classify_line(line) == ("boilerplate.dateline", "dateline")


@pytest.mark.parametrize(
    "line",
    [
        "March 3 meeting of the council was cancelled",
        "Madrid is hot in March",
        "London, Monday",  # a place and a weekday, no date
        "Madrid, Barcelona and Valencia, 12 de marzo de 2024",  # more than a place before the date
    ],
)
def test_not_datelines(line):
    assert classify_line(line) is None


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Continue reading the main story", "fixed_phrase"),
        ("Story continues below advertisement", "fixed_phrase"),
        ("Listen to this article", "fixed_phrase"),
        ("Read also: Farmers protest in the capital", "fixed_phrase"),
        ("52 comments", "fixed_phrase"),
        ("Be the first to comment", "fixed_phrase"),
        ("Privacy Policy", "fixed_phrase"),
        ("Image 1 of 12", "fixed_phrase"),
        ("Newsletter abonnieren", "fixed_phrase"),
        ("Sur le même sujet", "fixed_phrase"),
        ("Noticias relacionadas", "fixed_phrase"),
        ("Temps de lecture : 3 min", "reading_time"),
        ("Tiempo de lectura: 3 minutos", "reading_time"),
        ("Tags: politics, budget, council", "tags"),
        ("Filed under: Politics, Budget", "tags"),
        ("Home » News » Politics", "breadcrumb"),
        ("Startseite > Politik > Inland", "breadcrumb"),
        ("Getty Images", "credit_only"),
        ("Jane Doe/AFP via Getty Images", "credit_only"),
        ("Source: Reuters", "credit_only"),
        ("Quelle: dpa", "credit_only"),
        ("Additional reporting by Jane Doe", "reporting_credit"),
        ("Le Monde avec AFP", "reporting_credit"),
        ("Con información de EFE", "reporting_credit"),
        ("This article was originally published on The Conversation.", "republished"),
        ("This post has been updated since it was first published.", "update_notice"),
        ("This story has been updated.", "update_notice"),
        ("Editor's note: This article was updated on March 3, 2024.", "update_notice"),
        ("This is a developing story and will be updated.", "update_notice"),
        ("Dieser Artikel wird laufend aktualisiert.", "update_notice"),
        ("Cet article a été mis à jour.", "update_notice"),
        ("Esta noticia fue actualizada.", "update_notice"),
        ("We use cookies to improve your experience.", "cookies"),
        ("— Jane Doe (@janedoe) March 3, 2024", "social_embed"),
        ("Thank you all for the support! pic.twitter.com/AbCdEf123", "social_embed"),
        ("View this post on Instagram", "fixed_phrase"),
        ("Media caption, The moment the bridge collapsed", "media_label"),
        ("Your browser does not support the video tag.", "fixed_phrase"),
        ("Sign in", "fixed_phrase"),
        ("Have a news tip? Email us at tips@example.com", "fixed_phrase"),
        ("To regain access, please make sure that cookies and JavaScript are enabled.", "bot_check"),
        ("Please verify you are a human", "bot_check"),
        ("Post Comments (Atom)", "fixed_phrase"),
        ("Newer Post Older Post Home", "fixed_phrase"),
        ("Next post: Another story", "fixed_phrase"),
        ("« An earlier post | Main | A later post »", "previous_next"),
        ("Posted by Dave Bradley at 8:56 AM", "posted_by_at"),
        ("Posted by: jonathan at October 28, 2012 04:59 PM", "posted_by_at"),
        ("Labels: politics, economy", "tags"),
        ("Mehr erfahren", "fixed_phrase"),
        ("Diese Nachricht empfehlen", "fixed_phrase"),
        ("Recommend this article", "fixed_phrase"),
        ("Share via Email", "fixed_phrase"),
        ("Email", "fixed_phrase"),
        ("Gift this article", "fixed_phrase"),
        ("Already a subscriber? Log in", "fixed_phrase"),
        ("You have reached your limit of free articles.", "fixed_phrase"),
        ("Support independent journalism", "fixed_phrase"),
        ("This article is more than 2 years old", "fixed_phrase"),
        ("Recommended by Outbrain", "fixed_phrase"),
        ("Explore more on these topics", "fixed_phrase"),
        ("Our Standards: The Thomson Reuters Trust Principles.", "fixed_phrase"),
        ("Listen 5 min", "fixed_phrase"),
        ("Opens in new window", "fixed_phrase"),
        ("Zur Startseite", "fixed_phrase"),
        ("Hier geht's zum Newsletter", "fixed_phrase"),
        ("Audio anhören", "fixed_phrase"),
        ("This material may not be published, broadcast, rewritten or redistributed.", "copyright"),
        ("Registergericht: Ulm – HRA 724008", "legal_imprint"),
        ("Amtsgericht Ulm / HRA 3322", "legal_imprint"),
        ("USt-IdNr.: DE123456789", "legal_imprint"),
        ("Registered in England and Wales No. 1234567", "legal_imprint"),
        ("VAT Reg No: GB 123 4567 89", "legal_imprint"),
        ("Impressum", "footer_link"),
        ("Contact us", "footer_link"),
        ("Kontakt:", "footer_link"),
        ("Source: www.example.com", "source_url"),
        ("weiter lesen", "fixed_phrase"),
        ("Navigation direkt zum Inhalt springen", "fixed_phrase"),
        ("Sie sind hier: Start > Recht", "fixed_phrase"),
        ("You are here: | About>Sports>Bicycling |", "fixed_phrase"),
        ("Nach oben", "fixed_phrase"),
        ("21 Benutzer sind online. Registrierte Benutzer: 2, Gäste: 19", "fixed_phrase"),
        (
            "This email address is being protected from spambots. You need JavaScript enabled to view it.",
            "bot_check",
        ),
        (
            "Diese E-Mail-Adresse ist vor Spambots geschützt! Zur Anzeige muss JavaScript eingeschaltet sein!",
            "bot_check",
        ),
        ("Letzte Änderung: 13.3.2015", "dateline"),
        ("|weiterlesen …|", "fixed_phrase"),
        ("Leserkommentare", "fixed_phrase"),
        ("- schließen", "fixed_phrase"),
        ("You must be logged in to post a comment.", "comment_login"),
        ("Um Artikel kommentieren zu können, müssen Sie registriert sein.", "comment_login"),
        ("Aktualisiert:", "date_label"),
        (
            "This entry was posted on March 3, 2008 at 7:14 pm and is filed under News. You can follow any responses to this entry through the RSS 2.0 feed.",
            "blog_furniture",
        ),
        ("Both comments and pings are currently closed.", "blog_furniture"),
        ("Be the first to like this.", "blog_furniture"),
        ("View all posts by Becky", "blog_furniture"),
        ("Recent Posts", "blog_furniture"),
        ('1 - 10 of 24 results for "Synge, J. M."', "blog_furniture"),
        ("Posted in History, John B. Flinchum, Football | Leave a comment", "posted_in"),
        ("Published:", "date_label"),
        ("License Photo", "fixed_phrase"),
        ("Most Recommended", "fixed_phrase"),
        ("<< Home", "fixed_phrase"),
        ("Enlarge Photo", "fixed_phrase"),
        ("No comments yet — be the first.", "fixed_phrase"),
        ("Your email address will not be published. Required fields are marked *", "blog_furniture"),
        ("Posted by Niall in Uncategorized.", "blog_furniture"),
        ("Posted by Jane Doe on October 31, 2012 in Dinner, Recipes, Video", "blog_furniture"),
        ("Tagged Adele, Blink 182, Madonna", "posted_in"),
        ("This copy is for your personal, non-commercial use only.", "copyright"),
        ("Was this review helpful to you?", "fixed_phrase"),
        ("| Report this", "fixed_phrase"),
        ("There are no comments", "fixed_phrase"),
        ("‹ Previous 1 2 3 4 5 6 7 8 9 10 11 12 … 521 522 523 524 Next ››", "pagination"),
        ("[Date Prev][Date Next][Thread Prev][Thread Next][Date Index][Thread Index]", "blog_furniture"),
        (
            "Example uses cookies to improve functionality and performance, and to provide relevant advertising.",
            "cookies",
        ),
        ("Last edited: March 3, 2015", "dateline"),
        ("Quelle: http://www.example.de/artikel/1", "source_url"),
        ("Jane Doe | Staff writer", "byline_role"),
        ("John Roe, Senior Political Correspondent", "byline_role"),
        ("Posted 2 hours ago by Jane Doe", "byline_role"),
        ("Email the author", "author_contact"),
        ("Contact the reporter at jdoe@example.com", "author_contact"),
        ("Kontakt zur Autorin", "author_contact"),
        ("Image copyright Getty Images", "media_label"),
        ("Image caption Protesters gathered outside parliament on Monday", "media_label"),
        ("Media caption Watch: the moment the bridge collapsed", "media_label"),
        ("Image source, Reuters", "media_label"),
        (
            "The president speaks in the Rose Garden in Washington, March 4, 2019. REUTERS/Kevin Lamarque/File Photo",
            "credit_caps",
        ),
        ("This is an edited translation of the original article in Spanish.", "translation"),
        ("Dieser Artikel wurde aus dem Englischen übersetzt.", "translation"),
        ("Aus dem Englischen von Max Mustermann", "translation"),
        ("Übersetzung: Max Mustermann", "translation"),
        ("Al Example Staff", "byline_role"),
        ("Staff & agencies", "credit_only"),
        ("Associated Press", "credit_only"),
        ("dpa/AFP/rtr", "credit_only"),
        ("Facebook Twitter LinkedIn Email", "share_buttons"),
        ("Share | Tweet | Email", "share_buttons"),
        ("For more news, follow us on Telegram", "follow_share_subscribe"),
        ("Keep up with the latest news with our newsletter", "follow_share_subscribe"),
        ("Read full article", "fixed_phrase"),
        ("Advertisement - Continue reading below", "fixed_phrase"),
        ("Already have an account? Sign in", "fixed_phrase"),
        ("Like this story? Share it with a friend.", "fixed_phrase"),
        ("Want more stories like this? Sign up for our newsletter.", "fixed_phrase"),
        ("Our journalism is supported by readers like you.", "fixed_phrase"),
        ("This article is part of our series on climate change.", "fixed_phrase"),
        ("Editor's picks", "fixed_phrase"),
        ("Latest news", "fixed_phrase"),
        ("Meistgelesen", "fixed_phrase"),
        ("Más noticias", "fixed_phrase"),
    ],
)
def test_page_furniture_shapes(line, rule):
    hit = classify_line(line)
    assert hit is not None and hit[1] == rule, hit


@pytest.mark.parametrize(
    "line",
    [
        "Reuters reported that the council approved the budget on Monday.",
        "The home secretary said the plan would be published next week.",
        "Tags are attached to every animal before it is released.",
        "Home is where the heart is, she said.",
        "The article was published after a long legal review, the editor said, and drew many complaints.",
        "Comments from residents were mostly positive.",
        "Video footage showed the crowd moving towards the square.",
        "Search for the missing girl continues",
        "The robot vacuum was a hit with human testers, the company said.",
        "Next article in the series will look at schools.",
        "Posted by the mayor at the meeting on Monday",
        "This story has been updated to correct the name of the harbour master, who is John Roe.",
        "The page was updated every hour with the latest figures from the count.",
        "This is a developing story about a town that refused to give up.",
        "Email the council before Friday if you want to object, residents were told.",
        "Support for the plan grew after the second vote.",
        "Show more respect to the referees, the coach said.",
        "Full story of the rescue will be told in tomorrow's edition of the paper.",
        "Supported by a grant from the city, the museum will reopen in May.",
        "The company is registered in Delaware and pays its taxes there.",
        "Contact with the crew was lost shortly after midnight.",
        "Source: a senior official who asked not to be named.",
        "Kontakt zur Polizei hatte der Mann nicht.",
        "Top officials met on Monday to discuss the plan.",
        "You are here because the council asked you to come.",
        "Nach oben führte der Weg über eine steile Treppe.",
        "Die letzte Änderung kam am 3. März 2015.",
        "The council will close the road on Monday.",
        "Readers who want to comment must write to the editor, the paper said.",
        "This entry in the diary was written in 1943.",
        "Recent posts on the forum suggest the plan is unpopular.",
        "Posted in Kabul for two years, he learned Dari. Then he left.",
        "Google uses cookies to track users across sites, the report said.",
        "In 2012 the team won 3 4 5 6 7 8 9 10 11 12 13 games",
        "Report this to the police, the mayor said.",
        "Posted by the mayor in the square, the notice drew a crowd.",
        "Tagged as a risk, the bridge was closed.",
        "Register now for the marathon on Sunday, organisers said.",
        "The minister (@jdoe on Twitter) said the plan would go ahead despite the criticism it drew.",
        "Jane Doe, a staff writer, saw the crash.",
        "Raju Narisetti, the managing editor, left in May.",
        "Email the author of the report before Friday, the council said.",
        "The AP/NORC poll found support for the plan.",
        "The survey by AP/NORC Center was published on Monday.",
        "Image quality improved after the update, users said.",
        "Media coverage of the trial was restricted.",
        "Video source code for the player is published online, the company said.",
        "Die Rede wurde aus dem Englischen übersetzt und am Montag verteilt, sagte sie.",
        "Aus dem Englischen kamen die meisten Besucher.",
        "The translation of the original text took three years.",
        "Chief of Staff",
        "The White House staff met on Monday.",
        "Associated Press reporters were at the scene when the bridge fell.",
        "Facebook and Twitter removed the posts on Monday.",
        "For more than a decade, the council followed the plan.",
        "Keep up with the latest rules, the minister told farmers on Monday, or pay the fine.",
        "Latest news from the front was grim, the officer said.",
        "Like this story, the last one ended in court?",
        "Agencies in the region shared the data with the police.",
    ],
)
def test_body_text_is_not_page_furniture(line):
    assert classify_line(line) is None


# The prefilters of classify_line must never reject a line its pattern accepts.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dedupe.stages import boilerplate as bp  # noqa: E402

_PIECES = [
    *(bp._literal_prefix(a) for a in bp._alternatives(bp._MONTHS) + bp._alternatives(bp._DAYS)),
    *(bp._literal_prefix(a) for a in bp._alternatives(bp._AGENCIES)),
    "Photo:", "Source:", "Jane", "Doe", "/", "via", ",", "12", "2024", "10:32", "Updated", "(", ")",
    "Images", "photo", "March", "MÄRZ", "Getty", "AP", "the", "council", "avec", "Reporting", "by",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8), st.booleans())
def test_prefilters_never_reject_a_match(pieces, title):
    line = " ".join(p.title() if title else p for p in pieces)
    low = line.lower()
    if bp._DATE_ANCHOR.search(line):
        assert bp._may_be_date(low), line
    if bp.CREDIT_ONLY.match(line):
        assert bp._may_be_credit(low), line
    if bp.REPORTING_CREDIT.match(line):
        assert any(k in low for k in bp._CREDIT_KEYWORDS), line


@pytest.mark.parametrize(
    "line",
    [
        "Registergericht: Ulm",
        "Handelsregister B 123",
        "Registernummer: 42",
        "UST-ID: DE1",
        "Umsatzsteuer-Identifikationsnummer DE1",
        "Steuernummer 12/345",
        "Sitz der Gesellschaft: Ulm",
        "Vertretungsberechtigter Geschäftsführer: Jane Doe",
        "Amtsgericht Ulm HRB 1",
        "Registered in England",
        "Company number: 1",
        "VAT No. 1",
    ],
)
def test_imprint_prefilter_never_rejects_a_match(line):
    for variant in (line, line.upper(), line.lower()):
        assert bp.IMPRINT.search(variant), variant
        assert bp._has(variant.lower(), bp._IMPRINT_WORDS), variant
        assert classify_line(variant) == ("boilerplate.disclaimer", "legal_imprint"), variant


def test_prefilter_vocabularies_come_from_the_patterns():
    assert {"jan", "mär", "déc", "mon", "sam"} <= bp._DATE_WORD_STARTS
    assert {"afp", "get", "reu", "ap", "pa", "dpa"} <= bp._AGENCY_STARTS
    assert bp._alternatives("a(?:b|c)|d|e\\|f") == ["a(?:b|c)", "d", "e\\|f"]


def test_kicker_under_the_headline():
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean(f"{_HEADLINE}\nPolitics\n{_BODY}", config=cfg)
    assert [d.reason for d in r.decisions] == ["kept", "boilerplate.section_label", "kept"]
    assert r.decisions[1].evidence["rule"] == "label_under_headline"
    # A list of short items under a heading is content: the line after the label must be longer.
    r = dedupe.clean(f"{_HEADLINE}\nPolitics\nSport\nCulture", config=cfg)
    assert all(d.kept for d in r.decisions)
    # Only the line right under the headline.
    r = dedupe.clean(f"{_HEADLINE}\n{_BODY}\nPolitics\n{_BODY} Again.", config=cfg)
    assert all(d.kept for d in r.decisions)


@pytest.mark.parametrize("line", ["Dear readers,", "I. The Beginning"])
def test_salutations_and_numbered_sections_are_not_kickers(line):
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean(f"{_HEADLINE}\n{line}\n{_BODY}", config=cfg)
    assert all(d.kept for d in r.decisions)


_STORY = [
    "The council approved the budget on Monday after a long debate about costs and schools.",
    "Residents welcomed the decision but asked for more details on the timetable for the works.",
    "The mayor said work on the roads would begin in the spring and last for two years.",
]


@pytest.mark.parametrize(
    ("line", "removed"),
    [
        ("Julia Beizer is The Post’s mobile projects editor.", True),
        ("John Roe is a freelance journalist based in Madrid.", True),
        ("John Smith is a reporter who saw the vote and said the debate was heated.", False),
        ("Jane Doe is the new head of the schools department.", False),
    ],
)
def test_author_bio_at_the_end(line, removed):
    r = dedupe.clean("\n".join([_HEADLINE, *_STORY, line]))
    last = r.decisions[-1]
    assert (last.reason == "boilerplate.byline" and last.evidence["rule"] == "author_bio") is removed, last
    assert all(d.kept for d in r.decisions[:-1])


def test_author_bio_shape_inside_the_body_is_kept():
    r = dedupe.clean(
        "\n".join([_HEADLINE, "John Roe is a freelance journalist based in Madrid.", *_STORY, _BODY])
    )
    assert all(d.kept for d in r.decisions)


@pytest.mark.parametrize("entries", [1, 2])
def test_labels_are_headings_when_the_body_repeats_them(entries):
    """A body of entries each headed by a short label (questions by subject, posts, products)
    heads its first entry the same way: the short line on top is then a heading, not the site's
    section label. Boundary: HEADED_ENTRIES further headed entries."""
    assert bp.HEADED_ENTRIES == 2
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    subjects = ["Chemistry", "Algebra", "Geography"][:entries]
    body = "\n".join(
        f"{s}\nWhat volume of the solution is needed here, and how would you solve it" for s in subjects
    )
    r = dedupe.clean(f"Physics\n{_HEADLINE}\n{_BODY}\n{body}", config=cfg)
    assert (r.decisions[0].reason == "boilerplate.section_label") is (entries < bp.HEADED_ENTRIES)
    # The later headings are left alone either way.
    assert all(d.kept for d in r.decisions[1:])


@pytest.mark.parametrize(
    "line",
    [
        "Posted in Politics, Sport",
        "Filed under Politics, Sport",
        "Veröffentlicht in Politik, Sport",
        "Abgelegt unter Politik, Sport",
        "Publié dans Politique, Sport",
        "Classé dans Politique, Sport",
        "Publicado en Política, Deportes",
        "Pubblicato in Politica, Sport",
    ],
)
def test_posted_in_every_language_passes_its_prefilter(line):
    """The prefilter (_POSTED_IN_STARTS) is written by hand beside the pattern: every alternative
    of the pattern must get through it."""
    assert classify_line(line) == ("boilerplate.links", "posted_in")


_PROSE = [
    "The city council approved a new budget on Monday after months of talks over the money for buses.",
    "Council members who opposed the plan said it left too little for road repairs and more borrowing.",
]


def _decisions(lines):
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean("\n".join(lines), config=cfg)
    return {b.text: d for b, d in zip(r.blocks, r.decisions, strict=True)}


@pytest.mark.parametrize("label", ["Topics", "Tags:", "Themen", "Schlagworte"])
def test_tag_box_after_the_article(label):
    got = _decisions([_HEADLINE, *_PROSE, label, "Politics", "Transit Authority"])
    for text in (label, "Politics", "Transit Authority"):
        assert got[text].reason == "boilerplate.links" and got[text].evidence["rule"] == "tag_box", text
    assert got["Transit Authority"].evidence["part"] == "tag"
    assert all(got[p].kept for p in _PROSE)


def test_tag_box_stops_at_a_longer_line_and_before_the_body():
    # Above the first prose paragraph: the box ends where the article starts.
    got = _decisions([_HEADLINE, "Topics", "Politics", *_PROSE])
    assert not got["Topics"].kept and not got["Politics"].kept
    assert all(got[p].kept for p in _PROSE)
    # A tag has at most TAG_MAX_WORDS words: a longer line after the box is not a tag.
    longer = "Transit money for the new depots in the north"
    got = _decisions([_HEADLINE, *_PROSE, "Topics", "Politics", longer])
    assert not got["Politics"].kept and got[longer].kept


def test_topics_heading_inside_the_article_is_content():
    lines = [_HEADLINE, _PROSE[0], "Topics", "Algebra", "Geometry", _PROSE[1]]
    assert all(d.kept for d in _decisions(lines).values() if d is not None)


@pytest.mark.parametrize("line", ["Updated", "Published", "Aktualisiert", "Updated:"])
def test_bare_date_labels(line):
    assert classify_line(line) == ("boilerplate.dateline", "date_label")
