"""Fills the Dutch catalogue from the extracted template strings: ``make messages`` runs this after
``pybabel extract``; a string without a Dutch text here stays untranslated (shown in English) and is listed."""

import sys

from babel.messages.pofile import read_po, write_po

NL = {
    "Outlet": "Medium", "all": "alle", "unknown outlet": "onbekend medium", "Language": "Taal",
    "mentioning": "over", "remove": "weghalen", "Filter": "Filteren", "Following": "Gevolgd",
    "Could not follow": "Volgen lukte niet", "The server token (STORYLINE_TOKEN) to follow:":
    "Het token van de server (STORYLINE_TOKEN) om te volgen:",
    "Get an alert when this gets a new event, quote or disagreement":
    "Een melding bij een nieuwe gebeurtenis, uitspraak of tegenstrijdigheid", "Follow": "Volgen",
    "Whole period": "Hele periode", "Latest week": "Laatste week", "Latest day": "Laatste dag",
    "week before": "week ervoor", "week after": "week erna", "From": "Van", "to": "tot", "Show": "Tonen",
    "showing %(first)s–%(last)s of %(total)s": "%(first)s–%(last)s van %(total)s",
    "previous": "vorige", "next": "volgende", "Sort:": "Sorteren:",
    ("%(num)s article", "%(num)s articles"): ("%(num)s artikel", "%(num)s artikelen"),
    ("%(num)s copy", "%(num)s copies"): ("%(num)s kopie", "%(num)s kopieën"),
    ("%(num)s event", "%(num)s events"): ("%(num)s gebeurtenis", "%(num)s gebeurtenissen"),
    ("%(num)s storyline", "%(num)s storylines"): ("%(num)s verhaallijn", "%(num)s verhaallijnen"),
    ("%(num)s independent outlet", "%(num)s independent outlets"): ("%(num)s onafhankelijk medium",
                                                                    "%(num)s onafhankelijke media"),
    ("%(num)s outlet", "%(num)s outlets"): ("%(num)s medium", "%(num)s media"),
    ("+%(num)s copy", "+%(num)s copies"): ("+%(num)s kopie", "+%(num)s kopieën"),
    ("%(num)s more", "%(num)s more"): ("nog %(num)s", "nog %(num)s"),
    ("%(num)s matching article", "%(num)s matching articles"): ("%(num)s gevonden artikel",
                                                                "%(num)s gevonden artikelen"),
    ("%(num)s match", "%(num)s matches"): ("%(num)s treffer", "%(num)s treffers"),
    "articles in the 7 days before the period end": "artikelen in de 7 dagen voor het eind van de periode",
    "this week": "deze week", "ranking score: see the About the ranking note":
    "score voor de rangorde: zie Over de rangorde", "source": "bron", "undated": "zonder datum",
    "copy of": "kopie van", "event": "gebeurtenis", "more like this": "meer zoals dit", "original": "origineel",
    "More like this": "Meer zoals dit", "Storylines": "Verhaallijnen", "Events": "Gebeurtenissen",
    "Entities": "Namen", "Quotes": "Uitspraken", "Figures": "Cijfers", "Outlets": "Media",
    "Search stories, people, articles": "Zoek verhalen, mensen, artikelen", "Search": "Zoeken",
    "People, places and organisations": "Mensen, plaatsen en organisaties", "people": "mensen",
    "places": "plaatsen", "organisations": "organisaties", "other": "overig", "size": "omvang",
    "recent": "nieuwste", "sources": "bronnen", "Name": "Naam", "Type": "Soort", "Articles": "Artikelen",
    "Period": "Periode", "events": "gebeurtenissen", "quotes": "uitspraken", "Also written:": "Ook geschreven:",
    "Articles per week": "Artikelen per week",
    "Articles mentioning this entity per week": "Artikelen per week die deze naam noemen",
    "Events over time": "Gebeurtenissen in de tijd", "all events": "alle gebeurtenissen",
    "No quotes.": "Geen uitspraken.", "Often together with": "Vaak samen met", "None.": "Geen.",
    "Event": "Gebeurtenis", "part of": "deel van", "Summary": "Samenvatting",
    "No citable sentences.": "Geen citeerbare zinnen.", "Sources": "Bronnen",
    "Speaker not identified": "Spreker onbekend", "direct": "letterlijk", "indirect": "indirect",
    "No quotes with a confident speaker.": "Geen uitspraken met een zekere spreker.", "What": "Wat",
    "Value": "Waarde", "Reported by": "Gemeld door", "As of": "Per", "Article": "Artikel",
    "Sources disagree": "Bronnen spreken elkaar tegen", "No figures found.": "Geen cijfers gevonden.",
    "Who and where": "Wie en waar", "No entities found.": "Geen namen gevonden.", "Map": "Kaart",
    "Map of the places in this event": "Kaart van de plaatsen in deze gebeurtenis", "None found.": "Niets gevonden.",
    "Reported figures": "Gemelde cijfers", "largest": "grootste", "disputed first": "betwist eerst",
    "Date": "Datum", "article": "artikel", "What matters": "Wat er speelt",
    "%(articles)s articles stored; %(storylines)s storylines and %(events)s events of at least two reports in "
    "this period.": "%(articles)s artikelen opgeslagen; %(storylines)s verhaallijnen en %(events)s gebeurtenissen "
    "met minstens twee berichten in deze periode.",
    "Alerts": "Meldingen", "Top storylines": "Belangrijkste verhaallijnen",
    "No storyline of at least two reports in this period.": "Geen verhaallijn met minstens twee berichten in deze "
    "periode.", "Top events": "Belangrijkste gebeurtenissen",
    "No event of at least two reports in this period.": "Geen gebeurtenis met minstens twee berichten in deze "
    "periode.", "Latest articles": "Nieuwste artikelen", "About the ranking": "Over de rangorde",
    "Score = (A + 2·(O − 1) + 1.5·G24 + 0.5·G7) · 0.5^(age/H): A articles that are not copies, O independent "
    "outlets, G24 and G7 articles in the last day and week before the end of the period, age in days from the "
    "newest article to the end of the period (the newest date in the store when no period is chosen), H seven days "
    "or a quarter of the period when that is longer. Items of a single article, and opinion and rubric pieces, are "
    "left out.":
    "Score = (A + 2·(O − 1) + 1,5·G24 + 0,5·G7) · 0,5^(leeftijd/H): A artikelen die geen kopie zijn, O "
    "onafhankelijke media, G24 en G7 artikelen in de laatste dag en week voor het eind van de periode, leeftijd in "
    "dagen van het nieuwste artikel tot het eind van de periode (de nieuwste datum in de opslag als er geen periode "
    "is gekozen), H zeven dagen of een kwart van de periode als dat langer is. Onderwerpen van één artikel, en "
    "opinie- en rubriekstukken, tellen niet mee.",
    "The summary is being written…": "De samenvatting wordt geschreven…", "wait for it": "erop wachten",
    "what matters": "wat er speelt", "Nothing matches these filters.": "Niets voldoet aan deze filters.",
    "Copies": "Kopieën", "Who said what": "Wie zei wat", "most reported": "vaakst gemeld",
    "More like %(id)s": "Meer zoals %(id)s", "for": "voor", "copies folded": "kopieën samengevouwen",
    "more": "meer", "Close in meaning": "Verwant in betekenis", "Storyline": "Verhaallijn",
    "First headline:": "Eerste kop:", "People": "Mensen", "Places": "Plaatsen", "Organisations": "Organisaties",
    "Timeline": "Tijdlijn", "one mark per week": "één punt per week", "one mark per day": "één punt per dag",
    "per day": "per dag", "per week": "per week", "Timeline of the storyline": "Tijdlijn van de verhaallijn",
    "No dated events to draw.": "Geen gedateerde gebeurtenissen om te tekenen.",
    "Figures over time": "Cijfers in de tijd", "Related storylines": "Verwante verhaallijnen",
}


def main(pot: str, po: str) -> int:
    with open(pot, "rb") as fh:
        catalog = read_po(fh, locale="nl")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        text = NL.get(message.id if isinstance(message.id, str) else tuple(message.id))
        if text is None:
            missing.append(message.id)
            continue
        message.string = text
    catalog.language_team = "Storyline"
    with open(po, "wb") as fh:
        write_po(fh, catalog, omit_header=False, width=120)
    for m in missing:
        print("untranslated:", m, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
