"""Format-only RE2 patterns for type codes, used by validity when the caller injects no validator for the type."""

from __future__ import annotations

# Checksums (身份证 GB 11643, 统一社会信用代码 GB 32100, Luhn) need the injected validators; these check shape only.
PATTERNS: dict[str, str] = {
    "cn_id_card": r"[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]",
    "cn_uscc": r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}",
    "cn_mobile": r"(\+?86[- ]?)?1[3-9][0-9]{9}",
    "cn_landline": r"(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?",
    "cn_postcode": r"[0-9]{6}",
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "ipv4": r"((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    "date": r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
}
