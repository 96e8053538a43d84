/* cs-model.c: JSON shapes and shared checks.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-model"

#include "cs-model.h"
#include "cs-attachments.h"
#include "cs-events.h"
#include "cs-messages.h"
#include "cs-reactions.h"
#include "cau-emoji.h"
#include "cs-rooms.h"
#include "cs-users.h"
#include "cs-presence.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-time.h"

#include <string.h>

#define EXCERPT_CHARS 120

char *
cs_model_excerpt (const char *body)
{
  GString *s = g_string_new (NULL);
  glong n = 0;

  for (const char *p = body ? body : ""; *p && n < EXCERPT_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (s, c == '\n' || c == '\t' ? ' ' : c);
    }
  if (body && g_utf8_strlen (body, -1) > EXCERPT_CHARS)
    g_string_append (s, "…");
  return g_string_free (s, FALSE);
}

char *
cs_model_time_text (gint64 ms)
{
  return ms == CS_TIME_NONE ? NULL : cau_time_format (ms);
}

static void
set_time_value (JsonObject *obj,
                const char *member,
                gint64      ms)
{
  g_autofree char *t = cs_model_time_text (ms);

  cau_json_set_string_or_null (obj, member, t);
}

JsonObject *
cs_model_user_json (CsCtx        *ctx,
                    const CsUser *user)
{
  JsonObject *u = json_object_new ();

  json_object_set_string_member (u, "id", user->id);
  cau_json_set_string_or_null (u, "email", user->email);
  json_object_set_string_member (u, "display_name", user->display_name);
  json_object_set_string_member (u, "role", user->role);
  json_object_set_string_member (u, "status_text", user->status_text);
  json_object_set_string_member (u, "presence", user->deleted ? "offline" : cs_presence_get (ctx->presence, user->id));
  set_time_value (u, "last_seen_at", user->last_seen_at);
  if (user->deleted)
    json_object_set_boolean_member (u, "deleted", TRUE);
  json_object_set_string_member (u, "kind", user->kind ? user->kind : "person");
  cau_json_set_string_or_null (u, "rank", user->rank);
  if (g_strcmp0 (user->kind, "agent") == 0)
    {
      cau_json_set_string_or_null (u, "handle", user->handle);
      json_object_set_string_member (u, "description", user->description ? user->description : "");
    }
  return u;
}

JsonObject *
cs_model_user (CsCtx      *ctx,
               const char *user_id)
{
  g_autoptr(CsUser) user = cs_users_get (ctx->db, ctx->tenant_id, user_id);

  return user ? cs_model_user_json (ctx, user) : NULL;
}

char *
cs_model_display_name (CsCtx      *ctx,
                       const char *user_id)
{
  return cs_users_display_name (ctx->db, user_id);
}

/* json_node_init_array would take a second reference on a new array. */
static JsonNode *
empty_array_node (void)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, json_array_new ());
  return node;
}

static JsonNode *
parse_json_text (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;

  /* Most rows carry no context and no mentions: no parser for those. */
  if (text == NULL)
    return json_node_new (JSON_NODE_NULL);
  if (strcmp (text, "[]") == 0)
    return empty_array_node ();
  parser = json_parser_new_immutable ();
  if (!cau_json_check (text, -1, CAU_JSON_MAX_BYTES, NULL) ||
      !json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    return json_node_new (JSON_NODE_NULL);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
quote_json (const CsQuote *quote)
{
  JsonObject *q = json_object_new ();
  g_autofree char *excerpt = quote->deleted ? g_strdup ("") : cs_model_excerpt (quote->body);

  json_object_set_string_member (q, "id", quote->id);
  json_object_set_string_member (q, "sender_name", quote->sender_name ? quote->sender_name : "");
  json_object_set_string_member (q, "excerpt", excerpt);
  /* Whose message it answers: the client notifies a reply to you. */
  cau_json_set_string_or_null (q, "sender_id", quote->sender_id);
  if (quote->deleted)
    json_object_set_boolean_member (q, "deleted", TRUE);
  return q;
}

JsonObject *
cs_model_message_json (CsCtx           *ctx,
                       const CsMessage *message,
                       const char      *viewer_id)
{
  JsonObject *m = json_object_new ();
  gboolean deleted = message->deleted;

  json_object_set_string_member (m, "id", message->id);
  json_object_set_string_member (m, "room_id", message->room_id);
  json_object_set_int_member (m, "seq", message->seq);
  if (message->sender_id)
    {
      JsonObject *sender = json_object_new ();

      json_object_set_string_member (sender, "id", message->sender_id);
      json_object_set_string_member (sender, "display_name", message->sender_name ? message->sender_name : "");
      json_object_set_string_member (sender, "kind", message->sender_kind ? message->sender_kind : "person");
      json_object_set_object_member (m, "sender", sender);
    }
  else
    json_object_set_null_member (m, "sender");
  json_object_set_string_member (m, "kind", message->kind);
  json_object_set_string_member (m, "body", deleted ? "" : message->body);

  if (message->reply_to_id && !deleted)
    {
      g_autoptr(CsQuote) quote = cs_messages_quote (ctx->db, message->reply_to_id);

      if (quote)
        json_object_set_object_member (m, "reply_to", quote_json (quote));
      else
        json_object_set_null_member (m, "reply_to");
    }
  else
    json_object_set_null_member (m, "reply_to");

  json_object_set_member (m, "mentions",
                          deleted ? empty_array_node () : parse_json_text (message->mentions));
  /* Most messages have none: no look-up for those. */
  json_object_set_array_member (m, "attachments",
                                deleted || !message->has_attachments
                                ? json_array_new () : cs_model_message_attachments (ctx, message->id));
  json_object_set_member (m, "context", parse_json_text (message->context));
  /* A deleted message keeps none (deleting drops them). */
  json_object_set_array_member (m, "reactions",
                                deleted ? json_array_new () : cs_model_message_reactions (ctx, message->seq));
  set_time_value (m, "created_at", message->created_at);
  set_time_value (m, "edited_at", message->edited_at);
  /* Only where there is one: the time its sender wrote it, when it
   * waited in an outbox; what a system line says, as data. */
  if (message->written_at != CS_TIME_NONE)
    set_time_value (m, "written_at", message->written_at);
  if (message->system != NULL)
    json_object_set_member (m, "system", parse_json_text (message->system));
  json_object_set_boolean_member (m, "deleted", deleted);
  /* An agent's answer says whether it is still growing, and why it
   * ended early when it did. */
  if (g_strcmp0 (message->kind, "agent") == 0)
    json_object_set_boolean_member (m, "streaming", message->streaming && !deleted);
  if (message->agent_error != NULL)
    json_object_set_string_member (m, "agent_error", message->agent_error);
  if (viewer_id && g_strcmp0 (viewer_id, message->sender_id) == 0 && message->txn_id)
    json_object_set_string_member (m, "txn_id", message->txn_id);
  return m;
}

JsonObject *
cs_model_attachment_json (const CsAttachment *attachment)
{
  JsonObject *a = json_object_new ();

  json_object_set_string_member (a, "id", attachment->id);
  json_object_set_string_member (a, "name", attachment->name);
  json_object_set_int_member (a, "size", attachment->size);
  json_object_set_string_member (a, "mime_type", attachment->mime_type);
  if (attachment->width < 0)
    json_object_set_null_member (a, "width");
  else
    json_object_set_int_member (a, "width", attachment->width);
  if (attachment->height < 0)
    json_object_set_null_member (a, "height");
  else
    json_object_set_int_member (a, "height", attachment->height);
  json_object_set_boolean_member (a, "has_thumbnail", attachment->has_thumbnail);
  return a;
}

JsonObject *
cs_model_notification_json (const CsNotification *notification)
{
  JsonObject *n = json_object_new ();

  json_object_set_string_member (n, "id", notification->id);
  json_object_set_string_member (n, "type", notification->type);
  cau_json_set_string_or_null (n, "room_id", notification->room_id);
  cau_json_set_string_or_null (n, "message_id", notification->message_id);
  json_object_set_string_member (n, "title", notification->title);
  json_object_set_string_member (n, "body", notification->body);
  set_time_value (n, "created_at", notification->created_at);
  json_object_set_boolean_member (n, "read", notification->read);
  /* Lets a client open the room at the message (0 when none). */
  json_object_set_int_member (n, "message_seq", notification->message_seq);
  /* Who caused it and in which room, as stored then: a client writes the
   * title from these in its reader's language ("title" stays, in English). */
  cau_json_set_string_or_null (n, "actor_name", notification->actor_name);
  cau_json_set_string_or_null (n, "room_name", notification->room_name);
  return n;
}

JsonObject *
cs_model_attachment (CsCtx      *ctx,
                     const char *attachment_id)
{
  g_autoptr(CsAttachment) a = cs_attachments_get (ctx->db, attachment_id);

  return a ? cs_model_attachment_json (a) : NULL;
}

JsonArray *
cs_model_message_attachments (CsCtx      *ctx,
                              const char *message_id)
{
  JsonArray *list = json_array_new ();
  g_autoptr(GPtrArray) rows = cs_attachments_of_message (ctx->db, message_id);

  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (list, cs_model_attachment_json (g_ptr_array_index (rows, i)));
  return list;
}

JsonArray *
cs_model_message_reactions (CsCtx  *ctx,
                            gint64  message_seq)
{
  g_autoptr(GPtrArray) rows = cs_reactions_of_message (ctx->db, message_seq, CAU_REACTION_USERS_MAX);
  JsonArray *list = json_array_new ();

  for (guint i = 0; i < rows->len; i++)
    {
      CsReaction *r = g_ptr_array_index (rows, i);
      JsonObject *o = json_object_new ();
      JsonArray *ids = json_array_new ();

      for (guint k = 0; k < r->user_ids->len; k++)
        json_array_add_string_element (ids, g_ptr_array_index (r->user_ids, k));
      json_object_set_string_member (o, "emoji", r->emoji);
      json_object_set_int_member (o, "count", r->count);
      json_object_set_array_member (o, "user_ids", ids);
      json_array_add_object_element (list, o);
    }
  return list;
}

JsonObject *
cs_model_message (CsCtx      *ctx,
                  const char *message_id,
                  const char *viewer_id)
{
  g_autoptr(CsMessage) m = cs_messages_get (ctx->db, ctx->tenant_id, message_id);

  return m ? cs_model_message_json (ctx, m, viewer_id) : NULL;
}

static JsonObject *
last_message_preview (CsCtx      *ctx,
                      const char *room_id)
{
  g_autoptr(CsMessage) m = cs_rooms_last_message (ctx->db, room_id);
  JsonObject *p;
  g_autofree char *excerpt = NULL;

  if (m == NULL)
    return NULL;
  p = json_object_new ();
  excerpt = m->deleted ? g_strdup ("") : cs_model_excerpt (m->body);
  json_object_set_string_member (p, "id", m->id);
  json_object_set_int_member (p, "seq", m->seq);
  cau_json_set_string_or_null (p, "sender_name", m->sender_name);
  json_object_set_string_member (p, "excerpt", excerpt);
  set_time_value (p, "created_at", m->created_at);
  /* A system line's data: the client writes the preview in its language. */
  if (m->system != NULL)
    json_object_set_member (p, "system", parse_json_text (m->system));
  return p;
}

JsonObject *
cs_model_room (CsCtx      *ctx,
               const char *room_id,
               const char *viewer_id)
{
  g_autoptr(CsRoom) r = cs_rooms_get (ctx->db, ctx->tenant_id, room_id, viewer_id);
  JsonObject *room;
  JsonObject *last;
  gboolean member;
  g_autofree char *name = NULL;

  if (r == NULL)
    return NULL;

  room = json_object_new ();
  member = r->my_role != NULL;

  if (g_strcmp0 (r->type, "direct") == 0)
    /* A direct room is named after the other person. */
    name = cs_rooms_direct_name (ctx->db, room_id, viewer_id);
  if (name == NULL)
    name = g_strdup (r->name ? r->name : "");

  json_object_set_string_member (room, "id", r->id);
  json_object_set_string_member (room, "type", r->type);
  json_object_set_string_member (room, "name", name);
  json_object_set_string_member (room, "description", r->description);
  json_object_set_boolean_member (room, "is_private", r->is_private);
  json_object_set_boolean_member (room, "is_archived", r->is_archived);
  cau_json_set_string_or_null (room, "created_by", r->created_by);
  set_time_value (room, "created_at", r->created_at);
  set_time_value (room, "last_activity_at", r->last_activity_at);
  json_object_set_int_member (room, "member_count", r->member_count);
  cau_json_set_string_or_null (room, "my_role", r->my_role);
  if (member)
    {
      /* Counts stop at 1000: a badge says "999+" long before that. */
      json_object_set_int_member (room, "unread_count",
                                  cs_rooms_unread_count (ctx->db, room_id, r->last_read_seq, viewer_id));
      json_object_set_int_member (room, "mention_count",
                                  cs_rooms_mention_count (ctx->db, room_id, r->last_read_seq, viewer_id));
      json_object_set_int_member (room, "last_read_seq", r->last_read_seq);
    }
  else
    {
      json_object_set_int_member (room, "unread_count", 0);
      json_object_set_int_member (room, "mention_count", 0);
    }
  json_object_set_boolean_member (room, "muted", member && r->muted);
  json_object_set_string_member (room, "notify", member ? r->notify : "all");
  last = last_message_preview (ctx, room_id);
  if (last)
    json_object_set_object_member (room, "last_message", last);
  else
    json_object_set_null_member (room, "last_message");
  json_object_set_member (room, "context", parse_json_text (r->context));
  return room;
}

gboolean
cs_model_require_member (CsCtx      *ctx,
                         const char *room_id,
                         char      **out_role)
{
  char *role = cs_members_role_in_tenant (ctx->db, ctx->tenant_id, room_id, ctx->user_id);

  if (role == NULL)
    return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such room.");
  if (out_role)
    *out_role = role;
  else
    g_free (role);
  return TRUE;
}

char *
cs_model_tenant_role (CsCtx *ctx)
{
  return cs_users_tenant_role (ctx->db, ctx->tenant_id, ctx->user_id);
}

/* ---- events ------------------------------------------------------------ */

static char *
build_frame (const char *type,
             gint64      seq,
             const char *room_id,
             JsonObject *data)
{
  g_autoptr(JsonObject) frame = json_object_new ();

  json_object_set_string_member (frame, "type", type);
  json_object_set_int_member (frame, "seq", seq);
  cau_json_set_string_or_null (frame, "room_id", room_id);
  json_object_set_object_member (frame, "data", json_object_ref (data));
  return cau_json_object_to_string (frame);
}

/* @s as a JSON string, quotes included, as json-glib writes it: printable
 * ASCII without a quote or a backslash is copied (a txn_id almost always
 * is), anything else goes through the generator. */
static char *
quote_string (const char *s)
{
  g_autoptr(JsonNode) node = NULL;
  gsize len = 0;
  char *out;

  for (; s[len]; len++)
    if ((guchar) s[len] < 0x20 || (guchar) s[len] > 0x7e || s[len] == '"' || s[len] == '\\')
      {
        node = json_node_init_string (json_node_alloc (), s);
        return json_to_string (node, FALSE);
      }
  out = g_malloc (len + 3);
  out[0] = '"';
  memcpy (out + 1, s, len);
  out[len + 1] = '"';
  out[len + 2] = '\0';
  return out;
}

/* The actor's copy of @frame (built by build_frame from @data): the same
 * bytes with "txn_id" added as data's last member, as a second build would
 * write them, without building and writing the whole frame again. NULL
 * when that shape cannot be vouched for. */
static char *
frame_with_txn_id (const char *frame,
                   JsonObject *data,
                   const char *txn_id)
{
  gsize len = strlen (frame);
  g_autofree char *quoted = NULL;
  GString *out;

  if (json_object_get_size (data) == 0 || json_object_has_member (data, "txn_id") ||
      len < 2 || strcmp (frame + len - 2, "}}") != 0)
    return NULL;
  quoted = quote_string (txn_id);
  out = g_string_sized_new (len + strlen (quoted) + 12);
  g_string_append_len (out, frame, len - 2);
  g_string_append (out, ",\"txn_id\":");
  g_string_append (out, quoted);
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}

char *
cs_model_ack_text (CsCtx      *ctx,
                   const char *txn_id)
{
  CsEvent *ev = NULL;
  g_autofree char *head = NULL;
  g_autofree char *quoted = NULL;
  gsize len, head_len;
  GString *out;

  for (guint i = ctx->events->len; i > 0 && ev == NULL; i--)
    {
      CsEvent *e = g_ptr_array_index (ctx->events, i - 1);

      if (e->own_frame && g_str_equal (e->type, "message.new") && g_strcmp0 (e->actor_id, ctx->user_id) == 0)
        ev = e;
    }
  if (ev == NULL || ev->room_id == NULL)
    return NULL;
  /* The frame as build_frame wrote it: type, seq, room_id, then data; a
   * room id that would need escaping does not match, and the ack is
   * built from the object instead. */
  head = g_strdup_printf ("{\"type\":\"message.new\",\"seq\":%" G_GINT64_FORMAT ",\"room_id\":\"%s\",\"data\":{",
                          ev->seq, ev->room_id);
  head_len = strlen (head);
  len = strlen (ev->own_frame);
  if (len < head_len + 2 || strncmp (ev->own_frame, head, head_len) != 0 ||
      strcmp (ev->own_frame + len - 2, "}}") != 0)
    return NULL;
  quoted = quote_string (txn_id);
  out = g_string_sized_new (len + strlen (quoted) + 32);
  g_string_append (out, "{\"type\":\"ack\",\"txn_id\":");
  g_string_append (out, quoted);
  g_string_append (out, ",\"message\":");
  /* data, from its opening brace to the frame's last one, left out */
  g_string_append_len (out, ev->own_frame + head_len - 1, len - head_len);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
cs_model_event_frame (const char *payload,
                      const char *type,
                      const char *actor_id,
                      const char *txn_id,
                      const char *viewer_id)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *frame;
  JsonObject *data;
  JsonObject *message;

  if (txn_id == NULL || g_strcmp0 (actor_id, viewer_id) != 0)
    return g_strdup (payload);
  root = cau_json_parse_node (payload, -1, CAU_JSON_MAX_BYTES, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (payload);
  frame = json_node_get_object (root);
  data = json_object_get_object_member (frame, "data");
  message = data && json_object_has_member (data, "message") ? json_object_get_object_member (data, "message") : data;
  if (message)
    json_object_set_string_member (message, "txn_id", txn_id);
  return cau_json_to_string (root);
}

gint64
cs_model_emit (CsCtx      *ctx,
               gint64      seq,
               const char *type,
               const char *room_id,
               const char *user_id,
               JsonObject *data,
               const char *actor_id,
               const char *txn_id)
{
  CsEvent *ev;

  g_assert (ctx->in_write);
  if (seq == 0)
    seq = cs_store_next_seq (ctx->store);

  ev = g_new0 (CsEvent, 1);
  ev->ref_count = 1;
  ev->seq = seq;
  ev->type = g_strdup (type);
  ev->tenant_id = g_strdup (ctx->tenant_id);
  ev->room_id = g_strdup (room_id);
  ev->user_id = g_strdup (user_id);
  ev->frame = build_frame (type, seq, room_id, data);
  if (actor_id && txn_id)
    {
      /* The actor's copy differs by one member, added to the bytes. */
      ev->actor_id = g_strdup (actor_id);
      ev->own_frame = frame_with_txn_id (ev->frame, data, txn_id);
      if (ev->own_frame == NULL)
        {
          json_object_set_string_member (data, "txn_id", txn_id);
          ev->own_frame = build_frame (type, seq, room_id, data);
          json_object_remove_member (data, "txn_id");
        }
    }

  if (user_id)
    {
      const char *one[] = { user_id, NULL };

      ev->recipients = cs_ids_new (one);
    }
  else
    ev->recipients = cs_members_ids (ctx->db, room_id);

  if (!cs_events_append (ctx->db, seq, ctx->tenant_id, room_id, user_id, type, ev->frame,
                         actor_id, txn_id, cau_time_now_ms ()))
    {
      cs_event_unref (ev);
      cs_ctx_fail_db (ctx, "logging an event");
      return 0;
    }
  g_ptr_array_add (ctx->events, ev);
  return seq;
}
