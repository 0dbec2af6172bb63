"""A fictional 10-year dataset of a 120-place setting, built through the core's own services.

``build_dataset(folder)`` creates a vault in ``folder`` and fills it the way the setting would have
over ten years (1 September 2016 to 31 August 2026): staff accounts, about 2,000 children who start
and leave across the decade (with their carers, siblings sharing carers, emergency contacts),
50,000 concerns logged while each child was on roll by several members of staff, and the DSL's
reviews, actions, completions, corrections and closures; and 20,000 consent changes (each carer
with parental responsibility answering the three built-in kinds and the manager's "Photographs"
kind, with forms that never came back, refusals, withdrawals and yearly reviews). Every change goes
through ``session.children`` / ``session.concerns`` / ``session.parent_contacts`` /
``session.consents`` and is one durable, audited transaction, exactly as in the program; nothing is
written with SQL here.

A ``ManualClock`` only ever moves forward: every change is made at the moment it happens in the
story (a child is added a week or two before starting, a concern is recorded minutes to hours
after it was seen, the DSL reviews it days later), so ``recorded_at``, review dates and the audit
log all look as they would after ten years of use.

One shortcut, documented because it is not how the program runs: the other members of staff work
through ``Session`` objects built over the manager's connection (``SessionContext`` with their own
``Staff`` record, as ``Vault._start`` builds a session after a sign-in) instead of signing in before
each change, so that concerns from several authors can interleave in time. Each of them did sign
in once for real, with their one-time password, and chose their own password.

One child (``DatasetInfo.chosen_child``) has exactly ``CHRONOLOGY_ENTRIES`` entries in their
chronology: 110 concerns with reviews, actions and closures, professionals, parent contacts and
agency visits, topped up with visits and checked with ``session.chronology.for_child``.

Names are fictional, combined from first names and surnames in several scripts (Latin with
accents, Polish, Irish, Vietnamese, Cyrillic, Greek); phone numbers are in Ofcom's drama range.
The generator is deterministic (fixed seed): the same arguments give the same records.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app import staff as staff_module
from app.children import (
    CarerDetails,
    CarerId,
    ChildDetails,
    ContactDetails,
    DuplicateChild,
    ProfessionalDetails,
    VisitDetails,
)
from app.clock import ManualClock, add_months
from app.concerns import NewConcern
from app.consents import (
    ConsentDetails,
    ConsentHow,
    ConsentStatus,
    GapKind,
    KindCode,
    KindDetails,
)
from app.parent_contacts import NewParentContact
from app.policy.permissions import Role
from app.policy.sharing_path import Answer, LawfulBasis, Question, SpecialCondition
from app.session import Session
from app.session_context import SessionContext
from app.settings import ProviderProfile
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    Nature,
    NewFollowUp,
    OutcomeDraft,
    Urgency,
)
from app.staff import NewStaff, Staff
from app.vault import kdf
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault

VERSION = 2  # change when the generator changes, so cached or reported datasets are told apart
SEED = 20160901
START = datetime(2016, 9, 1, 8, 0, tzinfo=UTC)
END = datetime(2026, 8, 31, 17, 30, tzinfo=UTC)
CHRONOLOGY_ENTRIES = 200
CHOSEN_CONCERNS = 110
PROVIDER = "Sunflower Nursery (benchmark)"
SAME_NAME = "same name and date of birth (added anyway)"  # a count, within "children"

Progress = Callable[[str, int, int], None]  # (phase, done, total)


# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPlan:
    username: str
    full_name: str
    roles: frozenset[Role]
    job_title: str
    password: str


_M, _D, _K = Role.MANAGER, Role.DSL, Role.KEY_WORKER
MANAGER = StaffPlan("zoe", "Zoë Adams", frozenset({_M}), "Manager", "blue harbour lantern")
STAFF = (
    StaffPlan("siobhan", "Siobhán Ní Bhriain", frozenset({_D}), "DSL", "copper kettle marigold"),
    StaffPlan("lucja", "Łucja Wiśniewska", frozenset({_D, _K}), "Deputy DSL", "velvet orchard compass"),
    StaffPlan("hoa", "Nguyễn Thị Hoa", frozenset({_K}), "Room leader", "silver meadow lantern"),
    StaffPlan("olena", "Олена Коваленко", frozenset({_K}), "Practitioner", "amber quay violet"),
    StaffPlan("eleni", "Ελένη Γεωργίου", frozenset({_K}), "Practitioner", "granite tulip harbour"),
    StaffPlan("tomas", "Tomás Ó Ceallaigh", frozenset({_K}), "Practitioner", "paper falcon willow"),
    StaffPlan("amara", "Amara Okafor", frozenset({_K}), "Room leader", "cobalt thistle ember"),
    StaffPlan("chloe", "Chloé Martin", frozenset({_K}), "Practitioner", "winter lemon anchor"),
    StaffPlan("malgorzata", "Małgorzata Zielińska", frozenset({_K}), "Practitioner", "hazel rocket prism"),
    StaffPlan("minh", "Trần Văn Minh", frozenset({_K}), "Practitioner", "cedar pylon saffron"),
    StaffPlan("ruth", "Ruth Evans", frozenset({_K}), "Apprentice", "ivory kayak nimbus"),
    StaffPlan("priya", "Priya Shah", frozenset({_K}), "Practitioner", "mango glacier piston"),
)
DSL_USERNAME = "siobhan"
DEPUTY_USERNAME = "lucja"
KEY_WORKERS = tuple(s.username for s in STAFF if _K in s.roles)


@dataclass(frozen=True)
class Script:
    """First names (girls, boys) and surnames (female form, male form) in one script."""

    name: str
    weight: float
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[tuple[str, str], ...]
    family_first: bool = False  # Vietnamese: family name, middle name, given name


# fmt: off
SCRIPTS = (
    Script(
        "Latin", 0.45,
        ("Zoë", "Chloé", "Léa", "Inès", "Amélie", "Sofía", "Lucía", "Renée", "Amelia", "Isla", "Olivia",
         "Maëlle", "Björk", "Ana", "Ava", "Freya", "Noémie", "Sinéad"),
        ("José", "Noé", "François", "Björn", "Søren", "Jürgen", "João", "Mateo", "Oliver", "Harry", "Jack",
         "Théo", "Rafael", "Leo", "Óscar", "Elías", "Arthur", "Tobías"),
        (("Adams", "Adams"), ("Müller", "Müller"), ("García", "García"), ("Pérez", "Pérez"),
         ("Dubois", "Dubois"), ("Lefèvre", "Lefèvre"), ("Sørensen", "Sørensen"), ("Öztürk", "Öztürk"),
         ("Gonçalves", "Gonçalves"), ("Martín", "Martín"), ("Smith", "Smith"), ("Jones", "Jones"),
         ("Brown", "Brown"), ("Taylor", "Taylor"), ("Évora", "Évora"), ("Okafor", "Okafor"),
         ("Patel", "Patel"), ("Begum", "Begum"), ("Hughes", "Hughes"), ("Ferreira", "Ferreira")),
    ),
    Script(
        "Polish", 0.15,
        ("Łucja", "Zofia", "Małgorzata", "Zuzanna", "Wiktoria", "Agnieszka", "Józefa", "Jagoda", "Hanna"),
        ("Jakub", "Wojciech", "Bartłomiej", "Kacper", "Szymon", "Łukasz", "Mikołaj", "Jędrzej", "Antoni"),
        (("Nowak", "Nowak"), ("Kowalska", "Kowalski"), ("Wiśniewska", "Wiśniewski"),
         ("Łukasiewicz", "Łukasiewicz"), ("Żółkiewska", "Żółkiewski"), ("Wójcik", "Wójcik"),
         ("Dąbrowska", "Dąbrowski"), ("Kamińska", "Kamiński"), ("Lewandowska", "Lewandowski")),
    ),
    Script(
        "Irish", 0.12,
        ("Siobhán", "Saoirse", "Niamh", "Caoimhe", "Aoife", "Róisín", "Clodagh", "Gráinne", "Sadhbh"),
        ("Oisín", "Tadhg", "Cian", "Ruairí", "Pádraig", "Darragh", "Seán", "Cathal", "Eoghan"),
        (("Ní Bhriain", "Ó Briain"), ("Ní Shúilleabháin", "Ó Súilleabháin"),
         ("Nic Cárthaigh", "Mac Cárthaigh"), ("Ní Cheallaigh", "Ó Ceallaigh"), ("Murphy", "Murphy"),
         ("O'Connor", "O'Connor"), ("Byrne", "Byrne"), ("Ní Dhónaill", "Ó Dónaill")),
    ),
    Script(
        "Vietnamese", 0.10,
        ("Anh", "Lan", "Hoa", "Mai", "Ngọc", "Thảo", "Linh", "Hương"),
        ("Minh", "Huy", "Khoa", "Phúc", "Bảo", "Đức", "Quang", "Tuấn"),
        (("Nguyễn", "Nguyễn"), ("Trần", "Trần"), ("Lê", "Lê"), ("Phạm", "Phạm"), ("Hoàng", "Hoàng"),
         ("Vũ", "Vũ"), ("Đặng", "Đặng"), ("Bùi", "Bùi")),
        family_first=True,
    ),
    Script(
        "Cyrillic", 0.10,
        ("Анастасия", "Мария", "Софія", "Олена", "Дарья", "Ксения", "Дарина", "Єва"),
        ("Дмитрий", "Иван", "Олександр", "Максим", "Артём", "Богдан", "Тарас", "Михаил"),
        (("Иванова", "Иванов"), ("Петрова", "Петров"), ("Шевченко", "Шевченко"),
         ("Коваленко", "Коваленко"), ("Смирнова", "Смирнов"), ("Бондаренко", "Бондаренко"),
         ("Кузнецова", "Кузнецов")),
    ),
    Script(
        "Greek", 0.08,
        ("Ελένη", "Μαρία", "Σοφία", "Κατερίνα", "Αθηνά", "Δέσποινα", "Ειρήνη"),
        ("Αλέξανδρος", "Γιώργος", "Νίκος", "Δημήτρης", "Κωνσταντίνος", "Παναγιώτης", "Σπύρος"),
        (("Παπαδοπούλου", "Παπαδόπουλος"), ("Γεωργίου", "Γεωργίου"), ("Νικολάου", "Νικολάου"),
         ("Οικονόμου", "Οικονόμου"), ("Κωνσταντίνου", "Κωνσταντίνου"), ("Παππά", "Παππάς")),
    ),
)
# fmt: on
NICKNAMES: Mapping[str, str] = {
    "Zofia": "Zosia",
    "Małgorzata": "Gosia",
    "Wojciech": "Wojtek",
    "Bartłomiej": "Bartek",
    "Олександр": "Сашко",
    "Дмитрий": "Дима",
    "Αλέξανδρος": "Αλέκος",
    "Κωνσταντίνος": "Κώστας",
    "Amelia": "Millie",
    "Ruairí": "Rory",
    "Oliver": "Ollie",
}
SCHOOLS = (
    "Meadowbank Primary School",
    "St Brigid's Catholic Primary",
    "Hillside Infant School",
    "Riverside Academy",
    "Oakfield Primary",
)


def _full_name(script: Script, given: str, surname: str, girl: bool, rng: random.Random) -> str:
    if script.family_first:
        middle = "Thị" if girl else rng.choice(("Văn", "Minh", "Đức", "Quốc"))
        return f"{surname} {middle} {given}"
    return f"{given} {surname}"


def _phone(rng: random.Random) -> str:
    return f"07700 900{rng.randrange(1000):03d}"  # Ofcom's range for drama: never a real number


# --- words ------------------------------------------------------------------------------------

PARTS = ("left arm", "right arm", "forehead", "cheek", "back", "left leg", "right leg", "neck", "ear", "hand")
COLOURS = ("purple", "yellow", "red", "blue", "greenish", "dark")
SIZES = ("small", "thumb-sized", "large", "round", "oval", "finger-shaped")
ADULTS = ("mum", "dad", "grandmother", "an adult the child called uncle", "mum's partner", "the childminder")
FOODS = ("breakfast", "lunch", "snack", "tea")

FACTS = (
    "Noticed a {size} {colour} bruise on {name}'s {part} while changing for water play at {time}.",
    "{name} arrived with a {size} bruise on the {part}; {adult} said it happened at the park.",
    "Scratch marks on {name}'s {part}, about three lines, seen at {time} during nappy change.",
    "{name} was very hungry on arrival and ate two portions of {food}; said there was no {food} at home.",
    "{name} came in wearing the same clothes as Monday; clothes were wet and smelled of smoke.",
    "{name} was collected late at {time} by {adult}, who seemed unsteady and smelled of alcohol.",
    "Nobody collected {name} at closing time; we phoned the contacts and {adult} arrived at {time}.",
    "{name} flinched and covered their head when a practitioner raised an arm to reach a shelf.",
    "During role play {name} shouted at the dolls using words we have not heard before.",
    "{name} has been withdrawn and tearful all week and is not joining in at group time.",
    "{name} said {adult} shut them in the bedroom; said it at {time} while painting.",
    "Burn mark, round and about 1 cm across, on {name}'s {part}; no explanation given.",
    "{name} has missed nine sessions this month; phone calls to {adult} not answered.",
    "Nappy rash that has not improved for two weeks; {adult} says there are no nappies at home.",
    "{name} was very tired and fell asleep on the carpet at {time}; said they were up all night.",
    "{adult} shouted at {name} in the car park at collection and pulled them by the {part}.",
    "{name} has a limp and would not put weight on the {part}; {adult} said a fall on the stairs.",
    "Another parent told us {adult} was arguing loudly at the gate; {name} was crying afterwards.",
    "Health visitor phoned: {name} missed the two-year check and a hospital appointment.",
    "{name} has had head lice for five weeks and sore scalp from scratching.",
    "Possible fracture: {name}'s {part} swollen, {adult} had not taken them to the doctor.",
    "{name} told a friend that {adult} hits mum when he is cross.",
)
WORDS = (
    "Daddy was cross.",
    "It hurts when I sit down.",
    "I fell off the bed.",
    "Mummy said don't tell.",
    "I'm hungry, there's no food.",
    "He locked the door.",
    "I don't want to go home.",
    "My tummy hurts.",
)
OPINIONS = (
    "The explanation does not seem to fit the mark.",
    "This is a change from the child's usual behaviour.",
    "Pattern of late collections is building up.",
    "I am worried about neglect.",
    "The adult seemed to be under the influence.",
    "",
)
ACTIONS = (
    "Reassured the child, recorded the words exactly and told the DSL.",
    "Body map completed; told the DSL straight away.",
    "Offered breakfast; DSL informed.",
    "Spoke to the parent at collection.",
    "Phoned the emergency contacts.",
    "",
)
REVIEW_NOTES = (
    "Read and discussed with the key worker; monitor and record any further marks.",
    "Spoke to the parent, explanation plausible; keep watching.",
    "Consulted the local authority designated officer for advice; follow the advice given.",
    "Referral made to children's social care; reference on the file.",
    "Early help assessment offered to the family.",
    "Pattern noted with earlier concerns; chronology updated and shared at supervision.",
)
ACTION_TEXTS = (
    "Phone the health visitor about the missed appointments.",
    "Arrange a meeting with the parents.",
    "Complete the early help form.",
    "Check attendance every week and report to the DSL.",
    "Send the referral form to the front door team.",
)
OUTCOMES = (
    "No further concerns after monitoring.",
    "Family accepted early help; support in place.",
    "Social care assessment completed, no further action.",
    "Child protection plan in place; this concern is part of the plan's chronology.",
    "Child left the setting; records passed to the new school.",
)
THIRD_PARTIES = ("Health visiting team", "Children's social care", "GP surgery", "Police")
CATEGORY_WEIGHTS = (30, 12, 18, 20, 8, 9, 3)  # the seven categories of migration 0003, in order


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class ChildPlan:
    index: int
    details: ChildDetails
    script: Script
    girl: bool
    given: str
    family: tuple[str, str]  # the surname's female and male forms
    add_at: datetime
    key_worker: str
    carers: list[CarerDetails]
    contacts: list[ContactDetails]
    sibling_of: int | None
    leave_at: datetime | None  # the update that records the leaving date, if within the decade
    window: tuple[datetime, datetime]  # when concerns may be seen (on roll, after being added)


@dataclass
class ConcernPlan:
    index: int
    child: int
    author: str
    new: NewConcern
    recorded_at: datetime
    review_at: datetime | None = None
    reviewer: str = DSL_USERNAME
    review_note: str = ""
    review_date: date | None = None
    action_at: datetime | None = None
    action_text: str = ""
    action_for: str = ""
    action_due: date | None = None
    done_at: datetime | None = None
    close_at: datetime | None = None
    outcome: str = ""
    amend_at: datetime | None = None


@dataclass(frozen=True)
class DatasetInfo:
    folder: Path
    version: int
    seed: int
    start: datetime
    end: datetime  # the clock's time when the build finished: "today" for the benchmarks
    manager: tuple[str, str]  # (username, password)
    dsl: tuple[str, str]
    key_worker: tuple[str, str]
    chosen_child: int
    chosen_entries: int
    counts: Mapping[str, int]
    build_seconds: float
    phase_seconds: Mapping[str, float]
    database_bytes: int
    # The information-sharing decisions: what happened how often (kept apart from ``counts``,
    # whose changes the records report averages over), and the child with the most decisions.
    sharing: Mapping[str, int] = field(default_factory=dict)
    busy_child: int | None = None
    busy_decisions: int = 0
    # The consents: what was recorded how often, and the gaps at the end (kept apart like ``sharing``).
    consents: Mapping[str, int] = field(default_factory=dict)


@dataclass
class _Counts:
    values: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + n


def _weekday(moment: datetime) -> datetime:
    """The same time on the nearest weekday at or after ``moment`` (nurseries open Monday-Friday)."""
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def _at(day: date, rng: random.Random, first_hour: float = 8.0, last_hour: float = 17.5) -> datetime:
    minutes = rng.randrange(int(first_hour * 60), int(last_hour * 60))
    return _weekday(datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes))


def _years(n: float) -> timedelta:
    return timedelta(days=round(n * 365.25))


def _school_start(born: date) -> date:
    """1 September after the fourth birthday, when children in England start reception."""
    return date(born.year + (5 if born.month >= 9 else 4), 9, 1)


def _plan_child(index: int, rng: random.Random, start: date, born: date, add_at: datetime) -> ChildPlan:
    script = rng.choices(SCRIPTS, weights=[s.weight for s in SCRIPTS])[0]
    girl = rng.random() < 0.5
    given = rng.choice(script.girls if girl else script.boys)
    female, male = rng.choice(script.surnames)
    surname = female if girl else male
    legal = _full_name(script, given, surname, girl, rng)
    known = NICKNAMES[given] if given in NICKNAMES and rng.random() < 0.6 else ""
    age = (start - born).days / 365.25
    room = "Babies" if age < 2 else "Toddlers" if age < 3 else "Pre-school"
    details = ChildDetails(
        legal_name=legal,
        known_as=known,
        date_of_birth=born,
        start_date=start,
        sex_gender="Girl" if girl else "Boy",
        address=f"{rng.randrange(1, 180)} {rng.choice(('Mill Lane', 'Station Road', 'Orchard Close'))}, "
        "Exampleton",
        phone=_phone(rng),
        room=room,
        sessions_per_week=rng.choice((2, 3, 4, 5, 6, 8, 10)),
        attendance_pattern=rng.choice(
            ("Mon-Wed mornings", "Tue and Thu all day", "Full week", "Fri all day")
        ),
        medical_notes="Nut allergy: EpiPen in the office." if rng.random() < 0.04 else "",
    )
    school = _school_start(born)
    if rng.random() < 0.8:
        leaving = school - timedelta(days=rng.randrange(38, 45))  # end of the summer term
        destination = rng.choice(SCHOOLS)
    else:
        leaving = start + timedelta(days=rng.randrange(90, 900))
        destination = ""
        if leaving >= school:
            leaving, destination = school - timedelta(days=40), rng.choice(SCHOOLS)
    leaving = max(leaving, start + timedelta(days=30))
    leave_at: datetime | None = datetime(leaving.year, leaving.month, leaving.day, 16, 0, tzinfo=UTC)
    if leave_at is not None and leave_at <= add_at + timedelta(days=30):
        leave_at = add_at + timedelta(days=30)  # typed in at set-up, moved away soon after
    if leave_at is not None and leave_at >= END:
        leave_at = None
    if leave_at is not None:
        details = replace(details, leaving_date=leave_at.date(), destination=destination)
    window_end = leave_at if leave_at is not None else END - timedelta(hours=2)
    window_start = max(datetime(start.year, start.month, start.day, tzinfo=UTC), add_at + timedelta(hours=1))
    mother_first = rng.choice(script.girls)
    father_first = rng.choice(script.boys)
    if script.family_first:
        mother = _full_name(script, mother_first, rng.choice(script.surnames)[0], True, rng)
        father = _full_name(script, father_first, male, False, rng)
    else:
        mother, father = f"{mother_first} {female}", f"{father_first} {male}"
    carers = [CarerDetails(mother, "Mother", True, True, phone=_phone(rng))]
    if rng.random() < 0.75:
        lives = rng.random() < 0.85
        carers.append(CarerDetails(father, "Father", True, lives, phone=_phone(rng)))
    elif rng.random() < 0.2:
        step = f"{rng.choice(script.boys)} {rng.choice(script.surnames)[1]}"
        carers.append(CarerDetails(step, "Step-father", False, True))
    grandmother = f"{rng.choice(script.girls)} {female}"
    friend = f"{rng.choice(script.girls)} {rng.choice(script.surnames)[0]}"
    contacts = [
        ContactDetails(grandmother, _phone(rng), "Grandmother", may_collect=True),
        ContactDetails(friend, _phone(rng), rng.choice(("Aunt", "Family friend", "Neighbour")), False),
    ]
    return ChildPlan(
        index=index,
        details=details,
        script=script,
        girl=girl,
        given=given,
        family=(female, male),
        add_at=add_at,
        key_worker=rng.choice(KEY_WORKERS),
        carers=carers,
        contacts=contacts,
        sibling_of=None,
        leave_at=leave_at,
        window=(window_start, window_end),
    )


def _plan_children(rng: random.Random, n: int) -> tuple[list[ChildPlan], int]:
    """Children in the order they are added; the chosen child's index."""
    plans: list[ChildPlan] = []
    cohort = min(120, n // 10)  # on roll when the vault was set up, typed in during the first fortnight
    for i in range(cohort):
        age_now = rng.uniform(0.6, 3.9)
        born = (START - _years(age_now)).date()
        start = (START - _years(rng.uniform(0, min(age_now - 0.5, 2.5)))).date()
        add_at = _weekday(START + timedelta(days=i // 12, hours=1 + (i % 12) * 0.6))
        plans.append(_plan_child(i, rng, start, born, add_at))
    first, last = START.date() + timedelta(days=14), END.date() - timedelta(days=7)
    span = (last - first).days
    chosen_start = END.date() - timedelta(days=round(3.3 * 365.25))
    chosen = cohort
    best = span
    for i in range(cohort, n):
        start = _weekday(
            datetime.combine(
                first + timedelta(days=(i - cohort) * span // max(1, n - cohort)), datetime.min.time(), UTC
            )
        ).date()
        if abs((start - chosen_start).days) < best:
            best, chosen = abs((start - chosen_start).days), i
        roll = rng.random()
        age = (
            rng.uniform(2.4, 3.3)
            if roll < 0.4
            else rng.uniform(1.0, 2.4)
            if roll < 0.75
            else rng.uniform(0.5, 1.0)
        )
        born = start - _years(age)
        add_at = _at(start - timedelta(days=rng.randrange(7, 22)), rng, 9, 16)
        plans.append(_plan_child(i, rng, start, born, add_at))
    # The chosen child: started about 3.3 years before the end as a baby, still on roll at the end.
    c = plans[chosen]
    chosen_day = c.details.start_date
    assert isinstance(chosen_day, date)
    born = chosen_day - _years(0.8)
    details = replace(c.details, date_of_birth=born, leaving_date=None, destination="", room="Babies")
    window = (c.window[0], END - timedelta(days=2))
    plans[chosen] = replace(c, details=details, leave_at=None, window=window, sibling_of=None)
    # Siblings: a quarter of the later children share carers with an earlier child of the family.
    for p in plans[cohort:]:
        if p.index == chosen or rng.random() > 0.25:
            continue
        earlier = [
            q for q in plans[max(0, p.index - 400) : p.index] if q.script is p.script and q.sibling_of is None
        ]
        if not earlier:
            continue
        older = rng.choice(earlier)
        p.family = older.family
        legal = _full_name(p.script, p.given, older.family[0 if p.girl else 1], p.girl, rng)
        p.details = replace(p.details, legal_name=legal)
        p.sibling_of = older.index
    return plans, chosen


def _random_moment(rng: random.Random, window: tuple[datetime, datetime]) -> datetime:
    start, end = window
    seconds = (end - start).total_seconds()
    for _ in range(20):
        moment = start + timedelta(seconds=rng.uniform(0, seconds))
        moment = moment.replace(hour=rng.randrange(8, 17), minute=rng.randrange(60))
        if moment.weekday() < 5 and start <= moment <= end:
            return moment
    return start


def _text(rng: random.Random, name: str) -> tuple[str, str, str, str]:
    fill = {
        "name": name,
        "part": rng.choice(PARTS),
        "colour": rng.choice(COLOURS),
        "size": rng.choice(SIZES),
        "adult": rng.choice(ADULTS),
        "food": rng.choice(FOODS),
        "time": f"{rng.randrange(8, 18)}:{rng.choice(('00', '15', '30', '45'))}",
    }
    facts = rng.choice(FACTS).format(**fill)
    words = rng.choice(WORDS) if rng.random() < 0.35 else ""
    opinion = rng.choice(OPINIONS) if rng.random() < 0.5 else ""
    action = rng.choice(ACTIONS)
    return facts[0].upper() + facts[1:], words, opinion, action


def _plan_concerns(
    rng: random.Random, children: list[ChildPlan], chosen: int, total: int
) -> list[ConcernPlan]:
    if total < CHOSEN_CONCERNS * 2:
        raise ValueError(f"the dataset needs at least {CHOSEN_CONCERNS * 2} concerns")
    weights = []
    for child_plan in children:
        days = max(0.0, (child_plan.window[1] - child_plan.window[0]).total_seconds() / 86400)
        weights.append(0.0 if child_plan.index == chosen else days * rng.lognormvariate(0, 1.1))
    owners = rng.choices(range(len(children)), weights=weights, k=total - CHOSEN_CONCERNS)
    owners += [chosen] * CHOSEN_CONCERNS
    plans: list[ConcernPlan] = []
    for i, owner in enumerate(owners):
        child = children[owner]
        seen = _random_moment(rng, child.window)
        recorded = seen + timedelta(minutes=rng.uniform(10, 240))
        roll = rng.random()
        author = child.key_worker if roll < 0.65 else DSL_USERNAME if roll < 0.75 else rng.choice(KEY_WORKERS)
        facts, words, opinion, action = _text(rng, child.details.known_as or child.given)
        special = owner == chosen
        told = None
        if not special and rng.random() < 0.3:
            told = min(seen + timedelta(minutes=rng.uniform(2, 60)), recorded)
        source = rng.choice(THIRD_PARTIES) if not special and rng.random() < 0.03 else ""
        category = rng.choices(range(7), weights=CATEGORY_WEIGHTS)[0]
        new = NewConcern(
            child_id=0,  # filled in when the child exists
            seen_at=seen,
            category_id=category,  # an index into the categories until logged
            facts=facts,
            child_words=words,
            opinion=opinion,
            action_taken=action,
            dsl_told_at=told,
            urgent=rng.random() < 0.04,
            third_party_source=source,
        )
        plans.append(ConcernPlan(i, owner, author, new, recorded))
    # Follow-ups. The chosen child's are regular, so their chronology is predictable.
    chosen_plans = sorted((p for p in plans if p.child == chosen), key=lambda p: p.new.seen_at)
    chosen_rank = {p.index: k for k, p in enumerate(chosen_plans)}
    for p in plans:
        rank = chosen_rank.get(p.index)
        if rank is None:
            reviewed = rng.random() < 0.5
            with_action, done, closed = rng.random() < 0.16, rng.random() < 0.85, rng.random() < 0.9
            amended = rng.random() < 0.01
        else:
            reviewed = rank % 3 == 0
            with_action, done, closed = rank % 15 == 0, rank % 30 == 0, rank % 6 == 0
            amended = False
        if amended:
            p.amend_at = p.recorded_at + timedelta(hours=rng.uniform(1, 48))
        if not reviewed:
            continue
        review_day = (p.recorded_at + timedelta(days=rng.uniform(0.5, 5))).date()
        p.review_at = max(_at(review_day, rng, 10, 16), p.recorded_at + timedelta(hours=1))
        p.reviewer = DSL_USERNAME if rng.random() < 0.8 else DEPUTY_USERNAME
        p.review_note = rng.choice(REVIEW_NOTES)
        if rng.random() < 0.5:
            p.review_date = p.review_at.date() + timedelta(days=rng.randrange(14, 60))
        after = p.review_at
        if with_action:
            p.action_at = p.review_at + timedelta(hours=rng.uniform(0.5, 3))
            p.action_text = rng.choice(ACTION_TEXTS)
            p.action_for = rng.choice((children[p.child].key_worker, DSL_USERNAME))
            p.action_due = p.action_at.date() + timedelta(days=rng.randrange(7, 30))
            if not done:
                continue  # an open action: the concern cannot be closed
            days = max(1, (p.action_due - p.action_at.date()).days)
            p.done_at = _at(p.action_at.date() + timedelta(days=rng.randrange(1, days + 1)), rng, 9, 17)
            after = p.done_at
        if closed:
            p.close_at = _at((after + timedelta(days=rng.uniform(7, 90))).date(), rng, 10, 17)
            p.outcome = rng.choice(OUTCOMES)
    return plans


# --- information-sharing decisions --------------------------------------------------------------

# The verdicts of the decision path (``app.policy.sharing_path``) as the dataset mixes them.
CONSENT = "shared with consent"
AT_RISK_CONSENT = "shared with consent, child at risk"
WITHOUT_CONSENT = "shared without consent (backed by a second manager or DSL)"
NOT_IDENTIFIABLE = "shared, not identifiable"
NOT_CONFIDENTIAL = "shared, not confidential"
NOT_FOR_SAFEGUARDING = "not shared: not for safeguarding"
CONSENT_REFUSED = "not shared: consent refused"
KINDS = (
    CONSENT,
    AT_RISK_CONSENT,
    WITHOUT_CONSENT,
    NOT_IDENTIFIABLE,
    NOT_CONFIDENTIAL,
    NOT_FOR_SAFEGUARDING,
    CONSENT_REFUSED,
)
SHARING_KINDS = frozenset(KINDS[:5])
LEFT_OPEN = 0.03  # of the decisions, never finalised (besides those still in hand at the end)
BUSY_DECISIONS = 60  # the child with the most decisions (a child-protection plan over three years)
DECIDERS = ((DSL_USERNAME, 0.75), (DEPUTY_USERNAME, 0.15), (MANAGER.username, 0.10))
_Y, _N, _NS = Answer.YES, Answer.NO, Answer.NOT_SURE


@dataclass(frozen=True)
class Agency:
    """Who asks (or whom we tell): the people there over the decade, what they ask for and why,
    and how the DSL's verdicts on their requests are weighted."""

    name: str
    weight: float
    roles: tuple[str, ...]
    people: tuple[str, ...]
    purposes: tuple[str, ...]
    asks: tuple[str, ...]
    kinds: Mapping[str, float]
    channels: Mapping[Channel, float]


_SOCIAL_CARE = "Anytown Children's Social Care"
# fmt: off
AGENCIES = (
    Agency(
        _SOCIAL_CARE, 22, ("Social worker", "Senior social worker", "Team manager"),
        ("Αλέξανδρος Παπαδόπουλος", "Kwame Mensah", "Agnieszka Dąbrowska", "Siân Pritchard",
         "Oksana Bondarenko", "Ruairí Mac Cárthaigh"),
        ("Section 47 enquiry", "Section 17 child in need assessment", "Child protection conference",
         "Core group meeting of the child protection plan", "Looked-after child review"),
        ("Attendance and concerns since the start of term", "Our observations of the child's development "
         "and wellbeing", "Dates and details of the concerns we logged", "A report for the child protection "
         "conference", "How the child presents at drop-off and collection"),
        {CONSENT: 42, AT_RISK_CONSENT: 34, WITHOUT_CONSENT: 4, CONSENT_REFUSED: 4},
        {Channel.EMAIL: 55, Channel.PHONE: 30, Channel.MEETING: 10, Channel.LETTER: 5},
    ),
    Agency(
        "Anytown Multi-Agency Safeguarding Hub", 6, ("MASH officer", "Duty social worker"),
        ("Đặng Thị Thảo", "Gráinne Ní Dhónaill", "Marcus Reid"),
        ("Contact received at the front door: checks with agencies", "Strategy discussion"),
        ("Whether we have any concerns about the child", "Attendance this month and anything that "
         "worries us"),
        {AT_RISK_CONSENT: 40, CONSENT: 44, WITHOUT_CONSENT: 5},
        {Channel.PHONE: 60, Channel.EMAIL: 40},
    ),
    Agency(
        "Anytown Police", 6, ("Police constable", "Detective constable", "Sergeant"),
        ("Nadia Brightwell", "Tomasz Żółkiewski", "Dmitri Kuznetsov", "Eilidh Fraser"),
        ("Joint investigation with children's social care", "Tracing the driver in a road traffic "
         "collision", "A neighbour dispute at the family's address", "Witness enquiry about an incident "
         "in the park"),
        ("A parent's work address and the times they drop off and collect", "Who collected the child on "
         "the day", "Attendance on the day of the incident", "Any injuries we noticed"),
        {WITHOUT_CONSENT: 8, CONSENT_REFUSED: 36, NOT_FOR_SAFEGUARDING: 56},
        {Channel.PHONE: 60, Channel.EMAIL: 25, Channel.IN_PERSON: 15},
    ),
    Agency(
        "Anytown Health Visiting Team", 12, ("Health visitor", "Community nursery nurse"),
        ("Ewa Kamińska", "Nguyễn Thị Lan", "Bethan Hughes", "Σοφία Οικονόμου"),
        ("Two-year development review", "Missed health appointments", "Integrated review at two"),
        ("Our observations of the child's development", "Whether the child has been unwell at nursery",
         "The child's weight and eating at nursery"),
        {CONSENT: 80, NOT_CONFIDENTIAL: 8, AT_RISK_CONSENT: 12},
        {Channel.EMAIL: 50, Channel.PHONE: 40, Channel.LETTER: 10},
    ),
    Agency(
        "Riverside GP Surgery", 4, ("GP", "Practice nurse"),
        ("Dr Priyanka Rao", "Dr Αναστασία Λάμπρου", "Dr Jakub Lewandowski"),
        ("A referral to the paediatrician", "A practice safeguarding meeting"),
        ("Any injuries or illness we noticed this term", "Attendance and how the child seems"),
        {CONSENT: 75, NOT_FOR_SAFEGUARDING: 25},
        {Channel.LETTER: 40, Channel.EMAIL: 40, Channel.PHONE: 20},
    ),
    Agency(
        "Anytown Early Help", 10, ("Family support worker", "Early help coordinator"),
        ("Marek Zieliński", "Aoife Byrne", "Hoàng Văn Quang", "Chidinma Eze"),
        ("Early Help assessment", "Team Around the Family meeting"),
        ("How the child is at nursery and what would help the family", "Attendance and punctuality"),
        {CONSENT: 90, CONSENT_REFUSED: 10},
        {Channel.EMAIL: 70, Channel.MEETING: 20, Channel.PHONE: 10},
    ),
    Agency(
        "Anytown Speech and Language Therapy", 5, ("Speech and language therapist",),
        ("Rosa Lindgren", "Ifeoma Chukwu"),
        ("A speech and language therapy referral", "Therapy review"),
        ("Our observations of the child's speech, language and play",),
        {CONSENT: 100},
        {Channel.EMAIL: 80, Channel.LETTER: 20},
    ),
    Agency(
        "Anytown SEND Team", 5, ("SEND caseworker", "Educational psychologist"),
        ("Joanna Wójcik", "Cathal Ó Dónaill", "Ελένη Νικολάου"),
        ("Education, health and care needs assessment", "Annual review of the EHC plan"),
        ("Our SENCO's report and the child's support plan", "Progress against the child's targets"),
        {CONSENT: 90, NOT_IDENTIFIABLE: 10},
        {Channel.EMAIL: 80, Channel.LETTER: 20},
    ),
    *(
        Agency(
            school, 9 / len(SCHOOLS), ("Reception teacher", "Designated safeguarding lead", "Head teacher"),
            people,
            ("Transition to reception", "Planning the start in September"),
            ("The child's start date, attendance pattern and key worker", "Our transition report"),
            {NOT_CONFIDENTIAL: 55, CONSENT: 45},
            {Channel.EMAIL: 70, Channel.MEETING: 20, Channel.PHONE: 10},
        )
        for school, people in zip(
            SCHOOLS,
            (("Helen Price", "Thabo Nkosi"), ("Sister Bríd Ní Mhaoláin", "Luca Romano"),
             ("Julia Kowalczyk", "Sam Okoro"), ("Ngọc Anh Trần", "Graham Lowe"),
             ("Κατερίνα Παππά", "Fatima Hussain")),
            strict=True,
        )
    ),
    Agency(
        "Cafcass", 3, ("Family court adviser",),
        ("Olena Shevchenko", "Declan Murphy"),
        ("Private law proceedings: child arrangements", "A court-ordered safeguarding letter"),
        ("Attendance and who drops off and collects", "Any concerns we have logged"),
        {CONSENT: 35, CONSENT_REFUSED: 35, WITHOUT_CONSENT: 15, NOT_FOR_SAFEGUARDING: 15},
        {Channel.LETTER: 50, Channel.EMAIL: 50},
    ),
    Agency(
        "Smith & Gonçalves Solicitors", 3, ("Solicitor", "Paralegal"),
        ("Beatriz Gonçalves", "Oliver Smith-Hart"),
        ("A father's solicitor in a child arrangements dispute",
         "A mother's solicitor preparing a statement"),
        ("The attendance record and who collected the child",
         "Copies of any concerns about the other parent"),
        {NOT_FOR_SAFEGUARDING: 70, CONSENT_REFUSED: 30},
        {Channel.LETTER: 60, Channel.EMAIL: 40},
    ),
    Agency(
        "Anytown Housing Options", 2, ("Housing officer",),
        ("Kerry-Ann Walsh", "Bùi Đức Minh"),
        ("A housing application on medical and welfare grounds",),
        ("A letter about the family's circumstances and the child's health",),
        {NOT_FOR_SAFEGUARDING: 60, CONSENT: 40},
        {Channel.EMAIL: 60, Channel.PHONE: 40},
    ),
    Agency(
        "Anytown Safeguarding Children Partnership", 4, ("Business manager", "Audit officer"),
        ("Dr Ngozi Adeyemi", "Wiktoria Łukasiewicz"),
        ("Multi-agency audit of neglect cases", "Learning review after a serious incident"),
        ("An anonymised summary of how we worked with the family", "Numbers of concerns by category"),
        {NOT_IDENTIFIABLE: 90, CONSENT: 10},
        {Channel.EMAIL: 100},
    ),
    Agency(
        "Anytown Local Authority Designated Officer", 2, ("LADO",),
        ("Patricia Oyelaran", "Ιωάννης Γεωργίου"),
        ("An allegation against a member of staff", "Managing allegations: position of trust"),
        ("Which children were in the room on the day", "An anonymised account of what was seen"),
        {NOT_IDENTIFIABLE: 45, CONSENT: 45, WITHOUT_CONSENT: 10},
        {Channel.PHONE: 60, Channel.EMAIL: 40},
    ),
    Agency(
        "Anytown Early Years Funding Team", 3, ("Funding officer",),
        ("Lê Thị Hương", "Dominic Shaw"),
        ("Audit of funded hours", "Checking eligibility for two-year-old funding"),
        ("The child's sessions and start date", "Anonymised attendance figures for the term"),
        {NOT_CONFIDENTIAL: 50, NOT_IDENTIFIABLE: 50},
        {Channel.EMAIL: 100},
    ),
    Agency(
        "Little Acorns Nursery", 3, ("Manager", "Room leader"),
        ("Ayesha Begum", "Zuzanna Nowak"),
        ("A child moving to them", "Shared care between two settings"),
        ("The child's progress summary and learning journal", "Any safeguarding records"),
        {CONSENT: 60, NOT_CONFIDENTIAL: 20, CONSENT_REFUSED: 20},
        {Channel.EMAIL: 60, Channel.PHONE: 40},
    ),
    Agency(
        "Northgate Insurance", 1, ("Claims handler",),
        ("Gavin Pike",),
        ("A claim after a car accident outside the nursery",),
        ("Whether the child was at nursery that day and who collected them",),
        {NOT_FOR_SAFEGUARDING: 100},
        {Channel.EMAIL: 50, Channel.LETTER: 50},
    ),
)
# fmt: on
# Our own wish to share: whom we tell, and why.
PROACTIVE_TO = (
    _SOCIAL_CARE,
    "Anytown Multi-Agency Safeguarding Hub",
    "Anytown Health Visiting Team",
    "Anytown Early Help",
    "Anytown Speech and Language Therapy",
)
PROACTIVE_KINDS: Mapping[str, float] = {
    CONSENT: 58,
    AT_RISK_CONSENT: 20,
    WITHOUT_CONSENT: 5,
    NOT_FOR_SAFEGUARDING: 17,
}
PROACTIVE_ASKS = (
    ("A referral about the injuries and the child's words", "Referral to children's social care"),
    ("Our observations of the child's speech and play", "A speech and language therapy referral"),
    ("The pattern of late collections and missed sessions", "Asking for an Early Help assessment"),
    ("The missed health appointments and the child's weight", "Telling the health visitor"),
)
REASONS: Mapping[str, tuple[str, ...]] = {
    CONSENT: (
        "The parents agreed in writing to us sharing what is needed for the assessment; only that is shared.",
        "Mum gave consent at collection and signed the form; the request is for the child's welfare.",
    ),
    AT_RISK_CONSENT: (
        "The child may be at risk; the parents agreed to the referral and we share what social care needs.",
        "Social care is assessing; the parents consented and sharing now protects the child.",
    ),
    WITHOUT_CONSENT: (
        "A section 47 enquiry: we have a duty to share. Asking the parents first could put the child at "
        "greater risk.",
        "The court ordered the information; consent is not sought because the order requires it.",
    ),
    NOT_IDENTIFIABLE: (
        "Anonymised figures and an account without names: nobody can be identified from what is shared.",
    ),
    NOT_CONFIDENTIAL: (
        "Start date and attendance pattern are known to the school already and are not confidential.",
    ),
    NOT_FOR_SAFEGUARDING: (
        "The request is not about keeping a child safe; they can ask the family directly.",
        "A private dispute between the parents: not a safeguarding purpose, so nothing is shared.",
    ),
    CONSENT_REFUSED: (
        "The family refused and no child is at risk of harm; there is no statutory duty or court order.",
    ),
}
CONSENT_REASONS = (
    "Telling the parents first could put the child at greater risk while social care investigates.",
    "Dad refused when asked at collection.",
    "Mum refused on the phone; she says she will speak to them herself.",
)
ADVISERS = (
    "Anytown MASH consultation line (duty social worker)",
    "The local authority designated officer",
    "NSPCC helpline",
    "Our early years safeguarding adviser",
)
OWN_WORDS = (
    (
        "Observations this term",
        "Settled on arrival most days; plays alongside others; tired on Mondays.",
        Nature.FACT,
    ),
    (
        "How the child is at nursery",
        "Happy and chatty; the key worker thinks more stories at home would help.",
        Nature.OPINION,
    ),
    ("Attendance this term", "Attended 41 of 48 sessions; four late collections.", Nature.FACT),
)
ANONYMOUS = ChosenItem(
    "other",
    Nature.FACT,
    "Anonymised summary",
    "Three concerns about neglect logged over six months; "
    "early help accepted; no names, dates of birth or addresses.",
)


@dataclass(frozen=True)
class FollowUpPlan:
    kind: FollowUpKind
    due_days: int
    done_after_days: float | None  # None: never marked done
    description: str = ""


@dataclass
class SharePlan:
    index: int
    children: tuple[int, ...]  # child plan indexes; the first is the one the request is mainly about
    concerns: tuple[int, ...]  # concern plan indexes, logged before the intake is opened
    opener: str
    decider: str
    intake: Intake  # child_ids and concern_ids are filled in when the records exist
    open_at: datetime
    kind: str | None  # None: left open on purpose
    answers: dict[Question, Answer] = field(default_factory=dict)
    consent_reason: str = ""
    outcome: OutcomeDraft = field(default_factory=OutcomeDraft)  # items and shared_on: when deciding
    from_record: bool = False  # items: the child's details and the linked concerns' facts
    with_words: bool = False  # ... and the child's own words
    with_opinion: bool = False  # ... and the opinion
    own_item: ChosenItem | None = None
    backer: str | None = None
    followups: tuple[FollowUpPlan, ...] = ()
    unsure_at: datetime | None = None  # the answers so far, one of them "not sure"
    unsure: dict[Question, Answer] = field(default_factory=dict)
    advice_at: datetime | None = None
    adviser: str = ""
    decide_at: datetime | None = None
    amend_at: datetime | None = None


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _answers(rng: random.Random, kind: str) -> tuple[dict[Question, Answer], str]:
    """The answers that lead to ``kind``, in the path's order, and the consent reason if needed."""
    q = Question
    base = {q.PURPOSE: _Y, q.IDENTIFIABLE: _Y, q.CONFIDENTIAL: _Y}
    if kind == NOT_FOR_SAFEGUARDING:
        return {q.PURPOSE: _N}, ""
    if kind == NOT_IDENTIFIABLE:
        return {q.PURPOSE: _Y, q.IDENTIFIABLE: _N}, ""
    if kind == NOT_CONFIDENTIAL:
        return {q.PURPOSE: _Y, q.IDENTIFIABLE: _Y, q.CONFIDENTIAL: _N}, ""
    if kind == CONSENT:
        return {**base, q.CHILD_AT_RISK: _N, q.CONSENT: Answer.GIVEN}, ""
    if kind == AT_RISK_CONSENT:
        return {**base, q.CHILD_AT_RISK: _Y, q.CONSENT: Answer.GIVEN, q.OTHER_REASON: Answer.NONE}, ""
    if kind == CONSENT_REFUSED:
        answers = {**base, q.CHILD_AT_RISK: _N, q.CONSENT: Answer.REFUSED, q.OTHER_REASON: Answer.NONE}
        return answers, rng.choice(CONSENT_REASONS[1:])
    consent = Answer.NOT_SOUGHT if rng.random() < 0.7 else Answer.REFUSED
    reason = CONSENT_REASONS[0] if consent is Answer.NOT_SOUGHT else rng.choice(CONSENT_REASONS[1:])
    roll = rng.random()
    other = (
        Answer.STATUTORY_DUTY
        if roll < 0.75
        else Answer.PUBLIC_FUNCTION
        if roll < 0.9
        else Answer.PUBLIC_INTEREST
    )
    answers = {**base, q.CHILD_AT_RISK: _Y, q.CONSENT: consent, q.OTHER_REASON: other}
    if other is Answer.PUBLIC_INTEREST:
        answers[q.CRITICAL_CRITERION] = Answer.EVIDENCE_OF_HARM
    return answers, reason


def _outcome(rng: random.Random, plan: SharePlan, agency: Agency, person: str, role: str) -> None:
    """The outcome page as the DSL fills it in for ``plan.kind`` (items come from the record)."""
    kind = plan.kind
    channel = plan.intake.received_via
    reasons = rng.choice(REASONS[kind or CONSENT])
    if kind in (NOT_FOR_SAFEGUARDING, CONSENT_REFUSED):
        draft = OutcomeDraft(reasons=reasons)
        if plan.intake.direction is Direction.REQUEST:
            talked = rng.random() < 0.9
            note = (
                "Rang them back and explained why we will not share; they will ask the family."
                if talked
                else "Could not reach them by phone; wrote to explain instead."
            )
            draft = replace(draft, discussed_with_requester=talked, discussed_note=note)
        plan.outcome = draft
        if rng.random() < 0.05:
            plan.followups = (FollowUpPlan(FollowUpKind.REVIEW, rng.randrange(30, 91), _done(rng, 30)),)
        return
    how = {
        Channel.PHONE: (
            "Told them on the phone after the call back, confirmed by secure email",
            "Called back through their switchboard; the email encrypted",
        ),
        Channel.LETTER: (
            "A letter by recorded delivery",
            "Sealed envelope marked confidential, recorded delivery",
        ),
        Channel.MEETING: (
            "At the meeting, with a written summary",
            "Summary handed over in person; no copies left",
        ),
    }.get(channel, ("Secure email", "Encrypted email to their secure inbox"))
    draft = OutcomeDraft(
        reasons=reasons,
        recipient_name=person,
        recipient_role=role,
        recipient_org=agency.name,
        shared_how=how[0],
        secured_how=how[1],
        retention="Kept on the child's record under their own retention rules.",
    )
    followups: list[FollowUpPlan] = []
    if kind == NOT_IDENTIFIABLE:
        plan.own_item = ANONYMOUS
    elif kind == NOT_CONFIDENTIAL:
        plan.from_record = True
        label, content, nature = OWN_WORDS[2]
        plan.own_item = ChosenItem("other", nature, label, content)
        basis = LawfulBasis.PUBLIC_TASK if rng.random() < 0.6 else LawfulBasis.LEGITIMATE_INTERESTS
        draft = replace(
            draft, lawful_basis=basis, special_condition=SpecialCondition.NONE, family_told=FamilyTold.TOLD
        )
    else:
        plan.from_record = True
        plan.with_words = rng.random() < 0.5
        plan.with_opinion = rng.random() < 0.4
        if rng.random() < 0.5:
            label, content, nature = rng.choice(OWN_WORDS)
            plan.own_item = ChosenItem("other", nature, label, content)
        if kind == WITHOUT_CONSENT:
            other = plan.answers[Question.OTHER_REASON]
            basis = (
                LawfulBasis.LEGAL_OBLIGATION if other is Answer.STATUTORY_DUTY else LawfulBasis.PUBLIC_TASK
            )
            told = FamilyTold.NOT_TOLD if rng.random() < 0.6 else FamilyTold.WILL_TELL
            draft = replace(
                draft,
                lawful_basis=basis,
                special_condition=SpecialCondition.SAFEGUARDING,
                family_told=told,
                family_reason=(
                    "Social care asked us not to tell the family while they investigate: telling them "
                    "could put the child at greater risk."
                    if told is FamilyTold.NOT_TOLD
                    else ""
                ),
            )
            others = [name for name, _w in DECIDERS if name != plan.decider]
            plan.backer = rng.choice(others)
            if rng.random() < 0.5:
                followups.append(FollowUpPlan(FollowUpKind.REVIEW, rng.randrange(28, 91), _done(rng, 28)))
        else:
            told = FamilyTold.TOLD if rng.random() < 0.8 else FamilyTold.WILL_TELL
            condition = SpecialCondition.EXPLICIT_CONSENT if rng.random() < 0.7 else SpecialCondition.NONE
            draft = replace(
                draft, lawful_basis=LawfulBasis.CONSENT, special_condition=condition, family_told=told
            )
        if draft.family_told is FamilyTold.WILL_TELL:
            followups.append(FollowUpPlan(FollowUpKind.TELL_FAMILY, rng.randrange(1, 8), _done(rng, 1)))
    if rng.random() < 0.75:
        followups.insert(0, FollowUpPlan(FollowUpKind.CONFIRM_RECEIPT, rng.randrange(2, 11), _done(rng, 1)))
    if rng.random() < 0.03:
        followups.append(
            FollowUpPlan(
                FollowUpKind.OTHER,
                rng.randrange(30, 61),
                _done(rng, 20),
                "Send the attendance record at the end of term.",
            )
        )
    plan.outcome = draft
    plan.followups = tuple(followups)


def _done(rng: random.Random, earliest: int) -> float | None:
    """Days after the decision a follow-up is marked done; None (1.5%) when it never is."""
    return None if rng.random() < 0.015 else rng.uniform(earliest, earliest + 14)


def _plan_sharing(
    rng: random.Random,
    children: list[ChildPlan],
    concerns: list[ConcernPlan],
    chosen: int,
    total: int,
) -> tuple[list[SharePlan], int | None]:
    """``total`` decisions over the decade, and the child plan index of the child with the most.

    The chosen child (exactly 200 chronology entries) is never part of one. Requests come to the
    children with more concerns more often; one child on roll at the end (on a child-protection plan,
    say) has ``BUSY_DECISIONS`` of them."""
    if total <= 0:
        return [], None
    by_child: dict[int, list[ConcernPlan]] = {}
    for p in concerns:
        by_child.setdefault(p.child, []).append(p)
    for found in by_child.values():
        found.sort(key=lambda p: p.recorded_at)
    pool = [c for c in children if c.index != chosen and c.window[1] - c.window[0] > timedelta(days=21)]
    settled = [c for c in pool if c.leave_at is None and c.window[0] < END - _years(2.5)]
    busy = max(settled or pool, key=lambda c: (len(by_child.get(c.index, ())), -c.index))
    busy_n = min(BUSY_DECISIONS, max(1, total // 10))
    pool = [c for c in pool if c.index != busy.index]
    weights = [
        1 + len(by_child.get(c.index, ())) ** 0.5 * (c.window[1] - c.window[0]).days / 365 for c in pool
    ]
    owners = [busy.index] * busy_n + [c.index for c in rng.choices(pool, weights=weights, k=total - busy_n)]
    rng.shuffle(owners)
    agencies = {a.name: a for a in AGENCIES}
    recent = (END - timedelta(days=45), END - timedelta(hours=3))
    plans: list[SharePlan] = []
    for i, owner in enumerate(owners):
        child = children[owner]
        left_open = rng.random() < LEFT_OPEN
        window = child.window
        if left_open and rng.random() < 0.3 and window[1] > recent[0] + timedelta(days=7):
            window = (max(window[0], recent[0]), min(window[1], recent[1]))  # still in hand at the end
        received = _random_moment(rng, window)
        proactive = rng.random() < 0.18
        if proactive:
            agency = agencies[rng.choice(PROACTIVE_TO)]
            kind = _weighted(rng, PROACTIVE_KINDS)
            channel = Channel.OWN_INITIATIVE if rng.random() < 0.75 else Channel.MEETING
            asked, purpose = rng.choice(PROACTIVE_ASKS)
        else:
            agency = rng.choices(AGENCIES, weights=[a.weight for a in AGENCIES])[0]
            kind = _weighted(rng, agency.kinds)
            channel = _weighted(rng, agency.channels)
            asked, purpose = rng.choice(agency.asks), rng.choice(agency.purposes)
        person, role = rng.choice(agency.people), rng.choice(agency.roles)
        serious = kind in (AT_RISK_CONSENT, WITHOUT_CONSENT)
        roll = rng.random()
        if serious:
            urgency = Urgency.URGENT if roll < 0.4 else Urgency.SOON if roll < 0.9 else Urgency.ROUTINE
        else:
            urgency = Urgency.ROUTINE if roll < 0.7 else Urgency.SOON if roll < 0.95 else Urgency.URGENT
        kids = [owner]
        sibling = child.sibling_of
        if (
            sibling is not None
            and sibling != chosen
            and children[sibling].window[0] < received < children[sibling].window[1]
            and rng.random() < 0.5
        ):
            kids.append(sibling)
        roll = rng.random()
        if proactive:
            opener = DSL_USERNAME if roll < 0.7 else child.key_worker
        else:
            opener = (
                DSL_USERNAME
                if roll < 0.4
                else MANAGER.username
                if roll < 0.7
                else DEPUTY_USERNAME
                if roll < 0.8
                else child.key_worker
            )
        phone = called_back = None
        opened = received + timedelta(minutes=rng.uniform(5, 90))
        if channel is Channel.PHONE and not proactive:
            phone = f"01632 960{rng.randrange(1000):03d}"  # Ofcom's drama range
            called_back = received + timedelta(minutes=rng.uniform(10, 40))
            opened = called_back + timedelta(minutes=rng.uniform(5, 30))
        # Concerns about these children, logged before the intake (a key worker links only their own).
        linked: list[int] = []
        safeguarding = serious or agency.name in (_SOCIAL_CARE, "Anytown Multi-Agency Safeguarding Hub")
        if safeguarding or rng.random() < 0.35:
            mine = opener in KEY_WORKERS and opener != DEPUTY_USERNAME
            before = [
                p.index
                for k in kids
                for p in by_child.get(k, ())
                if p.recorded_at < opened - timedelta(minutes=5) and (not mine or p.author == opener)
            ]
            linked = before[-rng.randrange(1, 5) :] if safeguarding else before[-1:]
        intake = Intake(
            direction=Direction.PROACTIVE if proactive else Direction.REQUEST,
            received_via=channel,
            received_at=received,
            child_ids=(),
            asked_for=asked,
            purpose=purpose,
            urgency=urgency,
            requester_org="" if proactive else agency.name,
            requester_name="" if proactive else person,
            requester_role="" if proactive else role,
            requester_contact="" if proactive or phone else "Via their secure email inbox",
            phone_number=phone or "",
            verified_how="Rang back through their switchboard and asked for them by name." if phone else "",
            called_back_at=called_back,
        )
        plan = SharePlan(
            index=i,
            children=tuple(kids),
            concerns=tuple(linked),
            opener=opener,
            decider=_weighted(rng, dict(DECIDERS)),
            intake=intake,
            open_at=opened,
            kind=None if left_open else kind,
        )
        plans.append(plan)
        if left_open:
            roll = rng.random()
            answers, _reason = _answers(rng, kind)
            if roll < 0.3:  # the first answers kept, the rest still to do
                first = list(answers.items())[: rng.randrange(1, 3)]
                plan.unsure, plan.unsure_at = dict(first), opened + timedelta(hours=rng.uniform(1, 30))
            elif roll < 0.4:  # not sure, and the advice never recorded
                plan.unsure, plan.unsure_at = (
                    {Question.PURPOSE: _NS},
                    opened + timedelta(hours=rng.uniform(1, 30)),
                )
            continue
        plan.answers, plan.consent_reason = _answers(rng, kind)
        _outcome(rng, plan, agency, person, role)
        if urgency is Urgency.URGENT:
            decide = opened + timedelta(hours=rng.uniform(0.5, 4))
        else:
            days = rng.randrange(0, 4) if urgency is Urgency.SOON else rng.randrange(1, 11)
            decide = max(
                _at(opened.date() + timedelta(days=days), rng, 9, 17), opened + timedelta(minutes=30)
            )
        if rng.random() < 0.05:  # not sure at one question: advice first, then the decision
            order = list(plan.answers)
            at = rng.randrange(len(order))
            plan.unsure = {k: plan.answers[k] for k in order[:at]} | {order[at]: _NS}
            plan.unsure_at = opened + timedelta(minutes=rng.uniform(10, 60))
            plan.advice_at = _at(plan.unsure_at.date() + timedelta(days=1), rng, 9, 16)
            plan.adviser = rng.choice(ADVISERS)
            decide = max(decide, plan.advice_at + timedelta(hours=rng.uniform(1, 48)))
        plan.decide_at = decide
        if rng.random() < 0.01:
            plan.amend_at = _at(decide.date() + timedelta(days=rng.randrange(1, 21)), rng, 9, 17)
    return plans, busy.index


# --- consents -----------------------------------------------------------------------------------

REGISTRATION = KindCode.REGISTRATION.value
NEEDS = KindCode.ADDITIONAL_NEEDS.value
TRANSITION = KindCode.TRANSITION.value
PHOTOS = "photographs"
PHOTOS_KIND = KindDetails(
    name="Photographs for the setting's displays",
    wording=(
        "I agree that photographs of my child at play may be put up on the walls of the setting and in "
        "my child's learning journal, where only the children, their families and the staff see them. "
        "I can change my mind at any time by telling the manager."
    ),
    review_months=12,
)
REVIEWED = {NEEDS: 12, PHOTOS: 12}  # months: the kinds whose answers are asked again each year
NEEDS_SHARE = 0.15  # of the children, asked about sharing information on additional needs
AGENCY_SETS = (
    "Speech and language therapy; Area SENCO",
    "Portage; Area SENCO",
    "Health visiting team; Speech and language therapy",
    "Educational psychology; Area SENCO",
    "Physiotherapy; Occupational therapy",
)
REFUSAL_NOTES = (
    "Would rather not; happy to talk about it again next term.",
    "Dad wants to discuss it with mum first.",
    "Prefers to pass things on to the school herself.",
    "",
)
WITHDRAWAL_NOTES = (
    "Asked at collection that the photographs come down; the room leader took them down the same day.",
    "Family circumstances have changed; asked us to stop for now.",
    "Wrote in to take back the consent; the key worker was told the same day.",
)
CONSENT_CALLS = "consent changes"  # record() and withdraw() calls, in the consent counts


@dataclass(frozen=True)
class ConsentStep:
    """One change to one consent, made at ``at`` (its date is the day it is recorded)."""

    at: datetime
    history: int
    status: ConsentStatus
    how: ConsentHow | None = None
    agencies: str = ""
    note: str = ""


@dataclass
class ConsentHistory:
    """What one carer (``slot`` in the child's list of carers) answered for one kind, in order."""

    index: int
    child: int
    slot: int
    kind: str
    steps: list[ConsentStep] = field(default_factory=list)
    removable: bool = True  # the first carer's registration declaration always stays


def _carers_in_use(children: Sequence[ChildPlan]) -> dict[int, list[CarerDetails]]:
    """The carers each child ends up with, as ``_run_events`` adds them: a younger sibling shares
    the older one's carers when the older child was added first, and has their own otherwise."""
    used: dict[int, list[CarerDetails]] = {}
    for c in sorted(children, key=lambda p: (p.add_at, p.index)):
        older = c.sibling_of
        used[c.index] = used[older] if older is not None and older in used else c.carers
    return used


def _answer_how(rng: random.Random) -> ConsentHow:
    roll = rng.random()
    return (
        ConsentHow.SIGNED_FORM if roll < 0.7 else ConsentHow.IN_WRITING if roll < 0.9 else ConsentHow.VERBAL
    )


def _asked(
    rng: random.Random, history: ConsentHistory, asked: datetime, last: datetime, agencies: str = ""
) -> datetime | None:
    """A form sent home and, usually, the answer a few days later. Returns when consent was given
    (None if it was refused or never came back)."""
    history.steps.append(ConsentStep(asked, history.index, ConsentStatus.REQUESTED))
    answered = _at((asked + timedelta(days=rng.uniform(2, 12))).date(), rng, 9, 17)
    roll = rng.random()
    if answered >= last or roll >= 0.95:
        return None  # not returned: shows in the gaps while the child is on roll
    if roll >= 0.86:
        how = ConsentHow.IN_WRITING if rng.random() < 0.6 else ConsentHow.VERBAL
        note = rng.choice(REFUSAL_NOTES)
        history.steps.append(ConsentStep(answered, history.index, ConsentStatus.REFUSED, how, note=note))
        return None
    history.steps.append(
        ConsentStep(answered, history.index, ConsentStatus.GIVEN, _answer_how(rng), agencies=agencies)
    )
    return answered


def _plan_consents(
    rng: random.Random, children: Sequence[ChildPlan], total: int
) -> tuple[list[ConsentHistory], list[ConsentStep]]:
    """Exactly ``total`` consent changes: each carer with parental responsibility signs the
    registration declaration (the second one about half the time), is asked about photographs on
    arrival, about additional needs for some children, and about passing on development summaries
    before the child leaves for school; some refuse, a few forms never come back, a few consents
    are withdrawn. Yearly reviews (consent given again) make up the rest of ``total``."""
    if total <= 0:
        return [], []
    used = _carers_in_use(children)
    histories: list[ConsentHistory] = []

    def history(child: int, slot: int, kind: str, removable: bool = True) -> ConsentHistory:
        made = ConsentHistory(len(histories), child, slot, kind, removable=removable)
        histories.append(made)
        return made

    given: list[tuple[ConsentHistory, datetime, datetime]] = []  # reviewable: (history, given at, last)
    for c in children:
        first = c.add_at + timedelta(hours=1)
        last = min(c.leave_at or END, END) - timedelta(hours=2)
        needs = rng.random() < NEEDS_SHARE
        agencies = rng.choice(AGENCY_SETS)
        slots = [k for k, carer in enumerate(used[c.index]) if carer.parental_responsibility]
        for number, slot in enumerate(slots):
            if number == 0 or rng.random() < 0.6:
                declaration = history(c.index, slot, REGISTRATION, removable=number > 0)
                signed = first + timedelta(minutes=rng.uniform(5, 90))
                if rng.random() < 0.4:  # sent home in the welcome pack, signed on a settling-in visit
                    asked, signed = (
                        signed,
                        _at((signed + timedelta(days=rng.uniform(2, 10))).date(), rng, 9, 17),
                    )
                    declaration.steps.append(ConsentStep(asked, declaration.index, ConsentStatus.REQUESTED))
                if signed < last:
                    declaration.steps.append(
                        ConsentStep(signed, declaration.index, ConsentStatus.GIVEN, ConsentHow.SIGNED_FORM)
                    )
            photos = history(c.index, slot, PHOTOS)
            yes = _asked(rng, photos, first + timedelta(minutes=rng.uniform(100, 200)), last)
            if yes is not None:
                if rng.random() < 0.04 and last - yes > timedelta(days=40):
                    taken_back = _random_moment(rng, (yes + timedelta(days=30), last))
                    how = ConsentHow.VERBAL if rng.random() < 0.7 else ConsentHow.IN_WRITING
                    note = rng.choice(WITHDRAWAL_NOTES)
                    photos.steps.append(
                        ConsentStep(taken_back, photos.index, ConsentStatus.WITHDRAWN, how, note=note)
                    )
                else:
                    given.append((photos, yes, last))
            if needs and last - first > timedelta(days=60):
                when = _random_moment(rng, (first + timedelta(days=20), last - timedelta(days=30)))
                shared = history(c.index, slot, NEEDS)
                yes = _asked(rng, shared, when, last, agencies)
                if yes is not None:
                    given.append((shared, yes, last))
            if c.leave_at is not None and c.details.destination:
                asked = _at((c.leave_at - timedelta(days=rng.uniform(50, 90))).date(), rng, 9, 16)
                if asked > first:
                    _asked(rng, history(c.index, slot, TRANSITION), asked, last)
    base = sum(len(h.steps) for h in histories)
    if base > total:  # fewer than usual: some answers are left out, never the first declaration
        spare = [h for h in histories if h.removable]
        rng.shuffle(spare)
        dropped: set[int] = set()
        for h in spare:
            if base <= total:
                break
            base -= len(h.steps)
            dropped.add(h.index)
        if base > total:
            raise ValueError(
                f"the dataset needs at least {base} consent changes: a declaration for each child"
            )
        given = [g for g in given if g[0].index not in dropped]
        kept = [h for h in histories if h.index not in dropped]
        for number, h in enumerate(kept):  # renumber, steps and all
            h.index = number
            h.steps = [replace(step, history=number) for step in h.steps]
        histories = kept
    _plan_reviews(rng, given, total - base)
    steps = sorted((step for h in histories for step in h.steps), key=lambda step: step.at)
    return histories, steps


def _plan_reviews(
    rng: random.Random, given: list[tuple[ConsentHistory, datetime, datetime]], wanted: int
) -> None:
    """``wanted`` yearly reviews, the first review of every consent before any second one: the
    form goes home before the review date and comes back signed again."""
    level = given
    while wanted > 0 and level:
        candidates = []
        for h, at, last in level:
            due = add_months(at.date(), REVIEWED[h.kind])
            again = _at(due - timedelta(days=rng.randrange(0, 21)), rng, 9, 17)
            if at < again < last:
                candidates.append((h, again, last))
        rng.shuffle(candidates)
        level = candidates[:wanted]
        level.sort(key=lambda g: g[0].index)
        for h, again, _last in level:
            h.steps.append(
                ConsentStep(
                    again, h.index, ConsentStatus.GIVEN, ConsentHow.SIGNED_FORM, agencies=h.steps[-1].agencies
                )
            )
        wanted -= len(level)
    if wanted > 0:
        raise ValueError(f"the children cannot hold that many consent changes: ask for {wanted} fewer")


# --- building ---------------------------------------------------------------------------------


def _session_for(base: Session, person: Staff) -> Session:
    """Another member of staff working over the manager's connection (see the module docstring)."""
    ctx = base.context
    return Session(
        SessionContext(ctx.database, ctx.keys, ctx.clock, person), failed_attempts=0, previous_sign_in_at=None
    )


def _forward(clock: ManualClock, when: datetime) -> None:
    """Move the clock to ``when``, never backwards (same-moment events get a microsecond each)."""
    now = clock.now()
    clock.set(when if when > now else now + timedelta(microseconds=1))


DONE_NOTES: Mapping[FollowUpKind, str] = {
    FollowUpKind.CONFIRM_RECEIPT: "They confirmed by email that it arrived.",
    FollowUpKind.TELL_FAMILY: "Told mum at collection what was shared and why.",
    FollowUpKind.REVIEW: "Reviewed with the deputy DSL: the decision stands.",
    FollowUpKind.OTHER: "Sent at the end of term.",
}
PASSWORDS: Mapping[str, str] = {s.username: s.password for s in (MANAGER, *STAFF)}
CALLS = "service calls"  # of session.sharing, in the sharing counts


class _SharingRun:
    """The sharing decisions' events, each through ``session.sharing`` at its moment."""

    def __init__(
        self,
        sessions: Mapping[str, Session],
        clock: ManualClock,
        plans: Sequence[SharePlan],
        counts: _Counts,
    ) -> None:
        self.sessions, self.clock, self.plans, self.counts = sessions, clock, plans, counts
        self.child_ids: dict[int, int] = {}  # child plan index -> id, filled as children are added
        self.concern_ids: dict[int, int] = {}  # concern plan index -> id, as concerns are logged
        self.share_ids: dict[int, int] = {}
        self.followup_ids: dict[int, list[int]] = {}
        self.seconds = 0.0  # time spent in these events

    def events(self) -> list[tuple[datetime | None, str, int]]:
        found: list[tuple[datetime | None, str, int]] = []
        for p in self.plans:
            found += [
                (p.open_at, "share_open", p.index),
                (p.unsure_at, "share_unsure", p.index),
                (p.advice_at, "share_advice", p.index),
                (p.decide_at, "share_decide", p.index),
                (p.amend_at, "share_amend", p.index),
            ]
            if p.decide_at is not None:
                for number, f in enumerate(p.followups):
                    if f.done_after_days is not None:
                        done = _weekday(p.decide_at + timedelta(days=f.done_after_days))
                        found.append((done, "share_done", p.index * 4 + number))
        return found

    def handle(self, kind: str, index: int) -> None:
        start = time.perf_counter()
        if kind == "share_done":
            self._done(self.plans[index // 4], index % 4)
        else:
            getattr(self, "_" + kind.removeprefix("share_"))(self.plans[index])
        self.seconds += time.perf_counter() - start

    def _open(self, p: SharePlan) -> None:
        intake = replace(
            p.intake,
            child_ids=tuple(self.child_ids[k] for k in p.children),
            concern_ids=tuple(self.concern_ids[c] for c in p.concerns),
        )
        self.share_ids[p.index] = self.sessions[p.opener].sharing.open(intake).id
        self.counts.add(CALLS)
        self.counts.add("requests and wishes to share")
        self.counts.add("linked concerns", len(p.concerns))
        if len(p.children) > 1:
            self.counts.add("about two siblings")

    def _unsure(self, p: SharePlan) -> None:
        self.sessions[p.decider].sharing.save_answers(self.share_ids[p.index], p.unsure)
        self.counts.add(CALLS)
        self.counts.add("answers kept part-way")

    def _advice(self, p: SharePlan) -> None:
        (question,) = [q for q, a in p.unsure.items() if a is _NS]
        self.sessions[p.decider].sharing.record_advice(
            self.share_ids[p.index],
            question=question,
            adviser=p.adviser,
            advice="Talked it through without naming the child; go on as the policy says.",
            child_named=False,
            sought_at=self.clock.now() - timedelta(minutes=30),
        )
        self.counts.add(CALLS)
        self.counts.add("advice recorded")

    def _decide(self, p: SharePlan) -> None:
        sharing = self.sessions[p.decider].sharing
        share = self.share_ids[p.index]
        sharing.save_answers(share, p.answers, consent_reason=p.consent_reason)
        items: list[ChosenItem] = []
        if p.from_record:
            self.counts.add(CALLS)
            for choice in sharing.item_choices(share):
                parts = choice.key.split(":")
                wanted = parts[0] == "child" or (
                    parts[0] == "concern"
                    and (
                        parts[2] == "facts"
                        or (parts[2] == "child_words" and p.with_words)
                        or (parts[2] == "opinion" and p.with_opinion)
                    )
                )
                if wanted and choice.shareable:
                    items.append(ChosenItem(choice.key, choice.nature))
        if p.own_item is not None:
            items.append(p.own_item)
        today = self.clock.now().astimezone().date()
        shared_on = today if p.kind in SHARING_KINDS else None
        sharing.save_outcome(share, replace(p.outcome, items=tuple(items), shared_on=shared_on))
        if p.backer is not None:  # the second manager or DSL comes to the office PC to confirm
            _forward(self.clock, self.clock.now() + timedelta(minutes=10))
            sharing.confirm_backing(share, username=p.backer, password=PASSWORDS[p.backer])
            self.counts.add(CALLS)
            self.counts.add("backed by a second manager or DSL")
        _forward(self.clock, self.clock.now() + timedelta(minutes=2))
        today = self.clock.now().astimezone().date()
        record = sharing.finalise(
            share,
            [NewFollowUp(f.kind, today + timedelta(days=f.due_days), f.description) for f in p.followups],
        )
        self.followup_ids[p.index] = sorted(f.id for f in record.followups)
        self.counts.add(CALLS, 3)  # save_answers, save_outcome, finalise
        self.counts.add(str(p.kind))
        self.counts.add("items shared", len(items) if p.kind in SHARING_KINDS else 0)
        self.counts.add("follow-ups set", len(p.followups))

    def _done(self, p: SharePlan, number: int) -> None:
        followup = self.followup_ids[p.index][number]
        note = DONE_NOTES[p.followups[number].kind]
        self.sessions[p.decider].sharing.complete_followup(followup, note=note)
        self.counts.add(CALLS)
        self.counts.add("follow-ups done")

    def _amend(self, p: SharePlan) -> None:
        self.sessions[p.decider].sharing.amend(
            self.share_ids[p.index],
            field="reasons",
            new_text=f"{p.outcome.reasons} (Corrected: the meeting was the core group, not the conference.)",
            reason="Named the wrong meeting in the first version.",
        )
        self.counts.add(CALLS)
        self.counts.add("corrections")


class _ConsentRun:
    """The consent changes, each through ``session.consents`` at its moment. The manager types in
    the forms that come back; an answer given in person is recorded by the key worker who heard it."""

    def __init__(
        self,
        sessions: Mapping[str, Session],
        ids: Mapping[str, int],
        clock: ManualClock,
        children: Sequence[ChildPlan],
        histories: Sequence[ConsentHistory],
        steps: Sequence[ConsentStep],
        counts: _Counts,
    ) -> None:
        self.sessions, self.ids, self.clock, self.children = sessions, ids, clock, children
        self.histories, self.steps, self.counts = histories, steps, counts
        self.carer_ids: dict[int, list[tuple[CarerId, CarerDetails]]] = {}  # filled as children are added
        self.kind_ids: dict[str, int] = {}
        self.consent_ids: dict[int, int] = {}  # history index -> consent id
        self.last: dict[int, ConsentStatus] = {}  # history index -> the answer so far
        self.seconds = 0.0

    def add_kind(self) -> None:
        """The manager adds the photographs kind on the first morning."""
        manager = self.sessions[MANAGER.username]
        start = time.perf_counter()
        manager.consents.add_kind(PHOTOS_KIND)
        for kind in manager.consents.kinds():
            self.kind_ids[kind.code.value if kind.code else PHOTOS] = kind.id
        self.seconds += time.perf_counter() - start
        self.counts.add("kinds added by the manager")

    def events(self) -> list[tuple[datetime, str, int]]:
        return [(step.at, "consent", number) for number, step in enumerate(self.steps)]

    def handle(self, number: int, child_ids: Mapping[int, int]) -> None:
        start = time.perf_counter()
        step = self.steps[number]
        h = self.histories[step.history]
        child = self.children[h.child]
        heard_by = self.ids[child.key_worker] if step.how is ConsentHow.VERBAL else None
        who = child.key_worker if heard_by is not None else MANAGER.username
        consents = self.sessions[who].consents
        on = self.clock.now().astimezone().date()  # the core's "today": the PC's own calendar
        if step.status is ConsentStatus.WITHDRAWN:
            consents.withdraw(
                self.consent_ids[h.index], on=on, how=step.how, heard_by=heard_by, note=step.note
            )
        else:
            details = ConsentDetails(
                step.status, on, step.how, heard_by, agencies=step.agencies, note=step.note
            )
            carer = self.carer_ids[h.child][h.slot][0]
            recorded = consents.record(child_ids[h.child], carer, self.kind_ids[h.kind], details)
            if self.last.get(h.index) is ConsentStatus.GIVEN:
                self.counts.add("reviews (given again)")
            if h.index not in self.consent_ids:
                self.consent_ids[h.index] = recorded.id
                self.counts.add("consents")
        self.last[h.index] = step.status
        self.seconds += time.perf_counter() - start
        self.counts.add(CONSENT_CALLS)
        self.counts.add(step.status.value)
        if heard_by is not None:
            self.counts.add("recorded by the key worker who heard it")


def build_dataset(
    folder: Path,
    *,
    children: int = 2000,
    concerns: int = 50000,
    decisions: int | None = None,
    consents: int | None = None,
    progress: Progress | None = None,
) -> DatasetInfo:
    """Create a vault in ``folder`` (which must not hold one) and fill it; the vault is closed again.

    ``decisions`` information-sharing decisions (five a child unless given: 10,000 for the full
    dataset) are made along the way, interleaved in time with everything else, and so are
    ``consents`` consent changes (ten a child unless given: 20,000 for the full dataset).

    Sign in afterwards with ``Vault.open(folder, keyring=DeviceKeyring(None), clock=ManualClock(info.end))``
    and one of the accounts in ``DatasetInfo`` (the slots use the minimal Argon2id parameters).
    """
    began = time.perf_counter()
    phases: dict[str, float] = {}
    rng = random.Random(f"{SEED}-{children}-{concerns}")
    child_plans, chosen = _plan_children(rng, children)
    concern_plans = _plan_concerns(rng, child_plans, chosen, concerns)
    # Their own generator, so the children and concerns are the same with or without decisions.
    decisions = children * 5 if decisions is None else decisions
    share_rng = random.Random(f"{SEED}-sharing-{children}-{concerns}-{decisions}")
    share_plans, busy = _plan_sharing(share_rng, child_plans, concern_plans, chosen, decisions)
    consents = children * 10 if consents is None else consents
    consent_rng = random.Random(f"{SEED}-consents-{children}-{concerns}-{consents}")
    histories, consent_steps = _plan_consents(consent_rng, child_plans, consents)
    phases["planning"] = time.perf_counter() - began

    mark = time.perf_counter()
    clock = ManualClock(START - timedelta(days=14))
    created = Vault.create(
        folder,
        provider=ProviderProfile(name=PROVIDER),
        manager=NewStaff(MANAGER.username, MANAGER.full_name, MANAGER.roles, MANAGER.job_title),
        password=MANAGER.password,
        keyring=DeviceKeyring(None),
        clock=clock,
        kdf_params=kdf.CHEAP_FOR_TESTS,
    )
    vault = created.vault
    try:
        one_time: dict[str, str] = {}
        ids: dict[str, int] = {MANAGER.username: created.session.me.id}
        for s in STAFF:
            _forward(clock, clock.now() + timedelta(minutes=3))
            person, password = created.session.staff.add(
                NewStaff(s.username, s.full_name, s.roles, s.job_title)
            )
            one_time[s.username], ids[s.username] = password, person.id
        for s in STAFF:  # each signs in once with the one-time password and chooses their own
            _forward(clock, clock.now() + timedelta(hours=1))
            with vault.sign_in(s.username, one_time[s.username]) as first:
                first.change_password(one_time[s.username], s.password)
        _forward(clock, START)
        manager = vault.sign_in(MANAGER.username, MANAGER.password)
        db = manager.context.database
        sessions = {MANAGER.username: manager}
        for s in STAFF:
            member = staff_module.load(db, ids[s.username])
            assert member is not None and not member.must_change_password
            sessions[s.username] = _session_for(manager, member)
        categories = [c.id for c in manager.concerns.categories()]
        phases["vault and staff"] = time.perf_counter() - mark
        counts, share_counts, consent_counts = _Counts(), _Counts(), _Counts()
        mark = time.perf_counter()
        sharing = _SharingRun(sessions, clock, share_plans, share_counts)
        consent_run = _ConsentRun(sessions, ids, clock, child_plans, histories, consent_steps, consent_counts)
        consent_run.add_kind()
        _run_events(
            sessions,
            ids,
            clock,
            child_plans,
            concern_plans,
            categories,
            counts,
            progress,
            sharing,
            consent_run,
        )
        child_ids = sharing.child_ids
        chosen_id = child_ids[chosen]
        # The decisions and consents were made in time order among the rest; their time is counted apart.
        phases["children and concerns"] = time.perf_counter() - mark - sharing.seconds - consent_run.seconds
        phases["sharing decisions"] = sharing.seconds
        phases["consents"] = consent_run.seconds
        mark = time.perf_counter()
        entries = _top_up_chronology(sessions, ids, clock, child_plans[chosen], chosen_id, rng, counts)
        phases["chosen child's chronology"] = time.perf_counter() - mark
        counts.values["on roll at the end"] = len(manager.children.find())
        counts.values["audit entries"] = int(db.scalar("SELECT count(*) FROM audit_log"))
        counts.values["concern authors"] = int(db.scalar("SELECT count(DISTINCT author_id) FROM concern"))
        busy_id = None if busy is None else child_ids[busy]
        busy_decisions = 0 if busy_id is None else len(manager.sharing.for_child(busy_id))
        share_counts.values.update(_sharing_state(manager))
        consent_counts.values.update(_consent_state(manager))
        db.checkpoint()
        manager.close()
    finally:
        vault.close()
    size = sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())
    total = time.perf_counter() - began
    dsl = next(s for s in STAFF if s.username == DSL_USERNAME)
    worker = next(s for s in STAFF if s.username == "hoa")
    return DatasetInfo(
        folder=Path(folder),
        version=VERSION,
        seed=SEED,
        start=START,
        end=clock.now(),
        manager=(MANAGER.username, MANAGER.password),
        dsl=(dsl.username, dsl.password),
        key_worker=(worker.username, worker.password),
        chosen_child=chosen_id,
        chosen_entries=entries,
        counts=dict(counts.values),
        build_seconds=total,
        phase_seconds=phases,
        database_bytes=size,
        sharing=dict(share_counts.values),
        busy_child=busy_id,
        busy_decisions=busy_decisions,
        consents=dict(consent_counts.values),
    )


def _sharing_state(manager: Session) -> dict[str, int]:
    """How the decision log stands at the end, counted through the service (the badge's counts
    and the whole queue)."""
    badge = manager.sharing.counts()
    everything = manager.sharing.queue(include_final=True)
    return {
        "decisions at the end": len(everything),
        "awaiting a decision at the end": badge.open,
        "urgent among them": badge.urgent,
        "overdue follow-ups at the end": badge.overdue_followups,
        "in the DSL's queue at the end": len(manager.sharing.queue()),
    }


def _consent_state(manager: Session) -> dict[str, int]:
    """What the consents' gaps list shows at the end, counted through the service."""
    found = {f"gaps at the end: {kind.value.replace('_', ' ')}": 0 for kind in GapKind}
    for gap in manager.consents.gaps():
        found[f"gaps at the end: {gap.gap.value.replace('_', ' ')}"] += 1
    return found


def _run_events(
    sessions: Mapping[str, Session],
    ids: Mapping[str, int],
    clock: ManualClock,
    child_plans: list[ChildPlan],
    concern_plans: list[ConcernPlan],
    categories: Sequence[int],
    counts: _Counts,
    progress: Progress | None,
    sharing: _SharingRun,
    consents: _ConsentRun,
) -> None:
    """Every change in time order, each through its service method at its moment. Fills
    ``sharing.child_ids`` and ``sharing.concern_ids`` (plan index -> id) as records are added."""
    events: list[tuple[datetime, int, str, int]] = []
    seq = 0

    def plan(when: datetime | None, kind: str, index: int) -> None:
        nonlocal seq
        if when is not None and when < END:
            events.append((when, seq, kind, index))
            seq += 1

    for c in child_plans:
        plan(c.add_at, "child", c.index)
        plan(c.leave_at, "leave", c.index)
    for p in concern_plans:
        plan(p.recorded_at, "concern", p.index)
        plan(p.amend_at, "amend", p.index)
        plan(p.review_at, "review", p.index)
        plan(p.action_at, "action", p.index)
        plan(p.done_at, "done", p.index)
        plan(p.close_at, "close", p.index)
    for when, kind, index in sharing.events():
        plan(when, kind, index)
    for when, kind, index in consents.events():
        plan(when, kind, index)
    heapq.heapify(events)
    manager, dsl = sessions[MANAGER.username], sessions[DSL_USERNAME]
    child_ids = sharing.child_ids
    carer_ids = consents.carer_ids
    concern_ids = sharing.concern_ids
    action_ids: dict[int, int] = {}
    total, done = len(events), 0
    while events:
        when, _seq, kind, index = heapq.heappop(events)
        _forward(clock, when)
        if kind == "child":
            c = child_plans[index]
            details = replace(c.details, key_worker_id=ids[c.key_worker], leaving_date=None, destination="")
            try:
                child = manager.children.add(details)
            except DuplicateChild:
                child = manager.children.add(details, allow_duplicate=True)
                counts.add(SAME_NAME)
            child_ids[index] = child.id
            counts.add("children")
            if c.sibling_of is not None and c.sibling_of in carer_ids:
                for carer_id, carer in carer_ids[c.sibling_of]:
                    _forward(clock, clock.now() + timedelta(seconds=40))
                    manager.children.link_carer(
                        child.id,
                        carer_id,
                        relationship=carer.relationship,
                        parental_responsibility=carer.parental_responsibility,
                        lives_with=carer.lives_with,
                    )
                    counts.add("carers linked to a sibling")
                carer_ids[index] = carer_ids[c.sibling_of]
            else:
                added = []
                for carer in c.carers:
                    _forward(clock, clock.now() + timedelta(seconds=40))
                    with_carer = manager.children.add_carer(child.id, carer)
                    added.append((with_carer.carers[-1].id, carer))
                    counts.add("carers")
                carer_ids[index] = added
            for contact in c.contacts:
                _forward(clock, clock.now() + timedelta(seconds=40))
                manager.children.add_contact(child.id, contact)
                counts.add("emergency contacts")
        elif kind == "leave":
            c = child_plans[index]
            manager.children.update(
                child_ids[index], replace(c.details, key_worker_id=ids[c.key_worker]), allow_duplicate=True
            )
            counts.add("children who left")
        elif kind == "concern":
            p = concern_plans[index]
            category = categories[p.new.category_id or 0]
            new = replace(p.new, child_id=child_ids[p.child], category_id=category)
            concern_ids[index] = sessions[p.author].concerns.log(new).id
            counts.add("concerns")
        elif kind == "amend":
            p = concern_plans[index]
            sessions[p.author].concerns.amend(
                concern_ids[index],
                field="facts",
                new_text=f"{p.new.facts} (Corrected: it was the other {_side(index)}.)",
                reason="Wrote the wrong side in the first version.",
            )
            counts.add("corrections")
        elif kind == "review":
            p = concern_plans[index]
            sessions[p.reviewer].concerns.review(
                concern_ids[index], note=p.review_note, review_date=p.review_date
            )
            counts.add("reviews")
        elif kind == "action":
            p = concern_plans[index]
            concern = dsl.concerns.add_action(
                concern_ids[index],
                description=p.action_text,
                assigned_to=ids[p.action_for],
                due_date=p.action_due,
            )
            action_ids[index] = concern.actions[-1].id
            counts.add("actions")
        elif kind == "done":
            dsl.concerns.complete_action(action_ids[index], note="Done, see the file note.")
            counts.add("actions done")
        elif kind == "close":
            p = concern_plans[index]
            dsl.concerns.close(concern_ids[index], outcome=p.outcome)
            counts.add("concerns closed")
        elif kind.startswith("share_"):
            sharing.handle(kind, index)
        elif kind == "consent":
            consents.handle(index, child_ids)
        done += 1
        if progress is not None and (done % 2000 == 0 or done == total):
            progress("children, concerns, sharing decisions and consents", done, total)


def _side(index: int) -> str:
    return ("arm", "leg", "cheek", "hand")[index % 4]


def _top_up_chronology(
    sessions: Mapping[str, Session],
    ids: Mapping[str, int],
    clock: ManualClock,
    plan: ChildPlan,
    child_id: int,
    rng: random.Random,
    counts: _Counts,
) -> int:
    """Professionals, parent contacts and agency visits for the chosen child, up to exactly 200."""
    manager, dsl = sessions[MANAGER.username], sessions[DSL_USERNAME]
    _forward(clock, END)
    first, last = plan.window
    span = (last - first).days
    manager.children.add_professional(
        child_id,
        ProfessionalDetails(
            "Health visiting team",
            "Ewa Kamińska",
            "Health visitor",
            _phone(rng),
            first.date() + timedelta(days=30),
            first.date() + timedelta(days=span // 2),
        ),
    )
    manager.children.add_professional(
        child_id,
        ProfessionalDetails(
            "Children's social care",
            "Kwame Mensah",
            "Social worker",
            _phone(rng),
            first.date() + timedelta(days=span // 3),
            None,
        ),
    )
    counts.add("professionals", 2)
    for k in range(3):
        dsl.parent_contacts.log(
            NewParentContact(
                contact_at=first + timedelta(days=span * (k + 1) // 4, hours=9),
                kind="call",
                about="Asked how the child is settling and about pick-up arrangements.",
                who="Mother",
                child_id=child_id,
            )
        )
    counts.add("parent contacts", 3)
    entries = len(manager.chronology.for_child(child_id).entries)
    if entries > CHRONOLOGY_ENTRIES:
        raise RuntimeError(f"the chosen child already has {entries} chronology entries; change the plan")
    missing = CHRONOLOGY_ENTRIES - entries
    for k in range(missing):
        manager.children.log_visit(
            child_id,
            VisitDetails(
                visitor=rng.choice(("Ewa Kamińska", "Kwame Mensah", "Dr Αναστασία Λάμπρου")),
                agency=rng.choice(("Health visiting team", "Children's social care", "Speech and language")),
                visited_at=_weekday(first + timedelta(days=span * (k + 1) // (missing + 1), hours=10)),
                purpose="Observation in the room and a talk with the key worker.",
                supervised_by=ids[DSL_USERNAME],
            ),
        )
    counts.add("agency visits", missing)
    entries = len(manager.chronology.for_child(child_id).entries)
    if entries != CHRONOLOGY_ENTRIES:
        raise RuntimeError(f"the chosen child has {entries} chronology entries, not {CHRONOLOGY_ENTRIES}")
    return entries
