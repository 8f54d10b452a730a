"""Cold start through Python: a process that imports graphbit, initialises it, makes one client and one call.

bench/run_suite.py runs it as a fresh process per sample and reads the
process's CPU time and peak RSS; the mock's URL comes in GRAPHBIT_BENCH_URL.
"""

import os

import graphbit

graphbit.init()
client = graphbit.LlmClient(
    graphbit.LlmConfig.openai(api_key="sk-bench", model="gpt-4o-mini", base_url=os.environ["GRAPHBIT_BENCH_URL"] + "/v1")
)
client.complete("Say something short about benchmarks.")
