/* cau-json.c: strict JSON helpers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-json.h"
#include "cau-error.h"

#include <string.h>

JsonObject *
cau_json_parse_object (const char *data,
                       gsize       length,
                       GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "The request body is empty; a JSON object was expected.");
      return NULL;
    }
  /* Depth, UTF-8 and RFC 8259 before json-glib sees the bytes. */
  if (!cau_json_check (data, length, CAU_JSON_MAX_BYTES, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The request body is not valid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "The request body must be a JSON object.");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

JsonNode *
cau_json_parse_node (const char *data,
                     gssize      length,
                     gsize       max_bytes,
                     GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  if (data == NULL)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "There is no JSON text.");
      return NULL;
    }
  if (!cau_json_check (data, length, max_bytes, error))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The JSON text could not be read: %s",
                   local_error ? local_error->message : "it is empty.");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

static JsonNode *
lookup (JsonObject *obj,
        const char *member,
        gboolean    required,
        GError    **error)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                     "The field “%s” is required.", member);
      return NULL;
    }
  return node;
}

static gboolean
wrong_type (const char *member,
            const char *expected,
            GError    **error)
{
  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
               "The field “%s” must be %s.", member, expected);
  return FALSE;
}

gboolean
cau_json_get_string (JsonObject  *obj,
                     const char  *member,
                     gboolean     required,
                     const char **out,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = lookup (obj, member, required, &local_error);

  if (node == NULL)
    {
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (member, "a string", error);
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
cau_json_get_int (JsonObject *obj,
                  const char *member,
                  gboolean    required,
                  gint64     *out,
                  GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = lookup (obj, member, required, &local_error);

  if (node == NULL)
    {
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return wrong_type (member, "an integer", error);
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
cau_json_get_bool (JsonObject *obj,
                   const char *member,
                   gboolean    required,
                   gboolean   *out,
                   GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = lookup (obj, member, required, &local_error);

  if (node == NULL)
    {
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (member, "true or false", error);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
cau_json_get_object (JsonObject  *obj,
                     const char  *member,
                     gboolean     required,
                     JsonObject **out,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = lookup (obj, member, required, &local_error);

  if (node == NULL)
    {
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (member, "an object", error);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
cau_json_get_strv (JsonObject *obj,
                   const char *member,
                   gboolean    required,
                   char     ***out,
                   GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *node = lookup (obj, member, required, &local_error);
  JsonArray *array;

  if (node == NULL)
    {
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (member, "an array of strings", error);
  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return wrong_type (member, "an array of strings", error);
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

gboolean
cau_json_is_null (JsonObject *obj,
                  const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

char *
cau_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  GString *escaped;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  /* json-glib 1.6 escapes control characters below U+001F but writes
   * U+001F itself raw, which is not JSON (found by fuzz-json; an email
   * address holding it came back in the error's sentence). Compact output
   * has no bytes below 0x20 outside strings, so each one is escaped. */
  if (strchr (text, 0x1f) == NULL)
    return g_steal_pointer (&text);
  escaped = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p; p++)
    if (*p == 0x1f)
      g_string_append (escaped, "\\u001f");
    else
      g_string_append_c (escaped, *p);
  return g_string_free (escaped, FALSE);
}

char *
cau_json_object_to_string (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), obj);

  return cau_json_to_string (node);
}

void
cau_json_set_string_or_null (JsonObject *obj,
                             const char *member,
                             const char *value)
{
  if (value)
    json_object_set_string_member (obj, member, value);
  else
    json_object_set_null_member (obj, member);
}
