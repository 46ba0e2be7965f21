"""gongshu (公数): public data development and utilization platform."""

__version__ = "0.1.0"
