/* cs-ctx.c: a unit of server work and its results.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-ctx"

#include "cs-ctx.h"
#include "cau-json.h"

CsEvent *
cs_event_ref (CsEvent *event)
{
  g_atomic_int_inc (&event->ref_count);
  return event;
}

void
cs_event_unref (CsEvent *event)
{
  if (event == NULL || !g_atomic_int_dec_and_test (&event->ref_count))
    return;
  g_free (event->type);
  g_free (event->tenant_id);
  g_free (event->room_id);
  g_free (event->user_id);
  cs_ids_unref (event->recipients);
  g_free (event->frame);
  g_free (event->actor_id);
  g_free (event->own_frame);
  g_free (event);
}

static void
audit_free (gpointer data)
{
  CsAudit *a = data;

  g_free (a->action);
  g_free (a->entity_type);
  g_free (a->entity_id);
  g_free (a->details);
  g_free (a);
}

static void
after_free (gpointer data)
{
  CsAfter *a = data;

  g_free (a->arg);
  g_free (a);
}

CsCtx *
cs_ctx_new (CsConfig   *config,
            CsStore    *store,
            CsPresence *presence)
{
  CsCtx *ctx = g_new0 (CsCtx, 1);

  ctx->config = config;
  ctx->store = store;
  ctx->presence = presence;
  ctx->events = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  ctx->audits = g_ptr_array_new_with_free_func (audit_free);
  ctx->after = g_ptr_array_new_with_free_func (after_free);
  return ctx;
}

void
cs_ctx_free (CsCtx *ctx)
{
  if (ctx == NULL)
    return;
  g_free (ctx->method);
  g_strfreev (ctx->params);
  g_clear_pointer (&ctx->query, g_hash_table_unref);
  g_clear_pointer (&ctx->body, g_bytes_unref);
  g_free (ctx->ip);
  g_free (ctx->user_id);
  g_free (ctx->tenant_id);
  g_free (ctx->token_hash);
  g_clear_pointer (&ctx->result, json_node_unref);
  g_free (ctx->text);
  g_clear_object (&ctx->file);
  g_free (ctx->file_type);
  g_free (ctx->file_name);
  g_free (ctx->file_etag);
  g_clear_error (&ctx->error);
  g_ptr_array_unref (ctx->events);
  g_ptr_array_unref (ctx->audits);
  g_ptr_array_unref (ctx->after);
  g_free (ctx);
}

gboolean
cs_ctx_fail (CsCtx       *ctx,
             CauErrorCode code,
             const char  *format,
             ...)
{
  va_list args;

  g_clear_error (&ctx->error);
  va_start (args, format);
  ctx->error = g_error_new_valist (CAU_ERROR, code, format, args);
  va_end (args);
  ctx->status = cau_error_code_to_status (code);
  if (code == CAU_ERROR_FORBIDDEN)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "reason", ctx->error->message);
      if (ctx->method)
        json_object_set_string_member (details, "method", ctx->method);
      cs_ctx_audit (ctx, "forbidden_attempt", NULL, NULL, details);
    }
  return FALSE;
}

gboolean
cs_ctx_fail_error (CsCtx  *ctx,
                   GError *error)
{
  if (error->domain != CAU_ERROR)
    return cs_ctx_fail (ctx, CAU_ERROR_INTERNAL, "%s", error->message);
  return cs_ctx_fail (ctx, error->code, "%s", error->message);
}

gboolean
cs_ctx_fail_db (CsCtx      *ctx,
                const char *what)
{
  /* On the writer, the store logs the first failure of a batch, once per
   * episode of failures. */
  if (ctx->db == NULL || !ctx->db->engine->note_failure (ctx->db))
    g_warning ("Storage failure while %s: %s", what, ctx->db ? ctx->db->engine->errmsg (ctx->db) : "no database");
  return cs_ctx_fail_storage (ctx);
}

gboolean
cs_ctx_fail_storage (CsCtx *ctx)
{
  return cs_ctx_fail (ctx, CAU_ERROR_INTERNAL,
                      "The server could not store this right now; nothing was changed. Try again.");
}

void
cs_ctx_reply (CsCtx    *ctx,
              guint     status,
              JsonNode *result)
{
  g_clear_pointer (&ctx->result, json_node_unref);
  ctx->status = status;
  ctx->result = result;
}

void
cs_ctx_reply_object (CsCtx      *ctx,
                     guint       status,
                     JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  /* Takes the caller's reference: json_node_init_object took one more,
   * and every reply's object tree stayed allocated (GSlice hid it from
   * LeakSanitizer). */
  json_node_take_object (node, obj);
  cs_ctx_reply (ctx, status, node);
}

void
cs_ctx_reply_empty (CsCtx *ctx)
{
  cs_ctx_reply (ctx, 204, NULL);
}

JsonObject *
cs_ctx_body_object (CsCtx *ctx)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = ctx->body ? g_bytes_get_data (ctx->body, &len) : NULL;
  JsonObject *obj = cau_json_parse_object (data, len, &error);

  if (obj == NULL)
    cs_ctx_fail_error (ctx, error);
  return obj;
}

const char *
cs_ctx_query (CsCtx      *ctx,
              const char *name)
{
  return ctx->query ? g_hash_table_lookup (ctx->query, name) : NULL;
}

gboolean
cs_ctx_query_bool (CsCtx      *ctx,
                   const char *name,
                   gboolean   *out_value)
{
  const char *value = cs_ctx_query (ctx, name);

  *out_value = value && (g_str_equal (value, "true") || g_str_equal (value, "1"));
  if (value && !*out_value && !g_str_equal (value, "false") && !g_str_equal (value, "0"))
    {
      g_autofree char *message = g_strdup_printf ("The parameter “%s” must be true or false.", name);

      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "%s", message);
      return FALSE;
    }
  return TRUE;
}

void
cs_ctx_audit (CsCtx      *ctx,
              const char *action,
              const char *entity_type,
              const char *entity_id,
              JsonObject *details)
{
  CsAudit *a = g_new0 (CsAudit, 1);

  a->action = g_strdup (action);
  a->entity_type = g_strdup (entity_type);
  a->entity_id = g_strdup (entity_id);
  a->details = details ? cau_json_object_to_string (details) : NULL;
  g_ptr_array_add (ctx->audits, a);
}

void
cs_ctx_after (CsCtx      *ctx,
              CsAfterKind kind,
              const char *arg)
{
  CsAfter *a = g_new0 (CsAfter, 1);

  a->kind = kind;
  a->arg = g_strdup (arg);
  g_ptr_array_add (ctx->after, a);
}

void
cs_ctx_discard_effects (CsCtx *ctx)
{
  g_ptr_array_set_size (ctx->events, 0);
  g_ptr_array_set_size (ctx->after, 0);
  g_clear_pointer (&ctx->result, json_node_unref);
  g_clear_pointer (&ctx->text, g_free);
  /* Audit entries stay: a refused attempt is exactly what the log is for. */
}
