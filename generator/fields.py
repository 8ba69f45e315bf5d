# The kinds of text, date and web address that fields of the data are made of, with
# the rules and length limits each kind keeps (listed in data/README.md). Every
# string in data/ is already free of control and invisible characters (sources.py);
# these types add what differs per field: a line (a title, a name) holds no line
# break or tab, a text may hold paragraphs; none is blank. The limits keep a
# careless or hostile file from making pages of megabytes. Imported by evidence.py
# and model.py; imports nothing of the package.
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, Strict, StrictStr

MAX_LINE = 300  # a title, name, label or unit; the longest today is 128
MAX_NOTE = 5_000  # a note: a paragraph or a few; the longest today is 1,100
MAX_TEXT = 20_000  # a commitment's text, a description (sources.MAX_STRING for any string)
MAX_CELL = 1_000  # text in a table cell; the longest today is 185
MAX_URL = 2_000  # a web address; browsers and servers refuse much longer ones
MAX_ID = 100  # an id or slug: it becomes part of a file name (at most 255 bytes)

# One line that is not blank: no line break or tab, at least one visible character.
LINE_PATTERN = r"^[^\n\t]*\S[^\n\t]*$"
# Text that is not blank (it may hold line breaks: paragraphs, bullets).
TEXT_PATTERN = r"\S"
# A web address that can be linked as it is (formatting.url_link checks it again
# before it prints a link): no spaces, quotes or angle brackets.
# Written so that ECMA-262 in unicode mode (the JSON Schema's validators) reads it too:
# no needless escape before the double quote.
URL_PATTERN = "^https?://[^\\s<>\"']+$"

Line = Annotated[StrictStr, Field(min_length=1, max_length=MAX_LINE, pattern=LINE_PATTERN)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT, pattern=TEXT_PATTERN)]
Note = Annotated[StrictStr, Field(min_length=1, max_length=MAX_NOTE, pattern=TEXT_PATTERN)]
CellText = Annotated[StrictStr, Field(max_length=MAX_CELL, pattern=r"^[^\n\t]*$")]
Url = Annotated[StrictStr, Field(max_length=MAX_URL, pattern=URL_PATTERN)]
# A date as YAML writes it (2023-12-31); strict, so a number such as a Unix time
# (1669852800) or quoted text is refused rather than converted.
Date = Annotated[dt.date, Strict()]
