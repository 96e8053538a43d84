/* cc-discuss.h: "Discuss" from other applications (API.md, "Business
 * context"): the link another application opens,
 *   causerie://discuss?server=URL&entity_type=T&entity_id=ID&label=TEXT[&url=LINK][&with=EMAIL]
 * checked by the contract's rules, and the typed calls the Discuss view
 * makes: what is tied to the object, the people named, a room tied to it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cau-context.h"
#include "cc-client.h"

G_BEGIN_DECLS

typedef struct {
  char       *server;    /* scheme://host[:port][/prefix], no trailing slash */
  CauContext *context;   /* the object */
  GStrv       with;      /* lower-cased email addresses, maybe empty; never NULL */
} CcDiscussLink;

void           cc_discuss_link_free  (CcDiscussLink *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcDiscussLink, cc_discuss_link_free)

/* TRUE when @link is a causerie://discuss link at all (well formed or not). */
gboolean       cc_discuss_link_is_discuss (const char *link);
/* The link checked; NULL with a sentence to show (G_IO_ERROR_INVALID_ARGUMENT)
 * when a field is missing or breaks a rule. "with" may be repeated or hold
 * several addresses separated by commas. */
CcDiscussLink *cc_discuss_link_parse (const char  *link,
                                      GError     **error);
/* FALSE with a sentence when the link names another server than
 * @server_url (the signed-in account's). */
gboolean       cc_discuss_link_check_server (const CcDiscussLink *link,
                                             const char          *server_url,
                                             GError             **error);

/* GET /api/context/{type}/{id}: finish gives the rooms tied to the object
 * (GListModel of CcRoom, the room list's own when it has them) and the
 * messages citing it (GListModel of CcMessage), newest first. */
void           cc_client_lookup_context_async  (CcClient            *self,
                                                const CauContext    *context,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       cc_client_lookup_context_finish (CcClient      *self,
                                                GAsyncResult  *result,
                                                GListModel   **out_rooms,
                                                GListModel   **out_messages,
                                                GError       **error);
/* The users of the tenant with these addresses (GPtrArray of CcUser, in
 * order; the user's own address is skipped). An address no one has is an
 * error naming it. */
void           cc_client_resolve_emails_async  (CcClient            *self,
                                                const char * const  *emails,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray     *cc_client_resolve_emails_finish (CcClient      *self,
                                                GAsyncResult  *result,
                                                GError       **error);

G_END_DECLS
