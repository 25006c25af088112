"""Reading a report of the UPR Working Group from its raw text: header facts and the numbered
recommendation paragraphs with the response group each chapeau puts them in.

The raw texts (UN reports extracted to text) come in any encoding and line-end convention, all
on one line or wrapped anywhere: the text is decoded (:mod:`kg.importers.text`) and whitespace
runs are collapsed before parsing. Recommendations sit after the second heading "Conclusions
and/or recommendations" (the first is in the table of contents) as sub-paragraphs of numbered
chapeau paragraphs (``95. The recommendations ... enjoy the support of Kazakhstan:``), numbered
``95.1``, ``95.1.`` or just ``1.``; each ends with the recommending States in parentheses.

>>> response_group("The following recommendations will be examined by Kazakhstan")
'to-be-examined'
>>> recommending_states("Ratify OPCAT (Spain); consider ratifying it (Czech Republic).")
['Spain', 'Czech Republic']
>>> segments("Ratify the Convention (CRPD) (Egypt);")
[('Ratify the Convention (CRPD)', ['Egypt'])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.importers.text import decode, line_ends, read_bytes

HEADING = "Conclusions and/or recommendations"
MONTHS = "January February March April May June July August September October November December"
ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth"
).split()
#: Chapeau wording -> response group key (first match wins; ``data/turtle/README.md``).
GROUPS: tuple[tuple[str, str], ...] = (
    (r"did not enjoy the support|do not enjoy the support|not supported", "not-supported"),
    (r"will be examined|to be examined|examined later", "to-be-examined"),
    (r"already (?:been )?implemented", "already-implemented"),
    (r"in the process of (?:being )?implement", "being-implemented"),
    (r"enjoy(?:s)? (?:the|its) support", "supported"),
)
_DATE = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS.split())}) (\d{{4}})\b")
_CHAPEAU = re.compile(r"(?<![\d.])(\d{2,3})\. ((?:The|These) (?:[\w-]+ ){0,3}recommendations\b)")
_PAREN = r"\((?:[^()]|\([^()]*\))+\)"
_SEGMENT = re.compile(rf"(.*?)((?:{_PAREN}\s*)+)(?:;|\.|$)")
_FOOTNOTE = re.compile(r"([;)])\d{1,2}(?=[ ;.]|$)")
_LAST = re.compile(r"\)\.(?= |$)")
#: A name in capitals, digits, hyphens and spaces ("CEDAW", "ICCPR-OP 2"): before the last
#: parenthesised group, a treaty or body abbreviated, not a recommending State.
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]*(?:[- ][A-Z0-9]+)*")


@dataclass(frozen=True)
class Paragraph:
    """One recommendation paragraph: number as printed (``95.102``), text, recommending States
    (as the report names them), response group key and the chapeau's own words."""

    number: str
    text: str
    states: tuple[str, ...]
    group: str
    chapeau: str


@dataclass
class ReportText:
    """What the raw text of a report says: encoding, line ends, the text, header facts (``None``
    where the text does not say) and the recommendation paragraphs."""

    encoding: str
    line_ends: str
    text: str
    date: str | None = None
    session: int | None = None
    previous_symbol: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)

    def prints(self, words: str) -> bool:
        """Whether the report's first page prints ``words`` (e.g. its symbol)."""
        return words in self.text[:1500]


def read_report(path: str | Path) -> ReportText:
    """The facts and recommendation paragraphs of the report text at ``path``.

    :raises InputError: if the file cannot be read or holds no recommendation paragraph.
    """
    decoded = decode(read_bytes(path))
    text = " ".join(decoded.text.split())
    report = ReportText(decoded.encoding, line_ends(decoded.text), text)
    date = _DATE.search(text[:1500])
    if date:
        day, month, year = date.groups()
        report.date = f"{year}-{MONTHS.split().index(month) + 1:02d}-{int(day):02d}"
    session = re.search(r"held its ([\w-]+) session", text)
    if session and session.group(1).lower() in ORDINALS:
        report.session = ORDINALS.index(session.group(1).lower()) + 1
    previous = re.search(r"[Pp]reviously issued under document symbol (\S+?)\.? ", text[:2000])
    report.previous_symbol = previous.group(1) if previous else None
    report.paragraphs = paragraphs(text)
    if not report.paragraphs:
        raise InputError(f"{path}: no numbered recommendation paragraph after '{HEADING}'")
    return report


def paragraphs(text: str) -> list[Paragraph]:
    """The recommendation paragraphs of a whitespace-collapsed report text."""
    start = text.find(HEADING, text.find(HEADING) + 1)
    if start < 0:
        return []
    section = text[start:]
    chapeaux = [m for m in _CHAPEAU.finditer(section)]
    out: list[Paragraph] = []
    for index, match in enumerate(chapeaux):
        end = chapeaux[index + 1].start() if index + 1 < len(chapeaux) else len(section)
        out += _group(section[match.start() : end], int(match.group(1)))
    return out


def _group(text: str, number: int) -> list[Paragraph]:
    """The sub-paragraphs of chapeau paragraph ``number`` (``text`` starts with it).

    Item ``k`` runs to the label of item ``k + 1``; the last item ends at the first ``).``
    (the recommending States closing the group's last recommendation)."""
    text = _FOOTNOTE.sub(r"\1", text)
    prefixed = re.search(rf"(?<![\d.]){number}\.1\.? ", text)
    first = prefixed or re.search(r"(?<=[:.]) 1\. ", text)
    if first is None:
        return []
    chapeau = text[: first.start()].strip()
    group = response_group(chapeau)
    if group is None:
        return []
    items: list[Paragraph] = []
    start, k = first.end(), 1
    while True:
        label = rf"(?<![\d.]){number}\.{k + 1}\.? " if prefixed else rf"(?<=[;.)]) {k + 1}\. "
        after = re.compile(label).search(text, start)
        if after is None:
            ends = [m.end() for m in (_LAST.search(text, start),) if m]
            closing = re.compile(rf"(?<=[;.)]) {number + 1}\. ").search(text, start)
            body = text[start : min([*ends, closing.start() if closing else len(text)])]
            items.append(_paragraph(f"{number}.{k}", body, group, chapeau))
            return items
        items.append(_paragraph(f"{number}.{k}", text[start : after.start()], group, chapeau))
        start, k = after.end(), k + 1


def _paragraph(number: str, body: str, group: str, chapeau: str) -> Paragraph:
    body = body.strip()
    return Paragraph(number, body, tuple(recommending_states(body)), group, chapeau)


def response_group(chapeau: str) -> str | None:
    """The response group key the chapeau's words give (:data:`GROUPS`), or ``None``."""
    for pattern, key in GROUPS:
        if re.search(pattern, chapeau, re.I):
            return key
    return None


def segments(text: str) -> list[tuple[str, list[str]]]:
    """Each recommendation of a paragraph's text with the States named in the parentheses that
    close it (one or more groups: "(Czech Republic) (Switzerland)"; nested parentheses kept:
    "Iran (Islamic Republic of)"). A group of abbreviations before the last group ("the
    Convention (CRPD) (Egypt)") belongs to the recommendation's text; the last group always
    names States (once as "(USA)")."""
    out = []
    for match in _SEGMENT.finditer(text):
        groups = re.findall(_PAREN, match.group(2))
        while len(groups) > 1 and _abbreviations(groups[0]):
            groups.pop(0)
        names: list[str] = []
        for group in groups:
            names += _names(group)
        ask = match.group(1) + match.group(2)[: match.group(2).index(groups[0])]
        out.append((ask.strip(), names))
    return out


def _names(group: str) -> list[str]:
    return [n.strip() for n in re.split(r",\s*", group[1:-1]) if n.strip()]


def _abbreviations(group: str) -> bool:
    return all(_ACRONYM.fullmatch(name) for name in _names(group))


def recommending_states(text: str) -> list[str]:
    """The States named in the parentheses that close each recommendation of ``text``."""
    names: list[str] = []
    for _, states in segments(text):
        names += [name for name in states if name not in names]
    return names
