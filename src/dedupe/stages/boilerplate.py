"""Boilerplate: the lines a page template puts around an article.

Context-free rules look at one block: its words, punctuation and shape. Each rule is a named
pattern with the observation behind it; the reason (``boilerplate.<kind>``) and the rule name go
into the evidence. The patterns cover several languages; none names a site, a person or a topic.

Observations:
- Reading-time lines are a number and a unit of time next to a word for reading ("2 min read",
  "Lesezeit: 3 Minuten").
- Datelines that stand alone are dates and times with a few function words ("14 April, 2019",
  "Updated: 10:32 GMT"); a sentence that merely contains a date is not one.
- Photo captions end with a credit naming a photographer or agency ("[AFP/Getty]", "/ AFP /",
  "(Photo: Jane Doe/Reuters)") or use the position markers of captions ("(L)", "(2nd R)") or
  describe a picture ("This handout picture ... shows").
- Prompts ask the reader to act on the page (follow, share, subscribe, sign up, click) and name a
  channel; they are short.
- Section labels and kickers are one to three words above the headline, without sentence
  punctuation ("World Media"); a few labels also appear inside the body ("Advertisement").
- Translation notices, disclaimers and copyright lines say so in a fixed vocabulary.
- Pagination lines are arrows, next/previous words and page numbers ("Pages: 1 2 3 Next »").
- On HTML pages, a table row that is mostly link text is a navigation bar or a row of page tools
  in the layout table that also holds the article (the link density comes from the page, see
  :func:`dedupe.html.row_link_density`; plain text has none).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

import regex

from ..config import Config
from ..text import content_of
from . import Context, register
from .quality import QualityPass

__all__ = ["BoilerplateStage", "classify_line"]

_F = regex.IGNORECASE | regex.UNICODE | regex.VERSION1
#: Simple case folding (VERSION0) for the patterns that mix a case-insensitive alternation with
#: case-sensitive capitals: VERSION1's full case folding makes them backtrack for milliseconds on
#: a line of capitalised words (5.7 ms against 40 us). They only hold ASCII and Latin letters whose
#: simple and full case foldings agree.
_F_SIMPLE_CASE = regex.IGNORECASE | regex.UNICODE | regex.VERSION0

#: Every pattern below runs with this time limit (seconds); a pathological line is left alone.
REGEX_TIMEOUT = 0.05

# Units and words, several languages.
_NUM = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eine?|zwei|drei|vier|fünf|un|une|deux|trois|uno|dos|tres)"
_MIN = r"(?:min(?:ute)?s?|mins?\.?|minuten?|mn|minutos?|minuti|minuter|minutter|dk|perc)"
_READ = r"(?:read(?:ing)?(?:\s+time)?|lesezeit|lesedauer|(?:temps\s+de\s+)?lecture|de\s+lecture|(?:tiempo\s+de\s+)?lectura|de\s+lectura|(?:tempo\s+di\s+)?lettura|di\s+lettura|tempo\s+de\s+leitura|leestijd|leesduur|lästid|okuma(?:\s+süresi)?|czytania|olvasás)"

READING_TIME = regex.compile(
    rf"^(?:(?:estimated\s+)?{_READ}\s*[:\-–—]?\s*)?(?:about\s+|ca\.?\s+|~\s*)?{_NUM}\s*[-–]?\s*{_MIN}\.?"
    rf"(?:\s*[-–]?\s*{_READ})?\s*(?:left)?\s*[.!]?$",
    _F,
)
# The reading word must be there in one of the two slots (checked in code: "5 minutes" alone is no
# reading-time line).
_HAS_READ = regex.compile(_READ, _F)

_MONTHS = (
    r"jan(?:uary|uar|vier|\.)?|feb(?:ruary|ruar|rero|\.)?|févr(?:ier)?|mar(?:ch|\.)?|märz|mars|marzo|"
    r"apr(?:il|ile|\.)?|avril|abril|may|mai|mayo|maggio|jun(?:e|i|\.)?|juin|junio|giugno|jul(?:y|i|\.)?|"
    r"juillet|julio|luglio|aug(?:ust|\.)?|août|agosto|sep(?:t(?:ember)?|tembre|tiembre|\.)?|settembre|"
    r"oct(?:ober|obre|\.)?|okt(?:ober)?|octubre|ottobre|nov(?:ember|embre|iembre|\.)?|"
    r"dec(?:ember|\.)?|dez(?:ember)?|décembre|diciembre|dicembre|"
    # Dutch and Portuguese, where not above.
    r"januari|februari|maart|mei|juli|augustus|oktober|janeiro|fevereiro|março|maio|junho|julho|"
    r"setembro|outubro|novembro|dezembro|gennaio|febbraio|aprile|giugno"
)
_DAYS = (
    r"mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|"
    r"samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
)
#: Tokens a standalone dateline is made of. A line is a dateline if, after removing these, nothing
#: but punctuation is left and it had a month, a weekday or a numeric date.
_DATE_TOKEN = regex.compile(
    rf"\b(?:{_MONTHS}|{_DAYS})\b|\b\d{{1,4}}(?:st|nd|rd|th|er|e|\.)?\b|\b\d{{1,2}}[:.h]\d{{2}}\b|"
    r"\b[ap]\.m\.(?!\w)|\b(?:am|pm|gmt|utc|bst|cet|cest|est|edt|pst|pdt|et|pt|mez|mesz)\b|"
    r"\b(?:updated?|published|posted|last|modified|changed|edited|on|at|de|del|le|am|um|uhr|the|of|aktualisiert|"
    r"letzte|änderung|zuletzt|geändert|"
    r"veröffentlicht|publié|mis\s+à\s+jour|actualizado|publicado|pubblicato|aggiornato|atualizado|"
    r"gepubliceerd|bijgewerkt|stand|date|time|hours?|ago|h|à|a|às|alle|el|il|em|om|op|kl|klo)(?!\w)",
    _F,
)
#: A place before the date: "Madrid, 12 de marzo de 2024", "WASHINGTON, March 3, 2024" (one to
#: three capitalised words and a comma).
_DATE_PLACE = regex.compile(r"^\p{Lu}[\p{L}\p{M}.'’\-]*(?:\s+\p{Lu}[\p{L}\p{M}.'’\-]*){0,2}\s*,\s*")
_DATE_ANCHOR = regex.compile(
    rf"\b(?:{_MONTHS}|{_DAYS})\b|\b\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}\b|\b\d+\s+(?:hours?|minutes?|days?)\s+ago\b",
    _F,
)

#: Photographers' agencies and stock libraries: the usual credits in news captions.
_AGENCIES = (
    r"afp|getty(?:\s+images)?|reuters|ap|ap\s+photo|epa(?:-efe)?|efe|dpa|anadolu(?:\s+agency)?|xinhua|"
    r"shutterstock|alamy|istock(?:photo)?|pa(?:\s+(?:images|wire|media))?|rex(?:/shutterstock)?|"
    r"sipa|nurphoto|bloomberg|picture[\s-]alliance|imago|keystone|ansa|tass|sputnik|ria\s+novosti|"
    r"corbis|wenn|zuma(?:\s+press)?|abaca|belga|kyodo|yonhap|handout|file(?:\s+photo)?|courtesy|"
    r"supplied|screengrab|screenshot|twitter|facebook|instagram|youtube|social\s+media|associated\s+press|"
    r"agencies|staff\s+(?:and|&)\s+agencies|rtr|kna|epd|apa|sda|ddp"
)
CAPTION_CREDIT_END = regex.compile(
    # "[AFP/Getty]", "(Reuters)", "[Photo: Anadolu Agency]" at the end of a line.
    rf"[\[(]\s*(?:(?:photo|image|picture|pic|foto|bild|credit|source|quelle|crédit)s?\s*(?:by|:)?\s*)?"
    rf"(?:[^\[\]()]{{0,40}}?[/,;|]\s*)?(?:{_AGENCIES})(?:\s*[/,;|][^\[\]()]{{0,40}})?\s*[\])]\s*\.?\s*$",
    _F,
)
CAPTION_CREDIT_TRAIL = regex.compile(
    # A slash-separated credit trail: "... capital. / AFP / Egyptian Presidency / -"
    rf"(?:^|\s)/\s*(?:{_AGENCIES})\s*/(?:[^/]{{0,60}}/)*\s*[-–]?\s*$",
    _F,
)
CAPTION_CREDIT_LABEL = regex.compile(
    # "Photo: Jane Doe/Reuters", "Image credit: ...", "Foto: dpa", "(Photo by X/Agency)" at the end.
    r"(?:^|[\s(\[|])(?:photo(?:graph)?|image|picture|pic|foto|bild|credit|crédit\s+photo)s?\s*"
    r"(?:credit\s*)?(?:by|:|©)\s*[^.!?]{2,80}[\])]?\s*\.?\s*$",
    _F,
)
CAPTION_POSITION = regex.compile(
    # Caption position markers: "(L)", "(C)", "(2nd R)", "(left)", "(centre)".
    r"\((?:\d(?:st|nd|rd|th)\s+)?(?:l|r|c|left|right|cent(?:re|er)|front|back|top|bottom)\)",
    _F,
)
CAPTION_DESCRIBES = regex.compile(
    r"^(?:this|a|the|an)\s+(?:undated\s+|handout\s+|file\s+|aerial\s+|still\s+)*"
    r"(?:photo(?:graph)?|picture|image|screen\s*(?:shot|grab)|video\s+(?:still|grab)|still|frame\s+grab)\b"
    r".{0,200}?\b(?:shows?|showing|taken|released|dated|provided|obtained|made\s+available|distributed)\b",
    _F,
)

_CHANNELS = (
    r"twitter|x\.com|facebook|instagram|telegram|whatsapp|youtube|linkedin|tiktok|threads|mastodon|"
    r"bluesky|pinterest|snapchat|reddit|rss|newsletter|podcast|inbox|google\s+news|flipboard|apple\s+news|"
    r"our\s+channel|our\s+page|us\s+on"
)
PROMPT = regex.compile(
    # "For more news, follow us on Telegram", "Keep up with the latest news with our newsletter".
    rf"^(?:for\s+(?:more|the\s+latest)(?:\s+\w+){{0,2}},?\s+)?(?:please\s+)?"
    rf"(?:follow|like|join|subscribe|sign\s+up|share|find|connect\s+with|get\s+(?:our|the)|keep\s+up\s+with|"
    rf"download|stay\s+(?:updated|connected|informed)|folgen\s+sie|folge\s+uns|teilen|abonnieren|"
    rf"suivez|partager|abonnez|síguenos|siguenos|compartir|suscríbete|seguici|condividi|volg\s+ons)\b"
    rf".{{0,80}}?(?:\b(?:{_CHANNELS})\b|@\w+)",
    _F,
)
#: A row of share buttons left as text: "Facebook Twitter LinkedIn Email", "Share | Tweet | Email".
SHARE_BUTTONS = regex.compile(
    rf"^(?:(?:{_CHANNELS}|e-?mail|print|share|tweet|copy\s+link|messenger|sms|xing)\s*(?:[|,·•/]\s*)?){{3,}}$",
    _F,
)
#: A fixed phrase is matched without the table-cell bars and bullets around it ("||Back to top ||",
#: "- Read more", "|weiterlesen …|").
_EDGES = regex.compile(r"^[\s|•·*>»-]+|(?:[\s|…»›→]|\.\.\.)+$")
#: Review and answer counters: "49 of 52 people found this review helpful", "12 von 15 Kunden
#: fanden diese Bewertung hilfreich".
HELPFUL = regex.compile(
    r"^\W*\d+\s+(?:of|von|sur|de|di|van)\s+\d+\s+\w+\s+(?:found|fanden|ont\s+trouvé|encontraron|hanno\s+trovato|vonden)"
    r"(?:\s+\w+){1,3}?\s+(?:helpful|useful|hilfreich|nützlich|utiles?|útil(?:es)?|utili|nuttig)\W*$",
    _F,
)
PROMPT_FIXED = regex.compile(
    r"^(?:share\s+(?:this|on)\b.*|click\s+here\b.*|read\s+more\b.*|see\s+also\b.*|related(?:\s+(?:articles?|stories|news|content|topics|coverage))?\s*:.*|"
    r"more\s+on\s+this\s+(?:story|topic)\b.*|sign\s+up\s+(?:for|to)\s+(?:our|the)\b.*|"
    r"subscribe\s+(?:to|now|for)\b.*|(?:leave|post|add)\s+a\s+comment\b.*|comments?\s*(?:\(\d+\))?|"
    r"advertisement|advertising|anzeige|werbung|publicité|publicidad|sponsored(?:\s+content)?|"
    r"skip\s+(?:to\s+)?(?:main\s+)?content|back\s+to\s+top|print(?:\s+this\s+(?:article|page))?|"
    r"email\s+(?:this|to\s+a\s+friend)|mehr\s+zum\s+thema\b.*|lesen\s+sie\s+auch\b.*|lire\s+aussi\b.*|"
    r"à\s+lire\s+aussi\b.*|lee\s+también\b.*|leer\s+más\b.*|weiter\s*lesen|mehr\s+lesen|"
    r"(?:also\s+)?read\s*:.*|watch\s*:.*|listen\s*:.*|most\s+(?:read|popular|viewed|recommended|commented|emailed)|"
    r"trending(?:\s+now)?|top\s+stories|you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)\b.*|"
    r"recommended(?:\s+for\s+you)?|das\s+könnte\s+sie\s+auch\s+interessieren\b.*|"
    # Comment prompts and bare share buttons.
    r"leave\s+a\s+(?:reply|comment)\b.*|comments\s+are\s+(?:closed|open)\b.*|have\s+your\s+say\b.*|"
    r"join\s+the\s+(?:conversation|discussion|debate)\b.*|(?:tell|let)\s+us\s+(?:what\s+you\s+think|know)\b.*|"
    r"kommentare?(?:\s*\(\d+\))?|kommentar\s+(?:schreiben|abgeben)\b.*|commentaires?(?:\s*\(\d+\))?|"
    r"comentarios?(?:\s*\(\d+\))?|click\s+to\s+(?:share|email|print|tweet)\b.*|share|tweet|pin\s+it|teilen|"
    r"partager|compartir|condividi|related(?:\s+(?:articles?|stories|posts|news|content|links|topics|coverage|videos?))?|"
    r"vous\s+aimerez\s+aussi\b.*|te\s+puede\s+interesar\b.*|"
    # Interruptions of the article and its furniture: "Continue reading the main story", "Story
    # continues below advertisement", audio players, comment counters, gallery controls.
    r"read\s+also\b.*|continue\s+reading\b.*|(?:the\s+)?(?:story|article)\s+continues\s+below\b.*|"
    r"scroll\s+(?:down\s+)?to\s+continue\b.*|listen\s+to\s+this\s+(?:article|story|episode)\b.*|"
    r"audio\s+version\s+of\s+this\s+(?:article|story)|copy\s+(?:the\s+)?link|partner\s+content|"
    r"paid\s+(?:post|content)|more\s+stories|more\s+from\s+[\p{L}\s'’&.]{1,40}|don'?t\s+miss|"
    r"(?:watch|listen)\s+live|video\s*:.*|(?:show|view|hide|load|see\s+all)\s+(?:\d+\s+)?comments?|"
    r"(?:[-–•]\s*)?\d+\s+(?:comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|replies|antworten)|"
    r"log\s+in\s+to\s+(?:comment|reply)\b.*|be\s+the\s+first\s+to\s+comment\b.*|"
    r"(?:navigation\s+)?(?:direkt\s+)?zu[mr]\s+(?:haupt)?(?:inhalt|navigation|suche|hauptmenü|menü)(?:\s+springen)?|aller\s+au\s+contenu(?:\s+principal)?|"
    r"saltar\s+al\s+contenido(?:\s+principal)?|vai\s+al\s+contenuto(?:\s+principale)?|"
    r"terms\s+(?:of\s+(?:use|service)|and\s+conditions)|privacy\s+(?:policy|notice|settings)|"
    r"cookie\s+(?:policy|settings|preferences)|accept\s+(?:all\s+)?cookies|manage\s+cookies|"
    r"enlarge\s+(?:this\s+)?(?:image|photo|picture)|toggle\s+caption|(?:<<|«)\s*home|hide\s+caption|view\s+(?:full\s+)?gallery|"
    r"(?:image|photo|picture|bild|foto)\s+\d+\s+(?:of|von|de|sur|di)\s+\d+|"
    r"auch\s+interessant|zum\s+thema\b.*|weitere\s+artikel|newsletter\s+abonnieren|"
    r"sur\s+le\s+même\s+sujet\b.*|inscrivez-vous\b.*|más\s+información|noticias\s+relacionadas|"
    r"suscr[íi]bete\b.*|leggi\s+anche\b.*|leia\s+também\b.*|lees\s+ook\b.*|"
    # Embeds, players and page controls left in the text; news-tip prompts.
    r"a\s+post\s+shared\s+by\b.*|view\s+(?:this|the\s+full)\s+post\s+on\s+\w+|click\s+to\s+(?:enlarge|expand|play)|"
    r"(?:photo|picture|image|video)\s+gallery|"
    r"this\s+video\s+(?:can\s*not|cannot|can't)\s+be\s+played\b.*|your\s+browser\s+does\s+not\s+support\b.*|"
    r"loading\W*|advertisement\s*[-–—:]\s*scroll\s+to\s+continue\b.*|subscribe|sign\s+(?:in|up)|log\s*in|register|"
    r"menu|search|about\s+the\s+authors?|(?:have|got)\s+a\s+(?:news\s+)?(?:tip|story)\b.*|"
    r"send\s+us\s+your\s+(?:story|stories|tips?|news|photos?)\b.*|contact\s+us\s+at\b.*|"
    # Blog engines' furniture.
    r"post\s+comments\s*\(atom\)|(?:(?:newer|older)\s+posts?\s*){1,2}(?:home)?|trackbacks?(?:\s+pings)?|"
    r"trackback\s+url\b.*|permalink|(?:next|previous|prev)\s+(?:post|article|story|entry)(?:\s*[:»›→].*)?|"
    r"like\s+this\s*:.*|reactions\s*:|no\s+comments\s*:?|email\s+this\b.*|digg\s+this\b.*|posted\s+in\s*:|"
    # Forum software's permission lines and site tools.
    r"you\s+(?:can|cannot|can\s*not|can't)\s+(?:post|reply|edit|delete|vote|attach)\b.*\bin\s+this\s+forum|"
    r"keyboard\s+shortcuts|refine\s+your\s+search|try\s+another\s+search\b.*|need\s+help\s*\??|"
    # Pull-quote markers left by the page's layout.
    r"[“\"]?\s*start\s+quote|end\s+quote\b.*|"
    # "Learn more" and "recommend this" links (German and English).
    r"(?:hier\s+)?mehr\s+erfahren|erfahren\s+sie\s+(?:hier\s+)?mehr|erfahre\s+(?:hier\s+)?mehr|learn\s+more|"
    r"(?:diese[nrs]?\s+)?(?:artikel|nachricht|beitrag|seite|meldung)\s+(?:empfehlen|teilen|drucken|versenden|merken)|"
    r"(?:recommend|print|e-?mail|save)\s+this\s+(?:article|story|page|post)|"
    # News sites' article tools, paywall and membership prompts, recommendation widgets.
    r"share\s+via\s+\w+|e-?mail|whatsapp|drucken|merken|imprimer|imprimir|bookmark|"
    r"save\s+(?:article|story|for\s+later)|gift\s+(?:this\s+)?(?:article|story)|send\s+any\s+friend\s+a\s+story|"
    r"opens?\s+in\s+(?:a\s+)?new\s+(?:window|tab)|already\s+a\s+(?:subscriber|member)\b.*|"
    r"you\s+have\s+reached\s+your\s+(?:limit|maximum)\b.*|(?:download|get)\s+(?:our|the)\s+(?:free\s+)?app\b.*|"
    r"support\s+(?:independent|quality|our)\s+journalism\b.*|our\s+journalism\s+needs\s+your\s+support\b.*|"
    r"become\s+a\s+(?:member|subscriber|supporter)\b.*|donate\s+(?:now|today)|don'?t\s+miss\s+out\b.*|"
    r"(?:this\s+article\s+is\s+)?more\s+than\s+\d+\s+(?:years?|months?)\s+old|supported\s+by|"
    r"promoted\s+(?:stories|content|links)|recommended\s+by\s+\w+|(?:sponsored\s+)?(?:stories|links)\s+by\s+\w+|"
    r"explore\s+more\s+on\s+th(?:is|ese)\s+topics?|reuse\s+this\s+content|our\s+standards\s*:.*|"
    r"(?:show|load|view|see)\s+more|read\s+the\s+full\s+(?:story|article)|full\s+story|"
    r"(?:play|watch)\s+(?:the\s+)?video|now\s+playing|up\s+next|listen\s+\d+\s+min\w*|"
    r"skip\s+to\s+(?:navigation|search|footer)|zur\s+startseite|zum\s+artikel|(?:artikel\s+|audio\s+)?anhören|"
    r"hier\s+geht'?s\s+zu[mr]?\b.*|"
    r"read\s+(?:the\s+)?full\s+(?:article|story|report)|open\s+in\s+(?:the\s+)?app|report\s+an?\s+(?:error|typo)|"
    r"send\s+us\s+(?:your\s+)?feedback|corrections?\s+policy|editor'?s'?\s+(?:picks?|choice)|"
    r"latest\s+(?:news|stories|headlines|videos)|advertisement\s*[-–—:]\s*continue\s+reading(?:\s+below)?|"
    r"already\s+have\s+an\s+account\b.*|create\s+a\s+(?:free\s+)?account\b.*|"
    r"(?:like|liked|enjoy|enjoyed|love|loved)\s+this\s+(?:story|article|post)\s*\?.*|"
    r"want\s+more\s+(?:stories|news|articles|content)\s+like\s+this\b.*|"
    r"our\s+journalism\s+is\s+(?:supported|funded|made\s+possible)\s+by\b.*|"
    r"this\s+(?:article|story)\s+is\s+part\s+of\s+(?:our|a|the)\s+(?:\w+\s+){0,3}(?:series|package|coverage|project)\b.*|"
    r"mehr\s+nachrichten|lesen\s+sie\s+mehr|meistgelesen(?:e|en)?(?:\s+artikel)?|jetzt\s+teilen|"
    r"plus\s+d'articles|más\s+noticias|"
    # Where the reader is, how to get back up, who is online, an address hidden from spambots.
    r"(?:sie\s+sind\s+hier|you\s+are\s+here|vous\s+êtes\s+ici|usted\s+está\s+aquí)\s*:.*|"
    r"(?:zurück\s+)?nach\s+oben|(?:zum\s+)?seitenanfang|to\s+top|top|haut\s+de\s+(?:la\s+)?page|"
    r"\d+\s+(?:benutzer|users?|mitglieder|members|gäste|guests|besucher|visitors)\s+(?:sind\s+|are\s+|is\s+)?"
    r"(?:jetzt\s+|currently\s+|now\s+)?online\b.*|"
    # Comment-section headers and close buttons.
    r"leserkommentare|kommentare\s+lesen|(?:reader|user)s?'?\s+comments|schließen|close|fermer|cerrar|chiudi|sluiten|"
    r"there\s+are\s+no\s+comments(?:\s+yet)?|no\s+comments\s+yet\b.*|(?:es\s+gibt\s+)?(?:noch\s+)?keine\s+kommentare(?:\s+vorhanden)?|"
    # Review and photo tools.
    r"(?:was\s+this\s+(?:review|answer|article|post|comment|page|information)\s+(?:helpful|useful)(?:\s+to\s+you)?|"
    r"war\s+(?:dieser|diese|dieses)\s+\w+\s+hilfreich)\s*\??|report\s+(?:this(?:\s+(?:comment|post|review))?|abuse|a\s+problem)|"
    r"(?:kommentar\s+|beitrag\s+)?melden|missbrauch\s+melden|see\s+full\s+summary|license\s+(?:this\s+)?photo|"
    r"buy\s+(?:this\s+)?(?:photo|print))\s*$",
    _F,
)
TRANSLATION = regex.compile(
    r"\b(?:automated|automatic|machine)\s+translation\b|\btranslated\s+(?:by|from|with)\b|^translation\s*:|"
    r"\bthis\s+(?:article|text|story)\s+(?:was|has\s+been)\s+translated\b|\bübersetz(?:t|ung)\s+(?:von|aus|durch)\b|"
    r"\b(?:maschinell|automatisch)\s+übersetzt\b|\btraduit\s+(?:de|par)\b|\btraduction\s+automatique\b|\btraducido\s+(?:del?|por)\b|"
    r"\btraducción\s+automática\b|\btradotto\s+da\b|^\(?translated\b|"
    # "This is an edited translation of the original article", "Dieser Artikel wurde aus dem
    # Englischen übersetzt", "Aus dem Englischen von Jane Doe", "Übersetzung: Jane Doe".
    r"\b(?:edited|abridged|shortened)\s+translation\b|^this\s+is\s+an?\s+(?:\w+\s+){0,2}translation\s+of\b|"
    r"\baus\s+dem\s+\p{L}+en\s+(?:übersetzt|übertragen)\s*\.?\s*$|"
    r"^aus\s+dem\s+\p{L}+en\s+(?:übersetzt\s+|übertragen\s+)?von\s+(?-i:\p{Lu})|"
    r"^(?:übersetzung|traduction|traducción|traduzione)\s*:",
    _F,
)
COPYRIGHT = regex.compile(
    # "© 2006 Example Media", "Example Online © Example Media Limited 2006", "All rights reserved".
    r"^(?:©|\(c\)|copyright\b|\u00a9)|(?:^|\s)©\s*(?:\d{4}\s*)?(?-i:\p{Lu})|\ball\s+rights\s+reserved\b|\balle\s+rechte\s+vorbehalten\b|"
    r"\btous\s+droits\s+réservés\b|\btodos\s+los\s+derechos\s+reservados\b|"
    r"\bfor\s+(?:your\s+)?personal,?\s+non-?commercial\s+use\s+only\b|"
    r"\bmay\s+not\s+be\s+(?:re)?published,\s+broadcast,\s+rewritten,?\s+or\s+redistributed\b",
    _F,
)
BYLINE = regex.compile(
    # "By Jane Doe", "By Jane Doe and John Roe, Reuters", "Von Max Muster", "Posted by x on ...",
    # "Written by", "Author: X", "Reporting by X; Editing by Y".
    # The leading words in any case ("By", "by", "BY"); the name itself must be capitalised.
    r"^(?i:(?:written|posted|published|reported|story|text|words|interview)\s+)?"
    r"(?i:by|von|par|por|di|door|av|af|przez|autor(?:in)?:?|author:|auteur\s*:|reporting\s+by|editing\s+by)\s+"
    r"[\p{Lu}@][\p{L}\p{M}'’.\-@_]*(?:\s+(?:[\p{Lu}][\p{L}\p{M}'’.\-]*|and|und|et|y|e|&|,|de|van|von|der|al|bin|ibn|la|le|da|di))*"
    r"(?:\s*[,|;–—-]\s*[^.!?]{0,60})?\s*$",
    regex.UNICODE | regex.VERSION1,
)
#: Disclaimers: the publisher distancing itself from the text ("The views expressed are the
#: author's own", "for informational purposes only", "does not constitute investment advice").
DISCLAIMER = regex.compile(
    r"^disclaimer\b|^haftungsausschluss\b|^avertissement\s*:|"
    r"\b(?:views?|opinions?)\s+(?:and\s+opinions?\s+)?expressed\s+(?:here(?:in)?|in\s+(?:this|these)\s+\w+|by\s+\w+(?:\s+\w+)?)"
    r".{0,80}?\b(?:own|do\s+not\s+necessarily|does\s+not\s+necessarily|not\s+necessarily)\b|"
    r"\bfor\s+(?:general\s+)?informational\s+purposes\s+only\b|"
    r"\b(?:this|the|our)\s+(?:article|information|content|material|post|page|site|website|text|publication)\b"
    r".{0,60}?\b(?:does|do|should)\s+not\s+(?:constitute|be\s+construed\s+as)\s+(?:\w+\s+){0,2}(?:advice|recommendation|offer)\b|"
    r"\bstellt\s+keine\s+\w*beratung\s+dar\b|\bgeben\s+nicht\s+(?:unbedingt\s+)?die\s+meinung\b",
    _F,
)
#: Pagination and "show all" links: after removing these words, arrows, pipes and numbers nothing
#: is left ("Pages: 1 2 3 Next »", "| Display Page #: | Next >> |", "« Previous | Next »").
PAGINATION_TOKEN = regex.compile(
    r"\b(?:next|previous|prev|first|last|page|pages|display|show\s+all|older|newer|posts?|entries|"
    r"weiter|zurück|vorherige|nächste|seite|seiten|suivant|précédent|siguiente|anterior|página)\b|"
    r"[«»‹›<>|#:.…\-–—\[\]()\\/]+|\d+",
    _F,
)
#: A pagination line has an arrow or a next/previous word, or is a bare "Pages:" label. "Pages: 48"
#: alone is not one: forums print it as a member's statistics (kept by the portal gold).
_PAGINATION_ANCHOR = regex.compile(
    r"[«»]|>>|<<|\b(?:next|previous|prev|older|newer|weiter|zurück|vorherige|nächste|suivant|précédent|"
    r"siguiente|anterior|show\s+all)\b|^\W*(?:pages?|seiten?)\W*$",
    _F,
)
# _PAGINATION_ANCHOR in three parts (the same matches): the arrows are plain substrings, and the
# regex module searches the whole alternation slower than its parts one by one.
_PAGINATION_WORD = regex.compile(
    r"\b(?:next|previous|prev|older|newer|weiter|zurück|vorherige|nächste|suivant|précédent|"
    r"siguiente|anterior|show\s+all)\b",
    _F,
)
_PAGINATION_LABEL = regex.compile(r"^\W*(?:pages?|seiten?)\W*$", _F)


def _pagination_anchor(line: str) -> bool:
    """``bool(_PAGINATION_ANCHOR.search(line))``."""
    return (
        "«" in line
        or "»" in line
        or ">>" in line
        or "<<" in line
        or _PAGINATION_WORD.search(line, timeout=REGEX_TIMEOUT) is not None
        or _PAGINATION_LABEL.search(line, timeout=REGEX_TIMEOUT) is not None
    )


#: Social handles and hashtags: a line made mostly of them is page chrome. Bare URLs and e-mail
#: addresses are not on the list: in reference lists and contact lines they are content (the
#: development sets label them so: 8 of 11 such removals on lines/en were genuine lines).
HANDLE = regex.compile(r"^(?:@\w{2,}|#\w{2,})[.,:;!]?$", _F)


#: The label of a box of links to other articles ("Related", "More on this story", "Mehr zum
#: Thema"): the headline-shaped lines right under it are that box (see the offtopic stage).
RELATED_LABEL = regex.compile(
    r"^\W*(?:related(?:\s+(?:articles?|stories|posts|news|content|links|topics|coverage|videos?|reading))?|"
    r"more\s+on\s+this\s+(?:story|topic)|more\s+(?:stories|news|articles)(?:\s+from\s+[^:]{1,40})?|"
    r"more\s+from\s+[^:]{1,40}|mehr\s+von\s+[^:]{1,40}|weitere\s+angebote|see\s+also|read\s+(?:also|next)|also\s+read|most\s+(?:read|popular|viewed|shared)|"
    r"top\s+stories|trending(?:\s+now)?|recommended(?:\s+(?:for\s+you|stories|articles|reading))?|"
    r"you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)|don'?t\s+miss|editor'?s\s+picks?|"
    r"mehr\s+zum\s+thema|weitere\s+artikel|auch\s+interessant|lesen\s+sie\s+auch|"
    r"das\s+könnte\s+sie\s+auch\s+interessieren|zum\s+thema|à\s+lire\s+aussi|lire\s+aussi|"
    r"sur\s+le\s+même\s+sujet|vous\s+aimerez\s+aussi|noticias\s+relacionadas|te\s+puede\s+interesar|"
    r"lee\s+también|leggi\s+anche|leia\s+também|lees\s+ook|"
    r"(?:latest|more|other|further|recent)\s+(?:news|stories|articles|headlines|posts|videos?)|"
    r"(?:neue|neueste|aktuelle|weitere|mehr|andere)\s+(?:nachrichten|news|artikel|beiträge|meldungen|videos?)|"
    r"(?:dernières|autres)\s+(?:actualités|informations|articles|vidéos)|"
    r"(?:últimas|otras|más)\s+(?:noticias|artículos)|(?:ultime|altre)\s+(?:notizie|news)|"
    r"topics|categories|archives?|popular\s+posts|"
    r"themen|kategorien|archiv|(?:interessante|weiterführende|weitere|related|useful|external|more)\s+links|links)\s*:?\s*$",
    _F,
)
#: Embedded social posts: the attribution line of a tweet ("— Jane Doe (@janedoe) March 3, 2024")
#: and a post's picture link.
SOCIAL_EMBED = regex.compile(r"^[—–-]\s*[^()]{1,60}\(@\w{1,30}\)\s*[^()]{0,40}$|\bpic\.twitter\.com/\w+", _F)
#: Previous/next post links of a blog: "« Earlier title | Main | Later title »".
PREV_NEXT = regex.compile(r"^\s*«[^«»]{0,200}\|\s*(?:main|home|index|start)\s*\|[^«»]{0,200}»?\s*$", _F)
#: A menu written on one line: four or more items of one to three words, separated by "|", "·" or
#: "•" ("News | Sport | Weather | Contact", "Privacy • Terms • Cookies"). A trafilatura table row
#: starts and ends with "|" and is not one; an item holding sentence punctuation is text.
MENU = regex.compile(
    r"^\s*(?:[^\s|·•.!?:;,]+(?:\s[^\s|·•.!?:;,]+){0,2})(?:\s+[|·•]\s+[^\s|·•.!?:;,]+(?:\s[^\s|·•.!?:;,]+){0,2}){3,}\s*$"
)
#: "Posted by NAME at 8:56 AM", "Posted by: name at October 28, 2012 04:59 PM": who and when.
POSTED_BY = regex.compile(
    r"^(?:posted|written|submitted|published)\s+by\s*:?\s*(?:\S{1,40}\s+){1,4}?(?:at|on|am|um|le|el)\s+", _F
)
#: A byline with the writer's role ("Jane Doe | Staff writer", "John Roe, Senior Correspondent")
#: or with a relative time ("Posted 2 hours ago by Jane Doe").
BYLINE_ROLE = regex.compile(
    r"^(?-i:\p{Lu})[\p{L}\p{M}.'’\-]+(?:\s+(?-i:\p{Lu})[\p{L}\p{M}.'’\-]+){1,3}\s*[|,–—-]\s*"
    r"(?:(?:staff|senior|chief|contributing|freelance|political|foreign|business|sports?|science|health|"
    r"tech(?:nology)?|investigative|special|national|local|economics|culture|news|digital|associate|deputy|"
    r"managing|executive)\s+){0,2}"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor|journalist|photographer|producer)s?\s*$|"
    # "Al Example Staff", "Editorial Staff"
    r"^(?:(?-i:\p{Lu})[\p{L}\p{M}.'’\-]*\s+){1,4}staff(?:\s+(?:writer|reporter)s?)?\s*$|"
    r"^(?:posted|published|updated|written)\s+(?:\d+|an?)\s+(?:minute|min|hour|hr|day|week|month)s?\s+ago\s+by\s+"
    r"(?-i:\p{Lu})[\p{L}\p{M}.'’\-]+(?:\s+(?-i:\p{Lu})[\p{L}\p{M}.'’\-]+){0,3}\s*$",
    _F_SIMPLE_CASE,
)
#: The writer's contact line: "Email the author", "Contact the reporter at jdoe@example.com",
#: "Kontakt zur Autorin".
AUTHOR_CONTACT = regex.compile(
    r"^(?:e-?mail|contact|write\s+to|message)\s+(?:the\s+)?(?:author|reporter|writer|columnist|correspondent)s?"
    r"(?:\s+(?:at|on|via)\s+\S+)?\s*\.?$|^kontakt\s+zu[mr]\s+(?:autorin|autor|redaktion)\s*$",
    _F,
)
#: An agency credit in capitals closing a caption: "... in Washington, March 4, 2019.
#: REUTERS/Kevin Lamarque/File Photo", "AFP PHOTO / JOHN DOE". Case-sensitive: the agency's name
#: in capitals, then a slash.
CAPTION_CREDIT_CAPS = regex.compile(
    r"(?:^|[.!?\"”’)]\s+)(?:REUTERS|AFP(?:\s+PHOTO)?|AP(?:\s+PHOTO)?|EPA(?:-EFE)?|XINHUA|ANADOLU|DPA|EFE|ANSA|"
    r"KYODO|YONHAP|BLOOMBERG|GETTY\s+IMAGES|SHUTTERSTOCK|NURPHOTO|SIPA)\s*/\s*\p{L}[^/]{0,50}(?:/\s*\p{L}[^/]{0,30}){0,2}\s*$"
)
#: Labels of a picture on news sites: "Image copyright Getty Images", "Image caption Protesters
#: outside ...", "Media caption Watch: ...", "Image source, Reuters". ("Photo credit: X" is left
#: to the credit rules: the dragnet gold keeps such lines when they name no agency.)
MEDIA_LABEL = regex.compile(
    r"^(?:image|media|video|photo|picture)\s+(?:(?:copyright|caption)\b[,:]?|source\s*[,:])\s*\S", _F
)
#: An author's bio line at the end of an article: "Jane Doe is The Post's mobile projects editor.",
#: "John Roe is a freelance journalist based in Madrid." Judged only among the last blocks.
AUTHOR_BIO = regex.compile(
    r"^(?-i:\p{Lu})[\p{L}.'’\-]+(?:\s+(?-i:\p{Lu})[\p{L}.'’\-]+){1,3}\s+(?:is|was|has\s+been|writes|covers|reports)\b"
    r"[^.!?]{0,120}?\b(?:editor|reporter|correspondent|writer|columnist|contributor|journalist|author|"
    r"producer|blogger|critic|commentator|photographer|freelancer|intern)s?\b[^!?]{0,120}$",
    _F_SIMPLE_CASE,
)
#: Tag and category lists: "Tags: politics, budget", "Filed under: Politics", "Themen: ...".
TAGS = regex.compile(
    r"^(?:tags?|tagged(?:\s+with)?|labels|topics?|related\s+topics|filed\s+under|categor(?:y|ies)|"
    r"posted\s+in|keywords?|schlagw(?:ö|o)rte?|themen|mots[-\s]clés|sujets|etiquetas|temas|"
    r"argomenti|trefwoorden|onderwerpen)\s*:\s*\S.{0,200}$",
    _F,
)
#: A blog post's categories without a colon: "Posted in Football, History | Leave a comment",
#: "Veröffentlicht unter Allgemein, Termine |". A sentence ("Posted in 2012, the video ...") ends
#: with a full stop and is left alone.
POSTED_IN = regex.compile(
    r"^(?:posted\s+in|filed\s+under|tagged(?:\s+with)?|veröffentlicht\s+(?:unter|in)|abgelegt\s+unter|publié\s+dans|"
    r"classé\s+dans|publicado\s+en|pubblicato\s+in)\s+(?:[^.!?]|(?<=\b\p{Lu})\.){1,200}$",
    _F,
)
#: Pingbacks and trackbacks listed under a blog post.
PINGBACK = regex.compile(r"^(?:pingback|trackback)\s*:", _F)
#: A consent checkbox: "I agree to the processing of my personal data ...", "Ich akzeptiere die
#: Verarbeitung meiner personenbezogenen Daten ...".
CONSENT = regex.compile(
    r"^(?:ich\s+(?:akzeptiere|stimme|willige)|i\s+(?:agree|accept|consent)|j[’']accepte|acepto|accetto)\b"
    r".{0,300}\b(?:verarbeitung|speicherung|processing|storage|traitement|tratamiento|trattamento|datenschutz\w*|"
    r"privacy\s+(?:policy|notice|statement)|terms\s+(?:of|and)|agb|nutzungsbedingungen|newsletter|cookies|"
    r"conditions\s+(?:générales|d[’']utilisation))\b",
    _F,
)
_POSTED_IN_STARTS = (
    "posted",
    "filed",
    "tagged",
    "veröffentlicht",
    "abgelegt",
    "publié",
    "classé",
    "publicado",
    "pubblicato",
)
_CONSENT_STARTS = ("ich ", "i ", "j'", "j’", "acepto", "accetto")
#: Breadcrumbs: "Home » News » Politics", "Startseite > Politik", "Accueil / International".
BREADCRUMB = regex.compile(
    r"^(?:home|start(?:seite)?|accueil|inicio|portada|home\s*page|главная)\s*"
    r"(?:[»>/›|→]\s*[^»>/›|→]{1,40}?\s*){1,6}$",
    _F,
)
#: A line that is only a photo or source credit: "Getty Images", "Jane Doe/AFP via Getty Images",
#: "Source: Reuters", "Quelle: dpa", "(AP Photo/Jane Doe)".
CREDIT_ONLY = regex.compile(
    rf"^[(\[]?\s*(?:(?:photo|image|imagen|imagem|picture|pic|foto|bild|source|quelle|fuente|fonte|"
    rf"crédit(?:\s+photo)?|credit)s?\s*:\s*)?"
    rf"(?:(?-i:\p{{Lu}})[\p{{L}}\p{{M}}.'’\-]*(?:\s+(?-i:\p{{Lu}})[\p{{L}}\p{{M}}.'’\-]*){{0,3}}\s*/\s*)?"
    rf"(?:{_AGENCIES})(?:\s*(?:photo|images?))?"
    rf"(?:\s*(?:/|via|for|,)\s*(?:{_AGENCIES}|(?-i:\p{{Lu}})[\p{{L}}\p{{M}}.'’\-]*(?:\s+(?-i:\p{{Lu}})[\p{{L}}\p{{M}}.'’\-]*){{0,3}}))*"
    rf"\s*[)\]]?\s*\.?$",
    _F_SIMPLE_CASE,
)
#: Agency and reporting credits at the end of an article: "Additional reporting by Jane Doe",
#: "With reporting from Reuters", "Le Monde avec AFP", "Con información de EFE", "Mit Material von dpa".
REPORTING_CREDIT = regex.compile(
    rf"^(?:(?:additional\s+)?reporting\s+(?:by|from)|with\s+(?:additional\s+)?reporting\s+(?:by|from)|"
    rf"(?:with\s+)?(?:input|inputs|material)\s+from|compiled\s+by|mit\s+material\s+(?:von|der|des)|"
    rf"con\s+información\s+de|avec\s+(?:l')?(?:{_AGENCIES})\b|(?-i:\p{{Lu}})[\p{{L}}.'’\-]*(?:\s+(?-i:\p{{Lu}})[\p{{L}}.'’\-]*){{0,3}}\s+avec\s+(?:{_AGENCIES}))"
    rf"(?:\s+[^.!?]{{0,80}})?\s*\.?$",
    _F_SIMPLE_CASE,
)
#: Republication notices: "This article was originally published on The Conversation."
REPUBLISHED = regex.compile(
    r"^(?:this|the)\s+(?:article|story|piece|post|essay|interview|column)\s+(?:was\s+|is\s+|has\s+been\s+)?"
    r"(?:(?:originally|first|also)\s+(?:published|appeared|posted)|republished)\b.{0,120}$|"
    r"^(?:originally|first)\s+(?:published|appeared)\s+(?:on|in|at|by)\b.{0,120}$|"
    r"^(?:dieser\s+(?:artikel|beitrag|text)\s+(?:erschien|ist)\s+(?:zuerst|ursprünglich))\b.{0,120}$|"
    r"^(?:cet\s+article\s+(?:a\s+été|est)\s+(?:initialement|d'abord)\s+publié)\b.{0,120}$|"
    r"^(?:este\s+artículo\s+(?:fue|se)\s+publicado\s+(?:originalmente|por\s+primera\s+vez))\b.{0,120}$",
    _F,
)
#: Update notices: "This story has been updated.", "This is a developing story.", "Dieser Artikel
#: wird laufend aktualisiert." (a line that *says what changed* is a correction, and is text).
UPDATE_NOTICE = regex.compile(
    r"^\W{0,3}(?:(?:editor'?s\s+note|update|note)\s*:\s*)?(?:"
    r"(?:this|the)\s+(?:blog\s+)?(?:post|story|article|report|piece|page|entry)\s+"
    r"(?:has\s+been|was|will\s+be|is\s+being|may\s+be|is)\s+"
    r"(?:(?:last|first|further|since|regularly|continuously|frequently)\s+)?updated\b"
    r"(?:\s+(?:since\s+it\s+was\s+first\s+published|as\s+(?:more|new)\s+information\s+becomes\s+available|"
    r"(?:on|at)\s+[^.!?]{1,40}))?|"
    r"this\s+(?:is\s+a\s+developing\s+story|story\s+is\s+developing)(?:\s+and\s+will\s+be\s+updated)?|"
    r"(?:dieser|der)\s+(?:artikel|beitrag|text|bericht)\s+(?:wurde|wird)\s+(?:\w+\s+){0,2}(?:aktualisiert|ergänzt)|"
    r"cet\s+article\s+(?:a\s+été|sera|est)\s+(?:\w+\s+){0,2}(?:mis\s+à\s+jour|actualisé)|"
    r"(?:este|esta)\s+(?:artículo|nota|noticia)\s+(?:ha\s+sido|fue|será)\s+(?:\w+\s+){0,2}actualizad[oa]"
    r")\W*$",
    _F,
)
#: Comment prompts for visitors who are not logged in: "You must be logged in to post a comment.",
#: "Um Artikel kommentieren zu können, müssen Sie registriert sein."
COMMENT_LOGIN = regex.compile(
    r"(?:kommentieren|(?:einen\s+)?kommentar\s+(?:zu\s+)?(?:schreiben|verfassen|abgeben))\b.{0,40}"
    r"(?:registriert|angemeldet|eingeloggt|mitglied|einloggen|anmelden)|"
    r"(?:registriert|angemeldet|eingeloggt)\s+sein,?\s+um\b.{0,40}\bkommentar|"
    r"must\s+be\s+(?:logged\s+in|registered|signed\s+in)\s+to\s+(?:post\s+a\s+)?(?:comment|reply|post)|"
    r"(?:log|sign)\s+in\s+to\s+(?:leave\s+a\s+|post\s+a\s+)?(?:comment|reply)|"
    r"to\s+(?:post\s+a\s+)?comment,?\s+(?:you\s+must|please)\s+(?:be\s+)?(?:log|sign|regist)",
    _F,
)
_COMMENT_WORDS = ("komment", "comment", "reply", "post")
#: A date's label left without its date: "Aktualisiert:", "Published:".
DATE_LABEL = regex.compile(
    r"^\W*(?:(?:aktualisiert|updated|last\s+updated|veröffentlicht|published|stand|posted|datum|date)\s*:|"
    r"aktualisiert|updated|last\s+updated|veröffentlicht|published)\s*$",
    _F,
)
#: What blog engines print around a post (WordPress, Blogger, Drupal): "This entry was posted on ... and
#: is filed under ...", "Both comments and pings are currently closed.", "Be the first to like this.",
#: "View all posts by X", and search-result counters ("1 - 10 of 24 results for ...").
BLOG_FURNITURE = regex.compile(
    r"^\W*(?:this\s+entry\s+was\s+posted\s+(?:on|in|by)\b.*|(?:both\s+)?comments\s+and\s+pings\s+are\s+(?:currently\s+)?"
    r"(?:closed|open)\b.*|you\s+can\s+(?:follow\s+any\s+responses\s+to\s+this\s+entry|leave\s+a\s+response)\b.*|"
    r"be\s+the\s+first\s+to\s+like\s+this\b.*|\d+\s+(?:bloggers?|people|others)\s+like\s+this\b.*|"
    r"view\s+all\s+posts\s+(?:by|in|filed\s+under)\b.*|posted\s+by\s*:?|(?:recent|latest)\s+(?:posts|comments|entries)\s*:?|"
    r"newsletter\s+sign[\s-]?up|previously\s+posted\s+items?|add\s+(?:a\s+|your\s+)?comment|related\s+posts?\s*:?|"
    r"follow\s+us\s*!?|your\s+e-?mail(?:\s+address)?\s+will\s+not\s+be\s+published\b.*|"
    r"required\s+fields\s+are\s+marked\b.*|"
    r"posted\s+by\s+\S+(?:\s+\S+){0,2}(?:\s+on\s+[^.!?]{1,40}?)?\s+in\s+(?-i:\p{Lu})[^.!?]{0,120}\.?|\d+\s+comments?\s+(?:have|has)\s+been\s+(?:made|posted)\b.*|\[(?:date|thread)\s+(?:prev|next|index)\].*|"
    r"\d+\s*[-–]\s*\d+\s+(?:of|von|de|sur)\s+[\d,.]+(?:\s+(?:results?|ergebnisse[n]?|résultats|resultados|treffer|"
    r"items|einträgen?|entries)\b.*)?)\s*$",
    _F,
)
#: The head of a comment section: "12 Comments", "{ 7 comments… read them below or add one }",
#: "4 appreciated comments on “Title”", "3 thoughts on “Title”", "Leave a Reply", "Kommentare (4)".
COMMENTS_HEADER = regex.compile(
    r"^\W*(?:(?:\d+|one|no)\s+(?:\w+\s+){0,2}?(?:comments?|responses?|replies|thoughts|kommentare?|antworten|"
    r"reaktionen|commentaires?|comentarios?|commenti|reacties)\b.*|(?:comments?|kommentare|leserkommentare|"
    r"(?:reader|user)s?'?\s+comments|(?:leave|post|add|write)\s+a\s+(?:reply|comment)|"
    r"commentaires|comentarios|commenti|reacties)\s*(?:\(\d+\))?\W*)$",
    _F,
)
#: A head that counts the comments under it and says they follow: "{ 69 comments… read them below or
#: add one }", "12 Responses to “Title”", "3 thoughts on “Title”".
COMMENTS_COUNTED = regex.compile(
    r"^\W*[1-9]\d*\s+(?:\w+\s+){0,2}?(?:comments?|responses?|replies|thoughts)\s*(?:…|\.\.\.)?\s*"
    r"(?:(?:to|on)\s+\S.*|read\s+them\s+below\b.*)$",
    _F,
)
#: Commenters' signatures, as sure as a head: "Jane Doe says: 11/2/2012", "Posted by: Jane |
#: November 13, 2012 at 12:19 PM", the reply and report links under a comment ("Reply",
#: "ReplyDelete", "Report this comment"), a Slashdot comment's title ("Re: Title (Score:5,
#: Insightful)").
COMMENT_SIGNED = regex.compile(
    r"^\W*(?:(?:\S+\s+){0,5}?\S+\s+(?:says|said|schreibt|sagt|meint|a\s+écrit|dice|escribió|ha\s+scritto)\s*:"
    r"(?:\s*.{0,40}\d.{0,20})?|posted\s+by\s*(?::\s*\S.{0,60}?(?:\||\bat\b|\bon\b|,)|\s\S.{0,60}?\|)\s*.{0,40}\d.*|"
    r"reply(?:\s*delete)?|antworten|répondre|responder|rispondi|report\s+this\s+comment.*|link\s+to\s+this.*|"
    r"like\s+or\s+dislike.*|comment\s+number\s+\d+.*|.{0,80}\(score:\s*-?\d+(?:,\s*\w+)?\))\W*$",
    _F,
)
#: Marks that count only under a head, because an article or a blog archive has them too: "On
#: October 26, 2012 at 2:08am, Rosa said...", "by james on January 31, 2011 at 9:59 am", a post's
#: footer ("Posted by Dave at 8:56 AM", without the colon a comment's signature has), a name
#: and a date ("Ranjit | 11/6/2012 3:07:08 AM"), a date alone.
COMMENT_WEAK = regex.compile(
    r"^\W*(?:on\s+.{0,40}\d.{0,30},\s*.{1,60}?\s+(?:said|says|wrote)\W*|(?:posted\s+)?by\s+\S.{0,60}?\s+(?:on|at)\s+.{0,40}\d.{0,30})$",
    _F,
)
#: Opening and closing signatures, and where the first comment starts with respect to its mark.
_CLOSING = regex.compile(
    r"^\W*(?:posted\s+by|reply|antworten|répondre|responder|rispondi|report|link|like)\b", _F
)
#: A comment section needs this many commenters' marks after its head (three signatures with no
#: head), and this many words of article before it (a forum thread, all comments, has no article
#: above it).
COMMENT_MIN_MARKS = 2
COMMENT_MIN_SIGNED = 3
COMMENT_MIN_ARTICLE_WORDS = 80


#: Words every head and every signature holds (cheap tests before the patterns).
_COMMENT_HEAD_WORDS = (
    "comment",
    "coment",
    "respons",
    "repl",
    "thought",
    "kommentar",
    "antwort",
    "reaktion",
    "reacties",
)
_SIGNATURE_WORDS = (
    "say",
    "said",
    "schreibt",
    "sagt",
    "meint",
    "écrit",
    "dice",
    "escribió",
    "scritto",
    "posted",
    "repl",
    "antworten",
    "répondre",
    "responder",
    "rispondi",
    "report",
    "link to",
    "like or",
    "comment number",
    "score:",
)


@lru_cache(maxsize=1 << 14)
def _comment_mark(line: str) -> str | None:
    """ "signed" for a commenter's signature or reply link, "weak" for a name and a date, a date
    alone or a signature that a byline could also be ("David Janke 07.13.12 at 07:34"), else None."""
    n = len(_words(line))
    if n > 16:
        return None
    if COMMENT_SIGNED.match(line, timeout=REGEX_TIMEOUT):
        return "signed"
    if COMMENT_WEAK.match(line, timeout=REGEX_TIMEOUT):
        return "weak"
    if n > 10 or not _DATE_ANCHOR.search(line, timeout=REGEX_TIMEOUT) or not regex.search(r"\d", line):
        return None
    rest = [w for w in _words(_DATE_TOKEN.sub(" ", line, timeout=REGEX_TIMEOUT)) if regex.search(r"\p{L}", w)]
    return "weak" if len(rest) <= 5 and (not rest or rest[0][:1].isupper()) else None


#: A site's legal imprint: company register, tax and VAT numbers ("Registergericht: Ulm HRA 724008",
#: "USt-IdNr.: DE123456789", "Registered in England and Wales No. 1234567").
IMPRINT = regex.compile(
    r"\b(?:registergericht|handelsregister(?:nummer)?|registernummer|ust-?id(?:nr|\.-?nr)?\.?|"
    r"umsatzsteuer-?identifikationsnummer|steuernummer|sitz\s+der\s+gesellschaft|"
    r"vertretungsberechtigte[rn]?\s+geschäftsführer|amtsgericht\s+[\p{L}\-]+\s*[,:/–-]?\s*hr[ab]\s*\d+|"
    r"registered\s+in\s+england(?:\s+and\s+wales)?|company\s+(?:registration\s+)?(?:number|no\.?)\s*:?\s*\d|"
    r"vat\s+(?:reg(?:istration)?\s+)?(?:number|no\.?)\s*:?\s*[a-z]{0,2}\s*\d)",
    _F,
)
_IMPRINT_WORDS = (
    "regist",
    "ust",
    "umsatzsteuer",
    "steuernummer",
    "sitz",
    "geschäftsführer",
    "hr",
    "company",
    "vat",
)
#: A footer link alone on its line: "Impressum", "Contact us", "AGB".
FOOTER_LINK = regex.compile(
    r"^\W*(?:impressum|imprint|legal\s+notice|kontakt|contact(?:\s+us)?|agb|nutzungsbedingungen|mentions\s+légales|"
    r"aviso\s+legal)\W*$",
    _F,
)
#: A source given as a bare address: "Source: www.example.com", "Quelle: http://example.de/a".
SOURCE_URL = regex.compile(r"^\W*(?:source|quelle|fuente|fonte|via)\s*:\s*(?:https?://|www\.)\S+\s*$", _F)
#: Bot checks and blocked pages served to the crawler instead of the article.
BOT_CHECK = regex.compile(
    r"\b(?:enable|activate|turn\s+on|make\s+sure\s+(?:that\s+)?)\b.{0,30}\bjavascript\b|\bjavascript\s+(?:is\s+)?(?:disabled|required|deaktiviert)\b|"
    r"\bare\s+you\s+a\s+(?:robot|human)\b|\bverify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human\b|\bnot\s+a\s+robot\b|"
    r"\bcaptcha\b|\bvor\s+spambots\s+geschützt\b|\bprotected\s+from\s+spambots\b|\baccess\s+(?:to\s+this\s+(?:page|site)\s+)?(?:has\s+been\s+)?denied\b|"
    r"\bkein\s+roboter\b|\bals\s+roboter\b|\bjavascript\s+aktivieren\b|\bpas\s+un\s+robot\b",
    _F,
)
_BOT_WORDS = ("javascript", "robot", "roboter", "human", "captcha", "denied", "spambots")
#: Cookie banners.
COOKIES = regex.compile(
    r"\b(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b|\bby\s+(?:continuing|using)\b.{0,60}\bcookies\b|"
    r"\bwir\s+verwenden\s+cookies\b|\bnous\s+utilisons\s+des\s+cookies\b|\butilizamos\s+cookies\b|"
    r"\b(?:webseite|website|seite|site)\s+(?:verwendet|nutzt|benutzt|utilise|utiliza|usa|gebruikt)\s+(?:\w+\s+)?cookies\b|"
    r"\bcookie-?(?:einstellungen|richtlinie|hinweis|settings|preferences|policy)\b|"
    r"\b[\p{L}.]+\s+uses\s+cookies\s+to\b.{0,60}\b(?:improve|provide|give|enhance|personali[sz]e|ensure|offer)\b"
    r".{0,60}\b(?:experience|functionality|services?|performance|advertising|content)\b",
    _F,
)


#: Words every match of a pattern contains (lower-cased): a line without any of them is not
#: searched (the unanchored, case-insensitive patterns cost ~0.1 ms per line each).
_TRANSLATION_WORDS = ("translat", "übersetz", "übertrag", "tradu", "tradott", "aus dem ")
_DISCLAIMER_WORDS = (
    "disclaimer", "haftungsausschluss", "avertissement", "expressed", "informational", "constitute",
    "construed", "beratung", "meinung",
)  # fmt: skip
_COPYRIGHT_WORDS = (
    "©",
    "(c)",
    "copyright",
    "reserved",
    "vorbehalten",
    "réservés",
    "reservados",
    "redistributed",
    "commercial",
)
_CREDIT_WORDS = ("photo", "image", "pic", "foto", "bild", "credit", "crédit")


def _has(low: str, needles: tuple[str, ...]) -> bool:
    return any(w in low for w in needles)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex alternation (``a(?:b|c)|d`` -> ``a(?:b|c)``, ``d``);
    escapes and character classes are skipped over."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _literal_prefix(alternative: str) -> str:
    return regex.match(r"[^\\()\[\]?*+{}|.\s]*", alternative).group(0)  # type: ignore[union-attr]


#: Prefilters: a line can match the patterns below only if it holds one of these (lower-cased)
#: words or word starts. They are derived from the patterns themselves, so they never reject a line
#: a pattern would accept (the tests check the derivation); they spare the unanchored,
#: case-insensitive searches on ordinary lines (~50-200 us per line each otherwise).
_DATE_WORD_STARTS = frozenset(_literal_prefix(a)[:3] for a in _alternatives(_MONTHS) + _alternatives(_DAYS))
_AGENCY_STARTS = frozenset(_literal_prefix(a)[:3] for a in _alternatives(_AGENCIES))
_CREDIT_KEYWORDS = ("report", "input", "material", "compiled", "información", "avec")
_WORD = regex.compile(r"\w+")


def _may_be_date(low: str) -> bool:
    """False only if no month, weekday or digit can be in the line (see _DATE_ANCHOR)."""
    return any(c.isdigit() for c in low) or any(w[:3] in _DATE_WORD_STARTS for w in _WORD.findall(low))


def _may_be_credit(low: str) -> bool:
    """False only if no word of the line starts like an agency of _AGENCIES."""
    return any(w[:3] in _AGENCY_STARTS or w[:2] in _AGENCY_STARTS for w in _WORD.findall(low))


def _words(line: str) -> list[str]:
    return line.split()


@lru_cache(maxsize=1 << 15)
def classify_line(line: str) -> tuple[str, str] | None:
    """Return ``(reason, rule)`` if the line alone is boilerplate, else None.

    Only short lines are judged by prompt, byline and dateline shapes: a long sentence that happens
    to start with "Follow" or contain a date is body text.
    """
    n = len(_words(line))
    if n == 0:
        return None
    try:
        if (
            n <= 8
            and READING_TIME.match(line, timeout=REGEX_TIMEOUT)
            and _HAS_READ.search(line, timeout=REGEX_TIMEOUT)
        ):
            return "boilerplate.reading_time", "reading_time"
        low = line.lower()
        if n <= 12 and _may_be_date(low) and _is_dateline(line):
            return "boilerplate.dateline", "dateline"
        if n <= 25 and _has(low, _TRANSLATION_WORDS) and TRANSLATION.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.translation_notice", "translation"
        if n <= 20 and PROMPT.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "follow_share_subscribe"
        if n <= 12 and PROMPT_FIXED.match(_EDGES.sub("", line), timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "fixed_phrase"
        if n <= 12 and SHARE_BUTTONS.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "share_buttons"
        if n <= 20 and HELPFUL.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "helpful_counter"
        if n <= 60 and _has(low, _DISCLAIMER_WORDS) and DISCLAIMER.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.disclaimer", "disclaimer"
        if n <= 30 and _has(low, _COPYRIGHT_WORDS) and COPYRIGHT.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.copyright", "copyright"
        if n <= 12 and BYLINE.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.byline", "byline"
        if n <= 16 and "«" in line and PREV_NEXT.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.navigation", "previous_next"
        if n <= 16 and "by" in low:
            m = POSTED_BY.match(line, timeout=REGEX_TIMEOUT)
            if m is not None and not regex.search(
                r"[\p{L}\p{N}]", _DATE_TOKEN.sub(" ", line[m.end() :], timeout=REGEX_TIMEOUT)
            ):
                return "boilerplate.byline", "posted_by_at"
        if n <= 20 and _has(low, _CREDIT_KEYWORDS) and REPORTING_CREDIT.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.byline", "reporting_credit"
        if n <= 12 and BYLINE_ROLE.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.byline", "byline_role"
        if n <= 10 and AUTHOR_CONTACT.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "author_contact"
        if n <= 40 and ":" in line and TAGS.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.links", "tags"
        head = low.lstrip()
        if n <= 40 and head.startswith(_POSTED_IN_STARTS) and POSTED_IN.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.links", "posted_in"
        if head.startswith(("pingback", "trackback")) and PINGBACK.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.links", "pingback"
        if n <= 80 and head.startswith(_CONSENT_STARTS) and CONSENT.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "consent"
        if n <= 16 and BREADCRUMB.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.navigation", "breadcrumb"
        if (
            n <= 40
            and ("|" in line or "·" in line or "•" in line)
            and MENU.match(line, timeout=REGEX_TIMEOUT)
        ):
            return "boilerplate.navigation", "menu"
        if n <= 12 and _may_be_credit(low) and CREDIT_ONLY.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.caption", "credit_only"
        if n <= 40 and REPUBLISHED.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.disclaimer", "republished"
        if n <= 25 and UPDATE_NOTICE.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.disclaimer", "update_notice"
        if n <= 80 and BLOG_FURNITURE.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.links", "blog_furniture"
        if n <= 40 and _has(low, _COMMENT_WORDS) and COMMENT_LOGIN.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "comment_login"
        if n <= 3 and DATE_LABEL.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.dateline", "date_label"
        if n <= 40 and _has(low, _IMPRINT_WORDS) and IMPRINT.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.disclaimer", "legal_imprint"
        if n <= 3 and FOOTER_LINK.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.navigation", "footer_link"
        if n <= 12 and ":" in line and SOURCE_URL.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.links", "source_url"
        if (
            n <= 60
            and ("(@" in line or "pic.twitter" in low)
            and SOCIAL_EMBED.search(line, timeout=REGEX_TIMEOUT)
        ):
            return "boilerplate.links", "social_embed"
        if n <= 60 and _has(low, _BOT_WORDS) and BOT_CHECK.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "bot_check"
        if n <= 60 and "cookie" in low and COOKIES.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.prompt", "cookies"
        if (
            (n <= 10 or n - sum(w.isdigit() for w in _words(line)) <= 10)
            and _pagination_anchor(line)
            and not regex.search(r"[\p{L}]", PAGINATION_TOKEN.sub(" ", line, timeout=REGEX_TIMEOUT))
        ):
            return "boilerplate.navigation", "pagination"
        # Literal characters the caption patterns need (cheap tests before the searches).
        brackets = ("(" in line or "[" in line) and (")" in line or "]" in line)
        if brackets and CAPTION_CREDIT_END.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.caption", "credit_in_brackets"
        if "/" in line and CAPTION_CREDIT_CAPS.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.caption", "credit_caps"
        if n <= 80 and MEDIA_LABEL.match(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.caption", "media_label"
        if "/" in line and CAPTION_CREDIT_TRAIL.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.caption", "credit_trail"
        if n <= 40 and _has(low, _CREDIT_WORDS) and CAPTION_CREDIT_LABEL.search(line, timeout=REGEX_TIMEOUT):
            return "boilerplate.caption", "credit_label"
        if CAPTION_DESCRIBES.search(line, timeout=REGEX_TIMEOUT) and (
            CAPTION_POSITION.search(line, timeout=REGEX_TIMEOUT) or n <= 60
        ):
            return "boilerplate.caption", "describes_picture"
        if "(" in line and len(CAPTION_POSITION.findall(line, timeout=REGEX_TIMEOUT)) >= 2:
            return "boilerplate.caption", "position_markers"
        toks = _words(line)
        # HANDLE only matches tokens that start with "@" or "#".
        if (
            n <= 10
            and sum(bool(HANDLE.match(t, timeout=REGEX_TIMEOUT)) for t in toks if t[0] in "@#") * 2 >= n
        ):
            return "boilerplate.links", "handles_or_hashtags"
    except TimeoutError:
        return None
    return None


def _is_dateline(line: str) -> bool:
    if not _DATE_ANCHOR.search(line, timeout=REGEX_TIMEOUT):
        return False
    rest = _DATE_TOKEN.sub(" ", line, timeout=REGEX_TIMEOUT)
    if not regex.search(r"[\p{L}\p{N}]", rest):
        return True
    place = _DATE_PLACE.match(line, timeout=REGEX_TIMEOUT)
    if place is None:
        return False
    dated = line[place.end() :]
    # The place must be followed by a date, not only a weekday ("London, Monday" is no dateline).
    return (
        bool(_DATE_ANCHOR.search(dated, timeout=REGEX_TIMEOUT))
        and regex.search(r"\d", dated) is not None
        and not regex.search(r"[\p{L}\p{N}]", _DATE_TOKEN.sub(" ", dated, timeout=REGEX_TIMEOUT))
    )


_SENTENCE_END = regex.compile(r"[.!?…:;\"”»)]\s*$")
_FULL_STOP_END = regex.compile(r"[.…]\s*$")


#: Characters a section label never holds: table cells (``|Genitiv||der Lotterie|``), wiki
#: markup and edit links (``Substantiv, f[Bearbeiten]``), addresses. A line with them is a row
#: of structured content, not a kicker (lines development set: table rows of a dictionary page
#: removed as labels).
_NOT_LABEL = regex.compile(r"[|\[\]{}<>=@/\\_#*+]")


_KICKER_EXCLUDED = regex.compile(r",\s*$|^\s*[IVXivx]{1,4}[.)]\s")


def _is_label(text: str, max_words: int) -> bool:
    """A short line of words only (no sentence punctuation, digits or markup): a section label or
    kicker."""
    ws = text.split()
    if (
        not 0 < len(ws) <= max_words
        or _SENTENCE_END.search(text)
        or regex.search(r"\d", text)
        or _NOT_LABEL.search(text)
    ):
        return False
    return sum(w[:1].isupper() for w in ws) >= max(1, len(ws) - 1)


#: Labels above the headline are the document's own headings, not the site's section labels, when
#: at least this many further short labels each head a longer block in the body.
HEADED_ENTRIES = 2


#: A standalone date is a dateline only among the first or last blocks of a document (under the
#: headline, or an "Updated: ..." footer). Further in, dates head posts and list entries: on the
#: portal development pages 88 of 321 date lines removed anywhere were gold text.
DATELINE_HEAD = 6
#: A block of this many words is prose-length: a caption that long stays when the page has no
#: other block of this length (a photo page whose caption is all its text).
CAPTION_PAGE_WORDS = 15
DATELINE_TAIL = 2
#: A paragraph of prose: at least this many words, ending like a sentence.
PROSE_PARAGRAPH_WORDS = 15
_PROSE_END = regex.compile(r"[.!?…]\s*[\"'”’»)\]]*\s*$")


def _is_prose_paragraph(text: str) -> bool:
    return len(text.split()) >= PROSE_PARAGRAPH_WORDS and _PROSE_END.search(text) is not None


#: A tag box: a bare "Topics" / "Tags" / "Themen" label and the short lines under it (one tag per
#: line), before the article's first prose paragraph or after its last.
TAG_LABEL = regex.compile(
    r"^\W*(?:tags?|topics?|related\s+topics|themen|schlagw(?:ö|o)rte?|keywords?|sujets|mots[-\s]clés|"
    r"temas|etiquetas|argomenti|categories|kategorien)\s*:?\s*$",
    _F,
)
TAG_MAX_WORDS = 4
TAG_MAX_ITEMS = 20
#: An author's bio is looked for among this many last blocks.
AUTHOR_BIO_TAIL = 2
AUTHOR_BIO_MIN_BLOCKS = 5
#: A bio describes; a sentence with a relative clause or a reporting verb tells what happened
#: ("John Smith is a reporter who saw the vote").
_NARRATION = regex.compile(r"\b(?:who|which|that|when|said|says|told|saw|asked)\b", _F)


@register("boilerplate")
class BoilerplateStage:
    """Context-free rules per block, then labels above the headline."""

    name = "boilerplate"

    def __init__(self, config: Config) -> None:
        self.cfg = config.boilerplate
        self.quality = QualityPass(self.cfg) if self.cfg.quality else None
        self.html_quality = config.html.line_quality
        self.row_link_density = config.html.row_link_density

    def run(self, ctx: Context) -> None:
        alive = ctx.alive()
        edge = set(alive[:DATELINE_HEAD]) | set(alive[-DATELINE_TAIL:])
        hits = {k: classify_line(ctx.blocks[k].text) for k in alive}
        # A caption is furniture next to the story it illustrates. On a page that is only a
        # picture and its caption, the caption is the text: it stays when no other block of
        # prose length would.
        body = any(hits[k] is None and len(ctx.words(k)) >= CAPTION_PAGE_WORDS for k in alive)
        for k in alive:
            hit = hits[k]
            if hit and hit[0] == "boilerplate.dateline" and k not in edge:
                # A date line inside the body heads a post or an entry of a list (blog archives,
                # forum threads): structure of the content, not the page's dateline.
                continue
            if (
                hit
                and hit[0] == "boilerplate.caption"
                and not body
                and len(ctx.words(k)) >= CAPTION_PAGE_WORDS
            ):
                continue
            if hit:
                ctx.remove(k, hit[0], self.name, rule=hit[1])
        if ctx.link_density and self.row_link_density is not None:
            self._link_rows(ctx, self.row_link_density)
        self._labels_above_headline(ctx)
        self._tag_boxes(ctx)
        if self.cfg.comments:
            self._comment_section(ctx)
        for k in alive[-AUTHOR_BIO_TAIL:] if len(alive) >= AUTHOR_BIO_MIN_BLOCKS else ():
            text = ctx.blocks[k].text
            if (
                ctx.decisions[k] is None
                and len(text.split()) <= 40
                and AUTHOR_BIO.match(text, timeout=REGEX_TIMEOUT)
                and not _NARRATION.search(text, timeout=REGEX_TIMEOUT)
            ):
                ctx.remove(k, "boilerplate.byline", self.name, rule="author_bio")
        if self.quality is not None and not (ctx.from_html and not self.html_quality):
            self.quality.run(ctx)

    def _comment_section(self, ctx: Context) -> None:
        """Readers' comments under the article, to the end of the document: from a comment-section
        head ("12 Comments") followed by commenters' marks (signatures, dates, reply links), or from
        a head that counts the comments under it ("{ 69 comments… read them below }") when the
        page has only one; with no head, from the first of three or more signatures. Judged on
        every block of the pass, so a head or a signature counts whether or not a rule took it."""
        n = len(ctx.blocks)
        article = [0] * (n + 1)  # words of the blocks still kept before position k
        for k in range(n):
            article[k + 1] = article[k] + (len(ctx.words(k)) if ctx.decisions[k] is None else 0)
        lows = [b.text.lower() for b in ctx.blocks]
        heads = [
            k
            for k in range(n)
            if len(ctx.words(k)) <= 15
            and _has(lows[k], _COMMENT_HEAD_WORDS)
            and COMMENTS_HEADER.match(ctx.blocks[k].text, timeout=REGEX_TIMEOUT)
        ]
        # Without a head only signatures count: look at the lines that may hold one.
        look = range(n) if heads else [k for k in range(n) if _has(lows[k], _SIGNATURE_WORDS)]
        marks = {k: m for k in look if (m := _comment_mark(ctx.blocks[k].text)) is not None}
        counted = [k for k in heads if COMMENTS_COUNTED.match(ctx.blocks[k].text, timeout=REGEX_TIMEOUT)]
        start = head = None
        for k in heads:
            if article[k] < COMMENT_MIN_ARTICLE_WORDS:
                continue
            if sum(1 for j in marks if j > k) >= COMMENT_MIN_MARKS or (counted == [k] and len(heads) == 1):
                start = head = k
                break
        if start is None:
            signed = [
                k for k in sorted(marks) if marks[k] == "signed" and article[k] >= COMMENT_MIN_ARTICLE_WORDS
            ]
            if len(signed) < COMMENT_MIN_SIGNED:
                return
            # A signature that closes a comment ("Posted by: ...", "Reply") comes after its text.
            start = signed[0] - bool(_CLOSING.match(ctx.blocks[signed[0]].text))
            if article[start] < COMMENT_MIN_ARTICLE_WORDS:
                return
        count = sum(1 for j in marks if j > start or (head is None and j >= start))
        for j in range(start, n):
            ctx.remove(
                j,
                "boilerplate.comments",
                self.name,
                rule="comment_section",
                head=None if head is None else [ctx.doc_id, ctx.blocks[head].index],
                marks=count,
            )

    def _tag_boxes(self, ctx: Context) -> None:
        """A bare tag label ("Topics", "Themen") and the one-tag lines under it, above the
        article's first prose paragraph or below its last (rule ``tag_box``)."""
        alive = ctx.alive()
        prose = [k for k in alive if _is_prose_paragraph(ctx.blocks[k].text)]
        if not prose:
            return
        first, last = prose[0], prose[-1]
        for i, k in enumerate(alive):
            if first <= k <= last or not TAG_LABEL.match(ctx.blocks[k].text, timeout=REGEX_TIMEOUT):
                continue
            items = []
            for j in alive[i + 1 : i + 1 + TAG_MAX_ITEMS]:
                text = ctx.blocks[j].text
                if j == first or len(text.split()) > TAG_MAX_WORDS or _SENTENCE_END.search(text):
                    break
                items.append(j)
            ctx.remove(k, "boilerplate.links", self.name, rule="tag_box", part="label", tags=len(items))
            for j in items:
                ctx.remove(
                    j, "boilerplate.links", self.name, rule="tag_box", part="tag", label=ctx.blocks[k].index
                )

    def _link_rows(self, ctx: Context, threshold: float) -> None:
        """Table rows of an HTML page that are mostly link text: navigation bars, page tools and
        related-link rows inside the layout table that also holds the article."""
        for k in ctx.alive():
            density = ctx.link_density.get(ctx.blocks[k].index)
            if density is not None and density >= threshold:
                ctx.remove(
                    k,
                    "boilerplate.links",
                    self.name,
                    rule="link_dense_row",
                    link_density=round(density, 3),
                    threshold=round(threshold, 3),
                )

    def _labels_above_headline(self, ctx: Context) -> None:
        """Short labels before the first headline-like line are section labels or kickers.

        The headline is the first remaining block with more words than a label can have; a
        document that is all short lines (a list, a table) has no headline and loses nothing here.
        """
        alive = ctx.alive()
        most = self.cfg.max_label_words
        head = next((k for k in alive if len(ctx.blocks[k].text.split()) > most), None)
        if head is None or _FULL_STOP_END.search(ctx.blocks[head].text.rstrip("\"”’'»)")):
            # No headline, or the first long line is a sentence: the short line above it is the
            # title itself, not a label.
            return
        # A body where short labels head entries again and again (a list of posts, questions or
        # products, each under its own heading) gives its first entries the same heading: the
        # short line on top is the first of them, not the site's section label.
        entries = [k for k in alive if k > head]
        headed = sum(
            1
            for k, nxt in pairwise(entries)
            if _is_label(ctx.blocks[k].text, most) and len(ctx.blocks[nxt].text.split()) > most
        )
        if headed >= HEADED_ENTRIES:
            return
        body: frozenset[str] | None = None
        for k in alive:
            if k >= head:
                break
            if _is_label(ctx.blocks[k].text, most):
                # A short line whose every content word the headline or the block under it takes
                # up ("Lotterie" over "Lotterie (Deutsch)", "Anthus" over "Die Zeitschrift Anthus
                # ...") is the page's title, part of the article; a section label ("World Media",
                # "Egypt Watch") names the site's section, not the story. (Not the whole body: a
                # long article mentions "world" and "media" somewhere.)
                stop = ctx.stopwords
                if body is None:
                    lead = [j for j in alive if j >= head][:2]
                    body = frozenset().union(*(content_of(ctx.blocks[j].text, stop) for j in lead))
                mine = content_of(ctx.blocks[k].text, stop)
                if mine and mine <= body:
                    continue
                ctx.remove(k, "boilerplate.section_label", self.name, rule="label_above_headline")
        # A kicker right under the headline ("Politics", "Analysis") when a longer line (the
        # standfirst or the first paragraph) follows it: a list of short items is left alone.
        after = [k for k in alive if k > head][:2]
        if (
            len(after) == 2
            and _is_label(ctx.blocks[after[0]].text, self.cfg.max_label_words)
            # Not a salutation ("Dear readers,") or a numbered section ("I. The Pancake").
            and not _KICKER_EXCLUDED.search(ctx.blocks[after[0]].text)
            and len(ctx.blocks[after[1]].text.split()) > self.cfg.max_label_words
        ):
            ctx.remove(after[0], "boilerplate.section_label", self.name, rule="label_under_headline")
