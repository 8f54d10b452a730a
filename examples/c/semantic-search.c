/* semantic-search.c - embed a small set of documents once, then rank them for each question
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   ./semantic-search [openai|huggingface|ollama]
 *
 * Against graphbit's mock provider the vectors come from the words the
 * texts share, so the ranking is lexical; against a real provider it is
 * semantic.
 */

#include <stdlib.h>

#include "example-provider.h"

static const char *documents[] = {
  "To reset your password, open Settings, choose Security and click Reset password.",
  "Orders ship within two business days; delivery takes three to five days after that.",
  "You can return any item within 30 days for a full refund, no questions asked.",
  "Our support team answers chat messages from 9 am to 6 pm, Monday to Friday.",
  "Two-factor authentication adds a code from your phone to every sign-in.",
  "Gift cards never expire and can be used for any order in the store.",
  "Invoices for every order are in your account under Billing.",
  "The mobile app works offline and syncs your lists when you reconnect.",
};

static const char *questions[] = {
  "How do I reset my password?",
  "How many business days until delivery?",
  "Can I get a refund if I return an item?",
};

typedef struct
{
  gdouble score;
  guint document;
} Hit;

static int
by_score (const void *a,
          const void *b)
{
  const Hit *x = a, *y = b;

  return (x->score < y->score) - (x->score > y->score);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddingConfig) config = example_embedding_config_from_argv (argc, argv, &error);
  g_autoptr(GraphbitEmbeddingClient) client = NULL;
  g_autoptr(GraphbitEmbeddings) corpus = NULL;

  if (config == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  client = graphbit_embedding_client_new (config);

  /* One batch for the documents, vectors in input order. */
  corpus = graphbit_embedding_client_embed_batch (client, documents, G_N_ELEMENTS (documents), NULL, &error);
  if (corpus == NULL)
    {
      g_printerr ("embedding the documents failed: %s\n", error->message);
      return EXIT_FAILURE;
    }

  for (guint q = 0; q < G_N_ELEMENTS (questions); q++)
    {
      g_autoptr(GraphbitEmbeddings) query = graphbit_embedding_client_embed_text (client, questions[q], NULL, &error);
      Hit hits[G_N_ELEMENTS (documents)];
      const gdouble *query_vector;
      gsize dimensions;

      if (query == NULL)
        {
          g_printerr ("embedding the question failed: %s\n", error->message);
          return EXIT_FAILURE;
        }
      query_vector = graphbit_embeddings_get_vector (query, 0, &dimensions);
      for (guint d = 0; d < G_N_ELEMENTS (documents); d++)
        {
          gsize n;
          const gdouble *vector = graphbit_embeddings_get_vector (corpus, d, &n);

          hits[d].document = d;
          hits[d].score = graphbit_embedding_client_similarity (query_vector, dimensions, vector, n, &error);
          if (error != NULL)
            {
              g_printerr ("%s\n", error->message);
              return EXIT_FAILURE;
            }
        }
      qsort (hits, G_N_ELEMENTS (hits), sizeof (Hit), by_score);

      g_print ("%s\n", questions[q]);
      for (guint i = 0; i < 3; i++)
        g_print ("  %6.3f  %s\n", hits[i].score, documents[hits[i].document]);
    }

  g_print ("%u dimensions, model %s\n", graphbit_embeddings_get_dimensions (corpus),
           graphbit_embeddings_get_model (corpus));
  graphbit_shutdown ();
  return EXIT_SUCCESS;
}
