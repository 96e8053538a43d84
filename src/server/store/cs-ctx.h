/* cs-ctx.h: one unit of server work (an HTTP request, a WebSocket frame, a
 * command-line action) as the storage threads see it: its input, the
 * caller, the response it builds, and the events and audit entries it
 * produces.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cau-error.h"
#include "cs-config.h"
#include "cs-records.h"   /* CsDb: the engine's connection, opaque here */

G_BEGIN_DECLS

typedef struct _CsStore CsStore;
typedef struct _CsPresence CsPresence;
typedef struct _CsRateLimit CsRateLimit;
typedef struct _CsSessions CsSessions;
typedef struct _CsLimits CsLimits;
typedef struct _CsSealer CsSealer;
typedef struct _CsMailer CsMailer;

/* A stored event, ready to fan out once its transaction has committed. */
typedef struct {
  gint   ref_count;
  gint64 seq;
  char  *type;
  char  *tenant_id;
  char  *room_id;     /* NULL for events aimed at one user */
  char  *user_id;     /* the one user an event is for, or NULL */
  char **recipients;  /* user ids that may see it, computed at commit (cs_ids_new) */
  char  *frame;       /* the JSON text sent to everyone */
  char  *actor_id;    /* the sender of a message.new, who alone sees ... */
  char  *own_frame;   /* ... this frame, carrying its txn_id; or NULL */
} CsEvent;

CsEvent *cs_event_ref   (CsEvent *event);
void     cs_event_unref (CsEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsEvent, cs_event_unref)

typedef struct {
  char *action;
  char *entity_type;
  char *entity_id;
  char *details;      /* JSON text or NULL */
} CsAudit;

typedef enum {
  CS_AFTER_REVOKE_SESSION,   /* arg: token hash; closes its sockets */
  CS_AFTER_REVOKE_USER,      /* arg: user id; closes all the user's sockets */
  CS_AFTER_STATUS_TEXT,      /* arg: the caller's new status text; tells the tenant */
} CsAfterKind;

typedef struct {
  CsAfterKind kind;
  char       *arg;
} CsAfter;

typedef struct _CsCtx CsCtx;
typedef void (*CsHandler) (CsCtx *ctx);

struct _CsCtx {
  /* Set by whoever submits the work. */
  CsConfig    *config;
  CsStore     *store;
  CsPresence  *presence;
  char        *method;
  char       **params;       /* path parameters, in order */
  GHashTable  *query;        /* char* -> char*, or NULL */
  GBytes      *body;
  char        *ip;
  char        *user_id;      /* the authenticated caller, or NULL */
  char        *tenant_id;
  char        *token_hash;
  CsRateLimit *message_limit; /* messages per user, or NULL: none (the CLI, system messages) */
  CsSessions  *sessions;     /* the server's live sessions, or NULL (the CLI) */
  CsLimits    *limits;       /* the server's failure windows, or NULL (the CLI) */
  CsSealer    *sealer;       /* the server's sealing key, or NULL (the CLI) */
  CsMailer    *mailer;       /* poked when an invitation is queued, or NULL */
  gpointer     input;        /* handler-specific input (owned by the submitter) */

  /* Set by the storage thread that runs the handler. */
  CsDb        *db;
  gboolean     in_write;     /* inside the writer's transaction */

  /* Output. */
  guint        status;
  JsonNode    *result;
  char        *text;         /* a non-JSON body, with content_type; for a
                              * WebSocket send, its ack frame, or NULL */
  const char  *content_type;
  GError      *error;
  guint        retry_after;
  GInputStream *file;        /* a file to stream (downloads), with ... */
  gint64       file_size;
  char        *file_type;    /* ... its Content-Type ... */
  char        *file_name;    /* ... the name to save it as ... */
  char        *file_etag;    /* ... and its entity tag, quoted */
  GPtrArray   *events;       /* CsEvent* */
  GPtrArray   *audits;       /* CsAudit* */
  GPtrArray   *after;        /* CsAfter* */
};

CsCtx   *cs_ctx_new            (CsConfig   *config,
                                CsStore    *store,
                                CsPresence *presence);
void     cs_ctx_free           (CsCtx      *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCtx, cs_ctx_free)

/* Sets the error response; returns FALSE so handlers can `return cs_ctx_fail (...)`. */
gboolean cs_ctx_fail           (CsCtx       *ctx,
                                CauErrorCode code,
                                const char  *format,
                                ...) G_GNUC_PRINTF (3, 4);
gboolean cs_ctx_fail_error     (CsCtx       *ctx,
                                GError      *error);
/* A storage failure: logged with the engine's message (on the writer, by
 * the store: see CsEngine.note_failure), answered as internal. */
gboolean cs_ctx_fail_db        (CsCtx       *ctx,
                                const char  *what);
/* The same answer, not logged: for the jobs of a batch that failed as a whole. */
gboolean cs_ctx_fail_storage   (CsCtx       *ctx);
void     cs_ctx_reply          (CsCtx       *ctx,
                                guint        status,
                                JsonNode    *result);
/* Takes ownership of @obj. */
void     cs_ctx_reply_object   (CsCtx       *ctx,
                                guint        status,
                                JsonObject  *obj);
void     cs_ctx_reply_empty    (CsCtx       *ctx);
/* Parses the JSON body (NULL and an error response on failure). */
JsonObject *cs_ctx_body_object (CsCtx       *ctx);
const char *cs_ctx_query       (CsCtx       *ctx,
                                const char  *name);
/* A true/false query parameter ("true", "false", "1", "0"; absent is
 * FALSE). FALSE with a 400 for anything else. */
gboolean cs_ctx_query_bool     (CsCtx       *ctx,
                                const char  *name,
                                gboolean    *out_value);
void     cs_ctx_audit          (CsCtx       *ctx,
                                const char  *action,
                                const char  *entity_type,
                                const char  *entity_id,
                                JsonObject  *details);
void     cs_ctx_after          (CsCtx       *ctx,
                                CsAfterKind  kind,
                                const char  *arg);
/* Drops events, audits and results after a failure or a rollback; keeps the
 * error. Audit entries recorded with @keep_audit survive. */
void     cs_ctx_discard_effects (CsCtx      *ctx);

G_END_DECLS
