/* graphbit-json-private.h - tolerant, type-checked reading of provider JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The deepest nesting of arrays and objects read: far beyond any provider
 * answer or workflow document, far below what overflows a 2 MiB worker
 * stack in json-glib's recursive parser. */
#define GRAPHBIT_JSON_MAX_DEPTH 512

/* json_parser_load_from_data(), but the error message is always valid
 * UTF-8 (json-glib quotes the offending token cut at a byte count, which
 * may split a character). */
gboolean    graphbit_json_load            (JsonParser *parser,
                                           const char *data,
                                           gssize      len,
                                           GError    **error);
/* Parses @data as JSON whose root must be an object. Returns the root node
 * (owning the tree) or NULL with a short description in @error. */
JsonNode   *graphbit_json_parse_object    (const char *data,
                                           gssize      len,
                                           GError    **error);
JsonObject *graphbit_json_get_object      (JsonObject *object,
                                           const char *member);
JsonArray  *graphbit_json_get_array       (JsonObject *object,
                                           const char *member);
/* NULL unless the member exists and is a string. */
const char *graphbit_json_get_string      (JsonObject *object,
                                           const char *member);
/* @name's string in *@value, NULL when the member is absent or null;
 * FALSE when it is there but something else (a value that would otherwise
 * be read as "no text" without a word). */
gboolean    graphbit_json_get_optional_string (JsonObject  *object,
                                               const char  *name,
                                               const char **value);
/* 0 unless the member exists and is a non-negative integer. */
guint       graphbit_json_get_uint        (JsonObject *object,
                                           const char *member);
/* The "error" of an {"error": "text"} or {"error": ["text", ...]} body
 * (Ollama, Hugging Face), the list joined with "; "; NULL if it has none. */
char       *graphbit_json_error_text      (const char *data,
                                           gsize       len);
/* A GRAPHBIT_ERROR_PROVIDER for a body that does not have the shape the
 * provider documents, saying @what is wrong. */
GError     *graphbit_json_bad_body        (const char *provider,
                                           const char *provider_label,
                                           const char *what);
/* Serialises @builder's root compactly. */
char       *graphbit_json_builder_to_data (JsonBuilder *builder,
                                           gsize       *len);

G_END_DECLS
