/* cc-retention.c: the retention setting's calls (cc-retention.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-retention"

#include "cc-api.h"
#include "cc-json-private.h"
#include "cc-retention.h"

static gboolean
read_setting (JsonObject  *obj,
              gint64      *message_days,
              gboolean    *legal_hold)
{
  if (obj == NULL)
    return FALSE;
  *message_days = json_object_has_member (obj, "message_days") && !json_object_get_null_member (obj, "message_days")
                  ? json_object_get_int_member (obj, "message_days") : 0;
  *legal_hold = json_object_has_member (obj, "legal_hold") && json_object_get_boolean_member (obj, "legal_hold");
  return TRUE;
}

void
cc_client_get_retention_async (CcClient            *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_get_retention_async);
  cc_api_request_task (cc_client_get_api (self), "GET", "/api/admin/retention", NULL, task);
}

gboolean
cc_client_get_retention_finish (CcClient      *self,
                                GAsyncResult  *result,
                                gint64        *message_days,
                                gboolean      *legal_hold,
                                GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_get_retention_async, error);

  return read_setting (obj, message_days, legal_hold);
}

void
cc_client_set_retention_async (CcClient            *self,
                               gint64               message_days,
                               gboolean             legal_hold,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (message_days >= 0);

  if (message_days > 0)
    json_object_set_int_member (body, "message_days", message_days);
  else
    json_object_set_null_member (body, "message_days");
  json_object_set_boolean_member (body, "legal_hold", legal_hold);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_set_retention_async);
  cc_api_request_task (cc_client_get_api (self), "PUT", "/api/admin/retention", body, task);
}

gboolean
cc_client_set_retention_finish (CcClient      *self,
                                GAsyncResult  *result,
                                gint64        *message_days,
                                gboolean      *legal_hold,
                                GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_set_retention_async, error);

  return read_setting (obj, message_days, legal_hold);
}
