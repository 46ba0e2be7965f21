"""A resource's catalog metadata as DCAT 3 JSON-LD, with gongshu terms for 共享/开放属性 and 信息项."""

from __future__ import annotations

from typing import Any

from gongshu.catalog.attributes import OpenAttr, ShareAttr, UpdateCycle
from gongshu.catalog.models import Resource, ResourceVersion

FREQUENCY = {  # EU frequency vocabulary
    "realtime": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "half_yearly": "ANNUAL_2",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
}
MEDIA = {"parquet": "application/vnd.apache.parquet"}

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "gongshu": "https://gongshu.dev/ns#",
}


def dataset(res: Resource, version: ResourceVersion | None, base_url: str) -> dict[str, Any]:
    """DCAT dataset for ``res``; ``base_url`` is where this platform is served."""
    uri = f"{base_url.rstrip('/')}/api/v1/resources/{res.code}"
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": uri,
        "@type": "dcat:Dataset",
        "dct:identifier": res.code,
        "dct:title": {"@value": res.title, "@language": "zh"},
        "dct:description": {"@value": res.summary, "@language": "zh"},
        "dct:publisher": {
            "@type": "foaf:Organization",
            "foaf:name": res.provider.name,
            "dct:identifier": res.provider.code,
        },
        "dcat:theme": res.domain,
        "dct:issued": {"@value": res.published_at.date().isoformat(), "@type": "xsd:date"},
        "dct:modified": {"@value": res.updated_at.isoformat(), "@type": "xsd:dateTime"},
        "dct:accrualPeriodicity": {
            "@id": f"http://publications.europa.eu/resource/authority/frequency/{FREQUENCY[res.update_cycle]}"
        },
        "gongshu:updateCycle": UpdateCycle(res.update_cycle).zh,
        "gongshu:shareAttribute": {
            "value": res.share,
            "label": ShareAttr(res.share).zh,
            "condition": res.share_condition,
        },
        "gongshu:openAttribute": {"value": res.open, "label": OpenAttr(res.open).zh},
        "gongshu:informationItems": [
            {"name": i.name, "type": i.data_type, "description": i.description, "authoritative": i.authoritative}
            for i in res.items
        ],
    }
    if version is not None:
        doc["dcat:distribution"] = [
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{res.title} v{version.number}",
                "dct:format": "parquet",
                "dcat:mediaType": MEDIA["parquet"],
                "dcat:byteSize": {"@value": str(version.bytes), "@type": "xsd:nonNegativeInteger"},
                "gongshu:rows": version.rows,
                "gongshu:sha256": version.sha256,
                "gongshu:sourceFormat": version.source_format,
            }
        ]
    return doc
