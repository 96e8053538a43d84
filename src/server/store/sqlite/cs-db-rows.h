/* cs-db-rows.h: records from statement rows, shared by the SQLite
 * implementation of the store functions (store/sqlite/ only).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-db.h"
#include "cs-records.h"

G_BEGIN_DECLS

#define CS_USER_COLS "u.id, u.email, u.display_name, u.role, u.status_text, u.last_seen_at, u.deleted_at," \
                     " u.kind, u.handle, u.description, u.system_prompt, u.model"

static inline gint64
cs_db_col_time (sqlite3_stmt *stmt,
                int           col)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL ? CS_TIME_NONE : sqlite3_column_int64 (stmt, col);
}

/* How many columns CS_USER_COLS takes. */
#define CS_USER_NCOLS 12

/* CS_USER_COLS from @first_col on. */
static inline CsUser *
cs_db_user_row (sqlite3_stmt *stmt,
                int           c)
{
  CsUser *u = g_new0 (CsUser, 1);

  u->id = g_strdup (cs_col_text (stmt, c));
  u->email = g_strdup (cs_col_text (stmt, c + 1));
  u->display_name = g_strdup (cs_col_text (stmt, c + 2));
  u->role = g_strdup (cs_col_text (stmt, c + 3));
  u->status_text = g_strdup (cs_col_text (stmt, c + 4));
  u->last_seen_at = cs_db_col_time (stmt, c + 5);
  u->deleted = sqlite3_column_type (stmt, c + 6) != SQLITE_NULL;
  u->kind = g_strdup (cs_col_text (stmt, c + 7));
  u->handle = g_strdup (cs_col_text (stmt, c + 8));
  u->description = g_strdup (cs_col_text (stmt, c + 9));
  u->system_prompt = g_strdup (cs_col_text (stmt, c + 10));
  u->model = g_strdup (cs_col_text (stmt, c + 11));
  return u;
}

G_END_DECLS
