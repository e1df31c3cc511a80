"""Make the telco demo customers: the IBM Telco churn table as a Cortesía customer file.

Reads IBM's sample telco customer table (7,043 customers, ``shared/data/telco_churn``) and
writes ``src/cortesia/engine/data/samples/telco/customers.csv`` in the canonical import
layout: every IBM customer keeps its id and its attribute mix (snake_case names; two-valued
Yes/No columns become true/false), and gets a country (CO, MX, ES, US and a few AR, BR,
CL, PE, GB), a subdivision where it decides the clock, a language, a unique mobile number
valid for the country per ``phonenumbers``, usually an e-mail at example.com or example.org,
often an app id, and the attributes the sample catalog reads: segment, plan, arpu, birthday,
bill_due_on, balance, data_used_pct, device_age_months, roaming_trips_12m and
last_payment_failed.

From those customers it then writes, beside the customer file:

- ``registries/<registry>.csv``: one do-not-call snapshot per registry the sample countries'
  packs consult (generic CSV: number, channel, added), listing a fixed ~3-5 % of that
  country's sample numbers plus a few numbers of no sample customer, and
  ``registries/snapshot.toml`` with the day every snapshot describes (``SNAPSHOT``);
- ``consent.csv``: the consent ledger's history, one event a row in the shape of
  ``engine.consent.record_batch`` with its own idempotency key: about 65 % opted in to
  marketing by SMS and e-mail, 20 % never asked, the rest opted out of some channels; some
  topics, later opt-outs and snoozes, all before ``CONSENT_UNTIL``.

The output depends only on the input file: a fixed seed, the file's own row order and
plain ``csv`` writing, so the shipped files can be checked byte for byte (the unit test does).
Dates are relative to ``AS_OF``, the day the sample describes; birthdays are spread over the
whole year, so birthday actions fire on any day.

    .venv/bin/python bench/make_telco_sample.py [SOURCE] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "shared/data/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
SOURCE_SHA256 = "a0ea74c48c1063be"  # first 16 hex digits, shared/data/README.md
OUT = HERE.parent / "src/cortesia/engine/data/samples/telco/customers.csv"
SEED = 20261124
AS_OF = date(2026, 12, 1)

HEADER = ("customer_id", "country", "subdivision", "time_zone", "language", "phone", "email")
IBM_COLUMNS = {  # IBM column -> attribute name
    "gender": "gender",
    "SeniorCitizen": "senior_citizen",
    "Partner": "partner",
    "Dependents": "dependents",
    "tenure": "tenure",
    "PhoneService": "phone_service",
    "MultipleLines": "multiple_lines",
    "InternetService": "internet_service",
    "OnlineSecurity": "online_security",
    "OnlineBackup": "online_backup",
    "DeviceProtection": "device_protection",
    "TechSupport": "tech_support",
    "StreamingTV": "streaming_tv",
    "StreamingMovies": "streaming_movies",
    "Contract": "contract",
    "PaperlessBilling": "paperless_billing",
    "PaymentMethod": "payment_method",
    "MonthlyCharges": "monthly_charges",
    "TotalCharges": "total_charges",
    "Churn": "churn",
}
BOOLEANS = frozenset({"SeniorCitizen", "Partner", "Dependents", "PhoneService"})
BOOLEANS |= {"PaperlessBilling", "Churn"}
DERIVED = (
    "segment",
    "plan",
    "arpu",
    "birthday",
    "bill_due_on",
    "balance",
    "data_used_pct",
    "device_age_months",
    "roaming_trips_12m",
    "last_payment_failed",
)
COLUMNS = (*HEADER, "push_id", *IBM_COLUMNS.values(), *DERIVED)


@dataclass(frozen=True, slots=True)
class Country:
    """Where a share of the customers live: language, subdivisions and mobile ranges.

    ``areas`` maps a subdivision ("" for none) to its weight and to national-number
    prefixes of mobile lines there; the remaining digits are drawn and the number kept
    only when ``phonenumbers`` holds it valid and mobile (the US and Mexico do not tell
    mobiles apart; US numbers stay in the fictional 555-0100..0199 block).
    """

    code: str
    weight: int
    language: str
    digits: int  # length of the national number
    areas: Mapping[str, tuple[int, tuple[str, ...]]]


def _us(*area_codes: str) -> tuple[str, ...]:
    return tuple(f"{a}55501" for a in area_codes)


COUNTRIES = (
    Country(
        "CO",
        22,
        "es",
        10,
        {
            "CO-DC": (40, ("310", "311", "320", "321", "350")),
            "CO-ANT": (25, ("300", "301", "312", "313")),
            "CO-VAC": (20, ("315", "316", "317")),
            "CO-ATL": (15, ("300", "318")),
        },
    ),
    Country(
        "MX",
        20,
        "es",
        10,
        {
            "MX-CMX": (45, ("55", "56")),
            "MX-JAL": (20, ("33",)),
            "MX-NLE": (20, ("81",)),
            "MX-PUE": (15, ("222",)),
        },
    ),
    Country(
        "ES",
        18,
        "es",
        9,
        {
            "ES-MD": (25, ("6", "71")),
            "ES-CT": (25, ("6", "72")),
            "ES-AN": (25, ("6",)),
            "ES-VC": (15, ("6",)),
            "ES-PV": (6, ("6",)),
            "ES-CN": (4, ("6",)),
        },
    ),
    Country(
        "US",
        18,
        "en",
        10,
        {
            "US-FL": (30, _us("305", "786", "407", "813", "904", "954")),
            "US-TX": (30, _us("214", "512", "713", "210", "817", "469")),
            "US-CA": (25, _us("213", "310", "415", "619", "408", "916")),
            "US-NY": (15, _us("212", "718", "917", "646", "516", "585")),
        },
    ),
    Country(
        "AR",
        5,
        "es",
        11,
        {"AR-C": (60, ("911",)), "AR-X": (20, ("9351",)), "AR-S": (20, ("9341",))},
    ),
    Country(
        "BR",
        5,
        "pt",
        11,
        {"BR-SP": (55, ("119",)), "BR-RJ": (30, ("219",)), "BR-MG": (15, ("319",))},
    ),
    Country("CL", 4, "es", 9, {"CL-RM": (70, ("9",)), "": (30, ("9",))}),
    Country("PE", 4, "es", 9, {"PE-LIM": (70, ("9",)), "": (30, ("9",))}),
    Country("GB", 4, "en", 10, {"": (100, ("7400", "7700", "7900"))}),
)
MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})

_ES = (
    "maria lucia ana laura carmen sofia valentina camila isabel paula daniela elena marta "
    "andrea gabriela natalia juliana carolina patricia rosa",
    "jose juan carlos luis javier miguel andres diego santiago alejandro david jorge pablo "
    "sergio fernando ricardo manuel mateo sebastian felipe",
    "garcia rodriguez martinez lopez gonzalez hernandez perez sanchez ramirez torres flores "
    "rivera gomez diaz vargas castro romero moreno jimenez ruiz alvarez munoz rojas mendoza "
    "ortiz silva herrera medina castillo guerrero",
)
_PT = (
    "ana maria juliana fernanda beatriz camila larissa mariana leticia patricia",
    "joao pedro lucas gabriel rafael gustavo felipe bruno thiago marcelo",
    "silva santos oliveira souza lima pereira ferreira costa rodrigues almeida carvalho "
    "gomes ribeiro martins araujo",
)
_EN = (
    "emma olivia sophia emily jessica sarah hannah grace chloe amelia megan lauren rachel "
    "katie ashley",
    "james john michael david daniel matthew thomas william oliver jack ryan andrew joshua "
    "ethan george",
    "smith johnson williams brown jones miller davis wilson taylor anderson thomas moore "
    "martin clark walker hall young king wright hughes",
)
NAMES = {"es": _ES, "pt": _PT, "en": _EN}


class Phones:
    """Unique valid mobile numbers (E.164) drawn from each country's ranges."""

    def __init__(self, rng: random.Random, used: Iterable[str] = ()) -> None:
        self._rng = rng
        self._used: set[str] = set(used)

    def draw(self, country: Country, subdivision: str) -> str:
        prefixes = country.areas[subdivision][1]
        for _ in range(10_000):
            prefix = self._rng.choice(prefixes)
            rest = country.digits - len(prefix)
            national = prefix + f"{self._rng.randrange(10**rest):0{rest}d}"
            number = phonenumbers.parse(f"+{_calling_code(country.code)}{national}")
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            # Valid for the country itself: +44 7700 82… is Jersey's, not Great Britain's.
            if e164 in self._used or not phonenumbers.is_valid_number_for_region(
                number, country.code
            ):
                continue
            if phonenumbers.number_type(number) in MOBILE_TYPES:
                self._used.add(e164)
                return e164
        raise RuntimeError(f"no free mobile number left in {country.code} {subdivision}")


def _calling_code(region: str) -> int:
    return int(phonenumbers.country_code_for_region(region))


def _weighted(rng: random.Random, items: Sequence[Country]) -> Country:
    return rng.choices(items, weights=[c.weight for c in items])[0]


def _flag(value: str) -> str:
    return "true" if value.strip() in ("Yes", "1") else "false"


def _segment(monthly: float, tenure: int) -> str:
    """Premium: high spend held for a year (or very high spend); value: the cheapest plans."""
    if monthly >= 105 or (monthly >= 90 and tenure >= 12):
        return "premium"
    return "value" if monthly < 35 else "standard"


def _plan(row: Mapping[str, str], rng: random.Random) -> str:
    """Month-to-month customers who pay by check are often prepaid; contracts are postpaid."""
    if row["Contract"] != "Month-to-month":
        return "postpaid"
    share = {"Electronic check": 0.55, "Mailed check": 0.35}.get(row["PaymentMethod"], 0.1)
    return "prepaid" if rng.random() < share else "postpaid"


def _birthday(rng: random.Random, senior: bool) -> date:
    """A birth date, uniform over the days of the year (never 29 February)."""
    age = rng.randint(65, 85) if senior else rng.randint(19, 64)
    day = date(2025, 1, 1) + timedelta(days=rng.randrange(365))  # 2025 has no 29 February
    return day.replace(year=AS_OF.year - age)


def _usage(row: Mapping[str, str], rng: random.Random) -> tuple[str, str]:
    """Share of the month's data used (streaming users use more) and the handset's age."""
    if row["PhoneService"] != "Yes":
        return "", ""
    streams = (row["StreamingTV"] == "Yes") + (row["StreamingMovies"] == "Yes")
    used = min(100, round(rng.betavariate(2.0, 2.4) * 100 + 12 * streams))
    return str(used), str(round(rng.triangular(0, 60, 14)))


def _trips(rng: random.Random, segment: str) -> str:
    """Trips abroad in the last year: most customers none, premium ones more."""
    keep = 0.55 if segment == "premium" else 0.25
    trips = 0
    while trips < 12 and rng.random() < keep:
        trips += 1
    return str(trips)


def _money(rng: random.Random, plan: str) -> str:
    """Prepaid balance: a fifth of prepaid customers run low (under 2)."""
    if plan != "prepaid":
        return ""
    if rng.random() < 0.2:
        return f"{rng.uniform(0, 1.99):.2f}"
    return f"{min(60.0, 2 + rng.expovariate(1 / 9)):.2f}"


def _failed(row: Mapping[str, str], rng: random.Random) -> str:
    share = {"Electronic check": 0.08, "Mailed check": 0.03}.get(row["PaymentMethod"], 0.015)
    return "true" if rng.random() < share else "false"


def _derived(row: Mapping[str, str], rng: random.Random) -> dict[str, str]:
    monthly, tenure = float(row["MonthlyCharges"]), int(row["tenure"])
    segment = _segment(monthly, tenure)
    plan = _plan(row, rng)
    birthday = _birthday(rng, row["SeniorCitizen"] == "1")
    due = AS_OF + timedelta(days=rng.randrange(-7, 28))
    used, device = _usage(row, rng)
    return {
        "segment": segment,
        "plan": plan,
        "arpu": row["MonthlyCharges"],
        "birthday": birthday.isoformat(),
        "bill_due_on": due.isoformat() if plan == "postpaid" else "",
        "balance": _money(rng, plan),
        "data_used_pct": used,
        "device_age_months": device,
        "roaming_trips_12m": _trips(rng, segment),
        "last_payment_failed": _failed(row, rng),
    }


def _email(row: Mapping[str, str], rng: random.Random, language: str, n: int) -> str:
    """first.last.N@example.com (or .org): paperless customers always have one."""
    females, males, lasts = NAMES[language]
    first = rng.choice((females if row["gender"] == "Female" else males).split())
    last = rng.choice(lasts.split())
    domain = "example.org" if rng.random() < 0.2 else "example.com"
    has_one = row["PaperlessBilling"] == "Yes" or rng.random() < 0.7
    return f"{first}.{last}.{n}@{domain}" if has_one else ""


def _push_id(row: Mapping[str, str], rng: random.Random) -> str:
    """An app installation id for app users (more of them among internet customers)."""
    share = 0.35 if row["InternetService"] == "No" else 0.6
    token = f"app-{rng.getrandbits(64):016x}"
    return token if rng.random() < share else ""


def customer(row: Mapping[str, str], n: int, rng: random.Random, phones: Phones) -> list[str]:
    """One output row for IBM row ``row`` (its ``n``-th customer, from 1)."""
    country = _weighted(rng, COUNTRIES)
    names = sorted(country.areas)
    subdivision = rng.choices(names, weights=[country.areas[s][0] for s in names])[0]
    phone = phones.draw(country, subdivision)
    email = _email(row, rng, country.language, n)
    push_id = _push_id(row, rng)
    fields = [row["customerID"], country.code, subdivision, "", country.language, phone, email]
    ibm = [
        _flag(row[c]) if c in BOOLEANS else row[c].strip() for c in IBM_COLUMNS
    ]  # TotalCharges is blank for the 11 customers of tenure 0: an empty cell
    derived = _derived(row, rng)
    return [*fields, push_id, *ibm, *(derived[name] for name in DERIVED)]


def rows(source: Path) -> Iterator[list[str]]:
    """Every output row, in the IBM file's order."""
    rng = random.Random(SEED)
    phones = Phones(rng)
    with source.open(newline="", encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=1):
            yield customer(row, n, rng, phones)


def check_source(source: Path) -> None:
    """Refuse an altered copy: many copies of this table on the web differ."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{source}: sha256 starts {digest}, expected {SOURCE_SHA256}")


def write(source: Path, out: Path) -> int:
    """Write the sample to ``out``; returns the number of customers."""
    check_source(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows(source):
            writer.writerow(row)
            count += 1
    return count


# --- Do-not-call registry snapshots ---------------------------------------------------------

# The day the sample's registry snapshots describe. Colombia's pack (CO-9) accepts a snapshot
# at most 7 days old, so a demo on AS_OF needs one from 24 November or later; an import may
# not be dated after the day it runs, and the sample was made on 24 November 2026.
SNAPSHOT = date(2026, 11, 24)
REGISTRY_HEADER = ("number", "channel", "added")
OUTSIDERS = 4  # numbers on every list that belong to no sample customer


@dataclass(frozen=True, slots=True)
class Registry:
    """One do-not-call list: whose numbers it may hold, what share, on which channel lists.

    ``channels`` weighs the channel of each listing ("" = every channel); per-channel
    registries (Colombia's RNE, Chile's No Molestar) keep one list per channel.
    """

    registry_id: str
    country: str
    share: float = 0.04  # of the customers it may hold, exactly (rounded)
    subdivision: str = ""  # only customers there: São Paulo's own list
    channels: tuple[tuple[str, int], ...] = (("", 1),)


REGISTRIES = (
    Registry(
        "co-rne",
        "CO",
        channels=(("", 40), ("sms", 25), ("voice", 20), ("email", 10), ("whatsapp", 5)),
    ),
    Registry("mx-repep", "MX", 0.05),
    Registry("mx-reus", "MX", 0.03),  # financial companies only; a telco never consults it
    Registry("es-robinson", "ES", 0.05),
    Registry("us-dnc", "US", 0.05),
    Registry("ar-no-llame", "AR"),
    Registry("br-nao-me-perturbe", "BR", 0.03),
    Registry("br-sp-nao-me-ligue", "BR", 0.05, "BR-SP"),
    Registry(
        "cl-no-molestar",
        "CL",
        channels=(("voice", 40), ("sms", 30), ("whatsapp", 20), ("email", 10)),
    ),
    Registry("uk-tps", "GB", 0.05),
)  # ~3-5 % of each country's customers: enough to meet in a demo, few enough to be rare


def _listed_on(rng: random.Random) -> date:
    """Most numbers were listed years ago; one in six in the last 60 days, so effect delays
    (Mexico 45 days, the UK 28) show in decisions."""
    if rng.random() < 1 / 6:
        return SNAPSHOT - timedelta(days=rng.randrange(60))
    first = date(2016, 1, 1)
    return first + timedelta(days=rng.randrange((SNAPSHOT - timedelta(days=60) - first).days))


def registry_rows(registry: Registry, customers: Sequence[Mapping[str, str]]) -> list[list[str]]:
    """The rows of one registry's snapshot: listed sample customers, then outsiders."""
    rng = random.Random(f"{SEED}:{registry.registry_id}")
    country = next(c for c in COUNTRIES if c.code == registry.country)
    theirs = [
        c["phone"]
        for c in customers
        if c["country"] == registry.country and registry.subdivision in ("", c["subdivision"])
    ]
    picked = set(rng.sample(range(len(theirs)), max(1, round(registry.share * len(theirs)))))
    phones = Phones(rng, used=(c["phone"] for c in customers))
    area = registry.subdivision or sorted(country.areas)[0]
    numbers = [phone for n, phone in enumerate(theirs) if n in picked]
    numbers += [phones.draw(country, area) for _ in range(OUTSIDERS)]
    channels = [name for name, _ in registry.channels]
    weights = [weight for _, weight in registry.channels]
    return [
        [number, rng.choices(channels, weights)[0], _listed_on(rng).isoformat()]
        for number in numbers
    ]


def write_registries(customers: Sequence[Mapping[str, str]], folder: Path) -> dict[str, int]:
    """Every registry's snapshot file and ``snapshot.toml``; returns numbers per registry."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for registry in REGISTRIES:
        found = registry_rows(registry, customers)
        _write_csv(folder / f"{registry.registry_id}.csv", REGISTRY_HEADER, found)
        counts[registry.registry_id] = len(found)
    (folder / "snapshot.toml").write_text(
        "# Written by bench/make_telco_sample.py: the day every snapshot here describes.\n"
        f"snapshot_date = {SNAPSHOT.isoformat()}\n",
        encoding="utf-8",
    )
    return counts


# --- Consent events ----------------------------------------------------------------------------

CONSENT_HEADER = (
    "customer_id",
    "channel",
    "purpose",
    "kind",
    "occurred_at",
    "until",
    "source",
    "lawful_basis",
    "jurisdiction",
    "evidence",
    "idempotency_key",
)
CONSENT_FROM = datetime(2025, 1, 1, tzinfo=UTC)
CONSENT_UNTIL = datetime(2026, 11, 20, tzinfo=UTC)  # every event happened before this instant
SOURCES = {"web": 35, "app": 25, "call_centre": 20, "pos": 20}
EVIDENCE = {
    "web": "sign-up form on the website",
    "app": "consent screen of the app",
    "call_centre": "recorded call with an agent",
    "pos": "form signed in a store",
}


def _instant(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


class Ledger:
    """One customer's consent events as output rows, keys numbered in order."""

    def __init__(self, customer: Mapping[str, str], rng: random.Random) -> None:
        self.customer = customer
        self.rng = rng
        self.rows: list[list[str]] = []

    def source(self) -> str:
        return self.rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]

    def later(self, after: datetime) -> datetime:
        return _instant(self.rng, after + timedelta(hours=1), CONSENT_UNTIL)

    def add(
        self,
        channel: str,
        purpose: str,
        kind: str,
        at: datetime,
        source: str,
        until: datetime | None = None,
    ) -> None:
        who = self.customer["customer_id"]
        key = f"sample-telco-{who}-{len(self.rows) + 1}"
        basis = "consent" if kind == "opt_in" else ""
        self.rows.append(
            [who, channel, purpose, kind, _iso(at), _iso(until) if until else "", source,
             basis, self.customer["country"], EVIDENCE[source], key]
        )  # fmt: skip


def _topics(ledger: Ledger, at: datetime) -> None:
    """Topic opt-ins: product news by e-mail, streaming offers, roaming offers for travellers."""
    rng, customer = ledger.rng, ledger.customer
    if customer["email"] and rng.random() < 0.3:
        ledger.add("email", "product_news", "opt_in", ledger.later(at), ledger.source())
    streams = "Yes" in (customer["streaming_tv"], customer["streaming_movies"])
    if rng.random() < (0.45 if streams else 0.15):
        channel = "push" if customer["push_id"] else "email"
        ledger.add(channel, "streaming_offers", "opt_in", ledger.later(at), "app")
    travels = int(customer["roaming_trips_12m"]) >= 1
    if rng.random() < (0.5 if travels else 0.08):
        ledger.add("sms", "roaming_offers", "opt_in", ledger.later(at), ledger.source())


def _second_thoughts(ledger: Ledger, at: datetime) -> None:
    """Some later leave one channel's marketing; a few pause SMS for a while."""
    rng = ledger.rng
    if rng.random() < 0.08:
        ledger.add("email", "marketing", "opt_out", ledger.later(at), "web")
    if rng.random() < 0.04:
        ledger.add("sms", "marketing", "opt_out", ledger.later(at), rng.choice(("app", "web")))
    if rng.random() < 0.04:
        start = max(at, datetime(2026, 8, 1, tzinfo=UTC))
        paused = ledger.later(start)
        until = paused + timedelta(days=rng.choice((30, 90, 180)))
        ledger.add("sms", "marketing", "snooze", paused, "app", until)


def _opted_in(ledger: Ledger) -> None:
    """Marketing by SMS and e-mail from one sign-up; push, WhatsApp and calls for some."""
    rng, customer = ledger.rng, ledger.customer
    at = _instant(rng, CONSENT_FROM, CONSENT_UNTIL - timedelta(days=30))
    source = ledger.source()
    ledger.add("sms", "marketing", "opt_in", at, source)
    if customer["email"]:
        ledger.add("email", "marketing", "opt_in", at, source)
    if customer["push_id"] and rng.random() < 0.6:
        ledger.add("push", "marketing", "opt_in", ledger.later(at), "app")
    if rng.random() < 0.25:
        ledger.add("whatsapp", "marketing", "opt_in", ledger.later(at), ledger.source())
    if rng.random() < 0.15:
        ledger.add("voice", "marketing", "opt_in", ledger.later(at), "call_centre")
    _topics(ledger, at)
    _second_thoughts(ledger, at)


def _declined(ledger: Ledger) -> None:
    """No marketing at all, or e-mail but not texts, or no texts and no calls."""
    rng, customer = ledger.rng, ledger.customer
    at = _instant(rng, CONSENT_FROM, CONSENT_UNTIL - timedelta(days=30))
    source = ledger.source()
    mood = rng.random()
    if mood < 0.4:
        ledger.add("all", "marketing", "opt_out", at, source)
    elif mood < 0.7 and customer["email"]:
        ledger.add("email", "marketing", "opt_in", at, source)
        ledger.add("sms", "marketing", "opt_out", at, source)
    else:
        ledger.add("sms", "marketing", "opt_out", at, source)
        ledger.add("voice", "marketing", "opt_out", at, source)
        if customer["email"] and rng.random() < 0.5:
            ledger.add("email", "product_news", "opt_in", ledger.later(at), ledger.source())


def consent_rows(customers: Sequence[Mapping[str, str]]) -> list[list[str]]:
    """Every consent event of the sample, customer by customer."""
    rng = random.Random(f"{SEED}:consent")
    rows: list[list[str]] = []
    for customer in customers:
        ledger = Ledger(customer, rng)
        mood = rng.random()
        if mood < 0.65:
            _opted_in(ledger)
        elif mood >= 0.85:  # between the two: never asked, consent unknown
            _declined(ledger)
        rows.extend(ledger.rows)
    return rows


def _write_csv(path: Path, header: Sequence[str], found: Iterable[Sequence[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(found)


def write_extras(customers_file: Path, folder: Path) -> tuple[dict[str, int], int]:
    """Registries and consent events for the customers of ``customers_file``, in ``folder``.

    Returns the numbers per registry and the number of consent events.
    """
    with customers_file.open(newline="", encoding="utf-8") as handle:
        customers = list(csv.DictReader(handle))
    registries = write_registries(customers, folder / "registries")
    events = consent_rows(customers)
    _write_csv(folder / "consent.csv", CONSENT_HEADER, events)
    return registries, len(events)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE, help="IBM telco CSV")
    parser.add_argument("--out", type=Path, default=OUT, help="customer file to write")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = write(args.source, args.out)
    registries, events = write_extras(args.out, args.out.parent)
    listed = sum(registries.values())
    print(
        f"{count} customers, {events} consent events and {listed} numbers on "
        f"{len(registries)} registries written to {args.out.parent} "
        f"in {time.perf_counter() - started:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
