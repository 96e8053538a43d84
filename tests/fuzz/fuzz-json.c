/* fuzz-json.c: cau_json_check() and cau_json_parse_object() on any bytes.
 * Whatever the check accepts json-glib must read, and what we write back
 * out must pass the check again (the client parses it with the same code),
 * doubles aside (see has_double()).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz.h"
#include "cau-json.h"

#include <stdlib.h>
#include <string.h>

/* json-glib 1.6 writes some doubles as text that is not JSON (1e30 as
 * "1e+30.0"); the server never writes back a number a client sent, so the
 * round trip is checked on documents without doubles. Recursion is
 * bounded: the check let at most CAU_JSON_MAX_DEPTH levels through. */
static gboolean
has_double (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_value_type (node) == G_TYPE_DOUBLE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        if (has_double (json_array_get_element (a, i)))
          return TRUE;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

      for (GList *l = members; l; l = l->next)
        if (has_double (l->data))
          return TRUE;
    }
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean ok = cau_json_check ((const char *) data, size, CAU_JSON_MAX_BYTES, &error);

  if (!ok)
    {
      g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }
  else
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autofree char *again = NULL;

      node = cau_json_parse_node (text, -1, CAU_JSON_MAX_BYTES, &error);
      if (node == NULL)
        {
          g_printerr ("accepted by the check, refused by json-glib: %s\n", error->message);
          abort ();
        }
      again = cau_json_to_string (node);
      if (!has_double (node) && !cau_json_check (again, -1, G_MAXSIZE, &error))
        {
          g_printerr ("json-glib wrote what the check refuses: %s\n%s\n", error->message, again);
          abort ();
        }
    }

  obj = cau_json_parse_object ((const char *) data, size, NULL);
  g_assert (obj == NULL || ok);
  if (obj)
    {
      const char *s = NULL;
      gint64 n = 0;
      gboolean b = FALSE;
      g_auto(GStrv) v = NULL;

      /* The typed look-ups on whatever members came in. */
      cau_json_get_string (obj, "type", FALSE, &s, NULL);
      cau_json_get_int (obj, "since", FALSE, &n, NULL);
      cau_json_get_bool (obj, "is_private", FALSE, &b, NULL);
      cau_json_get_strv (obj, "member_ids", FALSE, &v, NULL);
    }
  return 0;
}
