"""Synthetic sample data (样本数据) with the real schema, for developers to develop on."""

from gongshu.sandbox.sample.errors import SampleColumnsUnknown, SampleFormatUnknown, SampleSourceUnreadable
from gongshu.sandbox.sample.generate import make_sample, sample_bytes
from gongshu.sandbox.sample.profile import ColumnProfile, TableProfile, profile_parquet

__all__ = [
    "ColumnProfile",
    "SampleColumnsUnknown",
    "SampleFormatUnknown",
    "SampleSourceUnreadable",
    "TableProfile",
    "make_sample",
    "profile_parquet",
    "sample_bytes",
]
