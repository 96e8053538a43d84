/* cs-api-sync.c: replaying the event log to a WebSocket that asks for
 * `sync`.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-model.h"
#include "cs-store.h"

void
cs_api_sync_page (CsCtx *ctx)
{
  CsApiSyncPage *page = ctx->input;
  gint64 pruned = cs_store_pruned_seq (ctx->store);
  guint n = 0;
  CS_STMT stmt = NULL;

  page->frames = g_ptr_array_new_with_free_func (g_free);
  page->head = cs_store_head_seq (ctx->store);
  page->last_seq = page->since;
  /* The log no longer reaches back (or the client knows a future this
   * server never had, as after a restore from backup): reload over REST. */
  if (page->since < pruned || page->since > page->head)
    {
      page->resync = TRUE;
      return;
    }
  stmt = cs_db_query (ctx->db,
                      "SELECT seq, type, payload, actor_id, txn_id FROM events"
                      " WHERE seq > ?1 AND tenant_id = ?2 AND (user_id = ?3 OR (user_id IS NULL AND room_id IN"
                      " (SELECT room_id FROM members WHERE user_id = ?3))) ORDER BY seq LIMIT ?4",
                      "issi", page->since, ctx->tenant_id, ctx->user_id, (gint64) page->limit + 1);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (n == page->limit)
        {
          page->has_more = TRUE;
          break;
        }
      g_ptr_array_add (page->frames,
                       cs_model_event_frame (cs_col_text (stmt, 2), cs_col_text (stmt, 1),
                                             cs_col_text (stmt, 3), cs_col_text (stmt, 4), ctx->user_id));
      page->last_seq = sqlite3_column_int64 (stmt, 0);
      n++;
    }
}
