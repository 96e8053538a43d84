/* cs-pg.h: one PostgreSQL connection (libpq) with its prepared
 * statements, and the helpers the PostgreSQL engine's store functions use
 * (store/postgresql/ only).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "cs-records.h"   /* CsDb, CsEngine */

G_BEGIN_DECLS

#define CS_PG_SCHEMA_VERSION 2

extern const CsMessagesOps      cs_pg_messages_ops;
extern const CsRoomsOps         cs_pg_rooms_ops;
extern const CsUsersOps         cs_pg_users_ops;
extern const CsNotificationsOps cs_pg_notifications_ops;
extern const CsEventsOps        cs_pg_events_ops;
extern const CsInvitationsOps   cs_pg_invitations_ops;
extern const CsAttachmentsOps   cs_pg_attachments_ops;
extern const CsContextOps       cs_pg_context_ops;
extern const CsReactionsOps     cs_pg_reactions_ops;
extern const CsPolicyOps        cs_pg_policy_ops;
extern const CsRetentionOps     cs_pg_retention_ops;
extern const CsOpsOps           cs_pg_ops_ops;

/* The rows of one statement, read in order with cs_pg_next (). */
typedef struct {
  PGresult *res;
  int       row;     /* -1 before the first cs_pg_next */
  int       n;
} CsPgRes;

void      cs_pg_res_free  (CsPgRes *res);
static inline void
cs_pg_res_release (CsPgRes **res)
{
  g_clear_pointer (res, cs_pg_res_free);
}
#define CS_PG_RES __attribute__((cleanup (cs_pg_res_release))) CsPgRes *

/* Runs @sql (a static string: prepared once per connection, by its
 * address) with parameters bound by @fmt as cs_db_query does on SQLite:
 * 's' text (NULL binds null), 'i' gint64, 'b' gboolean, 'n' null. "?"
 * and "?N" are the placeholders. Returns the rows, or NULL when the
 * statement failed (kept for the store on the writer, logged otherwise). */
CsPgRes  *cs_pg_query     (CsDb        *db,
                           const char  *sql,
                           const char  *fmt,
                           ...);
/* A statement without rows: TRUE when it ran. */
gboolean  cs_pg_exec      (CsDb        *db,
                           const char  *sql,
                           const char  *fmt,
                           ...);
/* The first column of the first row as an integer, or @fallback. */
gint64    cs_pg_int1      (CsDb        *db,
                           gint64       fallback,
                           const char  *sql,
                           const char  *fmt,
                           ...);
/* The first column of the first row as a new string, or NULL. */
char     *cs_pg_text1     (CsDb        *db,
                           const char  *sql,
                           const char  *fmt,
                           ...);
/* Rows changed by the connection's last cs_pg_exec. */
gint64    cs_pg_changes   (CsDb        *db);

gboolean  cs_pg_next      (CsPgRes     *res);
gboolean  cs_pg_is_null   (CsPgRes     *res,
                           int          col);
const char *cs_pg_col_text (CsPgRes    *res,
                            int         col);
/* Integers, and booleans as 1 and 0. */
gint64    cs_pg_int       (CsPgRes     *res,
                           int          col);
gboolean  cs_pg_col_is_int (CsPgRes    *res,
                            int         col);
int       cs_pg_ncols     (CsPgRes     *res);

static inline char *
cs_pg_col_dup (CsPgRes *res,
               int      col)
{
  return g_strdup (cs_pg_col_text (res, col));
}

static inline gint64
cs_pg_col_time (CsPgRes *res,
                int      col)
{
  return cs_pg_is_null (res, col) ? CS_TIME_NONE : cs_pg_int (res, col);
}

#define CS_USER_COLS "u.id, u.email, u.display_name, u.role, u.status_text, u.last_seen_at, u.deleted_at," \
                     " u.kind, u.handle, u.description, u.system_prompt, u.model, u.rank"
#define CS_USER_NCOLS 13

static inline CsUser *
cs_pg_user_row (CsPgRes *res,
                int      c)
{
  CsUser *u = g_new0 (CsUser, 1);

  u->id = cs_pg_col_dup (res, c);
  u->email = cs_pg_col_dup (res, c + 1);
  u->display_name = cs_pg_col_dup (res, c + 2);
  u->role = cs_pg_col_dup (res, c + 3);
  u->status_text = cs_pg_col_dup (res, c + 4);
  u->last_seen_at = cs_pg_col_time (res, c + 5);
  u->deleted = !cs_pg_is_null (res, c + 6);
  u->kind = cs_pg_col_dup (res, c + 7);
  u->handle = cs_pg_col_dup (res, c + 8);
  u->description = cs_pg_col_dup (res, c + 9);
  u->system_prompt = cs_pg_col_dup (res, c + 10);
  u->model = cs_pg_col_dup (res, c + 11);
  u->rank = cs_pg_col_dup (res, c + 12);
  return u;
}

G_END_DECLS
