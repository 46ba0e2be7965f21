"""Merkle arithmetic checked against RFC 6962 reference vectors and by properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.ledger.merkle import (
    Hasher,
    consistency_proof,
    consistency_proof_ranges,
    frontier_append,
    frontier_root,
    inclusion_proof,
    inclusion_proof_ranges,
    needed_nodes,
    root_from_leaves,
    split_range,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

SHA256 = Hasher()
SM3 = Hasher("sm3")
PROPERTY = settings(max_examples=60, deadline=None, database=None)


def h(hex_digest: str) -> bytes:
    return bytes.fromhex(hex_digest)


# ---------------------------------------------------------------------------
# Reference vectors. Leaf inputs, node hashes and roots are copied from
# transparency-dev/merkle testonly/constants.go (LeafInputs, NodeHashes,
# RootHashes, CompactTrees); proofs from transparency-dev/merkle
# proof/verify_test.go (inclusionProofs, consistencyProofs). The same values
# appear in google/certificate-transparency cpp/merkletree/merkle_tree_test.cc
# (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs).
# ---------------------------------------------------------------------------

LEAF_INPUTS = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]

# (level, index) -> hash of every perfect subtree of the eight-leaf tree.
NODE_HASHES = {
    (0, 0): h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    (0, 1): h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
    (0, 2): h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
    (0, 3): h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
    (0, 4): h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    (0, 5): h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
    (0, 6): h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
    (0, 7): h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    (1, 0): h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    (1, 1): h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
    (1, 2): h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
    (1, 3): h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    (2, 0): h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    (2, 1): h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    (3, 0): h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
}

EMPTY_ROOT = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

# Root of the tree of the first `size` leaves, indexed by size.
ROOTS = [
    EMPTY_ROOT,
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# CompactTrees: the frontier after each append, as node names into NODE_HASHES.
COMPACT_RANGES = [
    [],
    [(0, 0)],
    [(1, 0)],
    [(1, 0), (0, 2)],
    [(2, 0)],
    [(2, 0), (0, 4)],
    [(2, 0), (1, 2)],
    [(2, 0), (1, 2), (0, 6)],
    [(3, 0)],
]

# (index, size, proof). The Go table numbers leaves from 1; these indices are 0-based.
INCLUSION_PROOFS = [
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old_size, new_size, proof).
CONSISTENCY_PROOFS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def build_tree(leaf_hashes, hasher):
    """Replay frontier_append; return the node store, frontiers and roots by size."""
    nodes, frontier = {}, []
    frontiers, roots = [frontier], [frontier_root(frontier, hasher)]
    for size, leaf in enumerate(leaf_hashes):
        nodes[(0, size)] = leaf
        frontier, completed = frontier_append(frontier, size, leaf, hasher)
        nodes.update({(level, index): node for level, index, node in completed})
        frontiers.append(frontier)
        roots.append(frontier_root(frontier, hasher))
    return nodes, frontiers, roots


def getter(nodes):
    """A get_node(level, index) over a dict keyed by (level, index)."""
    return lambda level, index: nodes[(level, index)]


def make_leaves(size, salt, hasher=SHA256):
    return [hasher.leaf(salt + i.to_bytes(4, "big")) for i in range(size)]


def flip(data: bytes, position: int, mask: int = 0x01) -> bytes:
    position %= len(data)
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]


def tamper(data, proof):
    """Copy ``proof`` with one byte of one element xor-ed by a nonzero mask."""
    i = data.draw(st.integers(0, len(proof) - 1))
    position, mask = data.draw(st.integers(0, 31)), data.draw(st.integers(1, 255))
    return [*proof[:i], flip(proof[i], position, mask), *proof[i + 1 :]]


class RecordingStore:
    """A get_node that serves a dict of nodes and remembers what it was asked for."""

    def __init__(self, nodes):
        self.nodes, self.calls = nodes, []

    def __call__(self, level: int, index: int) -> bytes:
        self.calls.append((level, index))
        return self.nodes[(level, index)]


REFERENCE_LEAVES = [SHA256.leaf(data) for data in LEAF_INPUTS]
REFERENCE_NODES, REFERENCE_FRONTIERS, REFERENCE_ROOTS = build_tree(REFERENCE_LEAVES, SHA256)


@st.composite
def trees(draw, min_size=1, max_size=300):
    """Leaf hashes of a random tree, distinct per leaf."""
    size = draw(st.integers(min_size, max_size))
    return make_leaves(size, draw(st.binary(max_size=8)))


# ---------------------------------------------------------------------------
# Hasher
# ---------------------------------------------------------------------------


def test_leaf_hashes_match_the_reference_level_zero_nodes():
    assert REFERENCE_LEAVES == [NODE_HASHES[(0, i)] for i in range(8)]


def test_empty_tree_root_is_the_hash_of_the_empty_string():
    assert SHA256.empty() == EMPTY_ROOT
    assert root_from_leaves([], SHA256) == EMPTY_ROOT
    assert frontier_root([], SHA256) == EMPTY_ROOT


def test_unknown_hash_algorithm_is_rejected():
    with pytest.raises(ValueError, match="md5"):
        Hasher("md5")


def test_sm3_hasher_uses_domain_separated_sm3():
    # SM3("") and SM3("abc"), the GB/T 32905-2016 example, are the standard digests.
    assert SM3.empty() == h("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")
    assert hashlib.new("sm3", b"abc").digest() == h("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    assert SM3.leaf(b"abc") == hashlib.new("sm3", b"\x00abc").digest()
    assert SM3.node(b"a", b"b") == hashlib.new("sm3", b"\x01ab").digest()


# ---------------------------------------------------------------------------
# Reference vectors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_root_from_leaves_matches_the_reference_root_for_every_size_up_to_eight(size):
    assert root_from_leaves(REFERENCE_LEAVES[:size], SHA256) == ROOTS[size]


def test_frontier_root_matches_the_reference_root_after_every_append():
    assert REFERENCE_ROOTS == ROOTS


def test_frontier_append_completes_exactly_the_reference_interior_nodes():
    assert REFERENCE_NODES == NODE_HASHES


def test_frontier_matches_the_reference_compact_range_after_every_append():
    expected = [[NODE_HASHES[name] for name in names] for names in COMPACT_RANGES]
    assert REFERENCE_FRONTIERS == expected


def test_appending_the_eighth_leaf_completes_three_nodes_lowest_first():
    _, completed = frontier_append(REFERENCE_FRONTIERS[7], 7, REFERENCE_LEAVES[7], SHA256)
    assert completed == [(level, index, NODE_HASHES[(level, index)]) for level, index in [(1, 3), (2, 1), (3, 0)]]


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION_PROOFS)
def test_inclusion_proof_matches_the_reference_audit_path(index, size, expected):
    proof = inclusion_proof(index, size, getter(NODE_HASHES), SHA256)
    assert proof == expected
    assert verify_inclusion(REFERENCE_LEAVES[index], index, size, expected, ROOTS[size], SHA256)


def test_inclusion_proof_verifies_for_every_leaf_of_an_eight_leaf_tree():
    for size in range(1, 9):
        for index in range(size):
            proof = inclusion_proof(index, size, getter(NODE_HASHES), SHA256)
            assert verify_inclusion(REFERENCE_LEAVES[index], index, size, proof, ROOTS[size], SHA256)


@pytest.mark.parametrize(("old_size", "new_size", "expected"), CONSISTENCY_PROOFS)
def test_consistency_proof_matches_the_reference_proof(old_size, new_size, expected):
    proof = consistency_proof(old_size, new_size, getter(NODE_HASHES), SHA256)
    assert proof == expected
    assert verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], expected, SHA256)


def test_consistency_proof_verifies_for_every_pair_of_sizes_up_to_eight():
    for new_size in range(9):
        for old_size in range(new_size + 1):
            proof = consistency_proof(old_size, new_size, getter(NODE_HASHES), SHA256)
            assert verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof, SHA256)


def corrupted_inclusion_probes(index, size, proof, root, leaf):
    """The probes of corruptInclusionProof in transparency-dev/merkle verify_test.go."""
    probes = [
        (index - 1, size, root, leaf, proof),
        (index + 1, size, root, leaf, proof),
        (index ^ 2, size, root, leaf, proof),
        (index, size * 2, root, leaf, proof),
        (index, size // 2, root, leaf, proof),
        (index, size, root, b"WrongLeaf", proof),
        (index, size, EMPTY_ROOT, leaf, proof),
        (index, size, SOME_HASH, leaf, proof),
        (index, size, root, leaf, [*proof, b""]),
        (index, size, root, leaf, [*proof, root]),
        (index, size, root, leaf, [b"", *proof]),
        (index, size, root, leaf, [root, *proof]),
    ]
    probes += [(index, size, root, leaf, [*proof[:i], flip(p, 0, 8), *proof[i + 1 :]]) for i, p in enumerate(proof)]
    if proof:
        probes.append((index, size, root, leaf, proof[:-1]))
    if len(proof) > 1:
        probes.append((index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]]))
    return probes


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_PROOFS[1:])
def test_corrupted_reference_inclusion_proofs_are_rejected(index, size, proof):
    for i, s, root, leaf, bad_proof in corrupted_inclusion_probes(
        index, size, proof, ROOTS[size], REFERENCE_LEAVES[index]
    ):
        assert not verify_inclusion(leaf, i, s, bad_proof, root, SHA256), (i, s)


def corrupted_consistency_probes(old, new, old_root, new_root, proof):
    """Probes of corruptConsistencyProof in transparency-dev/merkle verify_test.go."""
    probes = [
        (old - 1, new, old_root, new_root, proof),
        (old + 1, new, old_root, new_root, proof),
        (old ^ 2, new, old_root, new_root, proof),
        (old, new * 2, old_root, new_root, proof),
        (old, new // 2, old_root, new_root, proof),
        (old, new, b"WrongRoot", new_root, proof),
        (old, new, old_root, b"WrongRoot", proof),
        (old, new, new_root, old_root, proof),
        (old, new, old_root, new_root, []),
        (old, new, old_root, new_root, [*proof, b""]),
        (old, new, old_root, new_root, [*proof, old_root]),
        (old, new, old_root, new_root, [*proof, new_root]),
        (old, new, old_root, new_root, [b"", *proof]),
        (old, new, old_root, new_root, [old_root, *proof]),
        (old, new, old_root, new_root, [new_root, *proof]),
        (old, new, old_root, new_root, [proof[0], *proof]),
        (old, new, old_root, new_root, proof[:-1]),
    ]
    probes += [
        (old, new, old_root, new_root, [*proof[:i], flip(p, 0, 16), *proof[i + 1 :]]) for i, p in enumerate(proof)
    ]
    return probes


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_PROOFS[1:])
def test_corrupted_reference_consistency_proofs_are_rejected(old_size, new_size, proof):
    probes = corrupted_consistency_probes(old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof)
    for old, new, old_root, new_root, bad_proof in probes:
        assert not verify_consistency(old, new, old_root, new_root, bad_proof, SHA256), (old, new)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1), (-1, 1)])
def test_verify_inclusion_rejects_impossible_index_size_leaf_and_root(index, size):
    assert not verify_inclusion(SOME_HASH, index, size, [], b"", SHA256)
    assert not verify_inclusion(b"", index, size, [], EMPTY_ROOT, SHA256)
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT, SHA256)


# From TestVerifyConsistency in transparency-dev/merkle proof/verify_test.go.
ROOT1, ROOT2 = b"don't care 1", b"don't care 2"
CONSISTENCY_EDGE_CASES = [
    (0, 0, ROOT1, ROOT2, [], False),
    (1, 1, ROOT1, ROOT2, [], False),
    (0, 0, ROOT1, ROOT1, [], True),
    (0, 1, ROOT1, ROOT2, [], True),
    (1, 1, ROOT2, ROOT2, [], True),
    (1, 0, ROOT1, ROOT2, [], False),
    (2, 1, ROOT1, ROOT2, [], False),
    (1, 2, ROOT1, ROOT2, [], False),
    (0, 0, EMPTY_ROOT, ROOT2, [], False),
    (1, 1, EMPTY_ROOT, ROOT2, [], False),
    (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    (-1, 1, EMPTY_ROOT, EMPTY_ROOT, [], False),
]


@pytest.mark.parametrize(("old", "new", "old_root", "new_root", "proof", "expected"), CONSISTENCY_EDGE_CASES)
def test_verify_consistency_edge_cases_follow_the_reference_table(old, new, old_root, new_root, proof, expected):
    assert verify_consistency(old, new, old_root, new_root, proof, SHA256) is expected


# ---------------------------------------------------------------------------
# Ranges and argument checks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 0, []),
        (0, 1, [(0, 0)]),
        (0, 8, [(3, 0)]),
        (0, 7, [(2, 0), (1, 2), (0, 6)]),
        (4, 7, [(1, 2), (0, 6)]),
        (8, 13, [(2, 2), (0, 12)]),
        (1, 3, [(0, 1), (0, 2)]),
    ],
)
def test_split_range_decomposes_a_range_into_perfect_aligned_nodes_left_to_right(start, end, expected):
    assert split_range(start, end) == expected


def test_subtree_hash_of_a_range_matches_the_reference_root_of_that_prefix():
    for size in range(9):
        assert subtree_hash(0, size, getter(NODE_HASHES), SHA256) == ROOTS[size]


def test_proof_ranges_name_the_reference_proof_nodes():
    assert inclusion_proof_ranges(5, 8) == [(4, 5), (6, 8), (0, 4)]
    assert consistency_proof_ranges(6, 8) == [(4, 6), (6, 8), (0, 4)]
    assert consistency_proof_ranges(2, 5) == [(2, 4), (4, 5)]
    assert consistency_proof_ranges(0, 5) == []
    assert consistency_proof_ranges(5, 5) == []


@pytest.mark.parametrize(
    ("build", "args"),
    [
        (inclusion_proof_ranges, (8, 8)),
        (inclusion_proof_ranges, (-1, 8)),
        (inclusion_proof_ranges, (0, 0)),
        (consistency_proof_ranges, (5, 4)),
        (consistency_proof_ranges, (-1, 3)),
        (split_range, (3, 2)),
        (split_range, (-1, 2)),
    ],
)
def test_proof_builders_reject_out_of_range_arguments(build, args):
    with pytest.raises(ValueError):
        build(*args)


def test_proofs_reject_out_of_range_arguments_before_fetching_nodes():
    with pytest.raises(ValueError, match="outside a tree of size 8"):
        inclusion_proof(8, 8, getter(NODE_HASHES), SHA256)
    with pytest.raises(ValueError, match="need 0 <= old <= new"):
        consistency_proof(6, 3, getter(NODE_HASHES), SHA256)


def test_frontier_append_rejects_a_frontier_of_the_wrong_length():
    with pytest.raises(ValueError, match="size 3 needs 2 hashes"):
        frontier_append([SOME_HASH], 3, SOME_HASH, SHA256)


# ---------------------------------------------------------------------------
# Properties over random trees
# ---------------------------------------------------------------------------


@PROPERTY
@given(leaves=trees(min_size=0))
def test_frontier_root_equals_root_from_leaves_after_every_append(leaves):
    _, _, roots = build_tree(leaves, SHA256)
    for size in range(len(leaves) + 1):
        assert roots[size] == root_from_leaves(leaves[:size], SHA256)


@PROPERTY
@given(leaves=trees())
def test_every_completed_node_hashes_exactly_the_leaves_it_covers(leaves):
    nodes, _, _ = build_tree(leaves, SHA256)
    for (level, index), node in nodes.items():
        covered = leaves[index << level : (index + 1) << level]
        assert len(covered) == 1 << level
        assert node == root_from_leaves(covered, SHA256)


@PROPERTY
@given(leaves=trees(), data=st.data())
def test_inclusion_proofs_from_stored_nodes_verify_against_the_root(leaves, data):
    nodes, _, roots = build_tree(leaves, SHA256)
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, size, getter(nodes), SHA256)
    assert verify_inclusion(
        leaves[index],
        index,
        size,
        proof,
        root_from_leaves(leaves[:size], SHA256),
        SHA256,
    )
    assert verify_inclusion(leaves[index], index, size, proof, roots[size], SHA256)


@PROPERTY
@given(leaves=trees(min_size=2), data=st.data())
def test_tampered_inclusion_proofs_are_rejected(leaves, data):
    nodes, _, roots = build_tree(leaves, SHA256)
    size = data.draw(st.integers(2, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, size, getter(nodes), SHA256)
    root, leaf = roots[size], leaves[index]
    assert not verify_inclusion(leaf, index, size, tamper(data, proof), root, SHA256)
    wrong_index = data.draw(st.integers(0, size - 1).filter(lambda j: j != index))
    assert not verify_inclusion(leaf, wrong_index, size, proof, root, SHA256)
    wrong_root = tamper(data, [root])[0]
    assert not verify_inclusion(leaf, index, size, proof, wrong_root, SHA256)
    assert not verify_inclusion(leaf, size, size, proof, root, SHA256)


@PROPERTY
@given(leaves=trees(), data=st.data())
def test_consistency_proofs_between_random_sizes_verify(leaves, data):
    nodes, _, roots = build_tree(leaves, SHA256)
    new_size = data.draw(st.integers(0, len(leaves)))
    old_size = data.draw(st.integers(0, new_size))
    proof = consistency_proof(old_size, new_size, getter(nodes), SHA256)
    assert verify_consistency(old_size, new_size, roots[old_size], roots[new_size], proof, SHA256)


@PROPERTY
@given(leaves=trees(min_size=2), data=st.data())
def test_tampered_consistency_proofs_are_rejected(leaves, data):
    nodes, _, roots = build_tree(leaves, SHA256)
    new_size = data.draw(st.integers(2, len(leaves)))
    old_size = data.draw(st.integers(1, new_size - 1))
    proof = consistency_proof(old_size, new_size, getter(nodes), SHA256)
    old, new = old_size, new_size
    old_root, new_root = roots[old], roots[new]
    bad_proof = tamper(data, proof)
    assert not verify_consistency(old, new, old_root, new_root, bad_proof, SHA256)
    bad_old, bad_new = tamper(data, [old_root])[0], tamper(data, [new_root])[0]
    assert not verify_consistency(old, new, bad_old, new_root, proof, SHA256)
    assert not verify_consistency(old, new, old_root, bad_new, proof, SHA256)
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1], SHA256)


@PROPERTY
@given(leaves=trees(), data=st.data())
def test_needed_nodes_covers_every_get_node_call_and_stays_logarithmic(leaves, data):
    nodes, _, _ = build_tree(leaves, SHA256)
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    old_size = data.draw(st.integers(0, size))
    inclusion_store, consistency_store = RecordingStore(nodes), RecordingStore(nodes)
    inclusion_proof(index, size, inclusion_store, SHA256)
    consistency_proof(old_size, size, consistency_store, SHA256)
    inclusion_ranges = inclusion_proof_ranges(index, size)
    consistency_ranges = consistency_proof_ranges(old_size, size)
    assert set(inclusion_store.calls) == needed_nodes(inclusion_ranges)
    assert set(consistency_store.calls) == needed_nodes(consistency_ranges)
    for store in (inclusion_store, consistency_store):
        assert len(store.calls) <= 2 * size.bit_length()


# ---------------------------------------------------------------------------
# SM3
# ---------------------------------------------------------------------------


@settings(max_examples=20, deadline=None, database=None)
@given(size=st.integers(1, 100), data=st.data())
def test_an_sm3_tree_proves_inclusion_and_consistency_with_a_root_unlike_sha256(size, data):
    leaves = make_leaves(size, b"sm3", SM3)
    nodes, _, roots = build_tree(leaves, SM3)
    index = data.draw(st.integers(0, size - 1))
    old_size = data.draw(st.integers(0, size))
    assert roots[size] == root_from_leaves(leaves, SM3)
    assert roots[size] != build_tree(make_leaves(size, b"sm3"), SHA256)[2][size]
    proof = inclusion_proof(index, size, getter(nodes), SM3)
    assert verify_inclusion(leaves[index], index, size, proof, roots[size], SM3)
    if proof:
        assert not verify_inclusion(leaves[index], index, size, proof, roots[size], SHA256)
    proof = consistency_proof(old_size, size, getter(nodes), SM3)
    assert verify_consistency(old_size, size, roots[old_size], roots[size], proof, SM3)
