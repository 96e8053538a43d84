/* cs-db-rows.h: records from statement rows, shared by the SQLite
 * implementation of the store functions (store/sqlite/ only).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-db.h"
#include "cs-records.h"

G_BEGIN_DECLS

#define CS_USER_COLS "u.id, u.email, u.display_name, u.role, u.status_text, u.last_seen_at, u.deleted_at," \
                     " u.kind, u.handle, u.description, u.system_prompt, u.model, u.rank"

static inline char *
cs_db_col_dup (sqlite3_stmt *stmt,
               int           col)
{
  return g_strdup (cs_col_text (stmt, col));
}

static inline gint64
cs_db_col_time (sqlite3_stmt *stmt,
                int           col)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL ? CS_TIME_NONE : sqlite3_column_int64 (stmt, col);
}

/* The cache of cs_db_keep_member_lists: a new reference to a room's
 * shared member ids (cs_ids_new) or NULL; keep a reference to what was
 * read; forget a room (NULL: every room)
 * whose membership this transaction writes. */
char        **cs_db_member_ids_lookup (CsDb       *db,
                                       const char *room_id);
void          cs_db_member_ids_keep   (CsDb       *db,
                                       const char *room_id,
                                       char      **ids);
void          cs_db_members_changed   (CsDb       *db,
                                       const char *room_id);

/* How many columns CS_USER_COLS takes. */
#define CS_USER_NCOLS 13

/* CS_USER_COLS from @first_col on. */
static inline CsUser *
cs_db_user_row (sqlite3_stmt *stmt,
                int           c)
{
  CsUser *u = g_new0 (CsUser, 1);

  u->id = cs_db_col_dup (stmt, c);
  u->email = cs_db_col_dup (stmt, c + 1);
  u->display_name = cs_db_col_dup (stmt, c + 2);
  u->role = cs_db_col_dup (stmt, c + 3);
  u->status_text = cs_db_col_dup (stmt, c + 4);
  u->last_seen_at = cs_db_col_time (stmt, c + 5);
  u->deleted = sqlite3_column_type (stmt, c + 6) != SQLITE_NULL;
  u->kind = cs_db_col_dup (stmt, c + 7);
  u->handle = cs_db_col_dup (stmt, c + 8);
  u->description = cs_db_col_dup (stmt, c + 9);
  u->system_prompt = cs_db_col_dup (stmt, c + 10);
  u->model = cs_db_col_dup (stmt, c + 11);
  u->rank = cs_db_col_dup (stmt, c + 12);
  return u;
}

G_END_DECLS
