/* test-workflow-lang.c - the workflow's small languages: conditions,
 * transformations and prompt templates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * These are pure functions of their text and of the values the caller's
 * lookups give, so every case here runs without a runtime or a network.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "graphbit.h"
#include "workflow-test-helpers.h"
#include "graphbit-error-private.h"
#include "graphbit-expression-private.h"
#include "graphbit-transform-private.h"
#include "graphbit-template-private.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* Values for the lookups: a table of names, and a log of what was asked. */
typedef struct
{
  GHashTable *values;     /* variables (or names of a condition) */
  GHashTable *outputs;    /* node outputs, for templates */
  GPtrArray *asked;       /* every name a lookup was called with */
} Scope;

static void
scope_init (Scope *scope)
{
  scope->values = g_hash_table_new (g_str_hash, g_str_equal);
  scope->outputs = g_hash_table_new (g_str_hash, g_str_equal);
  scope->asked = g_ptr_array_new_with_free_func (g_free);
}

static void
scope_clear (Scope *scope)
{
  g_hash_table_unref (scope->values);
  g_hash_table_unref (scope->outputs);
  g_ptr_array_unref (scope->asked);
}

/* The tables hold static strings. */
static void
set (GHashTable *table,
     const char *name,
     const char *value)
{
  g_hash_table_insert (table, (gpointer) name, (gpointer) value);
}

static char *
lookup_value (const char *name,
              gpointer    user_data)
{
  Scope *scope = user_data;

  g_ptr_array_add (scope->asked, g_strdup (name));
  return g_strdup (g_hash_table_lookup (scope->values, name));
}

static char *
lookup_output (const char *name,
               gpointer    user_data)
{
  Scope *scope = user_data;

  g_ptr_array_add (scope->asked, g_strdup (name));
  return g_strdup (g_hash_table_lookup (scope->outputs, name));
}

static gboolean
was_asked (Scope      *scope,
           const char *name)
{
  return g_ptr_array_find_with_equal_func (scope->asked, name, g_str_equal, NULL);
}

/* Parses and evaluates @text with @scope; fails the test on any error. */
static gboolean
eval_ok (const char *text,
         Scope      *scope)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitExpression) expression = graphbit_expression_parse (text, &error);
  gboolean result = -1;

  g_assert_no_error (error);
  g_assert_nonnull (expression);
  if (!graphbit_expression_evaluate (expression, lookup_value, scope, &result, &error))
    g_error ("evaluating \"%s\" failed: %s", text, error->message);
  g_assert_no_error (error);
  g_assert_true (result == TRUE || result == FALSE);
  return result;
}

/* The same with no names at all. */
static gboolean
eval_const (const char *text)
{
  Scope scope;
  gboolean result;

  scope_init (&scope);
  result = eval_ok (text, &scope);
  g_assert_cmpuint (scope.asked->len, ==, 0);
  scope_clear (&scope);
  return result;
}

/* ------------------------------------------------------------------------
 * Condition expressions
 * ------------------------------------------------------------------------ */

static void
test_expression_empty (void)
{
  const char *blanks[] = { "", " ", "  \t\r\n  " };

  for (guint i = 0; i < G_N_ELEMENTS (blanks); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitExpression) expression = graphbit_expression_parse (blanks[i], &error);

      g_assert_null (expression);
      assert_validation (error, "Node.condition", "expression", "The condition expression is empty");
      /* The message shows what a condition looks like. */
      assert_contains (error->message, "score > 0.5");
      g_assert_cmpstr (graphbit_error_details_get_value (graphbit_error_get_details (error)), ==, blanks[i]);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GraphbitExpression) expression = graphbit_expression_parse (NULL, &error);

    g_assert_null (expression);
    assert_validation (error, "Node.condition", "expression", "is empty");
  }
}

static void
test_expression_syntax_errors (void)
{
  static const struct {
    const char *text;
    const char *fragment;
  } cases[] = {
    { "score >", "at column 8: expected a value (a number, a 'string', true, false or a name), but the expression ended" },
    { "score > > 1", "at column 9: expected a value" },
    { "a = 1", "at column 3: '=' alone is not an operator (use ==)" },
    { "a ! b", "at column 3: '!' alone is not an operator" },
    { "label == 'spam", "at column 10: the string is not closed" },
    { "label == \"spam'", "the string is not closed" },
    { "(a == 1", "expected ')', but the expression ended" },
    { "(a == 1 b", "at column 9: expected ')', found 'b'" },
    { "a == 1)", "at column 7: expected 'and', 'or' or the end, found ')'" },
    { "a == b == c", "expected 'and', 'or' or the end, found '=='" },
    { "a b", "at column 3: expected 'and', 'or' or the end, found 'b'" },
    { "a and", "expected a value (a number, a 'string', true, false or a name), but the expression ended" },
    { "a or or b", "at column 6: expected a value (a number, a 'string', true, false or a name), found 'or'" },
    { "and a", "at column 1: expected a value" },
    { "not", "but the expression ended" },
    { "()", "at column 2: expected a value (a number, a 'string', true, false or a name), found ')'" },
    { "== 1", "at column 1: expected a value (a number, a 'string', true, false or a name), found '=='" },
    { "a contains", "but the expression ended" },
    { "score # 1", "at column 7: unexpected character '#'" },
    { "x > 1; drop", "unexpected character ';'" },
    { "f(x)", "at column 2: expected 'and', 'or' or the end, found '('" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitExpression) expression = graphbit_expression_parse (cases[i].text, &error);

      g_test_message ("expression: %s", cases[i].text);
      g_assert_null (expression);
      assert_validation (error, "Node.condition", "expression", "Invalid condition expression");
      assert_contains (error->message, cases[i].fragment);
      /* The details carry the whole expression, for the caller to show. */
      g_assert_cmpstr (graphbit_error_details_get_value (graphbit_error_get_details (error)), ==, cases[i].text);
    }
}

static void
test_expression_numeric_and_textual (void)
{
  Scope scope;

  /* Numbers compare as numbers, not as text ("10" < "9" as text). */
  g_assert_true (eval_const ("10 > 9"));
  g_assert_false (eval_const ("10 < 9"));
  g_assert_true (eval_const ("1.0 == 1"));
  g_assert_true (eval_const ("1e3 == 1000"));
  g_assert_true (eval_const ("-1 < 0"));
  g_assert_true (eval_const ("-2.5 <= -2.5"));
  g_assert_true (eval_const (".5 == 0.5"));
  g_assert_false (eval_const ("2 != 2.0"));
  g_assert_true (eval_const ("3 >= 2 and 2 >= 2 and 2 <= 2 and 1 <= 2"));
  /* Quoted numbers are numbers too: values come from LLMs as text. */
  g_assert_true (eval_const ("'10' > '9'"));
  g_assert_true (eval_const ("' 5 ' == 5"));

  /* Text compares by its bytes, case-sensitively. */
  g_assert_true (eval_const ("'abc' < 'abd'"));
  g_assert_true (eval_const ("'b' > 'abc'"));
  g_assert_true (eval_const ("'apple' != 'Apple'"));
  g_assert_false (eval_const ("'apple' == 'Apple'"));
  g_assert_true (eval_const ("'abc' > 5"));
  g_assert_true (eval_const ("'' < 'a'"));
  g_assert_true (eval_const ("'' == \"\""));

  scope_init (&scope);
  set (scope.values, "score", "0.75");
  set (scope.values, "count", "10");
  set (scope.values, "label", "spam\n");
  set (scope.values, "version", "1.10");
  g_assert_true (eval_ok ("score > 0.5", &scope));
  g_assert_false (eval_ok ("score > 0.8", &scope));
  g_assert_true (eval_ok ("score >= 0.75 and score <= 0.75", &scope));
  g_assert_true (eval_ok ("count > 9", &scope));
  g_assert_true (eval_ok ("count == '10.0'", &scope));
  /* A trailing newline from an LLM does not spoil a textual equality. */
  g_assert_true (eval_ok ("label == 'spam'", &scope));
  g_assert_false (eval_ok ("label != 'spam'", &scope));
  /* Both sides names. */
  g_assert_true (eval_ok ("count > score", &scope));
  /* "1.10" is the number 1.1. */
  g_assert_true (eval_ok ("version == 1.1", &scope));
  scope_clear (&scope);
}

static void
test_expression_text_operators (void)
{
  Scope scope;

  g_assert_true (eval_const ("'hello world' contains 'lo w'"));
  g_assert_false (eval_const ("'hello world' contains 'low'"));
  /* Case-sensitive. */
  g_assert_false (eval_const ("'Hello' contains 'hello'"));
  g_assert_true (eval_const ("'hello' startswith 'he'"));
  g_assert_false (eval_const ("'hello' startswith 'lo'"));
  g_assert_true (eval_const ("'hello' endswith 'lo'"));
  g_assert_false (eval_const ("'hello' endswith 'he'"));
  g_assert_true (eval_const ("'abc' contains ''"));
  /* The operator words themselves are not case-sensitive. */
  g_assert_true (eval_const ("'abc' CONTAINS 'b'"));
  g_assert_true (eval_const ("'abc' StartsWith 'a'"));
  g_assert_true (eval_const ("'abc' EndsWith 'c'"));
  /* Textual, even between numbers: 12.0 does not contain "12.00". */
  g_assert_true (eval_const ("123 contains 2"));
  g_assert_false (eval_const ("12.0 contains '12.00'"));

  scope_init (&scope);
  set (scope.values, "node.review", "Verdict: APPROVED, with notes");
  g_assert_true (eval_ok ("node.review contains 'APPROVED'", &scope));
  g_assert_false (eval_ok ("node.review contains 'approved'", &scope));
  g_assert_true (eval_ok ("node.review startswith 'Verdict:'", &scope));
  g_assert_true (eval_ok ("node.review endswith 'notes'", &scope));
  scope_clear (&scope);
}

static void
test_expression_logic (void)
{
  g_assert_true (eval_const ("true"));
  g_assert_false (eval_const ("false"));
  g_assert_true (eval_const ("TRUE"));
  g_assert_false (eval_const ("False"));
  g_assert_true (eval_const ("true and true"));
  g_assert_false (eval_const ("true and false"));
  g_assert_true (eval_const ("false or true"));
  g_assert_false (eval_const ("false or false"));
  g_assert_true (eval_const ("not false"));
  g_assert_false (eval_const ("not true"));
  g_assert_true (eval_const ("not not true"));
  g_assert_true (eval_const ("TRUE AND NOT FALSE"));
  /* "and" binds tighter than "or". */
  g_assert_true (eval_const ("true or false and false"));
  g_assert_true (eval_const ("false and false or true"));
  /* Parentheses change that. */
  g_assert_false (eval_const ("(true or false) and false"));
  g_assert_false (eval_const ("false and (false or true)"));
  g_assert_true (eval_const ("((((true))))"));
  /* "not" applies to a whole comparison... */
  g_assert_true (eval_const ("not 1 == 2"));
  /* ...and binds tighter than "and". */
  g_assert_false (eval_const ("not false and false"));
  g_assert_true (eval_const ("not (false and false)"));
  g_assert_true (eval_const ("(1 < 2) == true"));
  g_assert_true (eval_const ("1 < 2 and 'a' < 'b' or 3 < 2"));
}

static void
test_expression_short_circuit (void)
{
  Scope scope;
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitExpression) expression = NULL;
  gboolean result = FALSE;

  scope_init (&scope);
  set (scope.values, "yes", "true");
  set (scope.values, "no", "false");

  /* The right side is never read, so a missing name there is no error. */
  g_assert_false (eval_ok ("no and missing", &scope));
  g_assert_false (was_asked (&scope, "missing"));
  g_assert_true (eval_ok ("yes or missing > 3", &scope));
  g_assert_false (was_asked (&scope, "missing"));
  g_assert_true (eval_ok ("not (no and missing)", &scope));
  g_assert_false (was_asked (&scope, "missing"));

  /* When the right side matters, it is read, and then it is an error. */
  expression = graphbit_expression_parse ("yes and missing", &error);
  g_assert_no_error (error);
  g_assert_false (graphbit_expression_evaluate (expression, lookup_value, &scope, &result, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
  g_assert_true (was_asked (&scope, "missing"));
  g_clear_error (&error);
  g_clear_pointer (&expression, graphbit_expression_free);

  g_ptr_array_set_size (scope.asked, 0);
  expression = graphbit_expression_parse ("no or missing", &error);
  g_assert_no_error (error);
  g_assert_false (graphbit_expression_evaluate (expression, lookup_value, &scope, &result, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
  g_assert_true (was_asked (&scope, "missing"));
  scope_clear (&scope);
}

static void
test_expression_strings (void)
{
  Scope scope;

  g_assert_true (eval_const ("'it\\'s' == \"it's\""));
  g_assert_true (eval_const ("\"say \\\"hi\\\"\" == 'say \"hi\"'"));
  g_assert_true (eval_const ("\"say \\\"hi\\\"\" contains '\"hi\"'"));
  /* Keywords and operators inside quotes are just text. */
  g_assert_true (eval_const ("'a and b or not c == d' contains 'or not'"));
  g_assert_true (eval_const ("'(' != ')'"));
  /* Non-ASCII text goes through untouched. */
  g_assert_true (eval_const ("'café au lait' startswith 'café'"));

  scope_init (&scope);
  /* A backslash escapes a backslash too: 'a\\b' is a, backslash, b. */
  set (scope.values, "path", "a\\b");
  g_assert_true (eval_ok ("path == 'a\\\\b'", &scope));
  set (scope.values, "quote", "it's");
  g_assert_true (eval_ok ("quote == 'it\\'s'", &scope));
  scope_clear (&scope);
}

static void
test_expression_truthiness (void)
{
  static const char * const falsy[] = {
    "", "false", "FALSE", "False", "0", "no", "No", "NO", "null", "NULL", "none", "None",
    "  false\n", "\t0 ", "   ",
  };
  static const char * const truthy[] = {
    "true", "yes", "1", "2", "-1", "0.5", "anything", "falsey", "nope", "no way", "'false'", "[]",
  };
  Scope scope;

  for (guint i = 0; i < G_N_ELEMENTS (falsy); i++)
    {
      g_test_message ("falsy: \"%s\"", falsy[i]);
      g_assert_false (graphbit_expression_is_truthy (falsy[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (truthy); i++)
    {
      g_test_message ("truthy: \"%s\"", truthy[i]);
      g_assert_true (graphbit_expression_is_truthy (truthy[i]));
    }
  g_assert_false (graphbit_expression_is_truthy (NULL));

  /* The same rules for a value standing alone in an expression. */
  scope_init (&scope);
  set (scope.values, "flag", "no");
  set (scope.values, "answer", "Yes, clearly");
  set (scope.values, "empty", "");
  g_assert_false (eval_ok ("flag", &scope));
  g_assert_true (eval_ok ("not flag", &scope));
  g_assert_true (eval_ok ("answer", &scope));
  g_assert_false (eval_ok ("empty", &scope));
  g_assert_true (eval_ok ("answer and not empty", &scope));
  scope_clear (&scope);
  g_assert_false (eval_const ("0"));
  g_assert_false (eval_const ("'0'"));
  g_assert_false (eval_const ("'null'"));
  g_assert_false (eval_const ("''"));
  g_assert_true (eval_const ("'x'"));
  g_assert_true (eval_const ("42"));
}

static void
test_expression_unknown_name (void)
{
  const char *texts[] = { "missing == 1", "1 == missing", "missing", "not missing", "true and missing" };
  Scope scope;

  scope_init (&scope);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitExpression) expression = graphbit_expression_parse (texts[i], &error);
      gboolean result = 7;

      g_assert_no_error (error);
      g_assert_false (graphbit_expression_evaluate (expression, lookup_value, &scope, &result, &error));
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
      assert_contains (error->message, "'missing'");
      assert_contains (error->message, "neither an input variable nor a finished node's output");
      /* The result is left alone on failure. */
      g_assert_cmpint (result, ==, 7);
    }

  /* A name on the left fails before the right is read. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GraphbitExpression) expression = graphbit_expression_parse ("first == second", &error);
    gboolean result;

    g_ptr_array_set_size (scope.asked, 0);
    g_assert_false (graphbit_expression_evaluate (expression, lookup_value, &scope, &result, &error));
    assert_contains (error->message, "'first'");
    g_assert_false (was_asked (&scope, "second"));
  }
  scope_clear (&scope);
}

static void
test_expression_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitExpression) expression = NULL;
  GPtrArray *names;

  expression = graphbit_expression_parse ("score > 0.5 and node.review contains 'ok' "
                                          "or (score < 0.1 and not input) or node.classify.label == 'spam'",
                                          &error);
  g_assert_no_error (error);
  names = graphbit_expression_get_names (expression);
  g_assert_cmpuint (names->len, ==, 4);
  /* In order of appearance, once each; literals and keywords are not names. */
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "score");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "node.review");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "input");
  g_assert_cmpstr (g_ptr_array_index (names, 3), ==, "node.classify.label");
  g_clear_pointer (&expression, graphbit_expression_free);

  /* Names may hold digits, underscores, dots and dashes after the first
   * character (node names and ids). */
  expression = graphbit_expression_parse ("node.my-node_2.x1 == 'a' and _private", &error);
  g_assert_no_error (error);
  names = graphbit_expression_get_names (expression);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "node.my-node_2.x1");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "_private");
  g_clear_pointer (&expression, graphbit_expression_free);

  expression = graphbit_expression_parse ("1 < 2 and 'name' == \"other\" or TRUE", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graphbit_expression_get_names (expression)->len, ==, 0);
  g_clear_pointer (&expression, graphbit_expression_free);

  /* The names are what the lookup is asked for, verbatim. */
  {
    Scope scope;

    scope_init (&scope);
    set (scope.values, "node.my-node_2.x1", "a");
    set (scope.values, "_private", "1");
    g_assert_true (eval_ok ("node.my-node_2.x1 == 'a' and _private", &scope));
    g_assert_cmpuint (scope.asked->len, ==, 2);
    scope_clear (&scope);
  }
}

/* ------------------------------------------------------------------------
 * Transformations
 * ------------------------------------------------------------------------ */

static char *
apply_ok (const char *transformation,
          const char *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitTransform) transform = graphbit_transform_parse (transformation, &error);
  char *output;

  g_assert_no_error (error);
  g_assert_nonnull (transform);
  output = graphbit_transform_apply (transform, input, &error);
  g_assert_no_error (error);
  g_assert_nonnull (output);
  return output;
}

/* Applies @transformation to @input and expects a workflow error whose
 * message contains @fragment. */
static void
apply_fails (const char *transformation,
             const char *input,
             const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitTransform) transform = graphbit_transform_parse (transformation, &error);
  g_autofree char *output = NULL;

  g_assert_no_error (error);
  output = graphbit_transform_apply (transform, input, &error);
  g_assert_null (output);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
  assert_contains (error->message, fragment);
}

static void
assert_applies (const char *transformation,
                const char *input,
                const char *expected)
{
  g_autofree char *output = apply_ok (transformation, input);

  g_assert_cmpstr (output, ==, expected);
}

static void
test_transform_parse_errors (void)
{
  static const struct {
    const char *text;
    const char *fragment;
  } cases[] = {
    { "", "The transformation is empty" },
    { "  \n", "The transformation is empty" },
    { "reverse", "Unknown transformation 'reverse'" },
    { "frobnicate:x", "Unknown transformation 'frobnicate'" },
    { "upper case", "Unknown transformation 'upper case'" },
    { ":x", "Unknown transformation ''" },
    { "json_extract", "The transformation 'json_extract' needs an argument: write json_extract:<path>" },
    { "json_extract:", "needs an argument: write json_extract:<path>" },
    { "split", "The transformation 'split' needs an argument: write split:<separator>" },
    { "join:", "The transformation 'join' needs an argument: write join:<separator>" },
    { "template", "The transformation 'template' needs an argument: write template:<text>" },
    { "uppercase:x", "The transformation 'uppercase' takes no argument" },
    { "trim:", "The transformation 'trim' takes no argument" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitTransform) transform = graphbit_transform_parse (cases[i].text, &error);

      g_test_message ("transformation: \"%s\"", cases[i].text);
      g_assert_null (transform);
      assert_validation (error, "Node.transform", "transformation", cases[i].fragment);
      g_assert_cmpstr (graphbit_error_details_get_value (graphbit_error_get_details (error)), ==, cases[i].text);
    }

  /* Every kind is listed when the name is wrong. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GraphbitTransform) transform = graphbit_transform_parse ("reverse", &error);

    g_assert_null (transform);
    assert_contains (error->message, "use uppercase, lowercase, trim, json_extract:<path>, split:<sep>, "
                                     "join:<sep> or template:<text>");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GraphbitTransform) transform = graphbit_transform_parse (NULL, &error);

    g_assert_null (transform);
    assert_validation (error, "Node.transform", "transformation", "The transformation is empty");
  }
}

static void
test_transform_case_and_trim (void)
{
  assert_applies ("uppercase", "hello, World 42", "HELLO, WORLD 42");
  assert_applies ("lowercase", "HELLO, World 42", "hello, world 42");
  /* UTF-8 aware, including a change of length. */
  assert_applies ("uppercase", "héllo wörld ça", "HÉLLO WÖRLD ÇA");
  assert_applies ("uppercase", "straße", "STRASSE");
  assert_applies ("lowercase", "ÀÉÎ ÇA ΑΒΓ", "àéî ça αβγ");
  assert_applies ("uppercase", "", "");
  /* Names are not case-sensitive and may be spaced. */
  assert_applies ("UPPERCASE", "abc", "ABC");
  assert_applies (" Lowercase ", "ABC", "abc");

  assert_applies ("trim", "  \t héllo  wörld \r\n", "héllo  wörld");
  assert_applies ("trim", "no-space", "no-space");
  assert_applies ("trim", " \n\t ", "");
  assert_applies ("trim", "日本語 ", "日本語");
  /* Trailing non-ASCII bytes are never cut. */
  assert_applies ("trim", "é", "é");
}

static void
test_json_extract (void)
{
  static const char *doc =
    "{\"user\": {\"name\": \"Ada\", \"tags\": [\"x\", \"y\"], \"age\": 36, \"ratio\": 0.5,"
    " \"ok\": true, \"none\": null, \"city\": \"Z\\u00fcrich\","
    " \"items\": [{\"name\": \"a\"}, {\"name\": \"b\", \"deep\": {\"k\": [1, {\"v\": \"found\"}]}}]}}";
  static const struct {
    const char *path;
    const char *expected;
  } cases[] = {
    { "user.name", "Ada" },                 /* strings come back as their text */
    { "user.city", "Zürich" },
    { "user.age", "36" },                   /* anything else as compact JSON */
    { "user.ratio", "0.5" },
    { "user.ok", "true" },
    { "user.none", "null" },
    { "user.tags", "[\"x\",\"y\"]" },
    { "user.tags.1", "y" },
    { "user.tags[1]", "y" },
    { "user.tags[0]", "x" },
    { "user.items[1].name", "b" },
    { "user.items.0.name", "a" },
    { "user.items[0]", "{\"name\":\"a\"}" },
    { "user.items[1].deep.k[1].v", "found" },
    { "user.items[1].deep.k[0]", "1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = graphbit_json_extract (doc, cases[i].path, &error);

      g_test_message ("path: %s", cases[i].path);
      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, cases[i].expected);
    }

  /* A number on its own is written as short as it reads back the same. */
  {
    static const struct {
      const char *json;
      const char *expected;
    } numbers[] = {
      { "{\"x\": 0.9}", "0.9" },
      { "{\"x\": 0.1}", "0.1" },
      { "{\"x\": 2.0}", "2.0" },
      { "{\"x\": 2}", "2" },
      { "{\"x\": -0.0}", "-0.0" },
      { "{\"x\": 1e300}", "1e+300" },
      { "{\"x\": 0.30000000000000004}", "0.30000000000000004" },
      { "{\"x\": 123456789012.5}", "123456789012.5" },
      { "{\"x\": -9007199254740993}", "-9007199254740993" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *value = graphbit_json_extract (numbers[i].json, "x", &error);

        g_assert_no_error (error);
        g_assert_cmpstr (value, ==, numbers[i].expected);
      }
  }

  /* A whole object is compact JSON that parses back. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *value = graphbit_json_extract (doc, "user.items[1].deep", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "{\"k\":[1,{\"v\":\"found\"}]}");
  }

  /* Arrays at the top, and an empty path for the whole document. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *a = graphbit_json_extract ("[1, [2, 3]]", "[1][0]", &error);
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (a, ==, "2");
    b = graphbit_json_extract ("[1, [2, 3]]", "1.1", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (b, ==, "3");
    c = graphbit_json_extract ("{ \"a\" : [ 1 , 2 ] }", "", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (c, ==, "{\"a\":[1,2]}");
  }

  /* The same through a transform node's transformation. */
  assert_applies ("json_extract:user.name", doc, "Ada");
  assert_applies ("json_extract:user.items[1].deep.k", doc, "[1,{\"v\":\"found\"}]");
  assert_applies ("JSON_EXTRACT:user.age", doc, "36");
}

static void
test_json_extract_errors (void)
{
  static const char *doc = "{\"user\": {\"name\": \"Ada\", \"tags\": [\"x\", \"y\"]}}";
  static const struct {
    const char *path;
  } missing[] = {
    { "user.missing" },
    { "nobody" },
    { "user.tags[5]" },
    { "user.tags[-1]" },
    { "user.tags.x" },
    { "user.name.first" },      /* into a string */
    { "user.tags[0].z" },
    { "user.tags[1x]" },
  };
  static const char * const not_json[] = { "not json", "{\"a\": ", "Sure! Here is the JSON: {\"a\": 1}", "<html>" };

  for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = graphbit_json_extract (doc, missing[i].path, &error);
      g_autofree char *expected = g_strdup_printf ("json_extract: the input has nothing at '%s'", missing[i].path);

      g_test_message ("path: %s", missing[i].path);
      g_assert_null (value);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
      g_assert_cmpstr (error->message, ==, expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_json); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = graphbit_json_extract (not_json[i], "a", &error);

      g_test_message ("input: %s", not_json[i]);
      g_assert_null (value);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
      assert_contains (error->message, "json_extract:a needs JSON input, but the input is not JSON (");
    }

  /* Nothing at all is not JSON either, and must not crash. */
  {
    const char *blanks[] = { "", "   \n" };

    for (guint i = 0; i < G_N_ELEMENTS (blanks); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *value = graphbit_json_extract (blanks[i], "a", &error);

        g_assert_null (value);
        g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
        g_assert_cmpstr (error->message, ==, "json_extract:a needs JSON input, but the input is not JSON (it is empty)");
      }
  }

  apply_fails ("json_extract:user.age", doc, "nothing at 'user.age'");
  apply_fails ("json_extract:user.name", "plain text", "needs JSON input");
}

/* Parses @json as an array of strings and compares it with @expected. */
static void
assert_string_array (const char         *json,
                     const char * const *expected)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  guint n = g_strv_length ((char **) expected);

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (json_array_get_string_element (array, i), ==, expected[i]);
}

static void
test_split_and_join (void)
{
  /* split gives a compact JSON array of strings. */
  assert_applies ("split:,", "a,b,,c", "[\"a\",\"b\",\"\",\"c\"]");
  assert_applies ("split:,", "abc", "[\"abc\"]");
  /* Empty text has no parts (and joins back to empty text). */
  assert_applies ("split:,", "", "[]");
  assert_applies ("split:,", "a,", "[\"a\",\"\"]");
  assert_applies ("split: | ", "one | two | three", "[\"one\",\"two\",\"three\"]");
  /* The separator is everything after the first colon, spaces and colons too. */
  assert_applies ("split::", "a:b", "[\"a\",\"b\"]");
  assert_applies ("split: ", "a b  c", "[\"a\",\"b\",\"\",\"c\"]");
  {
    g_autofree char *parts = apply_ok ("split:\n", "say \"hi\"\nback\\slash\nünïcode");
    const char * const expected[] = { "say \"hi\"", "back\\slash", "ünïcode", NULL };

    assert_string_array (parts, expected);
  }

  /* join reverses it... */
  assert_applies ("join:-", "[\"a\",\"b\",\"c\"]", "a-b-c");
  assert_applies ("join:, ", "[\"x\"]", "x");
  assert_applies ("join:, ", "[]", "");
  assert_applies ("join:\n", "  [ \"line 1\" , \"line 2\" ]  ", "line 1\nline 2");
  /* ...and writes other elements as compact JSON. */
  assert_applies ("join:|", "[\"a\", 1, 2.5, 0.1, true, null, {\"k\": \"v\"}, [1, 2]]",
                  "a|1|2.5|0.1|true|null|{\"k\":\"v\"}|[1,2]");
  {
    const char *inputs[] = { "x, y, z", "", "no separator", "a, b, ", "say \"hi\", back\\slash, é" };

    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
      {
        g_autofree char *parts = apply_ok ("split:, ", inputs[i]);
        g_autofree char *joined = apply_ok ("join:, ", parts);

        g_assert_cmpstr (joined, ==, inputs[i]);
      }
  }

  apply_fails ("join:-", "{\"a\": [1, 2]}", "join:- needs a JSON array as input (for example the output of a split)");
  apply_fails ("join:-", "a, b, c", "join:- needs a JSON array as input");
  apply_fails ("join:-", "\"text\"", "join:- needs a JSON array as input");
  apply_fails ("join:-", "42", "join:- needs a JSON array as input");
  apply_fails ("join:-", "[1, 2", "join:- needs a JSON array as input");
  /* Nothing at all is not an array, and must not crash. */
  apply_fails ("join:-", "", "join:- needs a JSON array as input");
  apply_fails ("join:-", "  ", "join:- needs a JSON array as input");
  /* A node's output nested past the bound is refused, not parsed into a
   * stack overflow; two documents in a row are not read as the last. */
  {
    g_autofree char *open = g_strnfill (200000, '[');
    g_autofree char *close = g_strnfill (200000, ']');
    g_autofree char *deep = g_strconcat (open, close, NULL);

    apply_fails ("join:-", deep, "join:- needs a JSON array as input");
    apply_fails ("json_extract:a", deep, "is not JSON (the JSON document nests 200000 levels deep");
  }
  apply_fails ("join:-", "[\"a\"][\"b\"]", "join:- needs a JSON array as input");
}

static void
test_transform_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitTransform) transform = NULL;
  g_autofree char *output = NULL;

  transform = graphbit_transform_parse ("template:Summary of {input}: {{node.a}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_transform_get_template (transform), ==, "Summary of {input}: {{node.a}}");
  /* The run renders it; apply gives the template text back. */
  output = graphbit_transform_apply (transform, "ignored", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (output, ==, "Summary of {input}: {{node.a}}");
  g_clear_pointer (&transform, graphbit_transform_free);

  /* Only the first colon separates: the text may hold more. */
  transform = graphbit_transform_parse ("Template:a: {b}: c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_transform_get_template (transform), ==, "a: {b}: c");
  g_clear_pointer (&transform, graphbit_transform_free);

  /* Other kinds have no template. */
  {
    const char *others[] = { "uppercase", "lowercase", "trim", "json_extract:a", "split:,", "join:," };

    for (guint i = 0; i < G_N_ELEMENTS (others); i++)
      {
        transform = graphbit_transform_parse (others[i], &error);
        g_assert_no_error (error);
        g_assert_null (graphbit_transform_get_template (transform));
        g_clear_pointer (&transform, graphbit_transform_free);
      }
  }
}

/* ------------------------------------------------------------------------
 * Templates
 * ------------------------------------------------------------------------ */

static char *
render_ok (const char *text,
           Scope      *scope)
{
  g_autoptr(GError) error = NULL;
  char *rendered = graphbit_template_render (text, lookup_value, lookup_output, scope, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rendered);
  return rendered;
}

static void
assert_renders (const char *text,
                Scope      *scope,
                const char *expected)
{
  g_autofree char *rendered = render_ok (text, scope);

  g_assert_cmpstr (rendered, ==, expected);
}

static void
scope_init_template (Scope *scope)
{
  scope_init (scope);
  set (scope->values, "name", "Ada");
  set (scope->values, "age", "36");
  set (scope->values, "input", "the input");
  set (scope->values, "_x1", "underscored");
  set (scope->values, "braces", "{name} and {{node.summary}}");
  set (scope->outputs, "summary", "A short summary.");
  set (scope->outputs, "classify", "{\"label\": \"spam\", \"score\": 0.9, \"tags\": [\"a\", \"b\"]}");
  set (scope->outputs, "v1.2", "{\"field\": \"dotted\"}");
  set (scope->outputs, "plain", "not json");
  set (scope->outputs, "sneaky", "{name} {{node.summary}}");
  set (scope->outputs, "empty", "");
}

static void
test_template_variables (void)
{
  Scope scope;

  scope_init_template (&scope);
  assert_renders ("{name} is {age}.", &scope, "Ada is 36.");
  assert_renders ("{name}{name}", &scope, "AdaAda");
  assert_renders ("Hello, {_x1}!", &scope, "Hello, underscored!");
  assert_renders ("no placeholders", &scope, "no placeholders");
  assert_renders ("", &scope, "");
  assert_renders ("Ünïcödé {name} ✓", &scope, "Ünïcödé Ada ✓");
  /* Unknown names are left as written. */
  assert_renders ("Hi {x}, {name}!", &scope, "Hi {x}, Ada!");
  g_assert_true (was_asked (&scope, "x"));
  /* So is anything that is not a variable name: JSON, code, spaces. */
  assert_renders ("Return {\"a\": 1, \"b\": [1, 2]} for {name}", &scope,
                  "Return {\"a\": 1, \"b\": [1, 2]} for Ada");
  assert_renders ("function f() { return {name}; }", &scope, "function f() { return Ada; }");
  assert_renders ("{ name } {1abc} {} {na-me} {name", &scope, "{ name } {1abc} {} {na-me} {name");
  assert_renders ("{", &scope, "{");
  assert_renders ("}", &scope, "}");
  assert_renders ("{{}}", &scope, "{{}}");
  /* A value is inserted as is, never rendered again. */
  assert_renders ("<{braces}>", &scope, "<{name} and {{node.summary}}>");
  scope_clear (&scope);
}

static void
test_template_node_outputs (void)
{
  Scope scope;

  scope_init_template (&scope);
  assert_renders ("Summary: {{node.summary}}", &scope, "Summary: A short summary.");
  /* A path reads a JSON field of the output. */
  assert_renders ("{{node.classify.label}} ({{node.classify.score}})", &scope, "spam (0.9)");
  assert_renders ("{{node.classify.tags[1]}} {{node.classify.tags}}", &scope, "b [\"a\",\"b\"]");
  assert_renders ("{{node.classify}}", &scope, "{\"label\": \"spam\", \"score\": 0.9, \"tags\": [\"a\", \"b\"]}");
  /* Node names may contain dots: the longest known prefix is the node. */
  assert_renders ("{{node.v1.2}}", &scope, "{\"field\": \"dotted\"}");
  assert_renders ("{{node.v1.2.field}}", &scope, "dotted");
  /* Spaces inside the braces are allowed. */
  assert_renders ("[{{node. summary }}]", &scope, "[A short summary.]");
  assert_renders ("[{{node.empty}}]", &scope, "[]");
  /* Mixed with variables and JSON. */
  assert_renders ("{name}: {{node.summary}} {\"k\": 1}", &scope, "Ada: A short summary. {\"k\": 1}");
  /* An output is inserted as is, never rendered again. */
  assert_renders ("{{node.sneaky}}", &scope, "{name} {{node.summary}}");
  /* Not a complete reference: left as written. */
  assert_renders ("{{node.summary", &scope, "{{node.summary");
  assert_renders ("{{node.}}", &scope, "{{node.}}");
  assert_renders ("{{node.a{b}}", &scope, "{{node.a{b}}");
  scope_clear (&scope);
}

static void
test_template_errors (void)
{
  static const struct {
    const char *text;
    const char *fragment;
  } cases[] = {
    { "Use {{node.ghost}} please", "{{node.ghost}} refers to no finished node (is the name right, and is it upstream?)" },
    { "{{node.ghost.field}}", "{{node.ghost.field}} refers to no finished node" },
    { "{{node.classify.nothing}}", "nothing at 'nothing'" },
    { "{{node.classify.tags[9]}}", "nothing at 'tags[9]'" },
    { "{{node.plain.field}}", "needs JSON input" },
    { "{name} then {{node.summary}} then {{node.ghost}}", "{{node.ghost}}" },
  };
  Scope scope;

  scope_init_template (&scope);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *rendered = graphbit_template_render (cases[i].text, lookup_value, lookup_output, &scope,
                                                           &error);

      g_test_message ("template: %s", cases[i].text);
      g_assert_null (rendered);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
      assert_contains (error->message, cases[i].fragment);
    }
  /* A node reference is never taken for a variable. */
  g_assert_false (was_asked (&scope, "node.ghost"));
  scope_clear (&scope);
}

static void
assert_references (const char         *text,
                   const char * const *expected)
{
  g_autoptr(GPtrArray) references = graphbit_template_node_references (text);

  g_assert_cmpuint (references->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; i < references->len; i++)
    g_assert_cmpstr (g_ptr_array_index (references, i), ==, expected[i]);
}

static void
test_template_node_references (void)
{
  {
    const char * const expected[] = { "a", "b.json.x", "a", "spaced", "v1.2", NULL };

    assert_references ("Use {{node.a}} and {{node.b.json.x}}, again {{node.a}}, {{node. spaced }} "
                       "{{node.v1.2}}", expected);
  }
  {
    const char * const expected[] = { NULL };

    assert_references ("", expected);
    assert_references ("{name} {\"node\": 1} {node.a} {{ node.a }} {{node.}} {{node.a{b}} {{node.c", expected);
  }
  {
    const char * const expected[] = { "x", NULL };

    /* An incomplete one does not hide a later complete one. */
    assert_references ("{{node.}} {{node.x}}", expected);
  }
  {
    const char * const expected[] = { "6f1c2d3e-0000-4000-8000-00000000abcd", NULL };

    assert_references ("by id: {{node.6f1c2d3e-0000-4000-8000-00000000abcd}}", expected);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expression/empty", test_expression_empty);
  g_test_add_func ("/expression/syntax-errors", test_expression_syntax_errors);
  g_test_add_func ("/expression/numeric-and-textual", test_expression_numeric_and_textual);
  g_test_add_func ("/expression/text-operators", test_expression_text_operators);
  g_test_add_func ("/expression/logic", test_expression_logic);
  g_test_add_func ("/expression/short-circuit", test_expression_short_circuit);
  g_test_add_func ("/expression/strings", test_expression_strings);
  g_test_add_func ("/expression/truthiness", test_expression_truthiness);
  g_test_add_func ("/expression/unknown-name", test_expression_unknown_name);
  g_test_add_func ("/expression/names", test_expression_names);
  g_test_add_func ("/transform/parse-errors", test_transform_parse_errors);
  g_test_add_func ("/transform/case-and-trim", test_transform_case_and_trim);
  g_test_add_func ("/transform/json-extract", test_json_extract);
  g_test_add_func ("/transform/json-extract-errors", test_json_extract_errors);
  g_test_add_func ("/transform/split-and-join", test_split_and_join);
  g_test_add_func ("/transform/template", test_transform_template);
  g_test_add_func ("/template/variables", test_template_variables);
  g_test_add_func ("/template/node-outputs", test_template_node_outputs);
  g_test_add_func ("/template/errors", test_template_errors);
  g_test_add_func ("/template/node-references", test_template_node_references);
  return g_test_run ();
}
