/* cs-api-reactions.c: reactions on messages (PUT/DELETE
 * /api/messages/{id}/reactions/{emoji}) and who read a room when
 * (GET /api/rooms/{id}/receipts).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-messages.h"
#include "cs-model.h"
#include "cs-reactions.h"
#include "cs-store.h"
#include "cau-emoji.h"
#include "cau-json.h"
#include "cau-time.h"
#include "cau-validate.h"

/* The emoji of the path, percent-decoded and checked; NULL after failing
 * the job. The router hands segments over as they came. */
static char *
path_emoji (CsCtx *ctx)
{
  g_autoptr(GError) error = NULL;
  /* Refuses an escaped "/" or NUL; the bytes are checked as UTF-8 next. */
  g_autofree char *emoji = g_uri_unescape_string (ctx->params[1], "/");

  if (emoji == NULL)
    return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "A reaction must be exactly one emoji."), NULL;
  if (!cau_validate_emoji (emoji, -1, &error))
    return cs_ctx_fail_error (ctx, error), NULL;
  return g_steal_pointer (&emoji);
}

static gboolean
emit_reaction (CsCtx      *ctx,
               gint64      seq,
               const char *room_id,
               const char *message_id,
               const char *emoji,
               gboolean    added)
{
  g_autoptr(JsonObject) data = json_object_new ();

  json_object_set_string_member (data, "message_id", message_id);
  json_object_set_string_member (data, "emoji", emoji);
  json_object_set_string_member (data, "user_id", ctx->user_id);
  json_object_set_boolean_member (data, "added", added);
  return cs_model_emit (ctx, seq, "message.reaction", room_id, NULL, data, NULL, NULL) != 0;
}

static void
react (CsCtx   *ctx,
       gboolean add)
{
  const char *message_id = ctx->params[0];
  g_autofree char *emoji = NULL;
  g_autoptr(CsMessage) m = NULL;
  gboolean changed = FALSE;
  gint64 seq;

  if ((emoji = path_emoji (ctx)) == NULL)
    return;
  /* Another tenant's message, or a room the caller is not in: not found. */
  m = cs_messages_visible (ctx->db, ctx->tenant_id, ctx->user_id, message_id);
  if (m == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such message.");
      return;
    }
  if (!add)
    {
      if (!cs_reactions_remove (ctx->db, m->seq, emoji, ctx->user_id, &changed))
        {
          cs_ctx_fail_db (ctx, "removing a reaction");
          return;
        }
      if (changed && !emit_reaction (ctx, 0, m->room_id, message_id, emoji, FALSE))
        return;
      cs_ctx_reply_empty (ctx);
      return;
    }
  if (m->deleted)
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "This message was deleted: it takes no reactions.");
      return;
    }
  /* Again is a no-op: no event, no limit. */
  if (cs_reactions_has (ctx->db, m->seq, emoji, ctx->user_id))
    {
      cs_ctx_reply_empty (ctx);
      return;
    }
  if (!cs_reactions_has (ctx->db, m->seq, emoji, NULL) &&
      cs_reactions_distinct (ctx->db, m->seq) >= CAU_REACTIONS_MAX)
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "A message takes at most %d different reactions.", CAU_REACTIONS_MAX);
      return;
    }
  seq = cs_store_next_seq (ctx->store);
  if (!cs_reactions_add (ctx->db, m->seq, emoji, ctx->user_id, seq, cau_time_now_ms (), &changed))
    {
      cs_ctx_fail_db (ctx, "adding a reaction");
      return;
    }
  if (!emit_reaction (ctx, seq, m->room_id, message_id, emoji, TRUE))
    return;
  cs_ctx_reply_empty (ctx);
}

void
cs_api_reaction_put (CsCtx *ctx)
{
  react (ctx, TRUE);
}

void
cs_api_reaction_delete (CsCtx *ctx)
{
  react (ctx, FALSE);
}

/* GET /api/rooms/{id}/receipts[?seq=S]: each member's watermark and when
 * it moved there; with seq, who read message S and when they first did. */
void
cs_api_receipts_list (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  const char *seq_text = cs_ctx_query (ctx, "seq");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *list;
  gint64 seq = 0;

  if (seq_text && !cau_parse_seq (seq_text, "seq", &seq, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (!cs_model_require_member (ctx, room_id, NULL))
    return;
  rows = cs_reads_list (ctx->db, room_id, seq);
  reply = json_object_new ();
  list = json_array_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      CsReadMark *r = g_ptr_array_index (rows, i);
      JsonObject *o = json_object_new ();
      g_autofree char *at = cs_model_time_text (r->read_at);

      json_object_set_string_member (o, "user_id", r->user_id);
      json_object_set_string_member (o, "display_name", r->display_name ? r->display_name : "");
      json_object_set_int_member (o, "last_read_seq", r->last_read_seq);
      cau_json_set_string_or_null (o, "read_at", at);
      json_array_add_object_element (list, o);
    }
  json_object_set_array_member (reply, "receipts", list);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}
