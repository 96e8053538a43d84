/* cc-client-reactions.c: typed calls for reactions (PUT/DELETE
 * /api/messages/{id}/reactions/{emoji}) and for who read a message
 * (GET /api/rooms/{id}/receipts?seq=), and the live reaction events
 * applied to the open timelines.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-client"

#include <glib/gi18n-lib.h>

#include "cau-error.h"
#include "cc-client-private.h"
#include "cc-event-private.h"
#include "cc-events.h"
#include "cc-json-private.h"
#include "cc-message-private.h"
#include "cc-reactions.h"

/* CcReceipt */

struct _CcReceipt
{
  GObject  parent_instance;
  char    *user_id;
  char    *display_name;
  gint64   read_at;
};

G_DEFINE_FINAL_TYPE (CcReceipt, cc_receipt, G_TYPE_OBJECT)

enum { RPROP_0, RPROP_USER_ID, RPROP_DISPLAY_NAME, RPROP_READ_AT, N_RPROPS };
static GParamSpec *rprops[N_RPROPS];

static void
cc_receipt_finalize (GObject *object)
{
  CcReceipt *self = CC_RECEIPT (object);

  g_free (self->user_id);
  g_free (self->display_name);
  G_OBJECT_CLASS (cc_receipt_parent_class)->finalize (object);
}

static void
cc_receipt_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcReceipt *self = CC_RECEIPT (object);

  switch (prop_id)
    {
    case RPROP_USER_ID: g_value_set_string (value, self->user_id); break;
    case RPROP_DISPLAY_NAME: g_value_set_string (value, self->display_name); break;
    case RPROP_READ_AT: g_value_set_int64 (value, self->read_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_receipt_class_init (CcReceiptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cc_receipt_finalize;
  object_class->get_property = cc_receipt_get_property;
  rprops[RPROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL, flags);
  rprops[RPROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  rprops[RPROP_READ_AT] = g_param_spec_int64 ("read-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_RPROPS, rprops);
}

static void
cc_receipt_init (CcReceipt *self)
{
}

const char *
cc_receipt_get_user_id (CcReceipt *self)
{
  g_return_val_if_fail (CC_IS_RECEIPT (self), NULL);
  return self->user_id;
}

const char *
cc_receipt_get_display_name (CcReceipt *self)
{
  g_return_val_if_fail (CC_IS_RECEIPT (self), NULL);
  return self->display_name;
}

gint64
cc_receipt_get_read_at (CcReceipt *self)
{
  g_return_val_if_fail (CC_IS_RECEIPT (self), 0);
  return self->read_at;
}

GListModel *
_cc_receipts_from_json (JsonArray  *receipts,
                        const char *except_user_id)
{
  GListStore *store = g_list_store_new (CC_TYPE_RECEIPT);

  for (guint i = 0; receipts != NULL && i < json_array_get_length (receipts); i++)
    {
      JsonObject *r = json_array_get_object_element (receipts, i);
      CcReceipt *receipt;

      if (r == NULL || _cc_json_str (r, "user_id") == NULL ||
          g_strcmp0 (_cc_json_str (r, "user_id"), except_user_id) == 0)
        continue;
      receipt = g_object_new (CC_TYPE_RECEIPT, NULL);
      receipt->user_id = g_strdup (_cc_json_str (r, "user_id"));
      receipt->display_name = g_strdup (_cc_json_str (r, "display_name"));
      receipt->read_at = _cc_json_time (r, "read_at");
      g_list_store_append (store, receipt);
      g_object_unref (receipt);
    }
  return G_LIST_MODEL (store);
}

/* Reactions */

const char * const *
cc_quick_reactions (void)
{
  static const char * const quick[] = {
    "\xf0\x9f\x91\x8d",          /* 👍 */
    "\xe2\x9d\xa4\xef\xb8\x8f",  /* ❤️ */
    "\xf0\x9f\x98\x82",          /* 😂 */
    "\xf0\x9f\x8e\x89",          /* 🎉 */
    "\xf0\x9f\x98\xae",          /* 😮 */
    "\xf0\x9f\x99\x8f",          /* 🙏 */
    NULL
  };

  return quick;
}

/* One change of @message_id's reactions, applied to its open timeline:
 * the same reading as the cache's (cc-event.c). */
void
_cc_client_apply_reaction (CcClient   *self,
                           const char *room_id,
                           JsonObject *frame)
{
  const char *message_id = _cc_event_reaction_message_id (frame);
  CcTimeline *timeline = room_id ? g_hash_table_lookup (self->timelines, room_id) : NULL;
  CcMessage *message = timeline && message_id ? cc_timeline_lookup (timeline, message_id) : NULL;
  g_autoptr(JsonArray) reactions = NULL;

  if (message == NULL)
    return;
  reactions = _cc_event_apply_reaction (_cc_message_get_reactions (message), frame);
  _cc_message_set_reactions (message, reactions);
  _cc_timeline_touch (timeline, message);
}

typedef struct {
  char     *room_id;
  char     *message_id;
  char     *emoji;
  gboolean  add;
} ReactOp;

static void
react_op_free (ReactOp *op)
{
  g_free (op->room_id);
  g_free (op->message_id);
  g_free (op->emoji);
  g_free (op);
}

static void
react_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  ReactOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) frame = NULL;
  JsonObject *data;
  GError *error = NULL;

  node = cc_api_request_finish (CC_API (object), result, NULL, NULL, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Shown at once; the event, when it comes, changes nothing more. */
  frame = json_object_new ();
  data = json_object_new ();
  json_object_set_string_member (frame, "type", CC_EVENT_MESSAGE_REACTION);
  json_object_set_string_member (data, "message_id", op->message_id);
  json_object_set_string_member (data, "emoji", op->emoji);
  json_object_set_string_member (data, "user_id", cc_account_get_user_id (self->account));
  json_object_set_boolean_member (data, "added", op->add);
  json_object_set_object_member (frame, "data", data);
  _cc_client_apply_reaction (self, op->room_id, frame);
  g_task_return_boolean (task, TRUE);
}

void
cc_client_react_async (CcClient            *self,
                       CcMessage           *message,
                       const char          *emoji,
                       gboolean             add,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autofree char *id = NULL, *escaped = NULL, *path = NULL;
  GTask *task;
  ReactOp *op;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (CC_IS_MESSAGE (message));
  g_return_if_fail (emoji != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_react_async);
  if (cc_message_get_id (message) == NULL)
    {
      g_task_return_new_error (task, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                               _("This message is not sent yet."));
      g_object_unref (task);
      return;
    }
  op = g_new0 (ReactOp, 1);
  op->room_id = g_strdup (cc_message_get_room_id (message));
  op->message_id = g_strdup (cc_message_get_id (message));
  op->emoji = g_strdup (emoji);
  op->add = add;
  g_task_set_task_data (task, op, (GDestroyNotify) react_op_free);
  id = cc_api_escape (op->message_id);
  escaped = cc_api_escape (emoji);
  path = g_strdup_printf ("/api/messages/%s/reactions/%s", id, escaped);
  cc_api_request_async (cc_client_get_api (self), add ? "PUT" : "DELETE", path, NULL, cancellable, react_cb, task);
}

gboolean
cc_client_react_finish (CcClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cc_client_react_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
toggle_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!cc_client_react_finish (CC_CLIENT (object), result, &error))
    g_message ("Reaction not changed: %s", error->message);
}

void
cc_client_toggle_reaction (CcClient   *self,
                           CcMessage  *message,
                           const char *emoji)
{
  gboolean mine;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (CC_IS_MESSAGE (message));
  mine = cc_message_has_reaction (message, emoji, cc_account_get_user_id (self->account));
  cc_client_react_async (self, message, emoji, !mine, NULL, toggle_done, NULL);
}

char *
cc_client_describe_reactors (CcClient           *self,
                             const char * const *user_ids,
                             guint               count)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *me;
  guint listed = 0;

  g_return_val_if_fail (CC_IS_CLIENT (self), NULL);
  me = cc_account_get_user_id (self->account);
  for (guint i = 0; user_ids != NULL && user_ids[i] != NULL; i++)
    {
      CcUser *user;

      listed++;
      if (g_strcmp0 (user_ids[i], me) == 0)
        {
          g_ptr_array_insert (names, 0, g_strdup (_("You")));
          continue;
        }
      user = cc_client_lookup_user (self, user_ids[i]);
      if (user != NULL && cc_user_get_display_name (user) != NULL)
        g_ptr_array_add (names, g_strdup (cc_user_get_display_name (user)));
    }
  if (count > listed)
    /* Translators: after a list of names, the people not listed. */
    g_ptr_array_add (names, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u other", "%u others", count - listed),
                                             count - listed));
  g_ptr_array_add (names, NULL);
  /* Translators: the separator between names in a list of people. */
  return g_strjoinv (_(", "), (char **) names->pdata);
}

/* Who read a message */

static void
readers_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *sender_id = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  GError *error = NULL;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, _cc_receipts_from_json (_cc_json_array (body, "receipts"), sender_id),
                         g_object_unref);
}

void
cc_client_list_readers_async (CcClient            *self,
                              CcMessage           *message,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *room = NULL, *path = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (CC_IS_MESSAGE (message));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_list_readers_async);
  g_task_set_task_data (task, g_strdup (cc_message_get_sender_id (message)), g_free);
  room = cc_api_escape (cc_message_get_room_id (message));
  path = g_strdup_printf ("/api/rooms/%s/receipts?seq=%" G_GINT64_FORMAT, room, cc_message_get_seq (message));
  cc_api_request_async (cc_client_get_api (self), "GET", path, NULL, cancellable, readers_cb, task);
}

GListModel *
cc_client_list_readers_finish (CcClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cc_client_list_readers_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
cc_format_read_at (gint64 read_at_ms,
                   gint64 now_ms)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  g_autofree char *clock = NULL;

  if (read_at_ms <= 0)
    return NULL;
  if (now_ms <= 0)
    now_ms = g_get_real_time () / 1000;
  now = g_date_time_new_from_unix_local (now_ms / 1000);
  at = g_date_time_new_from_unix_local (read_at_ms / 1000);
  if (now == NULL || at == NULL)
    return NULL;
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  yesterday = g_date_time_add_days (today, -1);
  clock = g_date_time_format (at, "%H:%M");
  if (g_date_time_compare (at, today) >= 0)
    /* TRANSLATORS: under a message the other person read; %s is a time of day, 14:02 */
    return g_strdup_printf (_("Read %s"), clock);
  if (g_date_time_compare (at, yesterday) >= 0)
    /* TRANSLATORS: %s is a time of day, 14:02 */
    return g_strdup_printf (_("Read yesterday at %s"), clock);
  if (g_date_time_get_year (at) == g_date_time_get_year (now))
    /* TRANSLATORS: a strftime format: "Read on 3 March at 14:02" */
    return g_date_time_format (at, _("Read on %-d %B at %H:%M"));
  /* TRANSLATORS: a strftime format: "Read on 3 March 2025 at 14:02" */
  return g_date_time_format (at, _("Read on %-d %B %Y at %H:%M"));
}
