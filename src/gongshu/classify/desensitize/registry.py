"""Every desensitization operator by name, in the order the console lists them."""

from __future__ import annotations

from gongshu.classify.desensitize.operators import bucket, keyed_hash, mask, rounding, suppress
from gongshu.classify.desensitize.operators.generalize import SPEC as GENERALIZE
from gongshu.classify.desensitize.params import OperatorSpec

OPERATORS: dict[str, OperatorSpec] = {
    spec.name: spec for spec in (mask.SPEC, keyed_hash.SPEC, GENERALIZE, rounding.SPEC, bucket.SPEC, suppress.SPEC)
}
