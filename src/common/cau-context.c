/* cau-context.c: the rules of a business context.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-context.h"
#include "cau-error.h"
#include "cau-json.h"
#include "cau-validate.h"

#include <string.h>

void
cau_context_free (CauContext *context)
{
  if (context == NULL)
    return;
  g_free (context->entity_type);
  g_free (context->entity_id);
  g_free (context->label);
  g_free (context->url);
  g_free (context);
}

CauContext *
cau_context_copy (const CauContext *context)
{
  CauContext *copy;

  if (context == NULL)
    return NULL;
  copy = g_new0 (CauContext, 1);
  copy->entity_type = g_strdup (context->entity_type);
  copy->entity_id = g_strdup (context->entity_id);
  copy->label = g_strdup (context->label);
  copy->url = g_strdup (context->url);
  return copy;
}

gboolean
cau_context_check_type (const char  *entity_type,
                        GError     **error)
{
  gsize len = entity_type ? strlen (entity_type) : 0;

  if (len == 0)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "The context's entity type cannot be empty.");
      return FALSE;
    }
  if (len > CAU_CONTEXT_TYPE_MAX_CHARS || !g_ascii_islower (entity_type[0]) ||
      strspn (entity_type, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != len)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The context's entity type must be a lower-case letter followed by at most %d"
                   " lower-case letters, digits, “_”, “.” or “-”.", CAU_CONTEXT_TYPE_MAX_CHARS - 1);
      return FALSE;
    }
  return TRUE;
}

gboolean
cau_context_check_id (const char  *entity_id,
                      char       **out,
                      GError     **error)
{
  return cau_validate_label (entity_id, "context's entity id", FALSE, 1, CAU_CONTEXT_ID_MAX_CHARS, out, error);
}

gboolean
cau_context_check_url (const char  *url,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || strlen (url) > CAU_CONTEXT_URL_MAX_BYTES ||
      (uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)) == NULL ||
      (scheme = g_uri_get_scheme (uri)) == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      cau_text_has_bidi_controls (url) || strpbrk (url, " \t\r\n") != NULL)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "The context's link must be a web address (http or https).");
      return FALSE;
    }
  return TRUE;
}

CauContext *
cau_context_new (const char  *entity_type,
                 const char  *entity_id,
                 const char  *label,
                 const char  *url,
                 GError     **error)
{
  g_autoptr(CauContext) context = g_new0 (CauContext, 1);

  if (!cau_context_check_type (entity_type, error) ||
      !cau_context_check_id (entity_id, &context->entity_id, error) ||
      !cau_validate_label (label, "context's label", FALSE, 1, CAU_CONTEXT_LABEL_MAX_CHARS,
                           &context->label, error) ||
      (url && url[0] && !cau_context_check_url (url, error)))
    return NULL;
  context->entity_type = g_strdup (entity_type);
  context->url = url && url[0] ? g_strdup (url) : NULL;
  return g_steal_pointer (&context);
}

CauContext *
cau_context_from_json (JsonObject  *object,
                       GError     **error)
{
  const char *type = NULL, *id = NULL, *label = NULL, *url = NULL;

  g_return_val_if_fail (object != NULL, NULL);
  if (!cau_json_get_string (object, "entity_type", TRUE, &type, error) ||
      !cau_json_get_string (object, "entity_id", TRUE, &id, error) ||
      !cau_json_get_string (object, "label", TRUE, &label, error) ||
      !cau_json_get_string (object, "url", FALSE, &url, error))
    return NULL;
  if (url && url[0] == '\0')
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "The context's link must be a web address (http or https).");
      return NULL;
    }
  return cau_context_new (type, id, label, url, error);
}

JsonObject *
cau_context_to_json (const CauContext *context)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "entity_type", context->entity_type);
  json_object_set_string_member (o, "entity_id", context->entity_id);
  json_object_set_string_member (o, "label", context->label);
  if (context->url)
    json_object_set_string_member (o, "url", context->url);
  return o;
}

char *
cau_context_to_string (const CauContext *context)
{
  g_autoptr(JsonObject) o = cau_context_to_json (context);

  return cau_json_object_to_string (o);
}

gboolean
cau_context_same_entity (const CauContext *a,
                         const CauContext *b)
{
  return a && b && g_strcmp0 (a->entity_type, b->entity_type) == 0 &&
         g_strcmp0 (a->entity_id, b->entity_id) == 0;
}
