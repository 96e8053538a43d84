/* cs-api-messages.c: messages (idempotent by txn_id), edits, deletions,
 * read watermarks, search, notifications.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-messages.h"
#include "cs-notifications.h"
#include "cs-reactions.h"
#include "cs-rooms.h"
#include "cs-model.h"
#include "cs-rate-limit.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-mention.h"
#include "cau-time.h"
#include "cau-validate.h"

#include <string.h>

static void
candidate_free (gpointer data)
{
  CauMentionCandidate *c = data;

  g_free (c->type);
  g_free (c->id);
  g_free (c->display_name);
  g_free (c->handle);
  g_free (c);
}

/* Finds the mentions in @body among the room's members. Returns the JSON
 * array text and fills @user_ids with who is mentioned (every member but
 * the sender for @room). */
static char *
find_mentions (CsCtx      *ctx,
               const char *room_id,
               const char *body,
               GPtrArray  *user_ids)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (candidate_free);
  g_autoptr(GArray) found = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  gboolean everyone = FALSE;

  if (strchr (body, '@') == NULL)
    return g_strdup ("[]");
  {
    g_autoptr(GPtrArray) members = cs_members_users (ctx->db, room_id);

    for (guint i = 0; i < members->len; i++)
      {
        CsMemberUser *m = g_ptr_array_index (members, i);
        CauMentionCandidate *c = g_new0 (CauMentionCandidate, 1);

        c->id = g_steal_pointer (&m->user_id);
        c->display_name = g_steal_pointer (&m->display_name);
        if (g_strcmp0 (m->kind, "agent") == 0)
          {
            c->type = g_strdup ("agent");
            c->handle = g_steal_pointer (&m->handle);
          }
        else
          {
            c->type = g_strdup ("user");
            c->handle = cau_mention_handle_for_email (m->email);
          }
        g_ptr_array_add (candidates, c);
      }
  }
  found = cau_mention_parse (body, candidates);
  for (guint i = 0; i < found->len; i++)
    {
      CauMention *m = &g_array_index (found, CauMention, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "type", m->type);
      cau_json_set_string_or_null (o, "id", m->id);
      json_object_set_int_member (o, "start", m->start);
      json_object_set_int_member (o, "end", m->end);
      json_array_add_object_element (array, o);
      /* Agents are not notified: a mention asks them to answer (agents/). */
      if (g_str_equal (m->type, "room"))
        everyone = TRUE;
      else if (g_str_equal (m->type, "agent"))
        continue;
      else if (!g_ptr_array_find_with_equal_func (user_ids, m->id, g_str_equal, NULL) &&
               g_strcmp0 (m->id, ctx->user_id) != 0)
        g_ptr_array_add (user_ids, g_strdup (m->id));
    }
  if (everyone)
    for (guint i = 0; i < candidates->len; i++)
      {
        CauMentionCandidate *c = g_ptr_array_index (candidates, i);

        if (g_str_equal (c->type, "user") &&
            !g_ptr_array_find_with_equal_func (user_ids, c->id, g_str_equal, NULL) &&
            g_strcmp0 (c->id, ctx->user_id) != 0)
          g_ptr_array_add (user_ids, g_strdup (c->id));
      }
  node = json_node_init_array (json_node_alloc (), array);
  return cau_json_to_string (node);
}

static gboolean
store_mentions (CsCtx      *ctx,
                const char *room_id,
                gint64      seq,
                GPtrArray  *user_ids)
{
  if (!cs_mentions_add (ctx->db, room_id, seq, user_ids))
    return cs_ctx_fail_db (ctx, "recording mentions");
  return TRUE;
}

gboolean
cs_api_notify (CsCtx      *ctx,
               const char *user_id,
               const char *type,
               const char *room_id,
               const char *message_id,
               gint64      seq,
               const char *title,
               const char *body,
               const char *actor_name,
               const char *room_name)
{
  g_autoptr(CsNotification) stored = cs_notifications_insert (ctx->db, ctx->tenant_id, user_id, type, room_id,
                                                              message_id, seq, title, body, actor_name, room_name,
                                                              cau_time_now_ms ());
  g_autoptr(JsonObject) n = NULL;

  /* The event carries the row as stored, built like a listed one. */
  if (stored == NULL)
    return cs_ctx_fail_db (ctx, "storing a notification");
  n = cs_model_notification_json (stored);
  return cs_model_emit (ctx, 0, "notification.new", room_id, user_id, n, NULL, NULL) != 0;
}

/* Tells the caller's other sockets which of their notifications became
 * read: `notification.read` `{ids: [...]}`, or `{all: true}`. */
static gboolean
emit_notifications_read (CsCtx      *ctx,
                         JsonArray  *ids)
{
  g_autoptr(JsonObject) data = json_object_new ();

  if (ids == NULL)
    json_object_set_boolean_member (data, "all", TRUE);
  else if (json_array_get_length (ids) == 0)
    {
      json_array_unref (ids);
      return TRUE;
    }
  else
    json_object_set_array_member (data, "ids", ids);
  return cs_model_emit (ctx, 0, "notification.read", NULL, ctx->user_id, data, NULL, NULL) != 0;
}

/* Mentions and direct messages notify, unless the member muted the room
 * or turned its notifications off. */
static gboolean
notify_members (CsCtx      *ctx,
                const char *room_id,
                const char *room_type,
                const char *message_id,
                gint64      seq,
                const char *body,
                GPtrArray  *mentioned)
{
  g_autofree char *sender = cs_model_display_name (ctx, ctx->user_id);
  g_autofree char *room_name = cs_rooms_name (ctx->db, room_id);
  g_autofree char *excerpt = cs_model_excerpt (body);
  gboolean direct = g_strcmp0 (room_type, "direct") == 0;
  g_autoptr(GPtrArray) prefs = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) types = g_ptr_array_new ();

  if (!direct && mentioned->len == 0)
    return TRUE;
  prefs = cs_members_prefs (ctx->db, room_id, ctx->user_id);
  for (guint i = 0; i < prefs->len; i++)
    {
      CsMemberPrefs *p = g_ptr_array_index (prefs, i);
      const char *uid = p->user_id;
      gboolean is_mentioned = g_ptr_array_find_with_equal_func (mentioned, uid, g_str_equal, NULL);

      if (p->muted || g_strcmp0 (p->notify, "none") == 0)
        continue;
      if (is_mentioned)
        {
          g_ptr_array_add (targets, g_strdup (uid));
          g_ptr_array_add (types, (gpointer) "mention");
        }
      else if (direct)
        {
          g_ptr_array_add (targets, g_strdup (uid));
          g_ptr_array_add (types, (gpointer) "direct");
        }
    }
  for (guint i = 0; i < targets->len; i++)
    {
      const char *type = g_ptr_array_index (types, i);
      g_autofree char *title = direct ? g_strdup (sender)
                                      : g_strdup_printf ("%s mentioned you in %s", sender, room_name ? room_name : "a room");

      if (!cs_api_notify (ctx, g_ptr_array_index (targets, i), type, room_id, message_id, seq, title, excerpt,
                          sender, room_name))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_message (CsCtx      *ctx,
                gint64      seq,
                const char *id,
                const char *room_id,
                const char *sender_id,
                const char *kind,
                const char *body,
                const char *reply_to,
                const char *mentions,
                const char *context,
                const char *txn_id,
                gboolean    has_attachments,
                const char *system,
                gint64      written_at)
{
  CsMessage m = {
    .seq = seq, .id = (char *) id, .room_id = (char *) room_id, .sender_id = (char *) sender_id,
    .kind = (char *) kind, .body = (char *) body, .reply_to_id = (char *) reply_to,
    .mentions = (char *) mentions, .context = (char *) context, .created_at = cau_time_now_ms (),
    .edited_at = CS_TIME_NONE, .txn_id = (char *) txn_id, .has_attachments = has_attachments,
    .system = (char *) system, .written_at = written_at ? written_at : CS_TIME_NONE,
  };

  if (!cs_messages_insert (ctx->db, ctx->tenant_id, &m))
    return cs_ctx_fail_db (ctx, "storing a message");
  return TRUE;
}

/* Stores the event for message @id and returns the message as everyone
 * sees it (no txn_id), or NULL on failure. */
static JsonObject *
emit_message (CsCtx      *ctx,
              const char *type,
              gint64      seq,
              const char *id,
              const char *room_id,
              const char *txn_id)
{
  g_autoptr(JsonObject) message = cs_model_message (ctx, id, NULL);

  if (cs_model_emit (ctx, seq, type, room_id, NULL, message, txn_id ? ctx->user_id : NULL, txn_id) == 0)
    return NULL;
  return g_steal_pointer (&message);
}

gboolean
cs_api_post_system (CsCtx      *ctx,
                    const char *room_id,
                    const char *body,
                    JsonObject *system)
{
  gint64 seq = cs_store_next_seq (ctx->store);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *system_text = system ? cau_json_object_to_string (system) : NULL;
  g_autoptr(JsonObject) message = NULL;

  if (!insert_message (ctx, seq, id, room_id, NULL, "system", body, NULL, "[]", NULL, NULL, FALSE, system_text, 0))
    return FALSE;
  message = emit_message (ctx, "message.new", seq, id, room_id, NULL);
  return message != NULL;
}

JsonObject *
cs_api_store_message (CsCtx      *ctx,
                      const char *room_id,
                      JsonObject *input,
                      gboolean   *out_created)
{
  g_autoptr(GError) error = NULL;
  const char *txn_id = NULL, *body_in = NULL, *reply_to = NULL;
  g_auto(GStrv) attachment_ids = NULL;
  g_autofree char *body = NULL;
  g_autofree char *context = NULL;
  g_autofree char *mentions = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *id = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GPtrArray) mentioned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) message = NULL;
  const char *written_in = NULL;
  gint64 written_at = 0;
  gint64 seq;

  *out_created = FALSE;
  if (!cau_json_get_string (input, "txn_id", TRUE, &txn_id, &error) ||
      !cau_validate_txn_id (txn_id, &error) ||
      !cau_json_get_string (input, "body", TRUE, &body_in, &error) ||
      !cau_json_get_string (input, "reply_to", FALSE, &reply_to, &error) ||
      !cau_json_get_strv (input, "attachment_ids", FALSE, &attachment_ids, &error) ||
      !cau_json_get_string (input, "written_at", FALSE, &written_in, &error))
    return cs_ctx_fail_error (ctx, error), NULL;
  if (!cs_model_require_member (ctx, room_id, NULL))
    return NULL;

  /* A retry returns the first message, however long after. */
  existing = cs_messages_id_for_txn (ctx->db, room_id, ctx->user_id, txn_id);
  if (existing)
    return cs_model_message (ctx, existing, ctx->user_id);

  /* A message may be only files: then its body may be empty. A message
   * that waited in an outbox says when it was written (checked after the
   * retry above: a retry days later still gets its message back). */
  if (!cau_validate_body (body_in, attachment_ids && attachment_ids[0], &body, &error) ||
      (written_in && !cau_validate_written_at (written_in, cau_time_now_ms (), &written_at, &error)))
    return cs_ctx_fail_error (ctx, error), NULL;
  if (cs_rooms_is_archived (ctx->db, room_id))
    return cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "This room is archived: it can be read but not written to."), NULL;
  if (reply_to && !cs_messages_in_room (ctx->db, reply_to, room_id))
    return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "The message replied to is not in this room."), NULL;
  if (!cs_api_attachments_check (ctx, room_id, attachment_ids))
    return NULL;
  if (!cs_api_read_context (ctx, input, &context))
    return NULL;

  /* Only a message that would be stored takes a token: a retry of one
   * stored already (above) or a refusal costs nothing. */
  if (ctx->message_limit &&
      (ctx->retry_after = cs_rate_limit_take (ctx->message_limit, ctx->user_id, g_get_monotonic_time ())) > 0)
    return cs_ctx_fail (ctx, CAU_ERROR_RATE_LIMITED,
                        "You are sending messages too quickly. Wait %u seconds.", ctx->retry_after), NULL;

  mentions = find_mentions (ctx, room_id, body, mentioned);
  /* A notification for a message of files only names them. */
  summary = body[0] ? g_strdup (body) : cs_api_attachments_summary (ctx, attachment_ids);
  seq = cs_store_next_seq (ctx->store);
  id = g_uuid_string_random ();
  type = cs_rooms_type (ctx->db, room_id);
  if (!insert_message (ctx, seq, id, room_id, ctx->user_id, "text", body, reply_to, mentions, context, txn_id,
                       attachment_ids && attachment_ids[0], NULL, written_at) ||
      !cs_api_attachments_attach (ctx, id, attachment_ids) ||
      !store_mentions (ctx, room_id, seq, mentioned) ||
      (message = emit_message (ctx, "message.new", seq, id, room_id, txn_id)) == NULL ||
      !notify_members (ctx, room_id, type, id, seq, summary, mentioned))
    return NULL;
  *out_created = TRUE;
  /* The sender's own copy carries its txn_id. */
  json_object_set_string_member (message, "txn_id", txn_id);
  return g_steal_pointer (&message);
}

void
cs_api_messages_post (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);
  JsonObject *message;
  gboolean created;

  if (body == NULL)
    return;
  message = cs_api_store_message (ctx, ctx->params[0], body, &created);
  if (message)
    cs_ctx_reply_object (ctx, created ? 201 : 200, message);
}

void
cs_api_ws_send (CsCtx *ctx)
{
  JsonObject *frame = ctx->input;
  g_autoptr(GError) error = NULL;
  const char *room_id = NULL;
  const char *txn_id = NULL;
  JsonObject *message;
  gboolean created;

  if (!cau_json_get_string (frame, "room_id", TRUE, &room_id, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  message = cs_api_store_message (ctx, room_id, frame, &created);
  if (message == NULL)
    return;
  cs_ctx_reply_object (ctx, created ? 201 : 200, message);
  /* The ack, written here from the sender's frame: on the main thread,
   * writing the message's JSON again was a good part of a send's cost. */
  if (created && cau_json_get_string (frame, "txn_id", TRUE, &txn_id, NULL))
    ctx->text = cs_model_ack_text (ctx, txn_id);
}

void
cs_api_messages_list (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  const char *before = cs_ctx_query (ctx, "before");
  const char *after = cs_ctx_query (ctx, "after");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *messages;
  gint64 cursor = 0;
  guint limit;
  gboolean has_more = FALSE;

  if (!cau_validate_limit (cs_ctx_query (ctx, "limit"), &limit, &error) ||
      (before && !cau_parse_seq (before, "before", &cursor, &error)) ||
      (after && !cau_parse_seq (after, "after", &cursor, &error)))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (before && after)
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "Give “before” or “after”, not both.");
      return;
    }
  if (!cs_model_require_member (ctx, room_id, NULL))
    return;

  /* One more than asked for tells whether there are more. */
  rows = cs_messages_page (ctx->db, room_id, after ? CS_PAGE_AFTER : before ? CS_PAGE_BEFORE : CS_PAGE_LATEST,
                           cursor, limit + 1);
  if (rows->len > limit)
    {
      has_more = TRUE;
      g_ptr_array_set_size (rows, limit);
    }
  reply = json_object_new ();
  messages = json_array_new ();
  /* Always ascending seq on the wire. */
  for (guint i = 0; i < rows->len; i++)
    {
      guint k = after ? i : rows->len - 1 - i;
      json_array_add_object_element (messages, cs_model_message_json (ctx, g_ptr_array_index (rows, k), ctx->user_id));
    }
  json_object_set_array_member (reply, "messages", messages);
  json_object_set_boolean_member (reply, "has_more", has_more);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

/* The message, if the caller may see it: in their tenant and in a room they
 * are in. Fills the room id, the sender and the deleted flag. */
static gboolean
visible_message (CsCtx      *ctx,
                 const char *message_id,
                 char      **room_id,
                 char      **sender_id,
                 char      **kind,
                 gint64     *seq,
                 gint64     *created_at,
                 gboolean   *deleted)
{
  g_autoptr(CsMessage) m = cs_messages_visible (ctx->db, ctx->tenant_id, ctx->user_id, message_id);

  if (m == NULL)
    return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such message.");
  *room_id = g_steal_pointer (&m->room_id);
  *sender_id = g_steal_pointer (&m->sender_id);
  *kind = g_steal_pointer (&m->kind);
  *seq = m->seq;
  *created_at = m->created_at;
  *deleted = m->deleted;
  return TRUE;
}

void
cs_api_message_patch (CsCtx *ctx)
{
  const char *id = ctx->params[0];
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *room_id = NULL, *sender_id = NULL, *kind = NULL;
  g_autofree char *body = NULL;
  g_autofree char *mentions = NULL;
  g_autoptr(GPtrArray) mentioned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) edited = NULL;
  g_autofree char *txn_id = NULL;
  const char *body_in = NULL;
  gint64 seq, created_at;
  gboolean deleted;

  if ((input = cs_ctx_body_object (ctx)) == NULL)
    return;
  if (!cau_json_get_string (input, "body", TRUE, &body_in, &error) ||
      !cau_validate_body (body_in, FALSE, &body, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (!visible_message (ctx, id, &room_id, &sender_id, &kind, &seq, &created_at, &deleted))
    return;
  if (g_strcmp0 (sender_id, ctx->user_id) != 0)
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only the sender may edit a message.");
      return;
    }
  if (deleted)
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "This message was deleted and cannot be edited.");
      return;
    }
  if (ctx->config->edit_window_s > 0 && cau_time_now_ms () - created_at > ctx->config->edit_window_s * 1000)
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Messages can only be edited within %" G_GINT64_FORMAT " minutes of sending.",
                   ctx->config->edit_window_s / 60);
      return;
    }
  mentions = find_mentions (ctx, room_id, body, mentioned);
  if (!cs_messages_edit (ctx->db, room_id, seq, body, mentions, cau_time_now_ms ()))
    {
      cs_ctx_fail_db (ctx, "editing a message");
      return;
    }
  if (!store_mentions (ctx, room_id, seq, mentioned) ||
      (edited = emit_message (ctx, "message.edit", 0, id, room_id, NULL)) == NULL)
    return;
  /* The sender's copy of the edited message keeps its txn_id, if it had one. */
  txn_id = cs_messages_txn_id (ctx->db, seq);
  if (txn_id)
    json_object_set_string_member (edited, "txn_id", txn_id);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&edited));
}

void
cs_api_message_delete (CsCtx *ctx)
{
  const char *id = ctx->params[0];
  g_autofree char *room_id = NULL, *sender_id = NULL, *kind = NULL, *role = NULL;
  g_autoptr(JsonObject) data = NULL;
  gint64 seq, created_at;
  gboolean deleted;

  if (!visible_message (ctx, id, &room_id, &sender_id, &kind, &seq, &created_at, &deleted))
    return;
  if (deleted)
    {
      cs_ctx_reply_empty (ctx);
      return;
    }
  role = cs_members_role (ctx->db, room_id, ctx->user_id);
  if (g_strcmp0 (sender_id, ctx->user_id) != 0 && g_strcmp0 (role, "owner") != 0 && g_strcmp0 (role, "admin") != 0)
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only the sender or a room admin may delete this message.");
      return;
    }
  if (!cs_messages_mark_deleted (ctx->db, room_id, seq))
    {
      cs_ctx_fail_db (ctx, "deleting a message");
      return;
    }
  /* A deleted message has no attachments: its files go with it. */
  if (!cs_api_attachments_remove_for_message (ctx, id))
    return;
  data = json_object_new ();
  json_object_set_string_member (data, "id", id);
  json_object_set_int_member (data, "seq", seq);
  json_object_set_string_member (data, "room_id", room_id);
  if (cs_model_emit (ctx, 0, "message.delete", room_id, NULL, data, NULL, NULL) == 0)
    return;
  cs_ctx_audit (ctx, "message.delete", "message", id, NULL);
  cs_ctx_reply_empty (ctx);
}

static gboolean
collect_unread (CsCtx      *ctx,
                const char *room_id,
                gint64      up_to,
                JsonArray **out)
{
  g_autoptr(GPtrArray) ids = cs_notifications_unread_ids (ctx->db, ctx->user_id, room_id, up_to);

  if (ids == NULL)
    return cs_ctx_fail_db (ctx, "reading notifications");
  *out = json_array_new ();
  for (guint i = 0; i < ids->len; i++)
    json_array_add_string_element (*out, g_ptr_array_index (ids, i));
  return TRUE;
}

/* Moves the caller's watermark forward (never back) and tells the room. */
static void
mark_read (CsCtx      *ctx,
           const char *room_id,
           JsonObject *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = NULL;
  gint64 up_to = -1;
  g_autoptr(JsonArray) now_read = NULL;
  g_autofree char *read_at = NULL;
  gint64 now = cau_time_now_ms ();
  gint64 current, last;

  if (!cau_json_get_int (input, "up_to_seq", TRUE, &up_to, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (up_to < 0)
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "The field “up_to_seq” must not be negative.");
      return;
    }
  if (!cs_model_require_member (ctx, room_id, NULL))
    return;
  current = cs_members_last_read (ctx->db, room_id, ctx->user_id);
  last = cs_rooms_last_seq (ctx->db, room_id);
  up_to = MIN (up_to, last);
  if (up_to > current)
    {
      if (!cs_members_set_last_read (ctx->db, room_id, ctx->user_id, up_to) ||
          !cs_reads_record (ctx->db, room_id, ctx->user_id, up_to, now) ||
          !collect_unread (ctx, room_id, up_to, &now_read) ||
          !cs_notifications_mark_read_up_to (ctx->db, ctx->user_id, room_id, up_to) ||
          !emit_notifications_read (ctx, g_steal_pointer (&now_read)))
        {
          cs_ctx_fail_db (ctx, "saving a read marker");
          return;
        }
      data = json_object_new ();
      json_object_set_string_member (data, "room_id", room_id);
      json_object_set_string_member (data, "user_id", ctx->user_id);
      json_object_set_int_member (data, "last_read_seq", up_to);
      /* When it moved (v1.1; older clients ignore it). */
      read_at = cs_model_time_text (now);
      json_object_set_string_member (data, "read_at", read_at);
      if (cs_model_emit (ctx, 0, "receipt", room_id, NULL, data, NULL, NULL) == 0)
        return;
    }
  cs_ctx_reply_empty (ctx);
}

void
cs_api_room_read (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);

  if (body)
    mark_read (ctx, ctx->params[0], body);
}

void
cs_api_ws_read (CsCtx *ctx)
{
  JsonObject *frame = ctx->input;
  g_autoptr(GError) error = NULL;
  const char *room_id = NULL;

  if (!cau_json_get_string (frame, "room_id", TRUE, &room_id, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  mark_read (ctx, room_id, frame);
}

void
cs_api_search (CsCtx *ctx)
{
  const char *q = cs_ctx_query (ctx, "q");
  const char *room_id = cs_ctx_query (ctx, "room_id");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *messages;
  guint limit;

  if (!cau_validate_limit (cs_ctx_query (ctx, "limit"), &limit, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (q == NULL || q[strspn (q, " \t\n")] == '\0')
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "Say what to search for with the parameter “q”.");
      return;
    }
  /* Before the first read of this job: its snapshot (a deferred BEGIN)
   * then includes the index of every message acknowledged so far. */
  cs_store_index_for_search (ctx->store);
  if (room_id && !cs_model_require_member (ctx, room_id, NULL))
    return;
  reply = json_object_new ();
  messages = json_array_new ();
  rows = cs_messages_search (ctx->db, ctx->tenant_id, ctx->user_id, room_id, q, limit);
  for (guint i = 0; rows && i < rows->len; i++)
    json_array_add_object_element (messages, cs_model_message_json (ctx, g_ptr_array_index (rows, i), ctx->user_id));
  json_object_set_array_member (reply, "messages", messages);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

void
cs_api_notifications_list (CsCtx *ctx)
{
  gboolean only_unread = FALSE;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *list;

  if (!cs_ctx_query_bool (ctx, "unread", &only_unread))
    return;
  reply = json_object_new ();
  list = json_array_new ();
  rows = cs_notifications_list (ctx->db, ctx->user_id, only_unread);
  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (list, cs_model_notification_json (g_ptr_array_index (rows, i)));
  json_object_set_array_member (reply, "notifications", list);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

void
cs_api_notification_read (CsCtx *ctx)
{
  int state = cs_notifications_state (ctx->db, ctx->user_id, ctx->params[0]);

  if (state < 0)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such notification.");
      return;
    }
  if (state == 0)
    {
      JsonArray *ids = json_array_new ();

      json_array_add_string_element (ids, ctx->params[0]);
      if (!cs_notifications_mark_read (ctx->db, ctx->params[0]))
        {
          json_array_unref (ids);
          cs_ctx_fail_db (ctx, "marking a notification read");
          return;
        }
      if (!emit_notifications_read (ctx, ids))
        return;
    }
  cs_ctx_reply_empty (ctx);
}

void
cs_api_notifications_read_all (CsCtx *ctx)
{
  if (!cs_notifications_mark_all_read (ctx->db, ctx->user_id))
    {
      cs_ctx_fail_db (ctx, "marking notifications read");
      return;
    }
  if (!emit_notifications_read (ctx, NULL))
    return;
  cs_ctx_reply_empty (ctx);
}
