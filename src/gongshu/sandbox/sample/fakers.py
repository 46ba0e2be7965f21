"""Realistic fake values per detected sensitive type, and free text of a given length: none from real data."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from faker import Faker
from faker.providers.lorem.zh_CN import Provider as ZhLorem

from gongshu.demo.identifiers import STR, ascii_strings, credit_codes, digits, phones, plates, resident_ids
from gongshu.demo.names import (
    BRAND_CHARS,
    DISTRICT_AREAS,
    FEMALE_CHARS,
    LOCAL_AREAS,
    MALE_CHARS,
    OTHER_AREAS,
    PROVINCE_AREAS,
    SURNAMES,
    person_names,
    pick,
)

AREAS = np.array(LOCAL_AREAS * 4 + PROVINCE_AREAS + OTHER_AREAS)  # mostly local people, some from elsewhere
FIRST_BIRTH = np.datetime64("1945-01-01")
BIRTH_DAYS = int((np.datetime64("2006-12-31") - FIRST_BIRTH).astype(int))
SERIAL = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)  # passports, permits: no I, O
ALNUM = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
GIVEN_CHARS = MALE_CHARS + FEMALE_CHARS + BRAND_CHARS
WORDS = np.array(ZhLorem.word_list, dtype=STR)
CENTRE = (113.65, 34.76)  # 示例市 (lng, lat)


@dataclass(frozen=True)
class Ask:
    """How many values to make and what they must look like."""

    n: int
    attempt: int = 0  # 0 first; later draws replace values that occurred in the real column
    length: int = 0  # the real column's median length (formats of dates of birth)
    temporal: bool = False  # the real column is a date or timestamp, not text


@functools.cache
def _faker() -> Faker:
    return Faker("zh_CN")


def faker(rng: np.random.Generator) -> Faker:
    """The shared zh_CN Faker, seeded from ``rng`` so that samples are deterministic."""
    fake = _faker()
    fake.seed_instance(int(rng.integers(2**63)))
    return fake


def id_cards(rng: np.random.Generator, ask: Ask) -> pa.Array:
    birth = FIRST_BIRTH + rng.integers(0, BIRTH_DAYS, ask.n).astype("timedelta64[D]")
    return pa.array(resident_ids(rng.choice(AREAS, ask.n), birth, rng.integers(0, 1000, ask.n)))


def uscc(rng: np.random.Generator, ask: Ask) -> pa.Array:
    return pa.array(credit_codes(rng, rng.choice(DISTRICT_AREAS, ask.n), rng.random(ask.n) < 0.7))


def luhn_completed(body: np.ndarray) -> np.ndarray:
    """An (n, width) digit-value matrix with its Luhn check digit appended."""
    doubled = body[:, ::-1].copy()
    doubled[:, ::2] *= 2
    total = np.where(doubled > 9, doubled - 9, doubled).sum(axis=1)
    return np.hstack([body, ((10 - total % 10) % 10)[:, None]])


def bank_cards(rng: np.random.Generator, ask: Ask) -> pa.Array:
    """19-digit UnionPay debit card numbers (62…) with their Luhn check digit."""
    body = np.hstack([np.tile([6, 2], (ask.n, 1)), rng.integers(0, 10, (ask.n, 16))])
    return pa.array(ascii_strings(luhn_completed(body) + 48))


def mobiles(rng: np.random.Generator, ask: Ask) -> pa.Array:
    return pa.array(phones(rng, ask.n, p_mobile=1.0))


def landlines(rng: np.random.Generator, ask: Ask) -> pa.Array:
    return pa.array(phones(rng, ask.n, p_mobile=0.0))


def _serials(rng: np.random.Generator, head: bytes, n: int) -> np.ndarray:
    """``head`` + a serial letter or digit + 7 digits (passports E…, 往来港澳通行证 C…)."""
    first = np.tile(np.frombuffer(head, dtype=np.uint8), (n, 1))
    return ascii_strings(
        np.hstack([first, SERIAL[rng.integers(0, len(SERIAL), (n, 1))], digits(rng.integers(0, 10**7, n), 7)])
    )


def passports(rng: np.random.Generator, ask: Ask) -> pa.Array:
    return pa.array(_serials(rng, b"E", ask.n))


def permits(rng: np.random.Generator, ask: Ask) -> pa.Array:
    return pa.array(_serials(rng, b"C", ask.n))


def license_plates(rng: np.random.Generator, ask: Ask) -> pa.Array:
    return pa.array(plates(rng, rng.choice(4, ask.n, p=[0.75, 0.05, 0.18, 0.02])))


def emails(rng: np.random.Generator, ask: Ask) -> pa.Array:
    fake = faker(rng)
    number = rng.integers(1, 10_000, ask.n)
    return pa.array([f"{fake.user_name()}{k}@{fake.free_email_domain()}" for k in number], pa.string())


def ip_addresses(rng: np.random.Generator, ask: Ask) -> pa.Array:
    first = rng.choice(np.setdiff1d(np.arange(1, 224), [10, 127]), ask.n)
    octets = [first, rng.integers(0, 256, ask.n), rng.integers(0, 256, ask.n), rng.integers(1, 255, ask.n)]
    return pa.array([".".join(map(str, row)) for row in zip(*octets, strict=True)], pa.string())


def coordinates(rng: np.random.Generator, ask: Ask) -> pa.Array:
    """ "经度,纬度" around 示例市, six decimals."""
    lng = CENTRE[0] + rng.uniform(-0.25, 0.25, ask.n)
    lat = CENTRE[1] + rng.uniform(-0.2, 0.2, ask.n)
    return pa.array([f"{x:.6f},{y:.6f}" for x, y in zip(lng, lat, strict=True)], pa.string())


def birth_dates(rng: np.random.Generator, ask: Ask) -> pa.Array:
    """Dates of birth 1945-2006, as dates or as text in the real column's apparent format."""
    days = FIRST_BIRTH + rng.integers(0, BIRTH_DAYS, ask.n).astype("timedelta64[D]")
    dates = pa.array(days, pa.date32())
    if ask.temporal:
        return dates
    fmt = {8: "%Y%m%d", 11: "%Y年%m月%d日"}.get(ask.length, "%Y-%m-%d")
    return pa.array([d.strftime(fmt) for d in dates.to_pylist()], pa.string())


def names(rng: np.random.Generator, ask: Ask) -> pa.Array:
    """Chinese names from the demo's lists; later draws take two given characters from a wider pool."""
    if ask.attempt == 0:
        return pa.array(person_names(rng, rng.random(ask.n) < 0.5))
    surname = pick(SURNAMES, rng.integers(0, len(SURNAMES), ask.n))
    given = [pick(GIVEN_CHARS, rng.integers(0, len(GIVEN_CHARS), ask.n)) for _ in range(2)]
    return pa.array(np.strings.add(surname, np.strings.add(*given)))


def addresses(rng: np.random.Generator, ask: Ask) -> pa.Array:
    """省 + 市 + 区 + 路/街 + 号, half of them with a building and a room (Faker's zh_CN places)."""
    fake = faker(rng)
    number = rng.integers(1, 400, ask.n)
    room = [f"{b}号楼{f}0{r}室" if b else "" for b, f, r in zip(*_rooms(rng, ask.n), strict=True)]
    return pa.array(
        [
            f"{fake.province()}{fake.city()}{fake.district()}区{fake.street_name()}{k}号{room[i]}"
            for i, k in enumerate(number)
        ],
        pa.string(),
    )


def _rooms(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    building = np.where(rng.random(n) < 0.5, rng.integers(1, 20, n), 0)
    return building, rng.integers(1, 30, n), rng.integers(1, 9, n)


def text(rng: np.random.Generator, lengths: np.ndarray, digit_share: float, ascii_share: float) -> pa.Array:
    """Made-up text of the given lengths: all digits, ASCII letters and digits, or Chinese words, in the
    real column's shares."""
    n = len(lengths)
    style = rng.random(n)
    longest = max(int(lengths.max(initial=1)), 1)
    numbers = ascii_strings(np.hstack([digits(rng.integers(1, 10, n), 1), digits(rng.integers(0, 10**9, n), 9)]))
    codes = ascii_strings(ALNUM[rng.integers(0, len(ALNUM), (n, longest))])
    per_row = longest // 2 + 1
    words = WORDS[rng.integers(0, len(WORDS), (n, per_row))]
    out = []
    for i, size in enumerate(lengths):
        if style[i] < digit_share:
            out.append(_digits_of(rng, str(numbers[i]), int(size)))
        elif style[i] < ascii_share:
            out.append(str(codes[i])[:size])
        else:
            out.append("".join(words[i])[:size])
    return pa.array(out, pa.string())


def _digits_of(rng: np.random.Generator, head: str, size: int) -> str:
    while len(head) < size:
        head += str(int(rng.integers(0, 10**9))).zfill(9)
    return head[:size]


FAKERS: dict[str, Callable[[np.random.Generator, Ask], pa.Array]] = {
    "cn_id_card": id_cards,
    "cn_uscc": uscc,
    "bank_card": bank_cards,
    "cn_mobile": mobiles,
    "cn_landline": landlines,
    "passport": passports,
    "cn_hk_macau_permit": permits,
    "cn_license_plate": license_plates,
    "email": emails,
    "ip_address": ip_addresses,
    "gps": coordinates,
    "date_of_birth": birth_dates,
    "person_name": names,
    "address": addresses,
}
