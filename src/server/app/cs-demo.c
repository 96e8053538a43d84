/* cs-demo.c: a demo organisation with people, rooms and a conversation
 * that reads like a real team's.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-demo"

#include "cs-demo.h"
#include "cs-messages.h"
#include "cs-api.h"
#include "cs-auth.h"
#include "cs-model.h"
#include "cau-json.h"
#include "cau-time.h"

#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD_DEFAULT "causerie-demo"

static const struct {
  const char *key, *name, *email, *role;
} people[] = {
  { "alice", "Alice Martin",  "alice@demo.causerie.org",  "admin" },
  { "bruno", "Bruno Petit",   "bruno@demo.causerie.org",  "member" },
  { "chloe", "Chloé Durand",  "chloe@demo.causerie.org",  "member" },
  { "david", "David Lambert", "david@demo.causerie.org",  "member" },
  { "emma",  "Emma Rossi",    "emma@partner.example.com", "guest" },
};

typedef struct {
  const char *password_hash;
  GHashTable *ids;      /* key -> user id; room key -> room id */
} Demo;

static void
as_user (CsCtx      *ctx,
         Demo       *demo,
         const char *key)
{
  g_free (ctx->user_id);
  ctx->user_id = g_strdup (g_hash_table_lookup (demo->ids, key));
}

static gboolean
create_room (CsCtx      *ctx,
             Demo       *demo,
             const char *key,
             const char *type,
             const char *name,
             const char *description,
             const char *const *members)
{
  g_autoptr(JsonObject) body = json_object_new ();
  JsonArray *ids = json_array_new ();
  g_autofree char *text = NULL;
  const char *room_id;

  json_object_set_string_member (body, "type", type);
  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "description", description);
  for (int i = 0; members[i]; i++)
    json_array_add_string_element (ids, g_hash_table_lookup (demo->ids, members[i]));
  json_object_set_array_member (body, "member_ids", ids);
  text = cau_json_object_to_string (body);
  g_clear_pointer (&ctx->body, g_bytes_unref);
  ctx->body = g_bytes_new (text, strlen (text));
  cs_api_rooms_create (ctx);
  if (ctx->error)
    return FALSE;
  room_id = json_object_get_string_member (json_node_get_object (ctx->result), "id");
  g_hash_table_insert (demo->ids, g_strdup (key), g_strdup (room_id));
  return TRUE;
}

static char *
say (CsCtx      *ctx,
     Demo       *demo,
     const char *who,
     const char *room,
     const char *body,
     const char *reply_to)
{
  g_autoptr(JsonObject) input = json_object_new ();
  g_autofree char *txn = g_uuid_string_random ();
  g_autoptr(JsonObject) message = NULL;
  gboolean created;

  as_user (ctx, demo, who);
  json_object_set_string_member (input, "txn_id", txn);
  json_object_set_string_member (input, "body", body);
  if (reply_to)
    json_object_set_string_member (input, "reply_to", reply_to);
  message = cs_api_store_message (ctx, g_hash_table_lookup (demo->ids, room), input, &created);
  if (message == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member (message, "id"));
}

static void
demo_write (CsCtx *ctx)
{
  Demo *demo = ctx->input;
  g_autofree char *tenant_id = NULL;
  g_autofree char *q = NULL;
  g_autofree char *m = NULL;
  static const char * const everyone[] = { "bruno", "chloe", "david", NULL };
  static const char * const project[] = { "bruno", "chloe", "emma", NULL };
  static const char * const none[] = { NULL };

  if (!cs_api_create_tenant (ctx, CS_DEMO_TENANT, NULL, &tenant_id))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      char *id = NULL;

      if (!cs_api_create_user (ctx, tenant_id, people[i].email, people[i].name, people[i].role,
                               demo->password_hash, &id))
        return;
      g_hash_table_insert (demo->ids, g_strdup (people[i].key), id);
    }

  as_user (ctx, demo, "alice");
  if (!create_room (ctx, demo, "general", "channel", "general", "Company-wide news and questions", everyone) ||
      !create_room (ctx, demo, "random", "channel", "random", "Coffee, lunch, and everything else", none) ||
      !create_room (ctx, demo, "website", "project", "Website relaunch",
                    "Launch of the new site on 1 December", project))
    return;

  if (!(q = say (ctx, demo, "alice", "general", "Good morning everyone! The quarterly review is on Thursday at 10:00 in the big meeting room.", NULL)) ||
      !(m = say (ctx, demo, "bruno", "general", "Thanks @Alice Martin. Will it be on video too for those working from home?", q)) ||
      !say (ctx, demo, "alice", "general", "Yes, the link is in the calendar invitation.", m) ||
      !say (ctx, demo, "david", "general", "I'll bring the croissants 🥐", NULL))
    return;
  g_clear_pointer (&q, g_free);
  if (!(q = say (ctx, demo, "chloe", "website", "The new home page mock-ups are ready. @bruno can you check the French copy before Friday?", NULL)) ||
      !say (ctx, demo, "bruno", "website", "On it. A few titles are too long for mobile; I'll shorten them.", q) ||
      !say (ctx, demo, "emma", "website", "From the agency side: we can deliver the final illustrations on Wednesday.", NULL) ||
      !say (ctx, demo, "chloe", "website", "Perfect. @room launch checklist review tomorrow at 14:00.", NULL))
    return;

  /* A direct conversation between Alice and Bruno. */
  {
    g_autofree char *body = g_strdup_printf ("{\"user_id\":\"%s\"}", (char *) g_hash_table_lookup (demo->ids, "bruno"));

    as_user (ctx, demo, "alice");
    g_clear_pointer (&ctx->body, g_bytes_unref);
    ctx->body = g_bytes_new (body, strlen (body));
    cs_api_rooms_direct (ctx);
    if (ctx->error)
      return;
    g_hash_table_insert (demo->ids, g_strdup ("dm"),
                         g_strdup (json_object_get_string_member (json_node_get_object (ctx->result), "id")));
  }
  if (!say (ctx, demo, "alice", "dm", "Bruno, do you have five minutes this afternoon to talk about the budget?", NULL) ||
      !say (ctx, demo, "bruno", "dm", "Sure, 15:30 works for me.", NULL))
    return;

  /* Spread the conversation over the last two hours, as a morning reads. */
  cs_messages_backdate (ctx->db, tenant_id, cau_time_now_ms (), 4 * 60 * 1000);
}

gboolean
cs_demo_create (CsStore  *store,
                CsConfig *config,
                GError  **error)
{
  g_autoptr(CsCtx) ctx = cs_ctx_new (config, store, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *password = g_getenv ("CAUSERIE_DEMO_PASSWORD");
  g_autofree char *hash = NULL;
  Demo demo = { 0 };

  if (password == NULL || *password == '\0')
    password = DEMO_PASSWORD_DEFAULT;
  hash = cs_auth_hash_password (password, config->kdf);
  if (hash == NULL)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Out of memory while hashing the password.");
      return FALSE;
    }
  demo.password_hash = hash;
  demo.ids = ids;
  ctx->input = &demo;
  if (!cs_store_run_write (store, demo_write, ctx))
    {
      if (g_error_matches (ctx->error, CAU_ERROR, CAU_ERROR_CONFLICT))
        printf ("The demo organisation exists already in %s.\n", config->data_dir);
      else
        {
          g_propagate_error (error, g_steal_pointer (&ctx->error));
          return FALSE;
        }
    }
  else
    printf ("Created the demo organisation in %s.\n", config->data_dir);

  printf ("\nSign in with organisation “%s” and password “%s” as:\n", CS_DEMO_TENANT, password);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    printf ("  %-14s %-28s (%s)\n", people[i].name, people[i].email, people[i].role);
  return TRUE;
}
