"""Vocabularies the rules share, defined once: regex alternations (no groups at the top level),
lower case, matched case-insensitively unless a pattern says otherwise.

A vocabulary is a list of words, not a rule: the rules in :mod:`dedupe.rules.table` say where
the words must stand. Several languages each; none names a site, a person or a topic. The
prefilters derive their word starts from these lists (:func:`dedupe.rules.core.alternatives`),
so a word added here is also let through by the prefilters.
"""

from __future__ import annotations

__all__ = [
    "AGENCIES",
    "AGENCIES_CAPS",
    "CHANNELS",
    "COMMENT_NOUNS",
    "MINUTES",
    "MONTHS",
    "NUMBERS",
    "PICTURE_WORDS",
    "READING",
    "TAG_WORDS",
    "WEEKDAYS",
]

#: Small numbers in words ("one min read", "zwei Minuten").
NUMBERS = (
    r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eine?|zwei|drei|vier|fünf|un|une|deux|trois|"
    r"uno|dos|tres"
)
#: Minutes, abbreviated or not.
MINUTES = r"min(?:ute)?s?|mins?\.?|minuten?|mn|minutos?|minuti|minuter|minutter|dk|perc"
#: Reading, as in "2 min read", "Lesezeit", "temps de lecture".
READING = (
    r"read(?:ing)?(?:\s+time)?|lesezeit|lesedauer|(?:temps\s+de\s+)?lecture|de\s+lecture|"
    r"(?:tiempo\s+de\s+)?lectura|de\s+lectura|(?:tempo\s+di\s+)?lettura|di\s+lettura|tempo\s+de\s+leitura|"
    r"leestijd|leesduur|lästid|okuma(?:\s+süresi)?|czytania|olvasás"
)
#: Months, full and abbreviated (English, German, French, Spanish, Italian, Dutch, Portuguese).
MONTHS = (
    r"jan(?:uary|uar|vier|\.)?|feb(?:ruary|ruar|rero|\.)?|févr(?:ier)?|mar(?:ch|\.)?|märz|mars|marzo|"
    r"apr(?:il|ile|\.)?|avril|abril|may|mai|mayo|maggio|jun(?:e|i|\.)?|juin|junio|giugno|jul(?:y|i|\.)?|"
    r"juillet|julio|luglio|aug(?:ust|\.)?|août|agosto|sep(?:t(?:ember)?|tembre|tiembre|\.)?|settembre|"
    r"oct(?:ober|obre|\.)?|okt(?:ober)?|octubre|ottobre|nov(?:ember|embre|iembre|\.)?|"
    r"dec(?:ember|\.)?|dez(?:ember)?|décembre|diciembre|dicembre|"
    # Dutch and Portuguese, where not above.
    r"januari|februari|maart|mei|juli|augustus|oktober|janeiro|fevereiro|março|maio|junho|julho|"
    r"setembro|outubro|novembro|dezembro|gennaio|febbraio|aprile|giugno"
)
#: Weekdays, full and abbreviated.
WEEKDAYS = (
    r"mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|"
    r"samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
)
#: Photographers' agencies and stock libraries, and the usual other sources of a news picture.
AGENCIES = (
    r"afp|getty(?:\s+images)?|reuters|ap|ap\s+photo|epa(?:-efe)?|efe|dpa|anadolu(?:\s+agency)?|xinhua|"
    r"shutterstock|alamy|istock(?:photo)?|pa(?:\s+(?:images|wire|media))?|rex(?:/shutterstock)?|"
    r"sipa|nurphoto|bloomberg|picture[\s-]alliance|imago|keystone|ansa|tass|sputnik|ria\s+novosti|"
    r"corbis|wenn|zuma(?:\s+press)?|abaca|belga|kyodo|yonhap|handout|file(?:\s+photo)?|courtesy|"
    r"supplied|screengrab|screenshot|twitter|facebook|instagram|youtube|social\s+media|associated\s+press|"
    r"agencies|staff\s+(?:and|&)\s+agencies|rtr|kna|epd|apa|sda|ddp"
)
#: Agencies as their credits print them in capitals before a slash ("REUTERS/Jane Doe"), matched
#: case-sensitively.
AGENCIES_CAPS = (
    r"REUTERS|AFP(?:\s+PHOTO)?|AP(?:\s+PHOTO)?|EPA(?:-EFE)?|XINHUA|ANADOLU|DPA|EFE|ANSA|"
    r"KYODO|YONHAP|BLOOMBERG|GETTY\s+IMAGES|SHUTTERSTOCK|NURPHOTO|SIPA"
)
#: Where a page asks to be followed: social networks, feeds, newsletters.
CHANNELS = (
    r"twitter|x\.com|facebook|instagram|telegram|whatsapp|youtube|linkedin|tiktok|threads|mastodon|"
    r"bluesky|pinterest|snapchat|reddit|rss|newsletter|podcast|inbox|google\s+news|flipboard|apple\s+news|"
    r"our\s+channel|our\s+page|us\s+on"
)
#: What a picture is called in a credit ("Photo: ...", "Bild: ...").
PICTURE_WORDS = r"photo|image|picture|pic|foto|bild"
#: The label of a tag list ("Tags", "Themen", "Mots-clés").
TAG_WORDS = (
    r"tags?|topics?|related\s+topics|themen|schlagw(?:ö|o)rte?|keywords?|sujets|mots[-\s]clés|temas|etiquetas|"
    r"argomenti"
)
#: Comments, counted ("12 comments", "3 Kommentare", "5 replies").
COMMENT_NOUNS = r"comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|replies|antworten"
