/* cs-agents-jobs.c: the writer jobs of agents' answers: start one (the
 * answer stored at once, the prompt built from that room only), grow and
 * end it, end those a crash left streaming; and the agent.invoke audit.
 * They run on the store's writer thread, on copies (Job) the runner made.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-agents"

#include "cs-agents-private.h"
#include "cs-model.h"
#include "cs-messages.h"
#include "cs-rooms.h"
#include "cs-users.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-time.h"

#include <string.h>

JsonObject *
_cs_agents_parse_object (const char *text)
{
  return text ? cau_json_parse_object (text, strlen (text), NULL) : NULL;
}

JsonObject *
_cs_agents_member_object (JsonObject *obj,
                          const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

void
_cs_agents_job_free (Job *job)
{
  g_free (job->agent_id);
  g_free (job->room_id);
  g_free (job->mention_id);
  g_free (job->requested_by);
  g_free (job->body);
  g_free (job->error);
  g_free (job->answer_id);
  g_free (job->request);
  g_free (job);
}

static gboolean
emit_answer (CsCtx      *ctx,
             const char *type,
             gint64      seq,
             const char *answer_id,
             const char *room_id)
{
  g_autoptr(JsonObject) message = cs_model_message (ctx, answer_id, NULL);

  return message != NULL && cs_model_emit (ctx, seq, type, room_id, NULL, message, NULL, NULL) != 0;
}

static void
audit_invoke (CsCtx *ctx,
              Job   *job)
{
  JsonObject *d = json_object_new ();

  json_object_set_string_member (d, "agent_id", job->agent_id);
  json_object_set_string_member (d, "room_id", job->room_id);
  json_object_set_string_member (d, "message_id", job->mention_id);
  cau_json_set_string_or_null (d, "answer_id", job->answer_id);
  json_object_set_string_member (d, "requested_by", job->requested_by);
  json_object_set_string_member (d, "status", job->status);
  json_object_set_int_member (d, "prompt_tokens", job->prompt_tokens);
  json_object_set_int_member (d, "completion_tokens", job->completion_tokens);
  /* "reported" by the endpoint's usage, or "estimated" at four
   * characters a token when it sent none. */
  json_object_set_string_member (d, "tokens", job->usage_known ? "reported" : "estimated");
  cs_ctx_audit (ctx, "agent.invoke", "user", job->agent_id, d);
}

/* The chat-completions request: the agent's system prompt with where it
 * speaks, then the room's latest messages up to the mention, as turns. */
static char *
build_request (CsCtx        *ctx,
               Job          *job,
               const CsUser *agent,
               gint64        mention_seq,
               gsize        *out_chars)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(CsRoom) room = cs_rooms_get (ctx->db, ctx->tenant_id, job->room_id, job->agent_id);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *turns = json_array_new ();
  JsonObject *system = json_object_new ();
  JsonObject *options;
  GString *text = g_string_new (agent->system_prompt ? agent->system_prompt : "");
  const char *model = agent->model ? agent->model : job->config->agents_model;
  guint n = MAX (job->config->agents_context_messages, 1);
  gsize chars = 0;

  if (text->len)
    g_string_append (text, "\n\n");
  g_string_append_printf (text, "You are %s (@%s), a member of the room “%s” in a team chat. "
                          "Answer the last message, which mentions you.",
                          agent->display_name, agent->handle ? agent->handle : "",
                          room && room->name ? room->name : "");
  if (room && room->description && room->description[0])
    g_string_append_printf (text, "\nThe room's description: %s", room->description);
  if (room && room->context)
    {
      g_autoptr(JsonObject) c = _cs_agents_parse_object (room->context);
      const char *label = c && json_object_has_member (c, "label") ? json_object_get_string_member (c, "label") : NULL;

      if (c)
        g_string_append_printf (text, "\nThe room discusses %s %s%s%s%s.",
                                json_object_get_string_member_with_default (c, "entity_type", ""),
                                json_object_get_string_member_with_default (c, "entity_id", ""),
                                label ? " (" : "", label ? label : "", label ? ")" : "");
    }
  json_object_set_string_member (system, "role", "system");
  json_object_set_string_member (system, "content", text->str);
  chars += text->len;
  g_string_free (text, TRUE);
  json_array_add_object_element (turns, system);

  /* That room only, the mention last; newest first from the store. */
  rows = cs_messages_page (ctx->db, job->room_id, CS_PAGE_BEFORE, mention_seq + 1, n);
  for (guint i = rows->len; i > 0; i--)
    {
      CsMessage *m = g_ptr_array_index (rows, i - 1);
      JsonObject *turn;

      if (m->deleted || m->sender_id == NULL || m->body == NULL || m->body[0] == '\0')
        continue;
      turn = json_object_new ();
      if (g_str_equal (m->sender_id, job->agent_id))
        {
          json_object_set_string_member (turn, "role", "assistant");
          json_object_set_string_member (turn, "content", m->body);
          chars += strlen (m->body);
        }
      else
        {
          g_autofree char *content = g_strdup_printf ("%s: %s", m->sender_name ? m->sender_name : "Someone", m->body);

          json_object_set_string_member (turn, "role", "user");
          json_object_set_string_member (turn, "content", content);
          chars += strlen (content);
        }
      json_array_add_object_element (turns, turn);
    }

  if (model && model[0])
    json_object_set_string_member (root, "model", model);
  json_object_set_boolean_member (root, "stream", TRUE);
  options = json_object_new ();
  json_object_set_boolean_member (options, "include_usage", TRUE);
  json_object_set_object_member (root, "stream_options", options);
  json_object_set_array_member (root, "messages", turns);
  *out_chars = chars;
  node = json_node_init_object (json_node_alloc (), root);
  return cau_json_to_string (node);
}

void
_cs_agents_start_job (CsCtx *ctx)
{
  Job *job = ctx->input;
  g_autoptr(CsUser) agent = cs_agents_get (ctx->db, ctx->tenant_id, job->agent_id);
  g_autoptr(CsMessage) mention = cs_messages_get (ctx->db, ctx->tenant_id, job->mention_id);
  g_autofree char *role = cs_members_role (ctx->db, job->room_id, job->agent_id);
  g_autofree char *body = NULL;
  CsMessage m = { 0 };

  /* Removed since, or out of the room since: no answer, no request. */
  if (agent == NULL || role == NULL || mention == NULL || mention->deleted)
    return;
  if (job->refused)
    body = g_strdup_printf ("I cannot answer: %s", job->error);
  job->answer_seq = cs_store_next_seq (ctx->store);
  job->answer_id = g_uuid_string_random ();
  m.seq = job->answer_seq;
  m.id = job->answer_id;
  m.room_id = job->room_id;
  m.sender_id = job->agent_id;
  m.kind = (char *) "agent";
  m.body = body ? body : (char *) "";
  m.reply_to_id = job->mention_id;
  m.mentions = (char *) "[]";
  m.created_at = cau_time_now_ms ();
  m.edited_at = CS_TIME_NONE;
  m.written_at = CS_TIME_NONE;
  m.streaming = !job->refused;
  m.agent_error = job->refused ? job->error : NULL;
  if (!cs_messages_insert (ctx->db, ctx->tenant_id, &m))
    {
      cs_ctx_fail_db (ctx, "storing an agent's answer");
      return;
    }
  if (!emit_answer (ctx, "message.new", job->answer_seq, job->answer_id, job->room_id))
    return;
  if (job->refused)
    {
      audit_invoke (ctx, job);
      return;
    }
  job->request = build_request (ctx, job, agent, mention->seq, &job->prompt_chars);
  job->go = TRUE;
}

void
_cs_agents_grow_job (CsCtx *ctx)
{
  Job *job = ctx->input;
  g_autoptr(CsMessage) answer = cs_messages_get (ctx->db, ctx->tenant_id, job->answer_id);
  gboolean end = job->kind == JOB_END;

  if (answer == NULL || answer->deleted)
    {
      /* Deleted while it streamed: nothing to show, only the flag to drop. */
      job->gone = TRUE;
      if (answer && !cs_messages_set_answer (ctx->db, job->answer_seq, answer->body, FALSE, NULL, CS_TIME_NONE))
        cs_ctx_fail_db (ctx, "ending a deleted answer");
      else if (end)
        audit_invoke (ctx, job);
      return;
    }
  /* It grows; nobody edits it: edited_at stays null. */
  if (!cs_messages_set_answer (ctx->db, job->answer_seq, job->body, !end, end ? job->error : NULL,
                               CS_TIME_NONE))
    {
      cs_ctx_fail_db (ctx, "growing an agent's answer");
      return;
    }
  if (!emit_answer (ctx, "message.edit", 0, job->answer_id, job->room_id))
    return;
  if (end)
    audit_invoke (ctx, job);
}

/* After a crash: every answer left streaming ends, saying so. With
 * ctx->params[0] (a time, ms since the epoch), only those created before
 * it: on a store several nodes share, a younger one may be streaming on
 * another node. */
void
_cs_agents_recover_job (CsCtx *ctx)
{
  g_autoptr(GPtrArray) rows = cs_messages_streaming (ctx->db);
  const char *error = "The server stopped before the answer was complete (interrupted).";
  gint64 before = ctx->params && ctx->params[0] ? g_ascii_strtoll (ctx->params[0], NULL, 10) : G_MAXINT64;
  guint ended = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      CsMessage *m = g_ptr_array_index (rows, i);
      g_autofree char *body = NULL;

      if (m->created_at >= before)
        continue;
      body = m->body && m->body[0] ? g_strdup (m->body) : g_strdup_printf ("I could not answer: %s", error);
      ended++;
      g_free (ctx->tenant_id);
      ctx->tenant_id = g_strdup (m->tenant_id);
      if (!cs_messages_set_answer (ctx->db, m->seq, body, FALSE, error, CS_TIME_NONE))
        {
          cs_ctx_fail_db (ctx, "ending an interrupted answer");
          return;
        }
      if (!emit_answer (ctx, "message.edit", 0, m->id, m->room_id))
        return;
    }
  if (ended)
    g_message ("Ended %u agent answers a stop had left streaming", ended);
}
