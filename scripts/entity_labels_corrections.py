"""The reading corrections that turned the system's draft into the entity dev labels (an audit trail).

    python scripts/preannotate_entities.py src/storyline/eval/labels/dpg-dev-entities-ids.json draft.jsonl
    python scripts/entity_labels_corrections.py draft.jsonl dpg-dev-entities.jsonl

The draft must come from the code of commit 607cacd (the edits name its spans and entity names).
"""
import json, re, sys
from storyline.eval.dpg import read_articles
from storyline.settings import data_dir
TEXTS = {k: v['text'] for k, v in read_articles(data_dir() / 'dpgmedia2019-partisan-nl').items()}
rows = [json.loads(l) for l in open(sys.argv[1])]
draft_ents = rows[-1]['entities']
docs = {r['id']: r for r in rows[:-1]}

# global renames: draft entity -> gold entity (identity; demonyms/adjectives -> their place)
RENAME = {
 'Forum': 'Forum voor Democratie', 'EU': 'Europese Unie', 'The Netherlands': 'Nederland', 'Nederlandse': 'Nederland',
 'Nederlandse (2)': 'Nederland', 'The Hague': 'Den Haag', 'Haagse': 'Den Haag', 'United Kingdom': 'Verenigd Koninkrijk',
 'Britse': 'Verenigd Koninkrijk', 'Britten': 'Verenigd Koninkrijk', 'France': 'Frankrijk', 'Franse': 'Frankrijk',
 'Germany': 'Duitsland', 'Paris': 'Parijs', 'Berlin': 'Berlijn', 'Brussels': 'Brussel', 'London': 'Londen',
 'United States': 'Verenigde Staten', 'VS': 'Verenigde Staten', 'Amerikaanse': 'Verenigde Staten',
 'Amerikanen': 'Verenigde Staten', 'Russia': 'Rusland', 'Israel': 'Israël', 'Israëlische': 'Israël',
 'Israëlisch': 'Israël', 'Israëliërs': 'Israël', 'Syria': 'Syrië', 'Syriërs': 'Syrië', 'Turkey': 'Turkije',
 'Turkse': 'Turkije', 'Slovakia': 'Slowakije', 'Slovaakse': 'Slowakije', 'Hungary': 'Hongarije',
 'Hongaarse': 'Hongarije', 'Czechia': 'Tsjechië', 'Ireland': 'Ierland', 'Ierse': 'Ierland', 'Iers': 'Ierland',
 'Jerusalem': 'Jeruzalem', 'Beijing': 'Peking', 'Chinese': 'China', 'Almere Stad': 'Almere',
 'Venezolaanse': 'Venezuela', 'Venezolanen': 'Venezuela', 'Europese': 'Europa', 'Europa Huawei': 'Europa',
 'Brabant': 'Noord-Brabant', 'Brabants': 'Noord-Brabant', 'Brabantse': 'Noord-Brabant',
 'Noord-Brabants': 'Noord-Brabant', 'Bredase': 'Breda', 'Bredaas': 'Breda', 'Bavels': 'Bavel',
 'Zeeuwse': 'Zeeland', 'Zuid-Hollandse': 'Zuid-Holland', 'Goudse': 'Gouda', 'Gemertse': 'Gemert',
 'Belgische': 'België', 'Spaanse': 'Spanje', 'Nieuw-Zeelandse': 'Nieuw-Zeeland', 'Oost-Europese': 'Oost-Europa',
 'Zuid-Amerikaanse': 'Zuid-Amerika', 'Latijns-Amerikaanse': 'Latijns-Amerika', 'Denk (2)': 'Denk',
 'Gabčíkovo': "'s-Hertogenbosch", 'Veracruz': 'David Cameron', 'Camerons': 'David Cameron', 'Hamm': 'Hamas',
 'Theresa May': 'Theresa May', 'May': 'Theresa May', 'Mays': 'Theresa May', 'Bercows': 'John Bercow',
 'Kocners': 'Marian Kocner', 'Baudets': 'Thierry Baudet', 'Thierry': 'Thierry Baudet', 'Maire': 'Bruno le Maire',
 'Fox': 'Liam Fox', 'Wiebes': 'Eric Wiebes', 'Engelshoven': 'Ingrid van Engelshoven',
 'Van Engelshoven': 'Ingrid van Engelshoven', 'Robesin': 'Johan Robesin', 'Golan': 'Golanhoogten',
 'Senaat': 'Eerste Kamer', 'Anti Fascisctische Aktie': 'AFA Nederland', 'Youth of Climate NL': 'Youth for Climate',
 'Natuurmonumenten': 'Vereniging Natuurmonumenten', 'IJzeren Koepel': 'Iron Dome', 'Radboud': 'Radboud Universiteit',
 'Heyendaalaeweg': 'Heyendaalseweg', 'Monique': 'Moniek Quist', 'Suzan': 'Suzan Stortelder', 'Floor': 'Floor Duijs',
 'Mogherini': 'Federica Mogherini', 'Nikkels': 'Nikkels', 'W. Dat Nikkels': 'Nikkels', 'Lidl': 'Lidl',
 'Financiën': 'Ministerie van Financiën', 'Economische Zaken': 'Ministerie van Economische Zaken en Klimaat',
 'Algemene Zaken': 'Ministerie van Algemene Zaken', 'Rutte III': 'kabinet-Rutte III', 'Justitie VS': 'Amerikaans ministerie van Justitie',
 'Statenverkiezingen': 'Provinciale Statenverkiezingen 2019', 'Staten': 'Provinciale Staten',
 'Tweede Kamerverkiezingen': 'Tweede Kamerverkiezingen 2017', 'Casa de Papel': 'La Casa de Papel',
 'Smer': 'Smer-SD', 'Cees': 'Cees Quist', 'Quist': 'Moniek Quist', 'Hanze': 'Hanze-coalitie',
 'Professor': 'de Professor', 'Action Action': 'Action', 'Nederlandsche Bank': 'De Nederlandsche Bank',
 'Gianni L': 'Gianni L.', 'DNB': 'De Nederlandsche Bank', 'OSF': 'Onafhankelijke Senaatsfractie', 'International Contact Group': 'ICG', 'Latijns': 'Latijns-Amerika', 'Grote Broek': 'De Grote Broek', 'Kanaal': 'Het Kanaal',
 'Hongaars': 'Hongaars (taal)', 'Romani': 'Romani (taal)', 'Nederlands': 'Nederlands (taal)',
 'Openbaar Ministerie': 'Openbaar Ministerie', 'Telegraaf': 'De Telegraaf', 'Volkskrant': 'de Volkskrant',
}
TYPES = {  # gold entity -> type (overrides the draft's)
 'Theresa May': 'PER', 'David Cameron': 'PER', 'Liam Fox': 'PER', 'Bruno le Maire': 'PER', 'Eric Wiebes': 'PER',
 'Hamas': 'ORG', 'Schiphol': 'ORG', 'Netflix': 'ORG', 'Ryanair': 'ORG', 'Lidl': 'ORG', 'Nikkels': 'ORG',
 'Chatime': 'ORG', 'Young Perfect': 'ORG', 'Mooswief': 'ORG', 'Breng': 'ORG', 'Fed': 'ORG', 'Smer-SD': 'ORG',
 'Progresívne Slovensko': 'ORG', 'Groninger Belang': 'ORG', 'Partij van het Noorden': 'ORG',
 'Partij voor de Dieren': 'ORG', 'Gedeputeerde Staten Noord-Brabant': 'ORG', 'Eerste Kamer': 'ORG',
 'Lagerhuis': 'ORG', 'Radboud Universiteit': 'ORG', 'Radboudziekenhuis': 'ORG', 'Youth for Climate': 'ORG',
 'Anglicaanse Kerk': 'ORG', 'Lijst Smolders Tilburg': 'ORG', 'Brainport Eindhoven': 'ORG',
 'Provinciale Staten Noord-Brabant': 'ORG', 'Provinciale Staten Noord-Holland': 'ORG', 'Provinciale Staten': 'ORG',
 'kabinet-Rutte III': 'ORG', 'Rijk': 'ORG', 'Buitenhof': 'MISC', 'Opsporing Verzocht': 'MISC',
 'Week van het Geld': 'MISC', 'Chavismo': 'MISC', 'Iron Dome': 'MISC', 'Erin Brockovich': 'PER',
 'Costa Rica': 'LOC', 'Golanhoogten': 'LOC', 'Erasmuslaan': 'LOC', 'Park Brakkenstein': 'LOC', 'Leeuwenwerf': 'LOC',
 'Zieuwent': 'LOC', 'Harreveld': 'LOC', 'Schiedam': 'LOC', 'Grote Kerk': 'LOC', 'Torentje': 'LOC',
 'Prinses Beatrixlaan': 'LOC', 'De Grote Broek': 'LOC', 'Gemert-Bakel': 'ORG', 'Kruisvaarder': 'PER', 'Karwei': 'ORG', 'NOS': 'ORG', 'Provinciale Statenverkiezingen 2019': 'MISC', 'Tweede Kamerverkiezingen 2017': 'MISC',
 'Gaza': 'LOC', 'Huawei': 'ORG', 'Anglicaanse Kerk': 'ORG', 'Vereniging Natuurmonumenten': 'ORG',
 'Hanze-coalitie': 'MISC', 'de Professor': 'PER', 'Maaike': 'PER', 'Cees Quist': 'PER',
 'Floor Duijs': 'PER', 'Moniek Quist': 'PER', 'Suzan Stortelder': 'PER',
}
# LOC with no point on the map (streets, squares, buildings, neighbourhoods, continents, large regions)
NOPOINT = {'Downing Street', 'Het Kanaal', 'Oostelijk Afrika', 'Oceanië', 'Malieveld', "St. Michan's Church",
 'Asselsestraat', 'Prinses Beatrixlaan', 'Heyendaalseweg', 'Erasmuslaan', 'Driehuizerweg', 'Park Brakkenstein',
 'Stationsplein', 'Kattenburg', 'Oostenburgergracht', 'Leeuwenwerf', 'Kattenburgerkade', 'Rosendaalseweg',
 'Geitenkamp', 'Witte Huis', 'Torentje', 'Grote Kerk', 'De Grote Broek', 'Europa', 'Zuid-Amerika',
 'Latijns-Amerika', 'Midden-Amerika', 'Oost-Europa', 'Oost-Brabant', 'Deel'}
POINT = {  # gold coordinates where the draft has none or a wrong place
 'Noord-Brabant': (51.56, 5.08), 'Noord-Holland': (52.58, 4.87), 'Zuid-Holland': (52.0, 4.5),
 'Flevoland': (52.53, 5.6), 'Overijssel': (52.44, 6.45), 'Gelderland': (52.06, 5.95), 'Zeeland': (51.5, 3.8),
 'Drenthe': (52.86, 6.62), 'Groningen (provincie)': (53.22, 6.74), 'Utrecht (provincie)': (52.08, 5.2),
 "'s-Hertogenbosch": (51.69, 5.30), 'Prinsenbeek': (51.5987, 4.7125), 'Bavel': (51.565, 4.83),
 'Gemert': (51.556, 5.69), 'Gaza': (31.50, 34.47), 'Gazastrook': (31.4, 34.38), 'Golanhoogten': (33.0, 35.75),
 'Mishmeret': (32.22, 34.92), 'Wernhout': (51.45, 4.64), 'Zieuwent': (52.0, 6.52), 'Harreveld': (51.99, 6.6),
 "'t Harde": (52.41, 5.88), 'Elburg': (52.45, 5.83), 'Schiedam': (51.92, 4.4), 'Meierijstad': (51.6, 5.5),
 'Costa Rica': (9.9688, -84.1506), 'Palestinian Territory': (31.7133, 34.8933), 'Liechtenstein': (47.1591, 9.5231),
 'Duiven': (51.95, 6.02), 'Leusden': (52.13, 5.43), 'Voorschoten': (52.13, 4.45), 'Lochem': (52.16, 6.41),
 'Pezinok': (48.29, 17.27), 'Polen': (51.8108, 19.176), 'Spanje': (39.7657, -3.0704), 'België': (50.8622, 4.4053), 'Nieuw-Zeeland': (-39.1188, 174.51), 'Haarlem': (52.38, 4.64), 'Bussum': (52.27, 5.16), 'Lichtenvoorde': (51.99, 6.57),
 'Oss': (51.77, 5.52), 'Boxtel': (51.59, 5.33), 'Waalwijk': (51.68, 5.07), 'Apeldoorn': (52.21, 5.97),
}

A = {}
def art(aid, *ops): A.setdefault(aid, []).extend(ops)
# op forms: ('drop', text) | ('narrow', text, sub[, entity]) | ('ent', text, entity) | ('add', text, entity)
#           ('split', text, [(sub, entity), ...]) | ('widen', text, new_text, entity)
art('10667922', ('narrow', 'CDA-leider', 'CDA'), ('narrow', 'CDA-lijsttrekker', 'CDA'), ('narrow', 'CDA-partijbureau', 'CDA'),
    ('narrow', 'CDA-partijvoorzitter', 'CDA'))
art('10670435', ('narrow', 'CDA-fractievoorzitter', 'CDA'), ('narrow', 'Hanze-coalitie', 'Hanze'),
    ('narrow', 'Hanze-strategie', 'Hanze'), ('narrow', 'Hanze-landen', 'Hanze'), ('ent', 'Le Maire', 'Bruno le Maire'),
    ('ent', 'Angelsaksische', 'Angelsaksisch'))
art('10682034', ('ent', 'Provinciale Staten', 'Provinciale Staten Noord-Brabant'), ('drop', 'Brainport'), ('drop', 'Eindhoven'),
    ('add', 'Brainport Eindhoven', 'Brainport Eindhoven'), ('ent', 'Utrecht', 'Utrecht (provincie)'),
    ('narrow', 'Forum-lijsttrekker', 'Forum'), ('narrow', 'Forum-lijsttrekkers', 'Forum'), ('narrow', 'Forum-kopstukken', 'Forum'),
    ('drop', 'Bestuurskunde aan de Universiteit'), ('drop', 'Tilburg'), ('add', 'Universiteit van Tilburg', 'Universiteit van Tilburg'),
    ('drop', 'Wie'), ('narrow', 'De Statenverkiezingen', 'Statenverkiezingen'), ('drop', 'Statenzetel'))
art('10682036', ('narrow', 'FVD-voorman', 'FVD'), ('drop', 'Tilburger'), ('drop', 'Tweede Kamerlid'),
    ('ent', 'Provinciale Staten', 'Provinciale Staten Noord-Brabant'))
art('10726005', ('drop', 'Brexitdeadline'), ('drop', 'Lagerhuisvoorzitter'), ('narrow', 'Het Lagerhuis', 'Lagerhuis'),
    ('narrow', 'EU-onderhandelaar', 'EU'), ('narrow', 'Brexit-akkoord', 'Brexit'), ('narrow', 'Brexit-regering', 'Brexit'),
    ('drop', 'Europese Zaken'), ('split', 'Europese Zaken Nathalie Loiseau', [('Europese Zaken', 'Frans ministerie van Europese Zaken'), ('Nathalie Loiseau', 'Nathalie Loiseau')]),
    ('drop', 'Fransman'), ('drop', 'No Deal'), ('narrow', 'Het Kanaal', 'Kanaal'), ('drop', 'Speaker'),
    ('split', 'Internationale Handel Liam Fox', [('Internationale Handel', 'Brits ministerie van Internationale Handel'), ('Liam Fox', 'Liam Fox')]))
art('10728106', ('narrow', 'EU-top', 'EU'))
art('10746704', ('drop', 'Een WhatsAppgroepje'), ('drop', 'Forumlijsttrekker'), ('drop', 'We'))
art('10749320', ('drop', 'Statenleden'), ('narrow', 'FvD-fractievoorzitter', 'FvD'), ('narrow', 'FvD-kopstukken', 'FvD'),
    ('narrow', 'FvD-lijsttrekker', 'FvD'), ('narrow', 'VVD-voorman', 'VVD'), ('narrow', 'VVD-coryfee', 'VVD'),
    ('split', 'GroenLinks en Groep de Mos', [('GroenLinks', 'GroenLinks'), ('Groep de Mos', 'Groep de Mos')]))
art('10746967',)
art('10750588', ('narrow', 'De Grote Broek', 'Grote Broek'))
art('10749319', ('drop', 'Statenleden'), ('drop', 'Statenlid'), ('split', 'Denk de PvdA', [('Denk', 'Denk'), ('PvdA', 'PvdA')]),
    ('narrow', 'Denk-oprichters', 'Denk'), ('add', 'Denk', 'Denk'), ('narrow', 'de Volkskrant', 'Volkskrant'),
    ('ent', 'Groningen', 'Groningen (provincie)'), ('split', 'Rutte Robesin', [('Rutte', 'Mark Rutte'), ('Robesin', 'Johan Robesin')]))
art('10753308', ('narrow', 'Statenleden de Eerste Kamer', 'Eerste Kamer', 'Eerste Kamer'), ('drop', 'Statenleden'))
art('10772711', ('ent', 'Provinciale Staten', 'Provinciale Staten Noord-Holland'))
art('10775364', ('drop', 'De kans'), ('narrow', 'Haarlemse Statenzaal', 'Haarlemse', 'Haarlem'), ('narrow', 'Forum-hoek', 'Forum'),
    ('drop', 'Klimaat'), ('add', '50Plus', '50PLUS'), ('add', '50PLUS', '50PLUS'), ('drop', 'Senaatslijsttrekker'),
    ('narrow', "VVD'ers", 'VVD', 'VVD'), ('drop', 'Kamermeerderheid'))
art('10670884', ('ent', 'Justitie', 'Justitie (Venezuela)'), ('drop', 'Latijns'), ('drop', 'Amerika'),
    ('add', 'Latijns- Amerika', 'Latijns-Amerika'))
art('10674429', ('narrow', 'Maduro-regime', 'Maduro'), ('narrow', 'pro-Maduro', 'Maduro', 'Nicolás Maduro'),
    ('add', 'Abrams', 'Eliott Abrams'), ('drop', 'Chavistas'))
art('10766115', ('narrow', 'pro-Europese Caputova', 'Caputova', 'Zuzana Caputova'),
    ('split', 'Slowaakse Erin Brockovich', [('Slowaakse', 'Slowakije'), ('Erin Brockovich', 'Erin Brockovich')]))
art('10767319', ('narrow', 'Europese blok van Polen', 'Polen', 'Polen'))
art('10744633', ('drop', 'Congresleiders'), ('narrow', 'Hamas Volgens', 'Hamas', 'Hamas'))
art('10748045', ('split', 'António Guterres van de VN', [('António Guterres', 'António Guterres'), ('VN', 'Verenigde Naties')]))
art('10648630', ('drop', 'Randstadprovincies'), ('drop', 'Naar verwachting'))
art('10593544',)
art('10648742', ('narrow', 'De Professor', 'Professor'), ('drop', 'Netflixheld'))
art('10649684', ('ent', 'Onderwijs', 'Ministerie van Onderwijs, Cultuur en Wetenschap'), ('drop', 'Engelshoven'),
    ('add', 'Van Engelshoven', 'Ingrid van Engelshoven'), ('ent', 'Dienst Uitvoering Onderwijs', 'DUO'))
art('10593549', ('drop', 'Nederland'), ('add', 'Hart van Nederland', 'Hart van Nederland'))
art('10724116', ('drop', 'Nederlandse Voedsel'), ('drop', 'Warenautoriteit'),
    ('add', 'Nederlandse Voedsel- en Warenautoriteit', 'NVWA'), ('drop', 'Ryanairpersoneel'),
    ('split', 'Action Action', [('Action', 'Action'), ('Action', 'Action')]), ('ent', 'Nederlandse', 'Nederland'))
art('10751907', ('narrow', 'De Business Award 2019', 'Business Award 2019'))
art('10723127', ('split', 'Europa Huawei', [('Europa', 'Europa'), ('Huawei', 'Huawei')]), ('drop', 'G-netwerken'),
    ('split', 'Buitenlandse Zaken Wang Yi', [('Buitenlandse Zaken', 'Chinees ministerie van Buitenlandse Zaken'), ('Wang Yi', 'Wang Yi')]),
    ('narrow', 'EU-buitenlandchef', 'EU'), ('split', 'Chinese Huawei', [('Chinese', 'China'), ('Huawei', 'Huawei')]),
    ('ent', 'Yi', 'Wang Yi'), ('split', 'Justitie VS', [('Justitie', 'Amerikaans ministerie van Justitie'), ('VS', 'Verenigde Staten')]),
    ('narrow', 'Boeing De', 'Boeing', 'Boeing'), ('drop', 'Boeings'), ('drop', 'Max'), ('add', '737 Max', 'Boeing 737 Max'))
art('10751500', ('ent', 'Provinciale Staten', 'Provinciale Staten Noord-Brabant'),
    ('ent', 'Gedeputeerde Staten', 'Gedeputeerde Staten Noord-Brabant'), ('ent', 'GS', 'Gedeputeerde Staten Noord-Brabant'),
    ('drop', 'Brabander vrij om een bovensloter'))
art('10730806', ('drop', 'Forum'), ('drop', 'Democratie'), ('add', 'Forum voor Democratie', 'Forum voor Democratie'),
    ('ent', 'Staten', 'Provinciale Staten Noord-Brabant'), ('drop', 'Laurens'), ('drop', 'Voorst'),
    ('add', 'Laurens van Voorst', 'Laurens van Voorst'))
art('10750703', ('drop', 'H oeze'), ('drop', 'Leergeld'))
art('10730560', ('drop', 'B'), ('drop', 'W'))
art('10723265', ('ent', 'Justitie', 'Openbaar Ministerie'), ('drop', 'Tim S'), ('add', 'Tim S.', 'Tim S.'), ('ent', 'S.', 'Tim S.'))
art('10729360', ('narrow', 'SGP-leider', 'SGP'), ('narrow', 'NOS-debat', 'NOS'), ('narrow', 'SGP-fractie', 'SGP'),
    ('narrow', 'SGP-lijsttrekker', 'SGP'), ('narrow', 'Denk kijk', 'Denk', 'Denk'), ('narrow', 'SGP-top', 'SGP'),
    ('narrow', 'SGP-fractieleider', 'SGP'))
art('10804782', ('drop', 'Arnhemmer'), ('drop', 'Duivenaar'), ('drop', 'Harde en Elburg'), ("add", "'t Harde", "'t Harde"),
    ('add', 'Elburg', 'Elburg'))
art('10798672', ('split', 'Deel in Gemert', [('Deel', 'Deel'), ('Gemert', 'Gemert')]))
art('10772469', ('add', 'Als het avond is', 'Als het avond is'))
art('10778906', ('narrow', 'Karwei-bouwmarkt', 'Karwei'), ('drop', 'B'), ('drop', 'W'),
    ('narrow', 'W. Dat Nikkels', 'Nikkels', 'Nikkels'))
art('10797644', ('narrow', 'AD 6-4', 'AD', 'AD'), ('narrow', 'FvD-kiezers', 'FvD'), ('narrow', 'FvD-stemmer', 'FvD'))
art('10801103',)
art('10801201', ('narrow', 'Nachtwacht van de natuur', 'Nachtwacht', 'Nachtwacht'))
art('10774755', ('narrow', 'De Nederlandsche Bank', 'Nederlandsche Bank'))
EXTRA_TYPES = {'Angelsaksisch': 'MISC', 'Utrecht (provincie)': 'LOC', 'Universiteit van Tilburg': 'ORG',
 'Frans ministerie van Europese Zaken': 'ORG', 'Nathalie Loiseau': 'PER', 'Brits ministerie van Internationale Handel': 'ORG',
 'Liam Fox': 'PER', 'Groep de Mos': 'ORG', 'Groningen (provincie)': 'LOC', '50PLUS': 'ORG', 'Justitie (Venezuela)': 'ORG',
 'Polen': 'LOC', 'António Guterres': 'PER', 'Ministerie van Onderwijs, Cultuur en Wetenschap': 'ORG',
 'Hart van Nederland': 'MISC', 'Huawei': 'ORG', 'Chinees ministerie van Buitenlandse Zaken': 'ORG', 'Wang Yi': 'PER',
 'Amerikaans ministerie van Justitie': 'ORG', 'Boeing 737 Max': 'MISC', 'Laurens van Voorst': 'PER', 'Tim S.': 'PER',
 "'t Harde": 'LOC', 'Elburg': 'LOC', 'Deel': 'LOC', 'Gemert': 'LOC', 'Als het avond is': 'MISC', 'AD': 'ORG',
 'Nachtwacht': 'MISC', 'Bavel': 'LOC', 'Noord-Brabant': 'LOC', 'België': 'LOC', 'Spanje': 'LOC', 'Nieuw-Zeeland': 'LOC',
 'Oost-Europa': 'LOC', 'Zuid-Amerika': 'LOC', 'Latijns-Amerika': 'LOC', 'Europa': 'LOC', 'Gemert': 'LOC',
 'Verenigde Staten': 'LOC', 'Federica Mogherini': 'PER', 'Ingrid van Engelshoven': 'PER', 'Hongaars (taal)': 'MISC',
 'Romani (taal)': 'MISC', 'Nederlands (taal)': 'MISC', 'Erin Brockovich': 'PER', "'s-Hertogenbosch": 'LOC'}

out_docs = []
new_types = {}
for aid, d in docs.items():
    text = TEXTS[aid]
    ms = [dict(m) for m in d['mentions']]
    for m in ms:
        m['entity'] = RENAME.get(m['entity'], m['entity'])
    for op in A.get(aid, []):
        kind = op[0]
        hits = [m for m in ms if m['text'] == op[1]]
        if kind != 'add' and not hits:
            raise SystemExit(f'{aid}: no mention {op[1]!r} for {op}')
        if kind == 'drop':
            ms = [m for m in ms if m['text'] != op[1]]
        elif kind == 'ent':
            for m in hits: m['entity'] = op[2]
        elif kind == 'narrow':
            for m in hits:
                i = m['text'].index(op[2])
                m['start'] += i; m['end'] = m['start'] + len(op[2]); m['text'] = op[2]
                if len(op) > 3: m['entity'] = op[3]
                else: m['entity'] = RENAME.get(op[2], RENAME.get(m['entity'], m['entity']))
        elif kind == 'split':
            for m in hits:
                ms.remove(m); pos = 0
                for sub, ent in op[2]:
                    i = m['text'].index(sub, pos); pos = i + len(sub)
                    ms.append({'start': m['start'] + i, 'end': m['start'] + i + len(sub), 'text': sub, 'entity': ent})
        elif kind == 'add':
            n = 0
            for mm in re.finditer(r'(?<!\w)' + re.escape(op[1]) + r'(?!\w)', text):
                if any(m['start'] < mm.end() and mm.start() < m['end'] for m in ms):
                    continue
                ms.append({'start': mm.start(), 'end': mm.end(), 'text': op[1], 'entity': op[2]}); n += 1
            if not n: raise SystemExit(f'{aid}: nothing added for {op}')
    for m in ms:
        assert text[m['start']:m['end']] == m['text'], (aid, m)
    ms.sort(key=lambda m: m['start'])
    for a, b in zip(ms, ms[1:]):
        assert a['end'] <= b['start'], (aid, a, b)
    out_docs.append({'id': aid, 'mentions': ms})

entities = {}
inv = {}
for k, v in RENAME.items(): inv.setdefault(v, k)
for d in out_docs:
    for m in d['mentions']:
        e = m['entity']
        if e in entities: continue
        src = draft_ents.get(e) or draft_ents.get(inv.get(e, ''), None) or {}
        t = TYPES.get(e) or EXTRA_TYPES.get(e) or src.get('type')
        if t is None: raise SystemExit(f'no type for {e}')
        lat = lon = None
        if t == 'LOC':
            if e in NOPOINT: pass
            elif e in POINT: lat, lon = POINT[e]
            elif src.get('lat') is not None: lat, lon = src['lat'], src['lon']
            else: print('LOC without point decision:', e)
        entities[e] = {'type': t, 'lat': lat, 'lon': lon}
with open(sys.argv[2], 'w', encoding='utf-8') as fh:
    for d in out_docs:
        fh.write(json.dumps(d, ensure_ascii=False) + '\n')
    fh.write(json.dumps({'entities': dict(sorted(entities.items()))}, ensure_ascii=False) + '\n')
print(len(out_docs), sum(len(d['mentions']) for d in out_docs), len(entities))
