/* cs-records.h: what the store returns. The typed store functions
 * (cs-messages.h, ...) are the interface every storage engine implements
 * (store/sqlite/ is the one there is); the JSON layer (api/cs-model.c)
 * builds its answers from these records, never from an engine's rows.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* CsDb: the engine's connection, held by one job at a time (CsCtx.db). */
#include "cs-engine.h"

G_BEGIN_DECLS

/* A list of ids shared read-only between threads: a NULL-terminated
 * array, its strings in the same block, reference-counted (atomically),
 * so the writer's member list of a room goes out with every event of the
 * room without being copied. It reads as any GStrv; it is freed only with
 * cs_ids_unref, never g_strfreev. */
char **cs_ids_new       (const char * const *ids);
/* The same, and frees @strv (a GStrv). */
char **cs_ids_take_strv (char              **strv);
char **cs_ids_ref       (char              **ids);
void   cs_ids_unref     (char              **ids);

/* A time that is not there (a message never edited). */
#define CS_TIME_NONE G_MININT64

typedef struct {
  gint64   seq;
  char    *id;
  char    *room_id;
  char    *sender_id;       /* NULL: a system message */
  char    *sender_name;     /* NULL when the sender is not known */
  char    *kind;
  char    *body;
  char    *reply_to_id;
  char    *mentions;        /* JSON text, or NULL */
  char    *context;         /* JSON text, or NULL */
  gint64   created_at;      /* ms since the epoch */
  gint64   edited_at;       /* or CS_TIME_NONE */
  gboolean deleted;
  char    *txn_id;
  gboolean has_attachments;
  char    *system;          /* JSON text: what a system line says, or NULL */
  gint64   written_at;      /* when its sender wrote it, or CS_TIME_NONE */
  char    *sender_kind;     /* "person" or "agent"; NULL for a system message */
  gboolean streaming;       /* an agent's answer still growing */
  char    *agent_error;     /* why an agent's answer ended early, or NULL */
  char    *tenant_id;       /* filled by cs_messages_streaming () only */
} CsMessage;

void cs_message_free (CsMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMessage, cs_message_free)

/* The message a reply quotes. */
typedef struct {
  char    *id;
  char    *sender_id;
  char    *sender_name;
  char    *body;
  gboolean deleted;
} CsQuote;

void cs_quote_free (CsQuote *quote);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsQuote, cs_quote_free)

typedef struct {
  char    *id;
  char    *name;
  gint64   size;
  char    *mime_type;
  gint64   width;           /* -1: not known */
  gint64   height;          /* -1: not known */
  gboolean has_thumbnail;
} CsAttachment;

void cs_attachment_free (CsAttachment *attachment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsAttachment, cs_attachment_free)

/* A room member, as @mentions are matched against them. */
typedef struct {
  char *user_id;
  char *display_name;
  char *email;
  char *kind;               /* "person" or "agent" */
  char *handle;             /* an agent's handle, or NULL */
} CsMemberUser;

void cs_member_user_free (CsMemberUser *member);

/* How a room member wants to be notified. */
typedef struct {
  char    *user_id;
  gboolean muted;
  char    *notify;          /* "all", "mentions" or "none" */
} CsMemberPrefs;

void cs_member_prefs_free (CsMemberPrefs *prefs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMemberPrefs, cs_member_prefs_free)

typedef struct {
  char    *id;
  char    *type;
  char    *room_id;
  char    *message_id;
  char    *title;
  char    *body;
  gint64   created_at;
  gboolean read;
  gint64   message_seq;     /* 0: none */
  char    *actor_name;      /* who caused it, as stored then, or NULL */
  char    *room_name;       /* where, as stored then, or NULL */
} CsNotification;

void cs_notification_free (CsNotification *notification);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsNotification, cs_notification_free)

typedef struct {
  char    *id;
  char    *email;           /* NULL once erased */
  char    *display_name;
  char    *role;
  char    *status_text;
  gint64   last_seen_at;    /* or CS_TIME_NONE */
  gboolean deleted;
  char    *kind;            /* "person" or "agent" */
  char    *handle;          /* agents only, else NULL */
  char    *description;     /* agents only, else "" */
  char    *system_prompt;   /* agents only, else "" */
  char    *model;           /* agents only: a model of their own, or NULL */
  char    *rank;            /* the contact policy's rank, or NULL */
} CsUser;

void cs_user_free (CsUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsUser, cs_user_free)

/* A room member with their account. */
typedef struct {
  CsUser  *user;
  char    *role;
  gint64   joined_at;
  gint64   last_read_seq;
} CsMember;

void cs_member_free (CsMember *member);

/* A room as one person sees it. */
typedef struct {
  char    *id;
  char    *type;
  char    *name;
  char    *description;
  gboolean is_private;
  gboolean is_archived;
  char    *created_by;
  gint64   created_at;
  gint64   last_activity_at;  /* or CS_TIME_NONE */
  char    *context;           /* JSON text, or NULL */
  gint64   member_count;
  /* The viewer's membership: my_role is NULL when they are not a member. */
  char    *my_role;
  gint64   last_read_seq;
  gboolean muted;
  char    *notify;
} CsRoom;

void cs_room_free (CsRoom *room);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRoom, cs_room_free)

/* An event of the log, as sync replays it. */
typedef struct {
  gint64  seq;
  char   *type;
  char   *payload;          /* the frame everyone is sent */
  char   *actor_id;
  char   *txn_id;
  /* Set by cs_events_range () only (NULL from cs_events_page ()). */
  char   *tenant_id;
  char   *room_id;          /* NULL for an event aimed at one user */
  char   *user_id;          /* the one user it is for, or NULL */
} CsLoggedEvent;

void cs_logged_event_free (CsLoggedEvent *event);

/* One value of a row the store hands out as it is (an account export). */
typedef struct {
  enum { CS_CELL_NULL, CS_CELL_INT, CS_CELL_TEXT } type;
  gint64  number;
  char   *text;
} CsCell;

/* A row of cells (GArray of CsCell, freeing the texts). */
GArray *cs_cells_new (guint n);

typedef struct {
  gint64  id;
  gint64  at;
  char   *user_id;
  char   *action;
  char   *entity_type;
  char   *entity_id;
  char   *ip;
  char   *details;          /* JSON text, or NULL */
} CsAuditEntry;

void cs_audit_entry_free (CsAuditEntry *entry);

/* A live session as stored, for the table in memory. */
typedef struct {
  char  *token_hash;
  char  *user_id;
  char  *tenant_id;
  gint64 expires_at;
} CsStoredSession;

void cs_stored_session_free (CsStoredSession *session);

G_END_DECLS
