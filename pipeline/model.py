"""The one document model every stage reads and writes.

All offsets are half-open character offsets into `Document.text` (the cleaned text we emit).
`Document.match_text` is a same-length view of it with full-width digits, letters and
punctuation folded to ASCII, so recognizers match on one alphabet while offsets stay valid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class Token:
    word: str
    start: int
    end: int
    pos: str = ""


@dataclass
class Paragraph:
    start: int
    end: int
    kind: str  # title | subtitle | lead | byline | heading | body | caption


@dataclass
class Byline:
    reporters: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # 记者 / 通讯员 / 摄影 per reporter
    reporter_spans: list[tuple[int, int]] = field(default_factory=list)
    outlet: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class ReferenceDate:
    """The date year-less and relative expressions resolve against.

    granularity says how much of `value` is known: "day", or "year" when only the year
    was inferred (then day-relative words such as 昨天 stay unresolved).
    """
    value: date | None = None
    basis: str = "none"  # given | metadata | inferred | none
    evidence: str | None = None
    granularity: str | None = None  # day | year | None


@dataclass
class Figure:
    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: str  # money | count | percent | measure | duration | other
    qualifier: str = "exact"  # exact over under approx at_least at_most range
    value_max: float | None = None
    currency: str | None = None
    subject: str | None = None
    scope: str = "total"  # total | per_unit
    rule: str = ""
    id: str = ""


@dataclass
class DateFact:
    start: int
    end: int
    text: str
    value_start: str | None  # inclusive ISO day, None when unresolved
    value_end: str | None
    granularity: str  # day | month | year | period | unknown
    kind: str = "absolute"  # absolute | relative | festival | span | dateline
    rule: str = ""
    reason: str | None = None  # why value is None
    id: str = ""


@dataclass
class Mention:
    start: int
    end: int
    text: str


@dataclass
class Role:
    title: str
    org: str | None
    start: int
    end: int
    text: str
    rule: str = ""


@dataclass
class Person:
    name: str
    mentions: list[Mention] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    rule: str = ""
    id: str = ""


@dataclass
class Organization:
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    kind: str = "organization"  # organizations: company | government | organization; places: location
    id: str = ""


@dataclass
class Event:
    type: str
    trigger: Mention
    sentence: tuple[int, int]
    date_id: str | None = None
    actors: list[str] = field(default_factory=list)  # ids of people / organizations
    targets: list[str] = field(default_factory=list)  # ids or phrases as written
    figure_ids: list[str] = field(default_factory=list)
    location: str | None = None
    carried: list[str] = field(default_factory=list)
    rule: str = ""
    id: str = ""


@dataclass
class Document:
    article_id: str
    source: str
    raw: str
    text: str = ""
    match_text: str = ""
    title: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    cleaning: list[dict] = field(default_factory=list)
    byline: Byline = field(default_factory=Byline)
    reference: ReferenceDate = field(default_factory=ReferenceDate)
    tokens: list[Token] = field(default_factory=list)
    # tokens[i].start and tokens[i].end as flat lists, filled by segment with the tokens (for bisect);
    # read them through token_offsets(), which rebuilds them when tokens were set some other way
    token_starts: list[int] = field(default_factory=list)
    token_ends: list[int] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    dates: list[DateFact] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    locations: list[Organization] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)  # roles naming no person
    events: list[Event] = field(default_factory=list)

    def token_offsets(self) -> tuple[list[int], list[int]]:
        """(starts, ends) of `tokens`, cached in token_starts / token_ends."""
        if len(self.token_starts) != len(self.tokens) or len(self.token_ends) != len(self.tokens):
            self.token_starts = [t.start for t in self.tokens]
            self.token_ends = [t.end for t in self.tokens]
        return self.token_starts, self.token_ends
