/* cs-agents-private.h: what the runner (cs-agents.c) and its writer jobs
 * (cs-agents-jobs.c) share.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-agents.h"

G_BEGIN_DECLS

typedef enum {
  JOB_START,
  JOB_GROW,
  JOB_END,
} JobKind;

/* What a writer job reads and fills: copies, so that the main context
 * and the writer never share the invocation. */
typedef struct {
  JobKind   kind;
  CsConfig *config;
  char     *agent_id;
  char     *room_id;
  char     *mention_id;
  char     *requested_by;
  gboolean  refused;           /* JOB_START: answered at once with @error */
  const char *status;
  char     *body;
  char     *error;
  gint64    answer_seq;
  char     *answer_id;
  gint64    prompt_tokens;
  gint64    completion_tokens;
  gboolean  usage_known;
  /* out */
  gboolean  go;                /* JOB_START: ask the endpoint */
  char     *request;
  gsize     prompt_chars;
  gboolean  gone;              /* the answer was deleted */
} Job;


void        _cs_agents_job_free      (Job        *job);
/* @text parsed as a JSON object, or NULL. */
JsonObject *_cs_agents_parse_object  (const char *text);
/* @member of @obj when it is an object, else NULL. */
JsonObject *_cs_agents_member_object (JsonObject *obj,
                                      const char *member);

/* Writer jobs; ctx->input is the Job (none for recover, which ends answers
 * left streaming: all, or with ctx->params[0] those created before it). */
void        _cs_agents_start_job     (CsCtx      *ctx);   /* JOB_START */
void        _cs_agents_grow_job      (CsCtx      *ctx);   /* JOB_GROW, JOB_END */
void        _cs_agents_recover_job   (CsCtx      *ctx);

G_END_DECLS
