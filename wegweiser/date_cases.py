"""Case endings joined to a written date, where a language joins them to the word (Georgian).

Georgian answers put the case ending after a placeholder: "{reag_bamf_since}-დან" (from), "{date}-ის
მდგომარეობით" (as of), "{checked}-ს" (on). Babel writes the date ("2025 წლის 13 იანვარი", see
wegweiser/render.py), so the template alone would give "13 იანვარი-დან"; a Georgian writes the ending into
the month: "13 იანვრიდან", "იანვრის", "13 იანვარს". Only a month name written right after a day or "წლის"
(a date, not the word in a sentence) is changed.
"""
from __future__ import annotations

import re

#: nominative -> (stem for -იდან/-ის/-ამდე, with the vowel dropped as Georgian drops it; stem for -ს/-ში)
_GEORGIAN_MONTHS = {
    "იანვარი": ("იანვრ", "იანვარ"), "თებერვალი": ("თებერვლ", "თებერვალ"), "მარტი": ("მარტ", "მარტ"),
    "აპრილი": ("აპრილ", "აპრილ"), "მაისი": ("მაის", "მაის"), "ივნისი": ("ივნის", "ივნის"),
    "ივლისი": ("ივლის", "ივლის"), "აგვისტო": ("აგვისტო", "აგვისტო"), "სექტემბერი": ("სექტემბრ", "სექტემბერ"),
    "ოქტომბერი": ("ოქტომბრ", "ოქტომბერ"), "ნოემბერი": ("ნოემბრ", "ნოემბერ"), "დეკემბერი": ("დეკემბრ", "დეკემბერ"),
}
_GEORGIAN_DATE_ENDING = re.compile(
    r"(?:(?<=\d )|(?<=წლის ))(" + "|".join(_GEORGIAN_MONTHS) + r")-(იდან|დან|ის|ს|ამდე|მდე|ში)(?![\u10d0-\u10ff])")


def _georgian(match: "re.Match[str]") -> str:
    short, full = _GEORGIAN_MONTHS[match.group(1)]
    case = match.group(2)
    vowel = short.endswith("ო")
    if case in ("იდან", "დან"):
        return short + ("დან" if vowel else "იდან")
    if case == "ის":
        return short + ("ს" if vowel else "ის")
    if case in ("ამდე", "მდე"):
        return short + ("მდე" if vowel else "ამდე")
    return full + case  # -ს, -ში: "13 იანვარს", "იანვარში"


def join_date_endings(text: str, language: str) -> str:
    """`text` with case endings written into the dates it holds, in the languages that do that."""
    if language == "ka" and "-" in text:
        return _GEORGIAN_DATE_ENDING.sub(_georgian, text)
    return text
