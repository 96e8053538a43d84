/* cs-api-sync.c: replaying the event log to a WebSocket that asks for
 * `sync`.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-events.h"
#include "cs-model.h"
#include "cs-store.h"

void
cs_api_sync_page (CsCtx *ctx)
{
  CsApiSyncPage *page = ctx->input;
  gint64 pruned;
  g_autoptr(GPtrArray) events = NULL;

  page->frames = g_ptr_array_new_with_free_func (g_free);
  /* With a store several nodes share, what all of them committed: a
   * client that moved here from another node syncs from its seq. */
  cs_store_seqs_in (ctx->store, ctx->db, &page->head, &pruned);
  page->last_seq = page->since;
  /* The log no longer reaches back (or the client knows a future this
   * server never had, as after a restore from backup): reload over REST. */
  if (page->since < pruned || page->since > page->head)
    {
      page->resync = TRUE;
      return;
    }
  /* One more than a page tells whether there are more. */
  events = cs_events_page (ctx->db, ctx->tenant_id, ctx->user_id, page->since, page->limit + 1);
  for (guint i = 0; i < events->len; i++)
    {
      CsLoggedEvent *e = g_ptr_array_index (events, i);

      if (i == page->limit)
        {
          page->has_more = TRUE;
          break;
        }
      /* Most frames go out as stored: no copy for those. */
      g_ptr_array_add (page->frames,
                       e->txn_id == NULL || g_strcmp0 (e->actor_id, ctx->user_id) != 0
                       ? g_steal_pointer (&e->payload)
                       : cs_model_event_frame (e->payload, e->type, e->actor_id, e->txn_id, ctx->user_id));
      page->last_seq = e->seq;
    }
}
