"""Regenerate the derived reference data: ``regions.csv`` and ``codes/country.csv``.

Run with ``make refresh-data``. This script is a maintenance tool, not part of the standard's runtime:
it reads two public sources through dev-only packages and writes plain CSV files that the standard
loads with the standard library alone.

- ``regions.csv`` (GB/T 2260 administrative divisions, with the years each code was in use) comes from
  python-stdnum's ``cn/loc.dat``, itself compiled from the Wikipedia lists of division codes. We keep the
  years only to tell "known, since abolished" from "never seen"; the validator never compares them with a
  birth year (an ID's region is the code when the card was issued, not at birth).
- ``codes/country.csv`` (ISO 3166-1 alpha-3, the basis of GB/T 2659) comes from pycountry with its
  Simplified Chinese translations, with the mainland convention for Hong Kong, Macao and Taiwan.
"""

from __future__ import annotations

import csv
import gettext
import re
from importlib import resources
from pathlib import Path

HERE = Path(__file__).parent
COUNTRY_NAME_OVERRIDES = {"HKG": "中国香港", "MAC": "中国澳门", "TWN": "中国台湾"}
_PERIOD = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.*)$")


def region_rows(loc_dat: str) -> list[tuple[str, str, str, str]]:
    """Parse stdnum's ``loc.dat`` into (code, name, first year, last year) rows."""
    rows: list[tuple[str, str, str, str]] = []
    province = ""
    for line in loc_dat.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, rest = line.strip().partition(" ")
        names = re.findall(r'(?:province|county)="([^"]*)"', rest)
        if not line.startswith(" "):
            province = key
            rows.append((f"{province}0000", names[0], "", ""))
            continue
        code = province + key
        for entry in names[0].split(","):
            period = _PERIOD.match(entry)
            if period:
                rows.append((code, period["name"], period["start"] or "", period["end"] or ""))
            else:
                rows.append((code, entry, "", ""))
    return sorted(set(rows))


def country_rows() -> list[tuple[str, str, str]]:
    """ISO 3166-1 countries as (alpha-3 code, Chinese name, English name)."""
    import pycountry

    chinese = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    rows = []
    for country in pycountry.countries:
        name_zh = COUNTRY_NAME_OVERRIDES.get(country.alpha_3, chinese.gettext(country.name))
        rows.append((country.alpha_3, name_zh, country.name))
    return sorted(rows)


def main() -> None:
    """Write both files next to this script."""
    loc_dat = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    with (HERE / "regions.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name", "first_year", "last_year"])
        writer.writerows(region_rows(loc_dat))
    with (HERE / "codes" / "country.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "label", "label_en", "aliases"])
        for code, name_zh, name_en in country_rows():
            aliases = "中华人民共和国|CN|PRC" if code == "CHN" else ""
            writer.writerow([code, name_zh, name_en, aliases])


if __name__ == "__main__":
    main()
