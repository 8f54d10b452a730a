#!/usr/bin/python3
"""How embedding vectors cross from C into Python lists: packed doubles vs the naive ways.

    meson devenv -C _build /usr/bin/python3 bench/embeddings_transfer.py [--vectors N] [--dims D] [--repeat R]

Embeds N texts (default 2000) with the mock provider's OpenAI endpoint at D
dimensions (default 1536), then times turning the one C result
(GraphbitEmbeddings) into a list of N Python lists of floats, three ways:

  packed   what graphbit.EmbeddingClient does: the whole block as one
           GLib.Bytes, then memoryview(...).cast("d") and one .tolist() per
           row (C-speed, no per-number introspection)
  gi-array Embeddings.get_vector(i) per row: a C array of doubles that
           PyGObject converts number by number
  gvariant each row as a GVariant "ad" (GLib.Variant.new_from_bytes) and
           .unpack(), PyGObject's way for variants

and, for scale, arrays: the packed block cut into array.array("d") rows,
which create no float objects at all (not what the API returns: it
promises lists of floats).

Each way is checked to give the same lists. The mock binary is
$GRAPHBIT_MOCK_PROVIDER, else _build/tests/graphbit-mock-provider.
Not part of the test suite: timings depend on the machine.
"""

import argparse
import array
import os
import statistics
import subprocess
import sys
import time

import graphbit
from gi.repository import GLib

HERE = os.path.dirname(os.path.abspath(__file__))


def packed(embeddings):
    values = memoryview(embeddings.get_bytes().get_data()).cast("d")
    dims = embeddings.get_dimensions()
    return [values[start:start + dims].tolist() for start in range(0, len(values), dims)]


def gi_array(embeddings):
    # PyGObject already returns each C array as a list.
    return [embeddings.get_vector(i) for i in range(embeddings.get_n_vectors())]


def gvariant(embeddings):
    kind = GLib.VariantType.new("ad")
    return [list(GLib.Variant.new_from_bytes(kind, embeddings.get_vector_bytes(i), True).unpack())
            for i in range(embeddings.get_n_vectors())]


def arrays(embeddings):
    data = embeddings.get_bytes().get_data()
    row = embeddings.get_dimensions() * 8
    rows = []
    for start in range(0, len(data), row):
        vector = array.array("d")
        vector.frombytes(data[start:start + row])
        rows.append(vector)
    return rows


def timed(function, argument, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(argument)
        times.append(time.perf_counter() - started)
    return result, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=2000)
    parser.add_argument("--dims", type=int, default=1536)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    mock_path = os.environ.get("GRAPHBIT_MOCK_PROVIDER") or os.path.join(HERE, "..", "_build", "tests",
                                                                         "graphbit-mock-provider")
    mock = subprocess.Popen([mock_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        url = mock.stdout.readline().decode().split()[1]
        client = graphbit.EmbeddingClient(graphbit.EmbeddingConfig.openai(api_key="bench", base_url=url + "/v1"))
        texts = [f"mock:dims={args.dims} benchmark text number {i}" for i in range(args.vectors)]

        # The C result itself, fetched once (HTTP, JSON parsing), then converted repeatedly.
        native = client._native
        started = time.perf_counter()
        embeddings = native.embed_batch(texts, None)
        fetch = time.perf_counter() - started
    finally:
        mock.stdin.close()
        mock.wait(timeout=30)

    print(f"{embeddings.get_n_vectors()} vectors x {embeddings.get_dimensions()} dims "
          f"({embeddings.get_n_vectors() * embeddings.get_dimensions() * 8 / 1e6:.1f} MB of doubles); "
          f"fetched from the mock in {fetch * 1000:.0f} ms")
    print(f"Python {sys.version.split()[0]}, PyGObject {'.'.join(map(str, __import__('gi').version_info))}, "
          f"best and median of {args.repeat} runs:")

    reference = None
    baseline = None
    for name, function in (("packed", packed), ("gi-array", gi_array), ("gvariant", gvariant), ("arrays", arrays)):
        result, times = timed(function, embeddings, args.repeat)
        if reference is None:
            reference = result
        assert [list(row) for row in result] == reference, f"{name} gave different vectors"
        best = min(times)
        baseline = baseline or best
        print(f"  {name:9} best {best * 1000:8.1f} ms   median {statistics.median(times) * 1000:8.1f} ms   "
              f"x{best / baseline:5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
