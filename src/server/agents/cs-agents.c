/* cs-agents.c: the runner of agents' answers (cs-agents.h).
 *
 * One invocation: a committed message.new mentions an agent (the mention
 * parser only finds members of the room, so the agent is one). A writer
 * job checks it still is, stores the answer at once (empty, streaming) and
 * builds the prompt from that room's latest messages; the request goes out
 * with SoupSession on the main context; the streamed body is read 4 KiB at
 * a time into a bounded line buffer; the answer grows through writer jobs
 * at most every FLUSH_MS, one at a time; a final job ends it (streaming
 * false, agent_error on failure) and writes the agent.invoke audit entry.
 * The writer jobs are in cs-agents-jobs.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-agents"

#include "cs-agents-private.h"
#include "cs-store.h"
#include "cs-rate-limit.h"
#include "cau-json.h"
#include "cau-time.h"
#include "cau-validate.h"

#include <libsoup/soup.h>
#include <string.h>

#define FLUSH_MS        250            /* at most about four edits a second */
#define READ_CHUNK      4096
#define LINE_MAX_BYTES  (64 * 1024)    /* one server-sent event line */

typedef struct _Invocation Invocation;

struct _CsAgents {
  CsConfig    *config;
  CsStore     *store;
  CsPresence  *presence;
  CsBus       *bus;
  SoupSession *session;
  CsRateLimit *limit;          /* invocations per person */
  GHashTable  *active;         /* Invocation* set */
  guint        sweep_id;       /* a shared store: answers other nodes left streaming */
};

struct _Invocation {
  CsAgents     *owner;         /* NULL once the runner is gone */
  char         *tenant_id;
  char         *agent_id;
  char         *room_id;
  char         *mention_id;
  char         *requested_by;
  char         *answer_id;
  gint64        answer_seq;
  char         *request;       /* the JSON body sent */
  gsize         prompt_chars;

  SoupMessage  *msg;
  GInputStream *stream;
  GCancellable *cancel;
  guint         timeout_id;
  guint         flush_id;
  char          buf[READ_CHUNK];
  GString      *line;
  GString      *answer;
  glong         answer_chars;

  gboolean      dirty;         /* the answer grew since the last write */
  gboolean      writing;       /* a writer job is in flight */
  gboolean      ending;        /* the final write is due or done */
  gboolean      end_sent;      /* the final write was submitted */
  gboolean      timed_out;
  const char   *status;        /* "ok", "error", "timeout", "cancelled" ... */
  char         *error;         /* agent_error, or NULL */
  gint64        prompt_tokens;
  gint64        completion_tokens;
  gboolean      usage_known;
  guint         pending;       /* a send or a read in flight */
  gboolean      dead;          /* done: freed once nothing is in flight */
};

static void
invocation_free (Invocation *inv)
{
  g_clear_handle_id (&inv->timeout_id, g_source_remove);
  g_clear_handle_id (&inv->flush_id, g_source_remove);
  g_clear_object (&inv->stream);
  g_clear_object (&inv->msg);
  g_clear_object (&inv->cancel);
  g_free (inv->tenant_id);
  g_free (inv->agent_id);
  g_free (inv->room_id);
  g_free (inv->mention_id);
  g_free (inv->requested_by);
  g_free (inv->answer_id);
  g_free (inv->request);
  g_free (inv->error);
  g_string_free (inv->line, TRUE);
  g_string_free (inv->answer, TRUE);
  g_free (inv);
}

static void
maybe_free (Invocation *inv)
{
  if (inv->dead && inv->pending == 0 && !inv->writing)
    invocation_free (inv);
}

/* Removes @inv from its runner; it is freed once its last callback ran.
 * (After cs_agents_free, callbacks still due leave it be: the process is
 * stopping.) */
static void
invocation_done (Invocation *inv)
{
  if (inv->owner)
    g_hash_table_remove (inv->owner->active, inv);
  inv->dead = TRUE;
  maybe_free (inv);
}

static CsCtx *
new_ctx (CsAgents   *agents,
         const char *tenant_id,
         const char *user_id)
{
  CsCtx *ctx = cs_ctx_new (agents->config, agents->store, agents->presence);

  ctx->tenant_id = g_strdup (tenant_id);
  ctx->user_id = g_strdup (user_id);
  return ctx;
}

static Job *
job_for (Invocation *inv,
         JobKind     kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->config = inv->owner ? inv->owner->config : NULL;
  job->agent_id = g_strdup (inv->agent_id);
  job->room_id = g_strdup (inv->room_id);
  job->mention_id = g_strdup (inv->mention_id);
  job->requested_by = g_strdup (inv->requested_by);
  job->answer_seq = inv->answer_seq;
  job->answer_id = g_strdup (inv->answer_id);
  job->status = inv->status;
  job->error = g_strdup (inv->error);
  job->prompt_tokens = inv->prompt_tokens;
  job->completion_tokens = inv->completion_tokens;
  job->usage_known = inv->usage_known;
  return job;
}

/* ---- the stream ----------------------------------------------------------- */

static void read_more (Invocation *inv);
static void submit_write (Invocation *inv);

static char *
answer_text (Invocation *inv)
{
  if (inv->error == NULL)
    return g_strdup (inv->answer->str);
  if (inv->answer->len == 0)
    return g_strdup_printf ("I could not answer: %s", inv->error);
  return g_strdup_printf ("%s\n\n(The answer was cut short: %s)", inv->answer->str, inv->error);
}

/* Ends the invocation with @status and, on failure, @error (a sentence). */
static void
finish (Invocation *inv,
        const char *status,
        const char *error)
{
  if (inv->ending)
    return;
  inv->ending = TRUE;
  inv->status = status;
  inv->error = g_strdup (error);
  g_clear_handle_id (&inv->timeout_id, g_source_remove);
  g_clear_handle_id (&inv->flush_id, g_source_remove);
  g_cancellable_cancel (inv->cancel);
  if (!inv->usage_known)
    {
      inv->prompt_tokens = (gint64) (inv->prompt_chars + 3) / 4;
      inv->completion_tokens = (gint64) (inv->answer->len + 3) / 4;
    }
  if (!inv->writing)
    submit_write (inv);
}

static void
write_done (CsCtx   *ctx,
            gpointer data)
{
  Invocation *inv = data;
  Job *job = ctx->input;
  gboolean end = job->kind == JOB_END;
  gboolean gone = job->gone;

  _cs_agents_job_free (job);
  ctx->input = NULL;
  inv->writing = FALSE;
  if (inv->owner == NULL)
    return;
  if (end)
    {
      invocation_done (inv);
      return;
    }
  if (gone)
    {
      finish (inv, "deleted", NULL);
      return;
    }
  if (inv->ending)
    submit_write (inv);
}

static void
submit_write (Invocation *inv)
{
  Job *job = job_for (inv, inv->ending ? JOB_END : JOB_GROW);
  CsCtx *ctx = new_ctx (inv->owner, inv->tenant_id, inv->requested_by);

  job->body = answer_text (inv);
  inv->dirty = FALSE;
  inv->writing = TRUE;
  inv->end_sent = inv->ending;
  ctx->input = job;
  cs_store_submit (inv->owner->store, CS_JOB_WRITE, _cs_agents_grow_job, ctx, write_done, inv);
}

static gboolean
flush_cb (gpointer data)
{
  Invocation *inv = data;

  inv->flush_id = 0;
  if (inv->ending || !inv->dirty)
    return G_SOURCE_REMOVE;
  if (inv->writing)
    inv->flush_id = g_timeout_add (FLUSH_MS / 2, flush_cb, inv);
  else
    submit_write (inv);
  return G_SOURCE_REMOVE;
}

static void
grew (Invocation *inv)
{
  inv->dirty = TRUE;
  if (inv->flush_id == 0)
    inv->flush_id = g_timeout_add (FLUSH_MS, flush_cb, inv);
}

/* One "data: {...}" line of the stream. FALSE when the stream is over. */
static gboolean
take_line (Invocation *inv,
           char       *line)
{
  g_autoptr(JsonObject) event = NULL;
  JsonObject *usage;
  JsonArray *choices;

  g_strchomp (line);
  if (!g_str_has_prefix (line, "data:"))
    return TRUE;           /* comments, "event:", blank lines */
  line = g_strchug (line + 5);
  if (g_str_equal (line, "[DONE]"))
    {
      finish (inv, "ok", NULL);
      return FALSE;
    }
  event = _cs_agents_parse_object (line);
  if (event == NULL)
    return TRUE;
  if (json_object_has_member (event, "error"))
    {
      finish (inv, "error", "The model's endpoint reported an error.");
      return FALSE;
    }
  usage = _cs_agents_member_object (event, "usage");
  if (usage)
    {
      inv->prompt_tokens = json_object_get_int_member_with_default (usage, "prompt_tokens", 0);
      inv->completion_tokens = json_object_get_int_member_with_default (usage, "completion_tokens", 0);
      inv->usage_known = TRUE;
    }
  choices = json_object_has_member (event, "choices") &&
            JSON_NODE_HOLDS_ARRAY (json_object_get_member (event, "choices"))
            ? json_object_get_array_member (event, "choices") : NULL;
  if (choices && json_array_get_length (choices) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    {
      JsonObject *delta = _cs_agents_member_object (json_array_get_object_element (choices, 0), "delta");
      JsonNode *content = delta ? json_object_get_member (delta, "content") : NULL;

      if (content && JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
        {
          const char *piece = json_node_get_string (content);
          glong n = g_utf8_strlen (piece, -1);

          /* An answer is a message: it stops at the body's limit. */
          if (inv->answer_chars + n > CAU_LIMIT_BODY_CHARS)
            {
              const char *cut = g_utf8_offset_to_pointer (piece, CAU_LIMIT_BODY_CHARS - inv->answer_chars);

              g_string_append_len (inv->answer, piece, cut - piece);
              inv->answer_chars = CAU_LIMIT_BODY_CHARS;
              finish (inv, "ok", NULL);
              return FALSE;
            }
          if (n > 0)
            {
              g_string_append (inv->answer, piece);
              inv->answer_chars += n;
              grew (inv);
            }
        }
    }
  return TRUE;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Invocation *inv = data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  inv->pending--;
  if (inv->dead)
    {
      maybe_free (inv);
      return;
    }
  if (inv->owner == NULL || inv->ending)
    return;
  if (n < 0)
    {
      if (inv->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        finish (inv, "timeout", "The model took too long to answer.");
      else
        finish (inv, "error", "The connection to the model's endpoint failed while it answered.");
      return;
    }
  if (n == 0)
    {
      /* Some servers close without [DONE]: what came is the answer. */
      if (inv->answer->len > 0)
        finish (inv, "ok", NULL);
      else
        finish (inv, "error", "The model's endpoint ended without an answer.");
      return;
    }
  for (gssize i = 0; i < n; i++)
    {
      char c = inv->buf[i];

      if (c != '\n')
        {
          /* A hostile endpoint must not grow memory without bound. */
          if (inv->line->len >= LINE_MAX_BYTES)
            {
              finish (inv, "error", "The model's endpoint sent a line longer than 64 KiB.");
              return;
            }
          g_string_append_c (inv->line, c);
          continue;
        }
      if (!take_line (inv, inv->line->str))
        return;
      g_string_truncate (inv->line, 0);
    }
  read_more (inv);
}

static void
read_more (Invocation *inv)
{
  inv->pending++;
  g_input_stream_read_async (inv->stream, inv->buf, sizeof inv->buf, G_PRIORITY_DEFAULT, inv->cancel,
                             read_cb, inv);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Invocation *inv = data;
  g_autoptr(GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  guint status;

  inv->pending--;
  if (inv->dead || inv->owner == NULL || inv->ending)
    {
      g_clear_object (&stream);
      maybe_free (inv);
      return;
    }
  if (stream == NULL)
    {
      if (inv->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        finish (inv, "timeout", "The model took too long to answer.");
      else
        {
          /* The cause, for the operator; never the request's headers. */
          g_message ("Agent %s: the endpoint could not be reached: %s", inv->agent_id, error->message);
          finish (inv, "error", "The model's endpoint could not be reached.");
        }
      return;
    }
  inv->stream = stream;
  status = soup_message_get_status (inv->msg);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *sentence = g_strdup_printf ("The model's endpoint answered with HTTP status %u.", status);

      g_message ("Agent %s: the endpoint answered %u", inv->agent_id, status);
      finish (inv, "error", sentence);
      return;
    }
  read_more (inv);
}

static gboolean
timeout_cb (gpointer data)
{
  Invocation *inv = data;

  inv->timeout_id = 0;
  inv->timed_out = TRUE;
  g_cancellable_cancel (inv->cancel);
  finish (inv, "timeout", "The model took too long to answer.");
  return G_SOURCE_REMOVE;
}

static void
send_request (Invocation *inv)
{
  CsConfig *config = inv->owner->config;
  g_autofree char *url = g_strconcat (config->agents_endpoint, config->agents_path, NULL);
  g_autoptr(GBytes) body = g_bytes_new (inv->request, strlen (inv->request));
  SoupMessageHeaders *headers;

  inv->msg = soup_message_new ("POST", url);
  if (inv->msg == NULL)
    {
      finish (inv, "error", "The model's endpoint address is not valid.");
      return;
    }
  headers = soup_message_get_request_headers (inv->msg);
  soup_message_headers_replace (headers, "Accept", "text/event-stream");
  if (config->agents_api_key)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", config->agents_api_key, NULL);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  soup_message_set_request_body_from_bytes (inv->msg, "application/json", body);
  inv->timeout_id = g_timeout_add_seconds (config->agents_timeout_s, timeout_cb, inv);
  inv->pending++;
  soup_session_send_async (inv->owner->session, inv->msg, G_PRIORITY_DEFAULT, inv->cancel, sent_cb, inv);
}

static void
start_done (CsCtx   *ctx,
            gpointer data)
{
  Invocation *inv = data;
  Job *job = ctx->input;

  ctx->input = NULL;
  inv->writing = FALSE;
  if (inv->owner == NULL)
    {
      _cs_agents_job_free (job);
      return;
    }
  if (!job->go || ctx->error)
    {
      _cs_agents_job_free (job);
      invocation_done (inv);
      return;
    }
  inv->answer_seq = job->answer_seq;
  inv->answer_id = g_steal_pointer (&job->answer_id);
  inv->request = g_steal_pointer (&job->request);
  inv->prompt_chars = job->prompt_chars;
  _cs_agents_job_free (job);
  if (inv->ending)
    {
      /* The mention was deleted before the answer began. */
      inv->ending = FALSE;
      finish (inv, "deleted", "The message the agent was answering was deleted.");
      return;
    }
  send_request (inv);
}

/* ---- the bus ----------------------------------------------------------------- */

static void
invoke (CsAgents   *agents,
        const char *tenant_id,
        const char *agent_id,
        const char *room_id,
        const char *mention_id,
        const char *requested_by)
{
  Invocation *inv = g_new0 (Invocation, 1);
  CsCtx *ctx;
  Job *job;
  guint wait_s;

  inv->owner = agents;
  inv->tenant_id = g_strdup (tenant_id);
  inv->agent_id = g_strdup (agent_id);
  inv->room_id = g_strdup (room_id);
  inv->mention_id = g_strdup (mention_id);
  inv->requested_by = g_strdup (requested_by);
  inv->cancel = g_cancellable_new ();
  inv->line = g_string_new (NULL);
  inv->answer = g_string_new (NULL);
  inv->status = "ok";
  g_hash_table_add (agents->active, inv);

  job = job_for (inv, JOB_START);
  if (agents->limit && (wait_s = cs_rate_limit_take (agents->limit, requested_by, g_get_monotonic_time ())) > 0)
    {
      job->refused = TRUE;
      job->status = "rate_limited";
      job->error = g_strdup_printf ("you asked agents too often; wait %u seconds and ask again.", wait_s);
    }
  else if (agents->config->agents_endpoint == NULL)
    {
      job->refused = TRUE;
      job->status = "no_model";
      job->error = g_strdup ("no language model is configured on this server ([agents] endpoint).");
    }
  ctx = new_ctx (agents, tenant_id, requested_by);
  ctx->input = job;
  inv->writing = TRUE;
  cs_store_submit (agents->store, CS_JOB_WRITE, _cs_agents_start_job, ctx, start_done, inv);
}

/* A message.new frame: who sent it, and which agents it mentions. */
static void
take_message (CsAgents *agents,
              CsEvent  *ev)
{
  g_autoptr(JsonObject) frame = NULL;
  JsonObject *message, *sender;
  JsonArray *mentions;
  g_autoptr(GPtrArray) asked = g_ptr_array_new ();

  /* Most messages mention no agent: no parse for those. */
  if (strstr (ev->frame, "\"agent\"") == NULL)
    return;
  frame = _cs_agents_parse_object (ev->frame);
  message = frame ? _cs_agents_member_object (frame, "data") : NULL;
  sender = message ? _cs_agents_member_object (message, "sender") : NULL;
  if (sender == NULL || g_strcmp0 (json_object_get_string_member_with_default (sender, "kind", ""), "person") != 0 ||
      !json_object_has_member (message, "mentions") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (message, "mentions")))
    return;
  mentions = json_object_get_array_member (message, "mentions");
  for (guint i = 0; i < json_array_get_length (mentions); i++)
    {
      JsonObject *m = json_array_get_object_element (mentions, i);
      const char *id;

      if (m == NULL || g_strcmp0 (json_object_get_string_member_with_default (m, "type", ""), "agent") != 0 ||
          (id = json_object_get_string_member_with_default (m, "id", NULL)) == NULL ||
          g_ptr_array_find_with_equal_func (asked, id, g_str_equal, NULL))
        continue;
      /* One answer per agent mentioned, however often. */
      g_ptr_array_add (asked, (gpointer) id);
      invoke (agents, ev->tenant_id, id, ev->room_id,
              json_object_get_string_member_with_default (message, "id", ""),
              json_object_get_string_member_with_default (sender, "id", ""));
    }
}

/* A deleted mention ends its answers; a deleted answer ends too. */
static void
take_delete (CsAgents *agents,
             CsEvent  *ev)
{
  g_autoptr(JsonObject) frame = NULL;
  JsonObject *data;
  const char *id;
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (agents->active) == 0)
    return;
  frame = _cs_agents_parse_object (ev->frame);
  data = frame ? _cs_agents_member_object (frame, "data") : NULL;
  id = data ? json_object_get_string_member_with_default (data, "id", NULL) : NULL;
  if (id == NULL)
    return;
  g_hash_table_iter_init (&iter, agents->active);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Invocation *inv = key;

      if (g_strcmp0 (inv->mention_id, id) == 0 || g_strcmp0 (inv->answer_id, id) == 0)
        {
          if (inv->answer_id == NULL)
            inv->ending = TRUE;      /* start_done ends it */
          else
            finish (inv, "deleted", "The message the agent was answering was deleted.");
        }
    }
}

/* Every committed event, whichever node stored it: a deletion on another
 * node ends an answer streamed here. */
static void
on_events (GPtrArray *events,
           gpointer   data)
{
  CsAgents *agents = data;

  for (guint i = 0; i < events->len; i++)
    {
      CsEvent *ev = g_ptr_array_index (events, i);

      if (ev->room_id && g_str_equal (ev->type, "message.delete"))
        take_delete (agents, ev);
    }
}

void
cs_agents_committed (CsAgents  *agents,
                     GPtrArray *events)
{
  for (guint i = 0; i < events->len; i++)
    {
      CsEvent *ev = g_ptr_array_index (events, i);

      if (ev->room_id && g_str_equal (ev->type, "message.new"))
        take_message (agents, ev);
    }
}

static void
on_signal (const CsSignal *signal,
           gpointer        data)
{
}

static const CsBusSubscriber subscriber = { on_events, on_signal };

/* On a store several nodes share, an answer still streaming may be another
 * node's: only one older than any invocation can last (the answer's
 * deadline, [agents] timeout_seconds, and a margin for its last write to
 * wait in its node's writer queue and for the nodes' clocks to differ by
 * a few seconds) was left by a node that stopped. The sweep is one read
 * of a partial index (messages still streaming), so every 10 s is cheap,
 * and a crashed node's answers end at most timeout_seconds + 20 s after
 * they began. */
#define SWEEP_MARGIN_S    10
#define SWEEP_INTERVAL_S  10

static char **
sweep_params (CsConfig *config)
{
  char **params = g_new0 (char *, 2);

  params[0] = g_strdup_printf ("%" G_GINT64_FORMAT,
                               cau_time_now_ms () - ((gint64) config->agents_timeout_s + SWEEP_MARGIN_S) * 1000);
  return params;
}

static gboolean
sweep_cb (gpointer data)
{
  CsAgents *agents = data;
  CsCtx *ctx;

  /* Two sweeps in a row end nothing twice: the writer runs them one
   * after the other, and the second finds the answers ended. */
  ctx = cs_ctx_new (agents->config, agents->store, agents->presence);
  ctx->params = sweep_params (agents->config);
  cs_store_submit (agents->store, CS_JOB_WRITE, _cs_agents_recover_job, ctx, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

CsAgents *
cs_agents_new (CsConfig   *config,
               CsStore    *store,
               CsPresence *presence,
               CsBus      *bus)
{
  CsAgents *agents = g_new0 (CsAgents, 1);
  CsCtx *ctx;

  agents->config = config;
  agents->store = store;
  agents->presence = presence;
  agents->bus = bus;
  agents->active = g_hash_table_new (NULL, NULL);
  if (config->agents_per_minute > 0)
    agents->limit = cs_rate_limit_new (config->agents_per_minute, config->agents_per_minute);
  /* The I/O timeout: a stream that stalls this long fails; the whole
   * answer's deadline is the invocation's own timer. */
  agents->session = soup_session_new_with_options ("timeout", config->agents_timeout_s,
                                                   "user-agent", "causerie-server",
                                                   "max-conns-per-host", 16,
                                                   NULL);
  cs_bus_subscribe (bus, &subscriber, agents);

  /* Before anything listens, and waiting for the commit (start-up, like
   * the sessions' load): no one may read an answer still "streaming". */
  ctx = cs_ctx_new (config, store, presence);
  if (config->storage_backend == CS_STORAGE_POSTGRESQL)
    {
      /* Other nodes share the store: only what no live node can still be
       * streaming, and the same now and then, for a node that died. */
      ctx->params = sweep_params (config);
      agents->sweep_id = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_cb, agents);
    }
  if (!cs_store_run_write (store, _cs_agents_recover_job, ctx))
    g_warning ("Answers a stop left streaming could not be ended: %s",
               ctx->error ? ctx->error->message : "storage failure");
  cs_ctx_free (ctx);
  return agents;
}

guint
cs_agents_active (CsAgents *agents)
{
  return g_hash_table_size (agents->active);
}

void
cs_agents_free (CsAgents *agents)
{
  g_autoptr(GList) list = NULL;

  if (agents == NULL)
    return;
  g_clear_handle_id (&agents->sweep_id, g_source_remove);
  cs_bus_unsubscribe (agents->bus, agents);
  list = g_hash_table_get_keys (agents->active);
  for (GList *l = list; l; l = l->next)
    {
      Invocation *inv = l->data;
      g_autoptr(CsCtx) ctx = NULL;
      Job *job;

      g_clear_handle_id (&inv->timeout_id, g_source_remove);
      g_clear_handle_id (&inv->flush_id, g_source_remove);
      g_cancellable_cancel (inv->cancel);
      if (inv->answer_id && !inv->end_sent)
        {
          /* Stored now, waiting for the commit: the main loop is stopping
           * and the store closes next, so this one write blocks it. */
          if (!inv->ending)
            {
              inv->ending = TRUE;
              inv->status = "interrupted";
              inv->error = g_strdup ("The server stopped before the answer was complete.");
              inv->prompt_tokens = (gint64) (inv->prompt_chars + 3) / 4;
              inv->completion_tokens = (gint64) (inv->answer->len + 3) / 4;
            }
          job = job_for (inv, JOB_END);
          job->config = agents->config;
          job->body = answer_text (inv);
          ctx = new_ctx (agents, inv->tenant_id, inv->requested_by);
          ctx->input = job;
          cs_store_run_write (agents->store, _cs_agents_grow_job, ctx);
          _cs_agents_job_free (job);
          ctx->input = NULL;
        }
      /* Callbacks may still be due: they find no owner and leave it. */
      inv->owner = NULL;
    }
  g_hash_table_unref (agents->active);
  g_clear_object (&agents->session);
  g_clear_pointer (&agents->limit, cs_rate_limit_free);
  g_free (agents);
}
