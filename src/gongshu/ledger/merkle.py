"""RFC 9162 (CT v2, §2.1) Merkle tree arithmetic: pure code, no I/O, no database.

Nodes are named ``(level, index)``: node ``(level, index)`` is the perfect subtree
over leaves ``[index * 2**level, (index + 1) * 2**level)``; level 0 holds leaf hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

ALGORITHMS = ("sha256", "sm3")

NodeGetter = Callable[[int, int], bytes]
Range = tuple[int, int]
Proof = Sequence[bytes]


@dataclass(frozen=True)
class Hasher:
    """RFC 9162 domain-separated hashing with ``name`` "sha256" (default) or "sm3"."""

    name: str = "sha256"

    def __post_init__(self) -> None:
        if self.name not in ALGORITHMS:
            raise ValueError(f"unknown hash {self.name!r}; use one of {ALGORITHMS}")
        # hashlib's own constructor where there is one: hashlib.new costs more on every leaf and node
        object.__setattr__(self, "_new", getattr(hashlib, self.name, None) or partial(hashlib.new, self.name))

    @property
    def digest_size(self) -> int:
        """Length in bytes of every hash this hasher returns."""
        return hashlib.new(self.name).digest_size

    def leaf(self, data: bytes) -> bytes:
        """Leaf hash: ``H(0x00 || data)``."""
        return self._new(b"\x00" + data).digest()  # type: ignore[attr-defined]

    def node(self, left: bytes, right: bytes) -> bytes:
        """Interior node hash: ``H(0x01 || left || right)``."""
        return self._new(b"\x01" + left + right).digest()  # type: ignore[attr-defined]

    def empty(self) -> bytes:
        """Root of the empty tree: ``H(b"")``."""
        return hashlib.new(self.name, b"").digest()


def _split_point(n: int) -> int:
    """Largest power of two strictly less than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _perfect(start: int, end: int) -> tuple[int, int] | None:
    """The ``(level, index)`` of the node covering exactly ``[start, end)``, if any."""
    n = end - start
    if n <= 0 or n & (n - 1) or start % n:
        return None
    level = n.bit_length() - 1
    return level, start >> level


def _check_range(start: int, end: int) -> None:
    if not 0 <= start <= end:
        raise ValueError(f"bad leaf range [{start}, {end}); need 0 <= start <= end")


def root_from_leaves(leaf_hashes: Sequence[bytes], hasher: Hasher) -> bytes:
    """MTH over already-hashed leaves, by the RFC 9162 recursive definition."""
    n = len(leaf_hashes)
    if n == 0:
        return hasher.empty()
    if n == 1:
        return leaf_hashes[0]
    k = _split_point(n)
    left = root_from_leaves(leaf_hashes[:k], hasher)
    return hasher.node(left, root_from_leaves(leaf_hashes[k:], hasher))


def frontier_append(
    frontier: list[bytes], size: int, leaf_hash: bytes, hasher: Hasher
) -> tuple[list[bytes], list[tuple[int, int, bytes]]]:
    """Append leaf ``size`` to the frontier (compact range) of a ``size``-leaf tree.

    Returns:
        The frontier for ``size + 1`` and the interior nodes the append completed,
        as ``(level, index, hash)`` with ``level >= 1``, lowest first.

    Raises:
        ValueError: If ``size`` is negative or does not fit the frontier's length.
    """
    if size < 0 or len(frontier) != size.bit_count():
        got, need = len(frontier), max(size, 0).bit_count()
        raise ValueError(f"frontier for size {size} needs {need} hashes, got {got}")
    new_frontier = list(frontier)
    node, level, completed = leaf_hash, 0, []
    while (size >> level) & 1:
        node = hasher.node(new_frontier.pop(), node)
        level += 1
        completed.append((level, size >> level, node))
    new_frontier.append(node)
    return new_frontier, completed


def frontier_root(frontier: list[bytes], hasher: Hasher) -> bytes:
    """Root of the tree a frontier describes; ``hasher.empty()`` for no leaves."""
    if not frontier:
        return hasher.empty()
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = hasher.node(left, root)
    return root


def split_range(start: int, end: int) -> list[Range]:
    """Perfect aligned nodes, left to right, of the RFC recursion over ``[start, end)``.

    For ranges arising in RFC 9162 proofs this is the binary decomposition of
    ``end - start``: at most ``log2(end - start) + 1`` nodes.
    """
    _check_range(start, end)
    if start == end:
        return []
    if node := _perfect(start, end):
        return [node]
    mid = start + _split_point(end - start)
    return split_range(start, mid) + split_range(mid, end)


def subtree_hash(start: int, end: int, get_node: NodeGetter, hasher: Hasher) -> bytes:
    """``MTH(D[start:end])`` from stored perfect aligned nodes.

    Calls ``get_node(level, index)`` exactly for ``split_range(start, end)``.
    """
    _check_range(start, end)
    if start == end:
        return hasher.empty()
    if node := _perfect(start, end):
        return get_node(*node)
    mid = start + _split_point(end - start)
    left = subtree_hash(start, mid, get_node, hasher)
    return hasher.node(left, subtree_hash(mid, end, get_node, hasher))


def inclusion_proof_ranges(index: int, size: int) -> list[Range]:
    """Leaf ranges whose subtree hashes form ``PATH(index, D[0:size])``, bottom-up.

    Raises:
        ValueError: Unless ``0 <= index < size``.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    ranges, start, end = [], 0, size
    while end - start > 1:
        mid = start + _split_point(end - start)
        if index < mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            start = mid
    return ranges[::-1]


def consistency_proof_ranges(old_size: int, new_size: int) -> list[Range]:
    """Leaf ranges whose subtree hashes form ``PROOF(old_size, D[0:new_size])``.

    The proof is empty when ``old_size`` is 0 or equals ``new_size``.

    Raises:
        ValueError: Unless ``0 <= old_size <= new_size``.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"sizes {old_size} -> {new_size}: need 0 <= old <= new")
    if old_size == 0:
        return []
    ranges, start, end, whole = [], 0, new_size, True
    while start + old_size < end:
        mid = start + _split_point(end - start)
        if start + old_size <= mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            old_size -= mid - start
            start, whole = mid, False
    if not whole:
        ranges.append((start, end))
    return ranges[::-1]


def needed_nodes(ranges: Iterable[Range]) -> set[tuple[int, int]]:
    """Every ``(level, index)`` that ``subtree_hash`` will fetch for these ranges."""
    return {node for start, end in ranges for node in split_range(start, end)}


def inclusion_proof(index: int, size: int, get_node: NodeGetter, hasher: Hasher) -> list[bytes]:
    """Audit path of leaf ``index`` in a tree of ``size`` leaves (RFC 9162 §2.1.3.1)."""
    ranges = inclusion_proof_ranges(index, size)
    return [subtree_hash(a, b, get_node, hasher) for a, b in ranges]


def consistency_proof(old_size: int, new_size: int, get_node: NodeGetter, hasher: Hasher) -> list[bytes]:
    """Consistency proof from ``old_size`` to ``new_size`` (RFC 9162 §2.1.4.1)."""
    ranges = consistency_proof_ranges(old_size, new_size)
    return [subtree_hash(a, b, get_node, hasher) for a, b in ranges]


def _well_formed(sizes: tuple[object, ...], roots: tuple[object, ...], proof: Proof, hasher: Hasher) -> bool:
    """Whether sizes are ints >= 0, roots bytes, and proof items digest-sized bytes."""
    if not all(type(v) is int and v >= 0 for v in sizes):
        return False
    n = hasher.digest_size
    ok_proof = all(isinstance(p, bytes) and len(p) == n for p in proof)
    return ok_proof and all(isinstance(r, bytes) for r in roots)


def _sides(fn: int, sn: int, count: int) -> list[bool] | None:
    """Run the RFC 9162 fn/sn bit loop over ``count`` proof hashes.

    Returns:
        For each hash, whether it is the left operand; None when the loop fails
        (``sn`` reaches 0 before the hashes run out, or does not end at 0).
    """
    sides = []
    for _ in range(count):
        if sn == 0:
            return None
        left = bool(fn & 1) or fn == sn
        while left and not fn & 1 and fn != 0:
            fn, sn = fn >> 1, sn >> 1
        sides.append(left)
        fn, sn = fn >> 1, sn >> 1
    return sides if sn == 0 else None


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Proof, root: bytes, hasher: Hasher) -> bool:
    """RFC 9162 §2.1.3.2: whether ``proof`` puts ``leaf_hash`` at ``index`` of ``root``.

    Returns False, never raises, for bad input (``index >= size``, wrong proof length).
    """
    ok = _well_formed((index, size), (leaf_hash, root), proof, hasher)
    sides = _sides(index, size - 1, len(proof)) if ok and index < size else None
    if sides is None:
        return False
    r = leaf_hash
    for p, left in zip(proof, sides, strict=True):
        r = hasher.node(p, r) if left else hasher.node(r, p)
    return r == root


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Proof,
    hasher: Hasher,
) -> bool:
    """RFC 9162 §2.1.4.2: whether tree ``old_root`` is a prefix of tree ``new_root``.

    Equal sizes need an empty proof and equal roots; ``old_size == 0`` needs an empty
    proof. Returns False, never raises, for bad input.
    """
    sizes, roots = (old_size, new_size), (old_root, new_root)
    if not _well_formed(sizes, roots, proof, hasher) or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0 or not proof:
        return old_size == 0 and not proof
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    sides = _sides(fn, sn, len(path) - 1)
    if sides is None:
        return False
    fr = sr = path[0]
    for c, left in zip(path[1:], sides, strict=True):
        fr = hasher.node(c, fr) if left else fr
        sr = hasher.node(c, sr) if left else hasher.node(sr, c)
    return fr == old_root and sr == new_root
