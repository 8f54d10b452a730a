#!/usr/bin/env python3
"""Semantic search: embed a small set of documents once, then rank them for each question.

    python3 semantic_search.py [openai|huggingface|ollama]

Against graphbit's mock provider the vectors come from the words the texts
share, so the ranking is lexical; against a real provider it is semantic.
"""

import asyncio

import graphbit
from _provider import embedding_config_from_argv

DOCUMENTS = [
    "To reset your password, open Settings, choose Security and click Reset password.",
    "Orders ship within two business days; delivery takes three to five days after that.",
    "You can return any item within 30 days for a full refund, no questions asked.",
    "Our support team answers chat messages from 9 am to 6 pm, Monday to Friday.",
    "Two-factor authentication adds a code from your phone to every sign-in.",
    "Gift cards never expire and can be used for any order in the store.",
    "Invoices for every order are in your account under Billing.",
    "The mobile app works offline and syncs your lists when you reconnect.",
]

QUESTIONS = [
    "How do I reset my password?",
    "How many business days until delivery?",
    "Can I get a refund if I return an item?",
]


async def main() -> None:
    client = graphbit.EmbeddingClient(embedding_config_from_argv())
    # One batch for the documents (split into provider-sized requests if
    # needed), in input order; then one request per question.
    document_vectors = await client.embed_batch(DOCUMENTS)
    question_vectors = await asyncio.gather(*(client.embed_text(q) for q in QUESTIONS))

    for question, query in zip(QUESTIONS, question_vectors):
        ranked = sorted(
            ((graphbit.EmbeddingClient.similarity(query, vector), document)
             for vector, document in zip(document_vectors, DOCUMENTS)),
            reverse=True,
        )
        print(question)
        for score, document in ranked[:3]:
            print(f"  {score:6.3f}  {document}")

    stats = client.get_stats()
    print(f"{stats['successful_requests']}/{stats['total_requests']} requests ok, "
          f"{len(document_vectors[0])} dimensions, model {client.config().model()}")


asyncio.run(main())
