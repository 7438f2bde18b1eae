"""Statistics Finland's classification of wellbeing services counties (Hyvinvointialueet
2023, classification key 01–21, with Helsinki 90 and Åland 91; the official names in Finnish,
Swedish and English), as the API's JSON-stat codes regions (StatFin's tables write the code
with the prefix HVA, e.g. HVA12), and the former regions (maakunnat) each county continues.

Source: Tilastokeskus, luokitukset, Hyvinvointialueet 2023 (hyvinvointialue_1_20230101)."""

from typing import NamedTuple


class County(NamedTuple):
    fi: str
    sv: str
    en: str


COUNTIES: dict[str, County] = {
    "01": County("Itä-Uudenmaan hyvinvointialue", "Östra Nylands välfärdsområde",
                 "East Uusimaa wellbeing services county"),
    "02": County("Keski-Uudenmaan hyvinvointialue", "Mellersta Nylands välfärdsområde",
                 "Central Uusimaa wellbeing services county"),
    "03": County("Länsi-Uudenmaan hyvinvointialue", "Västra Nylands välfärdsområde",
                 "West Uusimaa wellbeing services county"),
    "04": County("Vantaan ja Keravan hyvinvointialue", "Vanda och Kervo välfärdsområde",
                 "Vantaa and Kerava wellbeing services county"),
    "05": County("Varsinais-Suomen hyvinvointialue", "Egentliga Finlands välfärdsområde",
                 "Southwest Finland wellbeing services county"),
    "06": County("Satakunnan hyvinvointialue", "Satakunta välfärdsområde",
                 "Satakunta wellbeing services county"),
    "07": County("Kanta-Hämeen hyvinvointialue", "Egentliga Tavastlands välfärdsområde",
                 "Kanta-Häme wellbeing services county"),
    "08": County("Pirkanmaan hyvinvointialue", "Birkalands välfärdsområde",
                 "Pirkanmaa wellbeing services county"),
    "09": County("Päijät-Hämeen hyvinvointialue", "Päijänne-Tavastlands välfärdsområde",
                 "Päijät-Häme wellbeing services county"),
    "10": County("Kymenlaakson hyvinvointialue", "Kymmenedalens välfärdsområde",
                 "Kymenlaakso wellbeing services county"),
    "11": County("Etelä-Karjalan hyvinvointialue", "Södra Karelens välfärdsområde",
                 "South Karelia wellbeing services county"),
    "12": County("Etelä-Savon hyvinvointialue", "Södra Savolax välfärdsområde",
                 "South Savo wellbeing services county"),
    "13": County("Pohjois-Savon hyvinvointialue", "Norra Savolax välfärdsområde",
                 "North Savo wellbeing services county"),
    "14": County("Pohjois-Karjalan hyvinvointialue", "Norra Karelens välfärdsområde",
                 "North Karelia wellbeing services county"),
    "15": County("Keski-Suomen hyvinvointialue", "Mellersta Finlands välfärdsområde",
                 "Central Finland wellbeing services county"),
    "16": County("Etelä-Pohjanmaan hyvinvointialue", "Södra Österbottens välfärdsområde",
                 "South Ostrobothnia wellbeing services county"),
    "17": County("Pohjanmaan hyvinvointialue", "Österbottens välfärdsområde",
                 "Ostrobothnia wellbeing services county"),
    "18": County("Keski-Pohjanmaan hyvinvointialue", "Mellersta Österbottens välfärdsområde",
                 "Central Ostrobothnia wellbeing services county"),
    "19": County("Pohjois-Pohjanmaan hyvinvointialue", "Norra Österbottens välfärdsområde",
                 "North Ostrobothnia wellbeing services county"),
    "20": County("Kainuun hyvinvointialue", "Kajanalands välfärdsområde",
                 "Kainuu wellbeing services county"),
    "21": County("Lapin hyvinvointialue", "Lapplands välfärdsområde",
                 "Lapland wellbeing services county"),
    "90": County("Helsingin kaupunki", "Helsingfors stad", "City of Helsinki"),
    "91": County("Ahvenanmaa", "Åland", "Åland"),
}
CHOICES = [(code, f"{code} {county.fi}") for code, county in COUNTIES.items()]

# The region (maakunta) each county continues, by the region's official code and Finnish
# name. Uusimaa (01) is four counties and Helsinki, so it has no county of its own here.
FORMER_REGIONS: dict[tuple[str, str], str] = {
    ("02", "Varsinais-Suomi"): "05", ("04", "Satakunta"): "06", ("05", "Kanta-Häme"): "07",
    ("06", "Pirkanmaa"): "08", ("07", "Päijät-Häme"): "09", ("08", "Kymenlaakso"): "10",
    ("09", "Etelä-Karjala"): "11", ("10", "Etelä-Savo"): "12", ("11", "Pohjois-Savo"): "13",
    ("12", "Pohjois-Karjala"): "14", ("13", "Keski-Suomi"): "15",
    ("14", "Etelä-Pohjanmaa"): "16", ("15", "Pohjanmaa"): "17",
    ("16", "Keski-Pohjanmaa"): "18", ("17", "Pohjois-Pohjanmaa"): "19",
    ("18", "Kainuu"): "20", ("19", "Lappi"): "21", ("21", "Ahvenanmaa"): "91",
}


def county_for_region(code: str, name: str) -> str:
    """The county code a former region continues, or "" when the code and name are not
    one of those regions."""
    return FORMER_REGIONS.get((code, name), "")


def county_name(code: str, lang: str) -> str:
    county = COUNTIES[code]
    return {"sv": county.sv, "en": county.en}.get(lang, county.fi)
