"""Person names and postal addresses: where a name list or the text's structure gives them.

Names cannot be recognised in general text without a language model, so
redaction finds them only where there is evidence (and says so in the
coverage table of docs/privacy.md):

- **name list**: a capitalised word that is a common given name
  (:data:`GIVEN_NAMES`, several hundred across European languages and
  English, or names passed as ``names=``) followed by one or two capitalised
  words or particles (``van``, ``de``, ``von``…): ``John Smith``,
  ``Anna van der Berg``; also ``Smith, John``;
- **context**: capitalised words after a cue such as ``From:``, ``To:``,
  ``Chat with``, ``Dear``, ``Assignee:``, ``Kunde:``;
- **mail and chat titles**: the part of a window title of a mail or chat
  client (``… - Outlook``, ``… | Microsoft Teams``, ``Thunderbird``,
  ``Slack``) made of two or three capitalised words.

Postal addresses: a house number with a street word (``12 Main Street``,
``Hauptstraße 5``, ``Rue de la Loi 16``, ``Kerkstraat 12``), with a
following postal code and town when present.

Examples
--------
>>> [text for _, _, text in find_names("Inbox - John Smith - Outlook")]
['John Smith']
>>> [text for _, _, text in find_addresses("Ship to 221B Baker Street, London")]
['221B Baker Street']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["GIVEN_NAMES", "find_names", "find_addresses"]

_GIVEN = """
aaron adam adrian agnes aisha alan albert alex alexander alexandra alice alicia amanda amelie amy ana
andrea andreas andrew andrzej angela anita ann anna anne annette anton antoine antonio arjen arnaud
arthur astrid barbara bart bas bastian beata ben benjamin bernard bert bettina bob brian bruno camille
carl carla carlos carmen caroline catherine cecile celine charles charlotte chloe chris christian
christina christine christoph christopher claire clara claude claudia colin corinne daan daniel daniela
david debora dennis diana dieter dirk dominik dominique donald dorota dorothy edward elena elisabeth
elise elizabeth ella emil emily emma eric erik erika esther eva evelyn fabian fatima felix femke finn
florian francesca francesco francis francois frank franz freek frederik gabriel gabriele george gerard
gerhard gert gilles giulia giuseppe grace greta guillaume gunter hanna hannah hans harry heike heinz
helen helena helga henk henri henry herbert hugo ian ines inge ingrid irene isabel isabelle jacob jacques
jakub jan jana jane janet jasper jean jeanne jennifer jens jeroen jessica joanna joao johan johann
johanna john jonas jonathan jordi jorge jose josef joseph juan judith julia julian julie julien jurgen
justyna karel karen karin karl karolina kasper katarzyna kate katharina kathrin katrin kees kevin klaus
koen krzysztof kurt lars laura laurent lea lena leo leon lieke linda lisa liam lotte louis louise luc
luca lucas lucia lucy ludwig luis lukas maarten magdalena maja manon manuel marc marcel marco marek
margaret maria marie marieke marina mario marion mark marta martin martina mary mateusz mathieu
matthias matteo max maxime melanie michael michal michel michelle mikael monika nadia natalia nathalie
nicolas nicole niels nina noah noemi nora olga olivia olivier oskar pablo patricia patrick paul paula
paulina pawel pedro peter petra philipp philippe pierre piet piotr rachel rafael ralf rebecca renate
rene richard rik rita robert roberto robin roland rosa ruben rudolf ruth sabine sacha sam samuel sandra
sara sarah sascha sebastian simon simone sofia sophie stefan stefanie stephan stephanie steven susan
susanne sven sylvie szymon teresa thierry thomas tim tobias tom tomasz ursula valentina vera veronique
victor victoria vincent walter wendy werner willem william wim wojciech wolfgang yannick yves zofia
zuzanna ewa ahmed ali mohammed mohamed omar yusuf hiroshi yuki wei li chen ivan olena dmitri sergei
""".split()
#: Given names recognised by the name-list rule (lower case, ASCII folded).
GIVEN_NAMES = frozenset(_GIVEN)

_PARTICLES = frozenset({"van", "de", "der", "den", "von", "zu", "du", "da", "di", "del", "la", "le", "ter", "ten",
                        "dos", "das", "bin", "al", "el", "mc", "o'"})
# capitalised words that are UI vocabulary, never taken as a surname or a title-name part
_UI_WORDS = frozenset("""
inbox outbox sent drafts draft mail message messages new reply forward calendar contacts contact tasks task
file edit view help settings options search home report reports invoice invoices order orders document
documents microsoft office outlook teams slack thunderbird gmail word excel powerpoint chat chats meeting
meetings call calls channel general team project projects budget sheet untitled save open close print
customer customers support service sales finance account accounts page window tab admin dashboard
overview details summary monthly weekly annual quarterly list the and of for to in on at with from
all alle allen everyone iedereen tous todos wszyscy team marketing hr it helpdesk servicedesk klantenservice
kundenservice kundendienst vertrieb verkoop einkauf inkoop buchhaltung boekhouding comptabilité administration
administratie verwaltung personal personeelszaken noreply system
""".split())
_WORD = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:[-'’][^\W\d_]+)*")
_CUE = re.compile(r"(?i:\b(?:from|to|cc|bcc|von|an|aan|van|de|à|chat with|call with|meeting with|message from|"
                  r"dear|hi|hello|hallo|bonjour|beste|contact|employee|assignee|owner|reporter|patient|kunde|"
                  r"klant|client|candidate|applicant|manager|signed by|sent by|shared by|approved by|created by|requested by|"
                  r"assigned to|chat mit|gespräch mit|anruf von|besprechung mit|gesprek met|vergadering met|"
                  r"discussion avec|réunion avec|appel de|rozmowa z|spotkanie z|chat con|reunión con|"
                  r"sachbearbeiter(?:in)?|ansprechpartner(?:in)?|bearbeiter(?:in)?|genehmigt von|zugewiesen an|"
                  r"behandelaar|contactpersoon|toegewezen aan|interlocut(?:eur|rice)|responsable|opiekun|"
                  r"osoba kontaktowa|contacto|sehr geehrte[rs]?|liebe[rs]?|geachte|cher|chère|szanown[ay]))"
                  r"\s*[:,]?\s+"
                  r"(?:(?i:herr|frau|hr\.|fr\.|mr\.?|mrs\.?|ms\.?|miss|dr\.?|prof\.?|mevrouw|meneer|mevr\.|dhr\.|"
                  r"madame|monsieur|mme\.?|mlle\.?|m\.|pan|pani|señora?|sra?\.)\s+)*")
# a title of courtesy: the capitalised words after it are a name (Frau Dr. Hoffmann, mevrouw Verhoeven)
_HONORIFIC = re.compile(r"(?<!\w)(?i:herr|frau|hr\.|fr\.|mr\.?|mrs\.?|ms\.?|miss|dr\.|prof\.|mevrouw|meneer|"
                        r"mevr\.|dhr\.|madame|monsieur|mme\.?|mlle\.?|pan|pani|señora?|sra?\.)"
                        r"(?:\s+(?i:dr\.|prof\.))*\s+(?=[^\W\d_])")
_CLIENT_TITLE = re.compile(r"(?i:(?:^|[-|–—]\s*)(?:microsoft\s+)?(?:outlook|teams|thunderbird|slack|gmail|"
                           r"mail|evolution|signal|whatsapp|skype|zoom|contact card|contacts|people|address book)\b[^-|–—]*$)")
_SEGMENT = re.compile(r"[^-|–—:]+")


def _fold(word: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def _cap(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() and _fold(word) not in _UI_WORDS


def _name_run(text: str, pos: int, max_words: int = 3) -> tuple[int, int] | None:
    """Span of capitalised words (with particles between them) starting exactly at ``pos``."""
    start, end, count, prev = pos, None, 0, pos
    for m in _WORD.finditer(text, pos):
        if m.start() != prev and (m.start() == pos or text[prev:m.start()] not in (" ", "\u00a0")):
            break
        w = m.group(0)
        if _cap(w):
            end, count = m.end(), count + 1
            if count >= max_words:
                break
        elif end is None or _fold(w) not in _PARTICLES:
            break
        prev = m.end()
    return (start, end) if end is not None else None


def find_names(text: str, names: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, text)`` of person names found by list, cue or title structure.

    Parameters
    ----------
    text : str
    names : iterable of str
        Extra given names or full names (a directory export); matched case-insensitively.

    Examples
    --------
    >>> [t for _, _, t in find_names("Chat with Ewa Nowak | Microsoft Teams")]
    ['Ewa Nowak']
    >>> [t for _, _, t in find_names("Budget 2026 - Excel")]
    []
    """
    return sorted(set(_names(text, names)))


def _names(text: str, names: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    extra = {_fold(n) for n in names}
    full = [n for n in extra if " " in n]
    given = GIVEN_NAMES | {n for n in extra if " " not in n}
    folded = _fold(text) if full else ""
    for n in full:  # full names from a directory
        for m in re.finditer(r"(?<!\w)" + re.escape(n) + r"(?!\w)", folded):
            yield m.start(), m.end(), text[m.start():m.end()]
    for m in _WORD.finditer(text):
        w = m.group(0)
        if w[:1].isupper() and _fold(w) in given:
            run = _name_run(text, m.start())
            if run and run[1] > m.end():
                yield run[0], run[1], text[run[0]:run[1]]
            elif run:  # "Smith, John": the surname before the comma
                before = re.search(r"([^\W\d_][^\W\d_'’\-]*),\s*$", text[:m.start()])
                if before and _cap(before.group(1)):
                    yield before.start(1), m.end(), text[before.start(1):m.end()]
    for m in [*_CUE.finditer(text), *_HONORIFIC.finditer(text)]:
        run = _name_run(text, m.end())
        if run:
            # "Von: Hoffmann, Brigitte": the given name after the comma belongs to it
            after = re.match(r",\s*([^\W\d_][^\W\d_'’\-]*)(?!\w)", text[run[1]:])
            end = run[1] + after.end(1) if after and _cap(after.group(1)) else run[1]
            yield run[0], end, text[run[0]:end]
    if _CLIENT_TITLE.search(text):
        for m in _SEGMENT.finditer(text):
            seg = m.group(0)
            words = _WORD.findall(seg)
            if 2 <= len(words) <= 4 and seg.strip() == " ".join(words) and \
                    sum(_cap(w) for w in words) >= 2 and all(_cap(w) or _fold(w) in _PARTICLES for w in words):
                lead = len(seg) - len(seg.lstrip())
                s = m.start() + lead
                yield s, s + len(seg.strip()), seg.strip()


_STREET_WORDS = (r"street|st\.?|road|rd\.?|avenue|ave\.?|lane|ln\.?|drive|dr\.?|boulevard|blvd\.?|way|place|pl\.?|"
                 r"court|ct\.?|square|sq\.?|close|crescent|terrace|highway|hwy")
_STREET_SUFFIX = r"straße|strasse|str\.|straat|laan|weg|gasse|allee|platz|plein|kade|gracht|steenweg|dreef|ulica"
_STREET_PREFIX = r"rue|avenue|av\.|boulevard|bd\.?|chaussée|place|allée|impasse|quai|chemin|via|calle|ul\."
_HOUSE = r"\d{1,5}[a-zA-Z]?(?:[-/]\d{1,4}[a-zA-Z]?)?"
_TOWN = r"[^\W\d_][^\W\d_'’\-]+(?:[ -][^\W\d_][^\W\d_'’\-]+)?"
_POSTAL_TAIL = (r"(?:\s+(?i:bus|box|bte|boîte|apt\.?|app\.?|flat|suite|unit|lok\.|m\.)\s*\w{1,4})?"
                r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
                r"(?:,?\s+(?:(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?|\d{2}-\d{3})\s+" + _TOWN +
                r"|,\s+" + _TOWN + r"(?:,\s+[A-Z]{2})?,?\s+(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b)?")
_ADDRESS = re.compile(
    r"(?i:\b" + _HOUSE + r"\s+(?:[^\W\d_][^\W\d_'’\-]*\s+){1,3}(?:" + _STREET_WORDS + r"))(?!\w)" + _POSTAL_TAIL
    + r"|\b[^\W\d_][^\W\d_'’\-]*(?i:" + _STREET_SUFFIX + r")\s+" + _HOUSE + r"\b" + _POSTAL_TAIL
    + r"|(?i:\b(?:" + _STREET_PREFIX + r"))\s+(?:[^\W\d_][^\W\d_'’\-]*\s+){1,4}" + _HOUSE + r"\b" + _POSTAL_TAIL
    + r"|\b" + _HOUSE + r",?\s+(?i:" + _STREET_PREFIX + r")\s+(?:[^\W\d_][^\W\d_'’\-]*\s?){1,4}" + _POSTAL_TAIL)


def find_addresses(text: str) -> Iterator[tuple[int, int, str]]:
    """Spans of postal addresses (street and number, with postal code and town when present).

    Examples
    --------
    >>> [t for _, _, t in find_addresses("Kunde: Hauptstraße 5, 10115 Berlin")]
    ['Hauptstraße 5, 10115 Berlin']
    >>> [t for _, _, t in find_addresses("Page 5 of 12")]
    []
    """
    for m in _ADDRESS.finditer(text):
        yield m.start(), m.end(), m.group(0).rstrip()
