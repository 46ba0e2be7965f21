"""The recognizers, one module each, in the order that breaks ties between types."""

from __future__ import annotations

from gongshu.classify.recognizers import (
    address,
    bank_card,
    cn_hk_macau_permit,
    cn_id_card,
    cn_landline,
    cn_license_plate,
    cn_mobile,
    cn_uscc,
    date_of_birth,
    email,
    gps,
    ip_address,
    passport,
    person_name,
)
from gongshu.classify.recognizers.base import COMPACT, PLAIN, Recognizer

MODULES = (
    cn_id_card,
    cn_uscc,
    bank_card,
    cn_mobile,
    cn_landline,
    passport,
    cn_hk_macau_permit,
    cn_license_plate,
    email,
    ip_address,
    gps,
    date_of_birth,
    person_name,
    address,
)
RECOGNIZERS: tuple[Recognizer, ...] = tuple(Recognizer.of(m) for m in MODULES)
BY_CODE: dict[str, Recognizer] = {r.code: r for r in RECOGNIZERS}

__all__ = ["BY_CODE", "COMPACT", "MODULES", "PLAIN", "RECOGNIZERS", "Recognizer"]
