/* graphbit-expression.c - the condition language of condition nodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A tokenizer and a recursive-descent parser build a small tree once, when
 * the node is made; evaluation walks it with the values of the run. There
 * is no way to call a function or touch anything: conditions are data.
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphbit-expression-private.h"
#include "graphbit-error-private.h"

typedef enum {
  TOKEN_END,
  TOKEN_NUMBER,
  TOKEN_STRING,
  TOKEN_NAME,
  TOKEN_TRUE,
  TOKEN_FALSE,
  TOKEN_AND,
  TOKEN_OR,
  TOKEN_NOT,
  TOKEN_LPAREN,
  TOKEN_RPAREN,
  TOKEN_OPERATOR,   /* a comparison; text says which */
} TokenKind;

typedef struct
{
  TokenKind kind;
  char *text;       /* the literal value, the name, or the operator */
  guint position;   /* 1-based column, for messages */
} Token;

typedef enum {
  NODE_LITERAL,
  NODE_NAME,
  NODE_NOT,
  NODE_AND,
  NODE_OR,
  NODE_COMPARE,
} NodeKind;

typedef struct _ExprNode ExprNode;
struct _ExprNode
{
  NodeKind kind;
  char *text;          /* literal value, name, or operator */
  ExprNode *left;
  ExprNode *right;
};

struct _GraphbitExpression
{
  ExprNode *root;
  GPtrArray *names;
};

static const char * const comparison_words[] = { "contains", "startswith", "endswith" };

static void
expr_node_free (ExprNode *node)
{
  if (node == NULL)
    return;
  expr_node_free (node->left);
  expr_node_free (node->right);
  g_free (node->text);
  g_free (node);
}

static ExprNode *
expr_node_new (NodeKind    kind,
               const char *text,
               ExprNode   *left,
               ExprNode   *right)
{
  ExprNode *node = g_new0 (ExprNode, 1);

  node->kind = kind;
  node->text = g_strdup (text);
  node->left = left;
  node->right = right;
  return node;
}

static void
token_clear (gpointer data)
{
  g_free (((Token *) data)->text);
}

static GError *
syntax_error (const char *text,
              guint       position,
              const char *what)
{
  return graphbit_error_new_validation ("Node.condition", "expression", text,
                                        "Invalid condition expression at column %u: %s", position, what);
}

static gboolean
is_name_char (char c,
              gboolean first)
{
  return g_ascii_isalpha (c) || c == '_' || (!first && (g_ascii_isdigit (c) || c == '.' || c == '-'));
}

static GArray *
tokenize (const char  *text,
          GError     **error)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  const char *p = text;

  g_array_set_clear_func (tokens, token_clear);
  while (*p != '\0')
    {
      Token token = { 0 };
      guint position = (guint) (p - text) + 1;

      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }
      token.position = position;
      if (*p == '(' || *p == ')')
        {
          token.kind = *p == '(' ? TOKEN_LPAREN : TOKEN_RPAREN;
          p++;
        }
      else if (strchr ("=!<>", *p) != NULL)
        {
          const char *ops[] = { "==", "!=", "<=", ">=", "<", ">" };
          guint i;

          for (i = 0; i < G_N_ELEMENTS (ops); i++)
            if (g_str_has_prefix (p, ops[i]))
              break;
          if (i == G_N_ELEMENTS (ops))
            {
              /* Only '=' and '!' can stand alone: '<' and '>' always match. */
              g_propagate_error (error, syntax_error (text, position,
                                                      *p == '=' ? "'=' alone is not an operator (use ==)"
                                                      : "'!' alone is not an operator (use != or not)"));
              return NULL;
            }
          token.kind = TOKEN_OPERATOR;
          token.text = g_strdup (ops[i]);
          p += strlen (ops[i]);
        }
      else if (*p == '\'' || *p == '"')
        {
          char quote = *p++;
          GString *value = g_string_new (NULL);

          while (*p != '\0' && *p != quote)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (value, *p++);
            }
          if (*p != quote)
            {
              g_string_free (value, TRUE);
              g_propagate_error (error, syntax_error (text, position, "the string is not closed"));
              return NULL;
            }
          p++;
          token.kind = TOKEN_STRING;
          token.text = g_string_free (value, FALSE);
        }
      else if (g_ascii_isdigit (*p) || ((*p == '-' || *p == '.') && g_ascii_isdigit (p[1])))
        {
          char *end = NULL;

          g_ascii_strtod (p, &end);
          token.kind = TOKEN_NUMBER;
          token.text = g_strndup (p, end - p);
          p = end;
        }
      else if (is_name_char (*p, TRUE))
        {
          const char *start = p;

          while (is_name_char (*p, p == start))
            p++;
          token.text = g_strndup (start, p - start);
          if (g_ascii_strcasecmp (token.text, "and") == 0)
            token.kind = TOKEN_AND;
          else if (g_ascii_strcasecmp (token.text, "or") == 0)
            token.kind = TOKEN_OR;
          else if (g_ascii_strcasecmp (token.text, "not") == 0)
            token.kind = TOKEN_NOT;
          else if (g_ascii_strcasecmp (token.text, "true") == 0)
            token.kind = TOKEN_TRUE;
          else if (g_ascii_strcasecmp (token.text, "false") == 0)
            token.kind = TOKEN_FALSE;
          else
            {
              token.kind = TOKEN_NAME;
              for (guint i = 0; i < G_N_ELEMENTS (comparison_words); i++)
                if (g_ascii_strcasecmp (token.text, comparison_words[i]) == 0)
                  {
                    token.kind = TOKEN_OPERATOR;
                    g_free (token.text);
                    token.text = g_strdup (comparison_words[i]);
                  }
            }
        }
      else
        {
          /* The whole character: one byte of a multi-byte one would make
           * the message invalid UTF-8. */
          gunichar c = g_utf8_get_char_validated (p, -1);
          g_autofree char *what = c < (gunichar) -2
            ? g_strdup_printf ("unexpected character '%.*s'", (int) (g_utf8_next_char (p) - p), p)
            : g_strdup_printf ("unexpected byte 0x%02X (not UTF-8)", (guchar) *p);

          g_propagate_error (error, syntax_error (text, position, what));
          return NULL;
        }
      g_array_append_val (tokens, token);
    }
  {
    Token end = { TOKEN_END, NULL, (guint) strlen (text) + 1 };
    g_array_append_val (tokens, end);
  }
  return g_steal_pointer (&tokens);
}

typedef struct
{
  const char *text;
  GArray *tokens;
  guint next;
  GPtrArray *names;
  GError *error;
} Parser;

static Token *
peek (Parser *parser)
{
  return &g_array_index (parser->tokens, Token, parser->next);
}

static ExprNode *parse_or (Parser *parser);

static ExprNode *
fail (Parser     *parser,
      const char *what)
{
  if (parser->error == NULL)
    {
      Token *token = peek (parser);
      g_autofree char *message = token->kind == TOKEN_END ? g_strdup_printf ("%s, but the expression ended", what)
                                 : g_strdup_printf ("%s, found '%s'", what,
                                                    token->text != NULL ? token->text
                                                    : token->kind == TOKEN_LPAREN ? "(" : ")");

      parser->error = syntax_error (parser->text, token->position, message);
    }
  return NULL;
}

static ExprNode *
parse_value (Parser *parser)
{
  Token *token = peek (parser);
  ExprNode *inner;

  switch (token->kind)
    {
    case TOKEN_NUMBER:
    case TOKEN_STRING:
      parser->next++;
      return expr_node_new (NODE_LITERAL, token->text, NULL, NULL);
    case TOKEN_TRUE:
    case TOKEN_FALSE:
      parser->next++;
      return expr_node_new (NODE_LITERAL, token->kind == TOKEN_TRUE ? "true" : "false", NULL, NULL);
    case TOKEN_NAME:
      parser->next++;
      if (!g_ptr_array_find_with_equal_func (parser->names, token->text, g_str_equal, NULL))
        g_ptr_array_add (parser->names, g_strdup (token->text));
      return expr_node_new (NODE_NAME, token->text, NULL, NULL);
    case TOKEN_LPAREN:
      parser->next++;
      inner = parse_or (parser);
      if (inner == NULL)
        return NULL;
      if (peek (parser)->kind != TOKEN_RPAREN)
        {
          expr_node_free (inner);
          return fail (parser, "expected ')'");
        }
      parser->next++;
      return inner;
    case TOKEN_END:
    case TOKEN_AND:
    case TOKEN_OR:
    case TOKEN_NOT:
    case TOKEN_RPAREN:
    case TOKEN_OPERATOR:
    default:
      return fail (parser, "expected a value (a number, a 'string', true, false or a name)");
    }
}

static ExprNode *
parse_comparison (Parser *parser)
{
  ExprNode *left = parse_value (parser);
  ExprNode *right;
  Token *op;

  if (left == NULL)
    return NULL;
  op = peek (parser);
  if (op->kind != TOKEN_OPERATOR)
    return left;
  parser->next++;
  right = parse_value (parser);
  if (right == NULL)
    {
      expr_node_free (left);
      return NULL;
    }
  return expr_node_new (NODE_COMPARE, op->text, left, right);
}

static ExprNode *
parse_not (Parser *parser)
{
  ExprNode *operand;

  if (peek (parser)->kind != TOKEN_NOT)
    return parse_comparison (parser);
  parser->next++;
  operand = parse_not (parser);
  return operand != NULL ? expr_node_new (NODE_NOT, NULL, operand, NULL) : NULL;
}

static ExprNode *
parse_binary (Parser     *parser,
              TokenKind   kind,
              NodeKind    node_kind,
              ExprNode *(*operand) (Parser *parser))
{
  ExprNode *left = operand (parser);

  while (left != NULL && peek (parser)->kind == kind)
    {
      ExprNode *right;

      parser->next++;
      right = operand (parser);
      if (right == NULL)
        {
          expr_node_free (left);
          return NULL;
        }
      left = expr_node_new (node_kind, NULL, left, right);
    }
  return left;
}

static ExprNode *
parse_and (Parser *parser)
{
  return parse_binary (parser, TOKEN_AND, NODE_AND, parse_not);
}

static ExprNode *
parse_or (Parser *parser)
{
  return parse_binary (parser, TOKEN_OR, NODE_OR, parse_and);
}

GraphbitExpression *
graphbit_expression_parse (const char  *text,
                           GError     **error)
{
  g_autoptr(GArray) tokens = NULL;
  Parser parser = { 0 };
  GraphbitExpression *expression;
  ExprNode *root;

  if (text == NULL || text[0] == '\0' || strspn (text, " \t\r\n") == strlen (text))
    {
      g_propagate_error (error, graphbit_error_new_validation ("Node.condition", "expression", text != NULL ? text : "",
                                                               "The condition expression is empty: write one such "
                                                               "as \"score > 0.5 and node.review contains 'ok'\""));
      return NULL;
    }
  tokens = tokenize (text, error);
  if (tokens == NULL)
    return NULL;

  parser.text = text;
  parser.tokens = tokens;
  parser.names = g_ptr_array_new_with_free_func (g_free);
  root = parse_or (&parser);
  if (root != NULL && peek (&parser)->kind != TOKEN_END)
    {
      expr_node_free (root);
      root = fail (&parser, "expected 'and', 'or' or the end");
    }
  if (root == NULL)
    {
      g_ptr_array_unref (parser.names);
      g_propagate_error (error, parser.error);
      return NULL;
    }
  expression = g_new0 (GraphbitExpression, 1);
  expression->root = root;
  expression->names = parser.names;
  return expression;
}

void
graphbit_expression_free (GraphbitExpression *expression)
{
  if (expression == NULL)
    return;
  expr_node_free (expression->root);
  g_ptr_array_unref (expression->names);
  g_free (expression);
}

GPtrArray *
graphbit_expression_get_names (GraphbitExpression *expression)
{
  return expression->names;
}

gboolean
graphbit_expression_is_truthy (const char *value)
{
  static const char * const falsy[] = { "", "false", "0", "no", "null", "none" };
  g_autofree char *trimmed = g_strstrip (g_strdup (value != NULL ? value : ""));

  for (guint i = 0; i < G_N_ELEMENTS (falsy); i++)
    if (g_ascii_strcasecmp (trimmed, falsy[i]) == 0)
      return FALSE;
  return TRUE;
}

static gboolean
as_number (const char *text,
           gdouble    *number)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (trimmed[0] == '\0')
    return FALSE;
  *number = g_ascii_strtod (trimmed, &end);
  return end != NULL && *end == '\0' && !isnan (*number);
}

typedef struct
{
  GraphbitExpressionLookup lookup;
  gpointer user_data;
  GError *error;
} Evaluation;

/* Evaluates @node to a value (newly allocated) or NULL on error. */
static char *
evaluate_value (ExprNode   *node,
                Evaluation *evaluation);

static gboolean
evaluate_bool (ExprNode   *node,
               Evaluation *evaluation,
               gboolean   *result)
{
  g_autofree char *value = evaluate_value (node, evaluation);

  if (value == NULL)
    return FALSE;
  *result = graphbit_expression_is_truthy (value);
  return TRUE;
}

static gboolean
compare (const char *op,
         const char *left,
         const char *right)
{
  gdouble a, b;
  int order;

  if (g_str_equal (op, "contains"))
    return strstr (left, right) != NULL;
  if (g_str_equal (op, "startswith"))
    return g_str_has_prefix (left, right);
  if (g_str_equal (op, "endswith"))
    return g_str_has_suffix (left, right);

  if (as_number (left, &a) && as_number (right, &b))
    order = a < b ? -1 : a > b ? 1 : 0;
  else
    {
      /* Text compares trimmed, so an LLM's trailing newline does not matter. */
      g_autofree char *l = g_strstrip (g_strdup (left));
      g_autofree char *r = g_strstrip (g_strdup (right));

      order = strcmp (l, r);
    }
  if (g_str_equal (op, "=="))
    return order == 0;
  if (g_str_equal (op, "!="))
    return order != 0;
  if (g_str_equal (op, "<"))
    return order < 0;
  if (g_str_equal (op, "<="))
    return order <= 0;
  if (g_str_equal (op, ">"))
    return order > 0;
  return order >= 0;
}

static char *
evaluate_value (ExprNode   *node,
                Evaluation *evaluation)
{
  gboolean a, b;
  char *value;

  switch (node->kind)
    {
    case NODE_LITERAL:
      return g_strdup (node->text);
    case NODE_NAME:
      value = evaluation->lookup (node->text, evaluation->user_data);
      if (value == NULL && evaluation->error == NULL)
        evaluation->error = graphbit_error_new (GRAPHBIT_ERROR_WORKFLOW,
                                                "The condition reads '%s', which is neither an input variable "
                                                "nor a finished node's output", node->text);
      return value;
    case NODE_NOT:
      if (!evaluate_bool (node->left, evaluation, &a))
        return NULL;
      return g_strdup (a ? "false" : "true");
    case NODE_AND:
    case NODE_OR:
      if (!evaluate_bool (node->left, evaluation, &a))
        return NULL;
      /* Short-circuit, as readers of the expression expect. */
      if (node->kind == NODE_AND ? !a : a)
        return g_strdup (a ? "true" : "false");
      if (!evaluate_bool (node->right, evaluation, &b))
        return NULL;
      return g_strdup (b ? "true" : "false");
    case NODE_COMPARE:
      {
        g_autofree char *left = evaluate_value (node->left, evaluation);
        g_autofree char *right = left != NULL ? evaluate_value (node->right, evaluation) : NULL;

        if (right == NULL)
          return NULL;
        return g_strdup (compare (node->text, left, right) ? "true" : "false");
      }
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
graphbit_expression_evaluate (GraphbitExpression        *expression,
                              GraphbitExpressionLookup   lookup,
                              gpointer                   user_data,
                              gboolean                  *result,
                              GError                   **error)
{
  Evaluation evaluation = { lookup, user_data, NULL };

  if (evaluate_bool (expression->root, &evaluation, result))
    return TRUE;
  g_propagate_error (error, evaluation.error);
  return FALSE;
}
