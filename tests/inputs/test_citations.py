"""Citations that can be checked: urls that name a page, and values that appear in (or follow from) their quote.

The rule for a sourced entry whose quote states numbers: its value, converted
to the units a quote may use (per day, week, month or year; a fraction as a
percentage), must be one of the quote's numbers (to the 1% that rounding in
prose allows: "~45,000", "45k", "1.5 million", "25-30k"), or lie within a
range the quote states ("11-12,000"), or the entry must carry a
``derivation`` that writes out the arithmetic: it names the value and at least
one of the quote's numbers.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlparse

import pint
import pytest

from model.inputs.textfiles import load_yaml
from model.inputs.spec import BY_KEY
from model.inputs.units import registry as unit_registry

from ..conftest import PARAMS

SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
WORDS = {"half": 0.5, "a third": 1 / 3, "a quarter": 0.25, "a dozen": 12.0}
#: A number as prose writes it: "45,000", "45 000", "1.5", optionally "k", "thousand", "million" or "%".
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[,\u00a0\u202f ]\d{3}(?!\d))+|\d+)(\.\d+)?"
                    r"(?:\s*(k|thousand|mn|million|bn|billion|m|%)(?![a-z]))?", re.IGNORECASE)
#: A range: "25–30k", "170-180k", "11–12,000", "40 to 42".
RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:[–-]|to)\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
                   r"\s*(k|thousand|million|m|%)?(?![a-z\d])", re.IGNORECASE)
RATE_UNITS = ("1 / day", "1 / week", "1 / month", "1 / year")


def _magnitude(digits: str, decimals: str | None) -> float:
    return float(re.sub(r"[,\u00a0\u202f ]", "", digits) + (decimals or ""))


def numbers(text: str) -> list[float]:
    """Every number the text states, in plain units (a percentage both as itself and as a fraction)."""
    found = []
    for m in NUMBER.finditer(text):
        value, suffix = _magnitude(m.group(1), m.group(2)), (m.group(3) or "").lower()
        found.append(value * SCALE.get(suffix, 1.0))
        if suffix == "%":
            found.append(value / 100)
    found += [low for low, _ in ranges(text)]  # "25–30k": the 25 is 25,000
    found += [v for word, v in WORDS.items() if re.search(rf"\b{word}\b", text, re.IGNORECASE)]
    return found


def ranges(text: str) -> list[tuple[float, float]]:
    """The ranges the text states, with a suffix or thousands written once for both ends."""
    found = []
    for m in RANGE.finditer(text):
        low, high, suffix = float(m.group(1)), _magnitude(m.group(2), None), (m.group(3) or "").lower()
        if suffix == "%":
            low, high = low / 100, high / 100
        else:
            low, high = low * SCALE.get(suffix, 1.0), high * SCALE.get(suffix, 1.0)
        if "," in m.group(2) and low < high / 100:  # "11–12,000" is 11,000 to 12,000
            low *= 10 ** round(math.log10(high / low))
        found.append((low, high))
    return found


def candidates(value: float, unit: str) -> set[float]:
    """The value in its unit and in the other units a quote may state it in."""
    quantity = unit_registry().Quantity(value, unit)
    result = {float(value)}
    if quantity.dimensionless:
        magnitude = float(quantity.to("dimensionless").magnitude)
        result |= {magnitude, magnitude * 100}
    for per in RATE_UNITS:
        for base in ("person", "RUB", ""):
            try:
                result.add(float(quantity.to(f"{base} * {per}" if base else per).magnitude))
            except pint.DimensionalityError:
                pass
    return result


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.01, abs_tol=1e-12)


def follows(value: float, unit: str, quote: str, derivation: str | None) -> bool:
    """Whether ``value`` appears in ``quote``, lies in a range it states, or ``derivation`` writes it out."""
    stated, values = numbers(quote), candidates(value, unit)
    if any(_close(n, c) for n in stated for c in values):
        return True
    if any(low <= c <= high for low, high in ranges(quote) for c in values):
        return True
    if derivation:
        shown = numbers(derivation)
        return any(_close(n, c) for n in shown for c in values) and any(_close(n, q) for n in shown for q in stated)
    return False


def _documents() -> dict[str, dict]:
    files = [PARAMS / "registry.yaml", *sorted((PARAMS / "scenarios").glob("*.yaml")),
             *sorted((PARAMS / "hindcast").glob("*.yaml")), PARAMS / "observed" / "series.yaml"]
    return {str(path.relative_to(PARAMS)): load_yaml(path.read_text(encoding="utf-8")) for path in files}


def _sourced(node, where: str = ""):
    """Every mapping with a ``url`` field, with its dotted location."""
    if isinstance(node, dict):
        if "url" in node:
            yield where, node
        for key, child in node.items():
            yield from _sourced(child, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _sourced(child, f"{where}[{i}]")


def _unit(where: str, entry: dict) -> str | None:
    """The entry's unit: its own ``unit`` field, else (an overlay's ``set.KEY`` entry) the parameter's unit."""
    if entry.get("unit"):
        return entry["unit"]
    key = where.partition(":")[2].removeprefix("set.")
    return BY_KEY[key].unit if key in BY_KEY else None


SOURCED = [(f"{name}:{where}", entry) for name, doc in _documents().items() for where, entry in _sourced(doc)]
NUMERIC = [(where, {**entry, "unit": _unit(where, entry)}) for where, entry in SOURCED
           if entry.get("quote") and isinstance(entry.get("value"), (int, float)) and _unit(where, entry)
           and entry.get("source") != "assumption" and numbers(entry["quote"])]


#: Values that do not follow from their quotes yet, each with why it is not fixed here (strict: fixing one fails).
UNRESOLVED_VALUES: dict[str, str] = {}
#: Entries with ``url: null`` that do not yet say why (strict: adding the note fails the xfail).
UNEXPLAINED_NULL_URLS: dict[str, str] = {}


def _cases(entries: list[tuple[str, dict]], known: dict[str, str]) -> list:
    """``entries`` as pytest parameters, those in ``known`` marked as strict xfails with their reason."""
    return [pytest.param(where, entry, id=where,
                         marks=[pytest.mark.xfail(strict=True, reason=known[where])] if where in known else [])
            for where, entry in entries]


def _page_path(url: str) -> str:
    """The part of a url after the host, without archive-style date folders (``/2024/07/31``)."""
    path = urlparse(url).path.strip("/")
    return "" if re.fullmatch(r"(\d{4}(/\d{1,2}){0,2})?", path) else path


def test_there_are_entries_to_check():
    assert len(SOURCED) > 50 and len(NUMERIC) > 30
    # Overlay entries omit `unit`: they are checked in their parameter's unit, not skipped.
    assert any(where.startswith(("scenarios/", "hindcast/")) for where, _ in NUMERIC)


def test_every_overlay_change_is_among_the_checked_entries():
    """The checks here see mappings with a ``url`` field: an overlay's change without one would escape them, so each
    carries its page, or ``url: null`` with a ``note`` or ``assumption`` saying why there is none."""
    checked = {where for where, _ in SOURCED}
    changes = [f"{name}:set.{key}" for name, doc in _documents().items() if name.startswith(("scenarios/", "hindcast/"))
               for key in (doc.get("set") or {})]
    missing = [where for where in changes if where not in checked]
    assert changes and not missing, f"overlay changes without a `url` field (a page, or null and why): {missing}"


def test_no_overlay_number_is_cited_to_a_quote_without_numbers():
    """A quote that states no number ("hundreds of Yemeni mercenaries") cannot be a value's source; the value is
    then a judgement: ``source: assumption`` with its reasoning, the quote kept as context."""
    wordy = [where for where, entry in SOURCED if where.startswith(("scenarios/", "hindcast/"))
             and isinstance(entry.get("value"), (int, float)) and not isinstance(entry.get("value"), bool)
             and entry.get("source") != "assumption" and entry.get("quote") and not numbers(entry["quote"])]
    assert not wordy, f"numbers cited to quotes that state none (make them assumptions): {wordy}"


@pytest.mark.parametrize("where, entry", _cases(SOURCED, dict.fromkeys(
    UNEXPLAINED_NULL_URLS, "url: null with neither `note` nor `assumption` saying why; for the data's maintainers")))
def test_a_missing_url_is_explained(where, entry):
    if entry["url"] is None:
        assert entry.get("note") or entry.get("assumption"), (
            f"{where}: url is null; add a `note` or an `assumption` saying why there is no page to cite")


@pytest.mark.parametrize("where, entry", SOURCED, ids=[w for w, _ in SOURCED])
def test_a_url_names_a_page_not_a_site(where, entry):
    url = entry["url"]
    if url is None:
        return
    parts = urlparse(url)
    assert parts.scheme in ("http", "https") and parts.netloc, url
    assert _page_path(url), f"{where}: {url} is a site or a date folder, not the page the quote comes from"


@pytest.mark.parametrize("where, entry", _cases(NUMERIC, UNRESOLVED_VALUES))
def test_the_value_appears_in_or_follows_from_its_quote(where, entry):
    assert follows(float(entry["value"]), entry["unit"], entry["quote"], entry.get("derivation")), (
        f"{where}: {entry['value']} {entry['unit']} is not among the numbers of its quote {entry['quote']!r}; "
        "correct the value or the quote, or add a `derivation` that writes out the arithmetic")


@pytest.mark.parametrize("value, unit, quote, derivation, expected", [
    (45000, "person / month", "more than 45,000 casualties", None, True),
    (45000, "person / month", "45 000 a month", None, True),
    (45000, "person / month", "45k", None, True),
    (1.5e6, "person", "1.5 million", None, True),
    (1500, "person / day", "about 45,650 a month", None, True),  # per day in the entry, per month in prose
    (0.97, "dimensionless", "97% go back", None, True),
    (27000, "person / month", "25–30k/month", None, True),
    (11500, "person", "11–12,000 in Russia", None, True),
    (0.5, "dimensionless", "roughly half of all casualties", None, True),
    (50000, "person / month", "more than 45,000 casualties", None, False),
    (996000, "RUB", "400,000 rub; 596,000 rub", None, False),
    (996000, "RUB", "400,000 rub; 596,000 rub", "400,000 + 596,000 = 996,000", True),
    (996000, "RUB", "400,000 rub; 596,000 rub", "the sum of the two", False),  # a derivation must show its numbers
    (996000, "RUB", "400,000 rub; 596,000 rub", "1 + 2 = 996,000", False),  # ... taken from the quote
])
def test_the_rule_on_prose_numbers(value, unit, quote, derivation, expected):
    assert follows(value, unit, quote, derivation) is expected


@pytest.mark.parametrize("url, page", [
    ("https://kyivindependent.com", False), ("https://themoscowtimes.com/", False),
    ("https://www.themoscowtimes.com/2024/07/31", False),
    ("https://tass.com/politics/1529415", True), ("https://zona.media/translate/2024/04/12/record", True),
])
def test_the_rule_on_urls(url, page):
    assert bool(_page_path(url)) is page

