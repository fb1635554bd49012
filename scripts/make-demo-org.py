#!/usr/bin/env python3
"""Writes the demo org for the Salesforce emulator: emulators/salesforce/orgs/demo.yaml.

    python3 scripts/make-demo-org.py              # rewrites emulators/salesforce/orgs/demo.yaml
    python3 scripts/make-demo-org.py --out FILE   # writes elsewhere ('-' for stdout)
    python3 scripts/make-demo-org.py --check      # exit 1 when the committed file is not what this writes

The org is a software company's customer base as of 2026-11-27, set up for an invoice run on 2026-12-01:
about 60 Accounts in DE, AT, FR, NL, IT, US and CA with a Contact each, a product catalogue with a standard
price book, won Opportunities with products (plus a few lost and open ones that must not be billed),
Subscriptions with items and usage records, and a project Opportunity billed by milestones.  One Closed Won
Opportunity carries a billing period the mapping does not know ("Fortnightly"): the demo's deliberate mapping
error.

Standard library only and deterministic (a fixed seed, no clock), so the output is the same on every run.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "emulators" / "salesforce" / "orgs" / "demo.yaml"
SEED = 20261127


# --- a small deterministic generator (splitmix64): the same numbers on every Python version ------------

class Rng:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        return self.next64() % n

    def between(self, lo, hi):  # inclusive
        return lo + self.below(hi - lo + 1)

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, percent):
        return self.below(100) < percent

    def digits(self, n, first_nonzero=True):
        out = str(self.between(1, 9)) if first_nonzero else str(self.below(10))
        while len(out) < n:
            out += str(self.below(10))
        return out


# --- VAT identification numbers with valid check digits (the rules of core/src/vat_id.cpp) ---------------

def luhn_checksum(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 // 10 + d * 2 % 10
        total += d
    return total % 10


def mod_11_10_valid(s):
    check = 5
    for c in s:
        check = (((check if check != 0 else 10) * 2) % 11 + int(c)) % 10
    return check == 1


def vat_de(rng):
    base = rng.digits(8)
    return "DE" + next(base + str(d) for d in range(10) if mod_11_10_valid(base + str(d)))


def vat_at(rng):
    base = rng.digits(7)
    return "ATU" + base + str((6 - luhn_checksum(base)) % 10)


def vat_fr(rng):
    base = rng.digits(8)
    siren = next(base + str(d) for d in range(10) if luhn_checksum(base + str(d)) == 0)
    return "FR%02d%s" % ((int(siren) * 100 + 12) % 97, siren)


def vat_nl(rng):
    while True:
        base = rng.digits(8)
        check = sum((9 - i) * int(c) for i, c in enumerate(base)) % 11
        if check < 10:
            return "NL" + base + str(check) + "B01"


def vat_it(rng):
    base = rng.digits(7) + "%03d" % rng.between(1, 100)
    return "IT" + next(base + str(d) for d in range(10) if luhn_checksum(base + str(d)) == 0)


VAT = {"DE": vat_de, "AT": vat_at, "FR": vat_fr, "NL": vat_nl, "IT": vat_it}

COUNTRY = {
    "DE": "Germany", "AT": "Austria", "FR": "France", "NL": "Netherlands", "IT": "Italy",
    "US": "United States", "CA": "Canada",
}
LANGUAGE = {"DE": "German", "AT": "German", "FR": "French", "NL": "Dutch", "IT": "Italian", "US": "English",
            "CA": "English"}
CURRENCY = {"US": "USD", "CA": "CAD"}
INVOICE_MAILBOX = {"German": "rechnungen", "French": "factures", "Dutch": "facturen", "Italian": "fatture",
                   "English": "ap"}

# --- the customers --------------------------------------------------------------------------------------
# (key, country, name, industry, street, postal code, city, state, customer type, contact first/last, title)
# Type: B business, C consumer, P public sector.  Names and addresses are made up.

ACCOUNTS = [
    ("brandt", "DE", "Brandt & Söhne Maschinenbau GmbH", "Machinery", "Industriestraße 14", "70565", "Stuttgart", "", "B", "Markus", "Brandt", "Geschäftsführer"),
    ("nordlicht", "DE", "Nordlicht Logistik GmbH", "Transportation", "Am Sandtorkai 27", "20457", "Hamburg", "", "B", "Jana", "Petersen", "Leiterin Finanzen"),
    ("kessler", "DE", "Kessler Medizintechnik AG", "Healthcare", "Leopoldstraße 112", "80804", "München", "", "B", "Thomas", "Kessler", "CFO"),
    ("rheinwerk", "DE", "Rheinwerk Software GmbH", "Technology", "Kaiser-Wilhelm-Ring 21", "50672", "Köln", "", "B", "Sabine", "Krüger", "Head of Operations"),
    ("havelland", "DE", "Havelland Solar GmbH", "Energy", "Friedrich-Engels-Straße 8", "14473", "Potsdam", "", "B", "Felix", "Schulze", "Kaufmännischer Leiter"),
    ("spreeblick", "DE", "Spreeblick Digitalagentur GmbH", "Media", "Oranienstraße 185", "10999", "Berlin", "", "B", "Lea", "Hartmann", "Geschäftsführerin"),
    ("elbtal", "DE", "Elbtal Pharma GmbH", "Biotechnology", "Tatzberg 47", "01307", "Dresden", "", "B", "Andreas", "Wolf", "Leiter Einkauf"),
    ("hoffmann", "DE", "Hoffmann Bau GmbH & Co. KG", "Construction", "Hafenstraße 3", "28217", "Bremen", "", "B", "Petra", "Hoffmann", "Prokuristin"),
    ("mainfranken", "DE", "Mainfranken Weinhandel GmbH", "Food & Beverage", "Juliuspromenade 64", "97070", "Würzburg", "", "B", "Georg", "Baumann", "Inhaber"),
    ("lindner", "DE", "Lindner Steuerberatung Partnerschaft mbB", "Finance", "Schillerstraße 19", "60313", "Frankfurt am Main", "", "B", "Claudia", "Lindner", "Partnerin"),
    ("westfalen", "DE", "Westfalen Data Services GmbH", "Technology", "Martin-Luther-King-Weg 30", "48155", "Münster", "", "B", "Jan", "Overbeck", "IT-Leiter"),
    ("schwarzwald", "DE", "Schwarzwald Feinmechanik GmbH", "Manufacturing", "Gewerbestraße 9", "78112", "St. Georgen im Schwarzwald", "", "B", "Martina", "Faller", "Buchhaltung"),
    ("ostsee", "DE", "Ostsee Touristik GmbH", "Hospitality", "Strandstraße 41", "18055", "Rostock", "", "B", "Henrik", "Lüdtke", "Geschäftsführer"),
    ("bergmann", "DE", "Bergmann Elektrotechnik GmbH", "Electronics", "Carl-Zeiss-Straße 5", "07743", "Jena", "", "B", "Stefanie", "Bergmann", "Controllerin"),
    ("leipziger", "DE", "Leipziger Verlagshaus GmbH", "Media", "Prager Straße 36", "04103", "Leipzig", "", "B", "Tobias", "Richter", "Verlagsleiter"),
    ("kaiser", "DE", "Kaiser Consulting GmbH", "Consulting", "Königsallee 60", "40212", "Düsseldorf", "", "B", "Nicole", "Kaiser", "Managing Partner"),
    ("fraenkische", "DE", "Fränkische Textilwerke AG", "Apparel", "Fürther Straße 212", "90429", "Nürnberg", "", "B", "Wolfgang", "Seitz", "Leiter Rechnungswesen"),
    ("hansa", "DE", "Hansa Versicherungsmakler GmbH", "Insurance", "Ballindamm 15", "20095", "Hamburg", "", "B", "Birgit", "Carstens", "Office Managerin"),
    ("musterstadt", "DE", "Stadtverwaltung Musterstadt", "Government", "Rathausplatz 1", "12345", "Musterstadt", "", "P", "Frank", "Meier", "Amt für Digitalisierung"),
    ("vogel", "DE", "Dr. Katharina Vogel", "Healthcare", "Gartenweg 7", "69117", "Heidelberg", "", "C", "Katharina", "Vogel", ""),
    ("alpenblick", "AT", "Alpenblick Hotelbetriebs GmbH", "Hospitality", "Maria-Theresien-Straße 18", "6020", "Innsbruck", "", "B", "Christoph", "Hofer", "Direktor"),
    ("donau", "AT", "Donau Software Solutions GmbH", "Technology", "Mariahilfer Straße 77", "1060", "Wien", "", "B", "Elisabeth", "Gruber", "COO"),
    ("steirische", "AT", "Steirische Holzbau GmbH", "Construction", "Conrad-von-Hötzendorf-Straße 94", "8010", "Graz", "", "B", "Johann", "Pichler", "Geschäftsführer"),
    ("salzach", "AT", "Salzach Medien GmbH", "Media", "Getreidegasse 22", "5020", "Salzburg", "", "B", "Verena", "Moser", "Leiterin Finanzen"),
    ("linzer", "AT", "Linzer Kunststofftechnik GmbH", "Chemicals", "Industriezeile 36", "4020", "Linz", "", "B", "Manfred", "Huber", "Einkauf"),
    ("woerthersee", "AT", "Wörthersee Event GmbH", "Entertainment", "Alter Platz 12", "9020", "Klagenfurt am Wörthersee", "", "B", "Sandra", "Kofler", "Geschäftsführerin"),
    ("pichler", "AT", "Pichler & Partner Rechtsanwälte OG", "Consulting", "Schottenring 16", "1010", "Wien", "", "B", "Florian", "Pichler", "Partner"),
    ("vorarlberger", "AT", "Vorarlberger Textil AG", "Apparel", "Rheinstraße 30", "6850", "Dornbirn", "", "B", "Daniela", "Feurstein", "Controlling"),
    ("lumiere", "FR", "Atelier Lumière SARL", "Media", "14 rue de la Roquette", "75011", "Paris", "", "B", "Camille", "Laurent", "Gérante"),
    ("garnier", "FR", "Transports Garnier SAS", "Transportation", "8 quai de la Fosse", "44000", "Nantes", "", "B", "Julien", "Garnier", "Directeur financier"),
    ("bertrand", "FR", "Vignobles Bertrand SA", "Agriculture", "22 cours de l'Intendance", "33000", "Bordeaux", "", "B", "Isabelle", "Bertrand", "Directrice administrative"),
    ("provence", "FR", "Provence Cosmétiques SAS", "Retail", "5 avenue du Prado", "13008", "Marseille", "", "B", "Mathieu", "Roux", "Responsable achats"),
    ("dumont", "FR", "Logiciels Dumont SAS", "Technology", "31 rue de la République", "69002", "Lyon", "", "B", "Sophie", "Dumont", "Présidente"),
    ("alsace", "FR", "Alsace Mécanique SARL", "Machinery", "12 rue du Dôme", "67000", "Strasbourg", "", "B", "Pierre", "Schmitt", "Comptable"),
    ("moreau", "FR", "Boulangeries Moreau SAS", "Food & Beverage", "45 rue Nationale", "59000", "Lille", "", "B", "Nathalie", "Moreau", "Directrice générale"),
    ("fontaine", "FR", "Claire Fontaine", "Other", "3 place du Capitole", "31000", "Toulouse", "", "C", "Claire", "Fontaine", ""),
    ("vandijk", "NL", "Van Dijk Installatietechniek B.V.", "Construction", "Keizersgracht 241", "1016 EA", "Amsterdam", "", "B", "Pieter", "van Dijk", "Directeur"),
    ("polder", "NL", "Polder Agri B.V.", "Agriculture", "Stationsweg 12", "8232 AB", "Lelystad", "", "B", "Sanne", "de Vries", "Financieel manager"),
    ("havenstad", "NL", "Havenstad Logistics B.V.", "Shipping", "Wilhelminakade 91", "3072 AP", "Rotterdam", "", "B", "Ruud", "Bakker", "CFO"),
    ("degroot", "NL", "De Groot Architecten B.V.", "Engineering", "Oudegracht 150", "3511 AZ", "Utrecht", "", "B", "Eva", "de Groot", "Office manager"),
    ("bakker", "NL", "Bakker Food Group B.V.", "Food & Beverage", "Stationsplein 45", "5611 AB", "Eindhoven", "", "B", "Maarten", "Bakker", "Inkoper"),
    ("tulip", "NL", "Tulip Cloud Services B.V.", "Technology", "Laan van Nieuw Oost-Indië 25", "2593 BJ", "Den Haag", "", "B", "Lotte", "Jansen", "Head of Finance"),
    ("noordzee", "NL", "Noordzee Offshore B.V.", "Energy", "Havenkade 8", "1781 AC", "Den Helder", "", "B", "Bram", "Visser", "Controller"),
    ("jansenvisser", "NL", "Jansen & Visser Advocaten N.V.", "Consulting", "Grote Markt 21", "9711 LV", "Groningen", "", "B", "Anouk", "Visser", "Partner"),
    ("tessitura", "IT", "Tessitura Lombarda S.p.A.", "Apparel", "Via Alessandro Manzoni 38", "20121", "Milano", "", "B", "Giulia", "Colombo", "Responsabile amministrativa"),
    ("rossi", "IT", "Rossi Meccanica S.r.l.", "Machinery", "Via Emilia Est 120", "41121", "Modena", "", "B", "Marco", "Rossi", "Amministratore"),
    ("oleificio", "IT", "Oleificio Toscano S.r.l.", "Food & Beverage", "Via de' Tornabuoni 9", "50123", "Firenze", "", "B", "Francesca", "Bianchi", "Direttrice commerciale"),
    ("ferrari", "IT", "Studio Ferrari & Associati S.r.l.", "Consulting", "Via Roma 60", "10121", "Torino", "", "B", "Luca", "Ferrari", "Socio"),
    ("adriatica", "IT", "Adriatica Software S.r.l.", "Technology", "Corso Garibaldi 88", "60121", "Ancona", "", "B", "Chiara", "Conti", "CTO"),
    ("napoletano", "IT", "Caffè Napoletano S.r.l.", "Food & Beverage", "Via Toledo 256", "80134", "Napoli", "", "B", "Antonio", "Esposito", "Titolare"),
    ("redwood", "US", "Redwood Analytics Inc.", "Technology", "455 Market Street", "94105", "San Francisco", "CA", "B", "Emily", "Chen", "Controller"),
    ("lakeshore", "US", "Lakeshore Manufacturing LLC", "Manufacturing", "233 South Wacker Drive", "60606", "Chicago", "IL", "B", "Michael", "Kowalski", "VP Finance"),
    ("brazos", "US", "Brazos Energy Partners LP", "Energy", "1000 Main Street", "77002", "Houston", "TX", "B", "Sarah", "Martinez", "Accounts Payable Lead"),
    ("pinecrest", "US", "Pinecrest Health Systems Inc.", "Healthcare", "100 Federal Street", "02110", "Boston", "MA", "B", "David", "O'Brien", "Director of IT"),
    ("cascade", "US", "Cascade Outdoor Gear Inc.", "Retail", "1201 Third Avenue", "98101", "Seattle", "WA", "B", "Rachel", "Nguyen", "Head of E-Commerce"),
    ("empire", "US", "Empire Media Group LLC", "Media", "245 Park Avenue", "10167", "New York", "NY", "B", "James", "Whitaker", "CFO"),
    ("mapleleaf", "CA", "Maple Leaf Robotics Inc.", "Electronics", "100 King Street West", "M5X 1A9", "Toronto", "ON", "B", "Olivia", "Tremblay", "Finance Manager"),
    ("pacific", "CA", "Pacific Timber Ltd.", "Agriculture", "1055 West Georgia Street", "V6E 3P3", "Vancouver", "BC", "B", "Ryan", "MacDonald", "Controller"),
    ("laurentide", "CA", "Laurentide Conseil Inc.", "Consulting", "1250 boulevard René-Lévesque Ouest", "H3B 4W8", "Montréal", "QC", "B", "Marie-Ève", "Gagnon", "Directrice des finances"),
    ("prairie", "CA", "Prairie Grain Co-operative Ltd.", "Agriculture", "10180 101 Street NW", "T5J 3S4", "Edmonton", "AB", "B", "Connor", "Wiebe", "Office Manager"),
]
# Leitweg-ID: coarse and fine address, then the ISO 7064 MOD 97-10 check digits (valid).
LEITWEG_ID = {"musterstadt": "991-12335-06"}
LANGUAGE_OVERRIDE = {"tulip": "English", "havenstad": "English", "laurentide": "French", "donau": "English"}
PHONE_PREFIX = {"DE": "+49", "AT": "+43", "FR": "+33", "NL": "+31", "IT": "+39", "US": "+1", "CA": "+1"}

# --- the catalogue --------------------------------------------------------------------------------------
# (key, code, name, charge type, pricing model, period, unit, supply, aggregation, EUR list price)

PRODUCTS = [
    ("lic_std", "LIC-STD", "Cloud Suite Standard user licence", "Recurring", "Per Unit", "Monthly", "C62", "Electronic Services", None, 49.90),
    ("lic_pro", "LIC-PRO", "Cloud Suite Professional user licence", "Recurring", "Per Unit", "Monthly", "C62", "Electronic Services", None, 89.90),
    ("lic_ent", "LIC-ENT", "Cloud Suite Enterprise user licence", "Recurring", "Per Unit", "Monthly", "C62", "Electronic Services", None, 129.00),
    ("platform", "PLAT-FEE", "Platform fee", "Recurring", "Flat Fee", "Yearly", "ANN", "Electronic Services", None, 1200.00),
    ("support", "SUP-PREM", "Premium support", "Recurring", "Flat Fee", "Monthly", "MON", "Services", None, 299.00),
    ("onboarding", "ONB-STD", "Onboarding package", "One-Time", "Flat Fee", None, "C62", "Services", None, 1490.00),
    ("consulting", "CONS-HR", "Consulting (per hour)", "One-Time", "Per Unit", None, "HUR", "Services", None, 145.00),
    ("api", "API-1K", "API calls (per 1,000)", "Usage", "Per Unit", "Monthly", "T3", "Electronic Services", "Sum", 0.85),
    ("storage", "STOR-GB", "Storage (GB, monthly peak)", "Usage", "Per Unit", "Monthly", "E34", "Electronic Services", "Max", 0.12),
    ("commission", "MKT-COMM", "Marketplace commission", "Usage", "Percentage", "Monthly", "C62", "Services", "Sum", 0.00),
]
PRICE = {p[0]: p[9] for p in PRODUCTS}
FX = {"EUR": 1.0, "USD": 1.10, "CAD": 1.50}  # list prices in the other currencies, rounded to .90/.00
RECURRING = ["lic_std", "lic_pro", "lic_ent"]


def price_in(product, currency, rng, discount=True):
    """The list price in `currency`, sometimes discounted, rounded the way price lists are (49.90, 1420)."""
    base = PRICE[product] * FX[currency]
    if discount and rng.chance(35):
        base *= 1 - rng.choice([5, 10, 15]) / 100
    if base >= 1000:
        return float(round(base / 10) * 10)
    if base >= 10:
        whole = int(base)
        return whole + 0.90 if base - whole >= 0.45 else float(whole)
    return round(base, 2)


# --- writing YAML ---------------------------------------------------------------------------------------

def scalar(v):
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        text = ("%.4f" % v).rstrip("0")
        return text + "0" if text.endswith(".") else text
    return json.dumps(v, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def flow(rec):
    return "{" + ", ".join("%s: %s" % (k, scalar(v)) for k, v in rec.items() if v is not None) + "}"


def iso(y, m, d):
    return "%04d-%02d-%02d" % (y, m, d)


def add_days(date, n):
    y, m, d = (int(x) for x in date.split("-"))
    lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    d += n
    while d > lengths[m - 1]:
        d -= lengths[m - 1]
        m, y = (1, y + 1) if m == 12 else (m + 1, y)
    while d < 1:
        m, y = (12, y - 1) if m == 1 else (m - 1, y)
        d += lengths[m - 1]
    return iso(y, m, d)


ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "è": "e", "é": "e", "ê": "e", "à": "a",
                       "ï": "i", "ë": "e", "ç": "c", "É": "e", "È": "e", "Ö": "oe", "Ä": "ae", "Ü": "ue"})


def ascii_word(text):
    return "".join(c for c in text.translate(ASCII).lower() if c.isalnum())


def slug(name):
    """Two significant words of a company name, for its made-up domain."""
    words = []
    for w in name.translate(ASCII).lower().replace("&", " ").replace("'", " ").split():
        w = "".join(c for c in w if c.isalnum())
        if w and w not in ("gmbh", "ag", "co", "kg", "sarl", "sas", "sa", "bv", "nv", "spa", "srl", "inc", "llc",
                           "lp", "ltd", "og", "mbb", "partnerschaft", "dr"):
            words.append(w)
    return "-".join(words[:2])


# --- the org --------------------------------------------------------------------------------------------

def build():
    rng = Rng(SEED)
    records = {k: [] for k in ("Account", "Contact", "Product2", "Pricebook2", "PricebookEntry", "Opportunity",
                               "OpportunityLineItem", "Subscription__c", "Subscription_Item__c",
                               "Usage_Record__c")}
    currency_of = {}
    name_of = {}
    for (key, cc, name, industry, street, postcode, city, state, kind, first, last, title) in ACCOUNTS:
        language = LANGUAGE_OVERRIDE.get(key, LANGUAGE[cc])
        domain = slug(name) + ".example"
        currency_of[key], name_of[key] = CURRENCY.get(cc, "EUR"), name
        phone = "%s %d %s" % (PHONE_PREFIX[cc], rng.between(20, 899), rng.digits(7))
        records["Account"].append({
            "_key": key,
            "Name": name,
            "Type": None,  # set below from what the account bought
            "Industry": industry,
            "Phone": phone,
            "Website": None if kind == "C" else "https://www." + domain,
            "BillingStreet": street,
            "BillingPostalCode": postcode,
            "BillingCity": city,
            "BillingState": state or None,
            "BillingCountry": COUNTRY[cc],
            "VAT_Number__c": VAT[cc](rng) if kind == "B" and cc in VAT else None,
            "Leitweg_ID__c": LEITWEG_ID.get(key),
            "Invoice_Email__c": ("%s.%s@mail.example" % (ascii_word(first), ascii_word(last)) if kind == "C"
                                 else "%s@%s" % (INVOICE_MAILBOX[language], domain)),
            "Invoice_Language__c": language,
            "Customer_Type__c": {"B": "Business", "C": "Consumer", "P": "Public Sector"}[kind],
        })
        records["Contact"].append({
            "FirstName": first,
            "LastName": last,
            "Title": title or None,
            "Email": ("%s.%s@mail.example" % (ascii_word(first), ascii_word(last)) if kind == "C"
                      else "%s.%s@%s" % (ascii_word(first)[0], ascii_word(last), domain)),
            "Phone": phone[:-2] + "%02d" % rng.between(10, 99),
            "AccountId": "@" + key,
        })

    for (key, code, name, charge, model, period, unit, supply, aggregation, price) in PRODUCTS:
        records["Product2"].append({
            "_key": key, "Name": name, "ProductCode": code, "IsActive": True, "Charge_Type__c": charge,
            "Pricing_Model__c": model, "Billing_Period__c": period, "Unit_Code__c": unit,
            "Supply_Type__c": supply, "Usage_Aggregation__c": aggregation,
        })
    records["Pricebook2"].append({"_key": "standard", "Name": "Standard Price Book", "IsActive": True})
    for p in PRODUCTS:
        records["PricebookEntry"].append({
            "_key": "pbe_" + p[0], "Pricebook2Id": "@standard", "Product2Id": "@" + p[0], "UnitPrice": p[9],
            "IsActive": True,
        })

    bought = set()

    # Won opportunities: (account, what, start, period, end, order reference, lines).  A line is
    # (product, quantity); prices come from the list price in the opportunity's currency, sometimes discounted.
    won = [
        ("brandt", "Cloud Suite rollout", "2026-09-01", "Monthly", None, "4500187342", [("lic_pro", 45), ("onboarding", 1), ("support", 1)]),
        ("nordlicht", "Standard licences", "2026-10-01", "Monthly", None, None, [("lic_std", 30)]),
        ("kessler", "Enterprise platform", "2026-10-01", "Yearly", "2029-09-30", "PO-KMT-2026-0917", [("platform", 1), ("lic_ent", 60), ("onboarding", 1)]),
        ("rheinwerk", "Professional licences", "2026-11-01", "Monthly", None, None, [("lic_pro", 18), ("consulting", 16)]),
        ("havelland", "Standard licences", "2026-09-15", "Quarterly", None, None, [("lic_std", 12)]),
        ("spreeblick", "Agency seats", "2026-10-15", "Monthly", "2027-10-14", None, [("lic_std", 8), ("lic_pro", 3)]),
        ("elbtal", "Validated environment", "2026-11-01", "Quarterly", None, "EP-BANF-26-3381", [("lic_ent", 25), ("support", 1), ("onboarding", 1)]),
        ("hoffmann", "Site office licences", "2026-09-01", "Monthly", "2026-11-30", None, [("lic_std", 15)]),
        ("mainfranken", "Shop licences", "2026-11-16", "Monthly", None, None, [("lic_std", 4)]),
        ("lindner", "Kanzlei-Paket", "2026-10-01", "Yearly", None, None, [("platform", 1), ("lic_pro", 9)]),
        ("westfalen", "Migration consulting", "2026-10-01", "Monthly", None, "WDS-2026-114", [("consulting", 40)]),
        ("bergmann", "Professional licences", "2026-12-01", "Monthly", None, None, [("lic_pro", 22), ("onboarding", 1)]),
        ("leipziger", "Redaktion licences", "2026-10-01", "Quarterly", "2027-09-30", None, [("lic_std", 35), ("support", 1)]),
        ("kaiser", "Consulting seats", "2026-11-01", "Monthly", None, None, [("lic_pro", 6)]),
        ("fraenkische", "Enterprise licences", "2026-09-01", "Yearly", None, "4700023315", [("lic_ent", 40), ("platform", 1)]),
        ("musterstadt", "Bürgerservice-Portal", "2026-10-01", "Quarterly", "2028-09-30", "Vergabe 2026/117", [("lic_pro", 25), ("onboarding", 1), ("support", 1)]),
        ("vogel", "Praxis licence", "2026-11-01", "Monthly", None, None, [("lic_std", 1)]),
        ("alpenblick", "Hotel licences", "2026-11-01", "Monthly", None, None, [("lic_std", 14)]),
        ("steirische", "Professional licences", "2026-10-01", "Quarterly", None, "B-2026-0456", [("lic_pro", 10), ("onboarding", 1)]),
        ("linzer", "Standard licences", "2026-09-01", "Monthly", None, None, [("lic_std", 20)]),
        ("pichler", "Kanzlei licences", "2026-12-01", "Yearly", None, None, [("lic_pro", 7)]),
        ("vorarlberger", "Enterprise licences", "2026-10-01", "Monthly", None, "VT-PO-88213", [("lic_ent", 16), ("support", 1)]),
        ("garnier", "Fleet office licences", "2026-10-01", "Monthly", None, "BC-2026-1042", [("lic_std", 24)]),
        ("bertrand", "Professional licences", "2026-11-01", "Quarterly", None, None, [("lic_pro", 5), ("consulting", 8)]),
        ("dumont", "Platform and licences", "2026-09-01", "Yearly", None, None, [("platform", 1), ("lic_pro", 30)]),
        ("moreau", "Store licences", "2026-11-16", "Monthly", None, None, [("lic_std", 11)]),
        ("fontaine", "Personal licence", "2026-10-01", "Monthly", None, None, [("lic_std", 1)]),
        ("vandijk", "Standard licences", "2026-10-01", "Monthly", None, None, [("lic_std", 17), ("onboarding", 1)]),
        ("degroot", "Professional licences", "2026-11-01", "Quarterly", None, None, [("lic_pro", 9)]),
        ("bakker", "Enterprise licences", "2026-09-01", "Monthly", "2027-08-31", "4501209987", [("lic_ent", 28)]),
        ("noordzee", "Offshore crew licences", "2026-10-15", "Monthly", None, None, [("lic_std", 40), ("support", 1)]),
        ("tessitura", "Professional licences", "2026-10-01", "Monthly", None, "ODA-2026-0733", [("lic_pro", 21), ("onboarding", 1)]),
        ("rossi", "Standard licences", "2026-11-01", "Quarterly", None, None, [("lic_std", 13)]),
        ("ferrari", "Studio licences", "2026-12-01", "Monthly", None, None, [("lic_pro", 4), ("consulting", 6)]),
        ("redwood", "Enterprise licences", "2026-10-01", "Yearly", None, "PO-55120", [("lic_ent", 35), ("platform", 1)]),
        ("lakeshore", "Plant licences", "2026-11-01", "Monthly", None, "4400098812", [("lic_std", 50), ("onboarding", 1)]),
        ("brazos", "Professional licences", "2026-09-01", "Quarterly", None, None, [("lic_pro", 12)]),
        ("mapleleaf", "Professional licences", "2026-10-01", "Monthly", None, None, [("lic_pro", 15), ("support", 1)]),
        ("laurentide", "Licences conseil", "2026-11-01", "Monthly", None, None, [("lic_std", 9)]),
    ]
    # The deliberate mapping error: a period the field mapping does not know.
    broken = ("nordlicht", "Broken period demo: Nordlicht Logistik fortnightly billing", "2026-11-01", "Fortnightly",
              None, None,
              [("lic_std", 5)])
    won.append(broken)

    lost = [
        ("hansa", "Standard licences", "2026-10-20", [("lic_std", 25)]),
        ("provence", "Professional licences", "2026-09-30", [("lic_pro", 12), ("onboarding", 1)]),
        ("empire", "Enterprise licences", "2026-11-05", [("lic_ent", 80), ("platform", 1)]),
    ]
    # Lost and open deals carry the billing fields they were quoted with: fakturad must still leave them alone.
    open_ = [
        ("schwarzwald", "Standard licences", "Proposal/Price Quote", "2026-12-15", [("lic_std", 10)]),
        ("ostsee", "Season licences", "Negotiation/Review", "2026-12-10", [("lic_std", 22), ("onboarding", 1)]),
        ("polder", "Professional licences", "Qualification", "2027-01-31", [("lic_pro", 8)]),
        ("pacific", "Enterprise licences", "Needs Analysis", "2027-02-28", [("lic_ent", 30)]),
    ]

    def add_opportunity(n, account, what, stage, close, start, period, end, ref, lines):
        key = "opp%02d" % n
        currency = currency_of[account]
        records["Opportunity"].append({
            "_key": key,
            "Name": "%s: %s" % (name_of[account], what) if not what.startswith("Broken") else what,
            "AccountId": "@" + account,
            "StageName": stage,
            "CloseDate": close,
            "Type": "Existing Customer - Upgrade" if what.startswith("Broken") else "New Customer",
            "Pricebook2Id": "@standard",
            "Billing_Start__c": start,
            "Billing_End__c": end,
            "Billing_Period__c": period,
            "Billing_Currency__c": currency,
            "Order_Reference__c": ref,
            "Legal_Entity__c": "DE01",
        })
        for product, quantity in lines:
            records["OpportunityLineItem"].append({
                "OpportunityId": "@" + key,
                "PricebookEntryId": "@pbe_" + product,
                "Quantity": quantity,
                "UnitPrice": price_in(product, currency, rng),
            })

    n = 0
    for (account, what, start, period, end, ref, lines) in won:
        n += 1
        add_opportunity(n, account, what, "Closed Won", add_days(start, -rng.between(6, 40)), start, period, end,
                        ref, lines)
        bought.add(account)
    for (account, what, close, lines) in lost:
        n += 1
        add_opportunity(n, account, what, "Closed Lost", close, add_days(close, 12), "Monthly", None, None, lines)
    for (account, what, stage, close, lines) in open_:
        n += 1
        add_opportunity(n, account, what, stage, close, add_days(close, 17), "Monthly", None, None, lines)

    # A project billed by milestones (config/examples/mappings/project-milestones.yaml): its products are the
    # agreed total; 30 % is invoiced on order, 40 % at delivery (done), and the final invoice waits for the
    # acceptance date.
    n += 1
    project = "opp%02d" % n
    records["Opportunity"].append({
        "_key": project,
        "Name": "%s: Plant control rollout (project)" % name_of["havelland"],
        "AccountId": "@havelland",
        "StageName": "Closed Won",
        "CloseDate": "2026-10-09",
        "Type": "New Customer",
        "Pricebook2Id": "@standard",
        "Project_Billing__c": True,
        "Advance_Percent__c": 30,
        "Delivery_Percent__c": 40,
        "Delivery_Date__c": "2026-11-24",
        "Billing_Currency__c": "EUR",
        "Order_Reference__c": "HS-2026-0412",
        "Legal_Entity__c": "DE01",
    })
    for product, quantity in [("consulting", 120), ("onboarding", 1)]:
        records["OpportunityLineItem"].append({
            "OpportunityId": "@" + project,
            "PricebookEntryId": "@pbe_" + product,
            "Quantity": quantity,
            "UnitPrice": PRICE[product],
        })
    bought.add("havelland")

    # Subscriptions: (account, title, start, period, end, auto renew, items, marketplace commission %).
    # An item is (product, quantity, start); usage items have no quantity.
    subscriptions = [
        ("rheinwerk", "Cloud Suite API", "2026-10-01", "Monthly", None, False, [("lic_pro", 12, None), ("api", None, None)], None),
        ("westfalen", "Data platform", "2026-10-01", "Monthly", None, False, [("lic_ent", 20, None), ("api", None, None), ("storage", None, None)], None),
        ("kaiser", "Analytics add-on", "2026-11-01", "Monthly", None, False, [("lic_std", 10, None), ("lic_std", 5, "2026-11-16")], None),
        ("donau", "Developer platform", "2026-10-01", "Monthly", "2027-09-30", True, [("platform", 1, None), ("api", None, None)], None),
        ("salzach", "Media suite", "2026-11-01", "Quarterly", None, False, [("lic_pro", 8, None), ("support", 1, None)], None),
        ("woerthersee", "Ticket marketplace", "2026-10-01", "Monthly", None, False, [("platform", 1, None), ("commission", None, None)], 2.5),
        ("dumont", "API partner programme", "2026-11-01", "Monthly", None, False, [("api", None, None)], None),
        ("alsace", "Parts marketplace", "2026-10-01", "Monthly", None, False, [("commission", None, None), ("api", None, None)], 3.0),
        ("tulip", "Hosting bundle", "2026-11-01", "Monthly", None, False, [("lic_ent", 10, None), ("storage", None, None)], None),
        ("jansenvisser", "Legal workspace", "2026-10-01", "Monthly", None, False, [("lic_pro", 14, None)], None),
        ("oleificio", "Shop marketplace", "2026-11-01", "Monthly", None, False, [("platform", 1, None), ("commission", None, None)], 1.75),
        ("cascade", "Developer API", "2026-10-01", "Monthly", None, False, [("api", None, None), ("lic_std", 6, None)], None),
    ]
    usage_items = []
    for s, (account, title, start, period, end, renew, items, commission) in enumerate(subscriptions, 1):
        key = "sub%02d" % s
        currency = currency_of[account]
        records["Subscription__c"].append({
            "_key": key,
            "Name": "SUB-%04d %s" % (1000 + s, title),
            "Account__c": "@" + account,
            "Status__c": "Active",
            "Start_Date__c": start,
            "End_Date__c": end,
            "Billing_Period__c": period,
            "Billing_Currency__c": currency,
            "Legal_Entity__c": "DE01",
            "Auto_Renew__c": renew,
        })
        bought.add(account)
        for i, (product, quantity, item_start) in enumerate(items, 1):
            item_key = "%s_item%d" % (key, i)
            usage = product in ("api", "storage", "commission")
            records["Subscription_Item__c"].append({
                "_key": item_key,
                "Subscription__c": "@" + key,
                "Product__c": "@" + product,
                "Quantity__c": quantity,
                "Unit_Price__c": None if product == "commission" else price_in(product, currency, rng, not usage),
                "Commission_Percent__c": commission if product == "commission" else None,
                "Start_Date__c": item_start or start,
                "End_Date__c": end,
            })
            if usage:
                usage_items.append((item_key, product, item_start or start, "SUB-%04d" % (1000 + s), i))

    # Usage from each item's start to 2026-11-30: API calls in thousands, storage peaks in GB, marketplace
    # sales amounts for the commission.  Records per item: a number from the range per 61 days, plus 4.
    counts = {"api": (16, 34), "storage": (6, 10), "commission": (30, 44)}
    for item_key, product, start, code, item_no in usage_items:
        days = []
        day = start
        while day <= "2026-11-30":
            days.append(day)
            day = add_days(day, 1)
        lo, hi = counts[product]
        wanted = min(len(days), rng.between(lo, hi) * len(days) // 61 + 4)
        stamps = set()
        while len(stamps) < wanted:
            stamps.add("%sT%02d:%02d:%02d.000Z" % (rng.choice(days), rng.between(6, 21), rng.below(60),
                                                    rng.below(60)))
        for seq, stamp in enumerate(sorted(stamps), 1):
            if product == "api":
                quantity = rng.between(8000, 260000) / 1000  # thousands of calls, up to 3 decimals
                unique = "key-%s-%d" % (code[-4:], rng.between(1, 4))
            elif product == "storage":
                quantity = (rng.between(20000, 5200000) // 25) / 100  # GB with 2 decimals
                unique = "bucket-%s-%d" % (code[-4:], rng.between(1, 2))
            else:
                quantity = rng.between(1990, 2500000) / 100 if rng.chance(80) else rng.between(10000, 9999999) / 10000
                unique = "ORD-%s-%06d" % (code[-4:], rng.between(1, 999999))
            records["Usage_Record__c"].append({
                "Subscription_Item__c": "@" + item_key,
                "Quantity__c": quantity,
                "Occurred_At__c": stamp,
                "Unique_Key__c": unique,
                "Usage_Key__c": "%s-%d-%s-%03d" % (code, item_no, stamp[:10].replace("-", ""), seq),
            })

    for rec in records["Account"]:
        rec["Type"] = "Customer - Direct" if rec["_key"] in bought else "Prospect"
    return records


HEADER = """\
# The demo org for `./run demo` and manual tries: a software company's customers as of 2026-11-27, ready for an
# invoice run on 2026-12-01.  GENERATED by scripts/make-demo-org.py; do not edit by hand, change the script and run
#     python3 scripts/make-demo-org.py
# Tests use the small org in test-small.yaml instead.  Seed records may carry `_key`; later records point at
# them with "@key".  The Closed Won Opportunity "Broken period demo: Nordlicht Logistik fortnightly billing" has
# the billing period "Fortnightly", which the field mapping does not know: the demo's one deliberate mapping error.
"""

PREAMBLE = """\
org_id: 00D5g00000DEMO1
user_id: 0055g00000DEMO1
username: integration@fakturad-demo.example
metadata: ../../../salesforce/force-app/main/default
daily_api_requests: 100000
session_seconds: 7200
connected_apps:
  - consumer_key: fakturad-demo-consumer-key
    consumer_secret: fakturad-demo-consumer-secret
    run_as: integration@fakturad-demo.example
"""


def render(records):
    out = [HEADER, PREAMBLE, "records:\n"]
    for obj, rows in records.items():
        out.append("  %s:  # %d\n" % (obj, len(rows)))
        out.extend("    - %s\n" % flow(r) for r in rows)
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="file to write, '-' for stdout")
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args()
    text = render(build())
    if args.check:
        current = Path(args.out).read_text(encoding="utf-8") if Path(args.out).exists() else ""
        if current != text:
            print("%s is not what scripts/make-demo-org.py writes; run it again" % args.out, file=sys.stderr)
            return 1
        return 0
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
