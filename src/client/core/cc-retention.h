/* cc-retention.h: how long the organisation keeps messages (issue 17):
 * the tenant admin's typed calls to /api/admin/retention.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"

G_BEGIN_DECLS

/* GET /api/admin/retention. */
void     cc_client_get_retention_async  (CcClient            *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* *message_days is 0 when messages are kept for ever. */
gboolean cc_client_get_retention_finish (CcClient      *self,
                                         GAsyncResult  *result,
                                         gint64        *message_days,
                                         gboolean      *legal_hold,
                                         GError       **error);

/* PUT /api/admin/retention; @message_days 0 keeps messages for ever. The
 * finish gives the setting as the server stored it. */
void     cc_client_set_retention_async  (CcClient            *self,
                                         gint64               message_days,
                                         gboolean             legal_hold,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean cc_client_set_retention_finish (CcClient      *self,
                                         GAsyncResult  *result,
                                         gint64        *message_days,
                                         gboolean      *legal_hold,
                                         GError       **error);

G_END_DECLS
