/* cc-json.c: lenient JSON readers for what the server sends.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-json"

#include "cau-time.h"
#include "cc-json-private.h"

static JsonNode *
member_node (JsonObject *obj,
             const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

gboolean
_cc_json_has (JsonObject *obj,
              const char *member)
{
  return obj != NULL && json_object_has_member (obj, member);
}

const char *
_cc_json_str (JsonObject *obj,
              const char *member)
{
  JsonNode *node = member_node (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
_cc_json_int (JsonObject *obj,
              const char *member)
{
  JsonNode *node = member_node (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  return json_node_get_int (node);
}

gboolean
_cc_json_bool (JsonObject *obj,
               const char *member)
{
  JsonNode *node = member_node (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  return json_node_get_boolean (node);
}

JsonObject *
_cc_json_obj (JsonObject *obj,
              const char *member)
{
  JsonNode *node = member_node (obj, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_cc_json_array (JsonObject *obj,
                const char *member)
{
  JsonNode *node = member_node (obj, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

gint64
_cc_json_time (JsonObject *obj,
               const char *member)
{
  const char *text = _cc_json_str (obj, member);
  gint64 ms = 0;

  if (text == NULL || !cau_time_parse (text, &ms))
    return 0;
  return ms;
}

gboolean
_cc_json_message_is_older (JsonObject *incoming,
                           gint64      edited_at,
                           gboolean    deleted,
                           gboolean    streaming)
{
  if (!_cc_json_has (incoming, "body"))
    return FALSE;   /* a part (reactions, a quote): not a copy */
  if (_cc_json_bool (incoming, "deleted"))
    return FALSE;   /* the last word: a deletion may carry no edited_at */
  if (deleted)
    return TRUE;
  if (_cc_json_time (incoming, "edited_at") < edited_at)
    return TRUE;
  return !streaming && _cc_json_bool (incoming, "streaming");
}

gboolean
_cc_set_str (char       **field,
             const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
_cc_json_merge (JsonObject *target,
                JsonObject *update)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, update);
  while (json_object_iter_next (&iter, &name, &node))
    json_object_set_member (target, name, json_node_copy (node));
}
