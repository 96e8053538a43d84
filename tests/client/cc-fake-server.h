/* cc-fake-server.h: a small in-process SoupServer speaking the part of
 * API.md the outbox uses (POST /api/rooms/{id}/messages, idempotent by
 * txn_id), with switches to lose answers and refuse rooms. For tests that
 * must not depend on the real server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

typedef struct {
  SoupServer *server;
  char       *url;
  GPtrArray  *stored;         /* JsonObject messages in arrival order */
  guint       posts;          /* every POST, duplicates included */
  guint       lose_answers;   /* store, then answer 500 this many times */
  guint       fail_before;    /* answer 503 without storing this many times */
  const char *refused_room;   /* 403 for this room */
} CcFakeServer;

static JsonObject *
cc_fake_find_txn (CcFakeServer *fake, const char *txn_id)
{
  for (guint i = 0; i < fake->stored->len; i++)
    {
      JsonObject *m = g_ptr_array_index (fake->stored, i);

      if (g_strcmp0 (json_object_get_string_member (m, "txn_id"), txn_id) == 0)
        return m;
    }
  return NULL;
}

static void
cc_fake_reply (SoupServerMessage *msg, guint status, JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), obj);
  g_autofree char *text = json_to_string (node, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
cc_fake_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                 GHashTable *query, gpointer user_data)
{
  CcFakeServer *fake = user_data;
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  SoupMessageBody *req = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body, *message;
  const char *txn_id;

  /* "", "api", "rooms", ROOM, "messages" */
  if (g_strv_length (parts) != 5 || strcmp (soup_server_message_get_method (msg), "POST") != 0 ||
      !json_parser_load_from_data (parser, req->data, req->length, NULL))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  fake->posts++;
  if (fake->fail_before > 0)
    {
      fake->fail_before--;
      soup_server_message_set_status (msg, 503, NULL);
      return;
    }
  if (g_strcmp0 (parts[3], fake->refused_room) == 0)
    {
      g_autoptr(JsonObject) err = json_object_new ();
      g_autoptr(JsonObject) wrap = json_object_new ();

      json_object_set_string_member (err, "code", "forbidden");
      json_object_set_string_member (err, "message", "You cannot write in this room.");
      json_object_set_object_member (wrap, "error", g_steal_pointer (&err));
      cc_fake_reply (msg, 403, wrap);
      return;
    }
  body = json_node_get_object (json_parser_get_root (parser));
  txn_id = json_object_get_string_member (body, "txn_id");
  message = cc_fake_find_txn (fake, txn_id);
  if (message != NULL)
    {
      cc_fake_reply (msg, 200, message);
      return;
    }
  message = json_object_new ();
  json_object_set_string_member (message, "id", g_uuid_string_random ());
  json_object_set_string_member (message, "room_id", parts[3]);
  json_object_set_int_member (message, "seq", fake->stored->len + 1);
  json_object_set_string_member (message, "kind", "text");
  json_object_set_string_member (message, "body", json_object_get_string_member (body, "body"));
  json_object_set_string_member (message, "txn_id", txn_id);
  json_object_set_string_member (message, "created_at", "2026-11-21T08:00:00.000Z");
  g_ptr_array_add (fake->stored, message);
  if (fake->lose_answers > 0)
    {
      fake->lose_answers--;
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }
  cc_fake_reply (msg, 201, message);
}

static inline CcFakeServer *
cc_fake_server_new (void)
{
  CcFakeServer *fake = g_new0 (CcFakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->stored = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, "/api/rooms", cc_fake_handler, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return fake;
}

static inline void
cc_fake_server_free (CcFakeServer *fake)
{
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  g_ptr_array_unref (fake->stored);
  g_free (fake->url);
  g_free (fake);
}

static inline const char *
cc_fake_body (CcFakeServer *fake, guint i)
{
  return json_object_get_string_member (g_ptr_array_index (fake->stored, i), "body");
}
