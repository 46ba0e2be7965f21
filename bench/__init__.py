"""Benchmarks: one module per benchmark, each with ``run(scale) -> list[Result]``; ``bench.run`` prints them."""
