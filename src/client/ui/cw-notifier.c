/* cw-notifier.c: libnotify notifications and the Unity launcher badge.
 *
 * A notification is shown for what the core's "notification" signal
 * reports (it already applied mute and notify level) unless the window is
 * focused on that room. Activating it opens the room.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "cc-invitation.h"
#include "cw-application.h"
#include "cw-notifier.h"
#include "cw-window.h"
#include "cc-bidi.h"

#define LAUNCHER_PATH "/com/canonical/unity/launcherentry/causerie"
#define LAUNCHER_URI  "application://" APP_ID ".desktop"

struct _CwNotifier
{
  GObject         parent_instance;

  GtkApplication *app;        /* unowned: the app owns us */
  CcClient       *client;
  gulong          notification_id;
  gulong          unread_id;
  /* room id -> GList of NotifyNotification (owned) */
  GHashTable     *shown;
  gboolean        notify_ready;
};

G_DEFINE_FINAL_TYPE (CwNotifier, cw_notifier, G_TYPE_OBJECT)

static void
close_all (GList *list)
{
  for (GList *l = list; l; l = l->next)
    {
      notify_notification_close (l->data, NULL);
      g_object_unref (l->data);
    }
  g_list_free (list);
}

static void
on_activate_cb (NotifyNotification *notification,
                char               *action,
                gpointer            user_data)
{
  CwNotifier *self = user_data;
  const char *room_id = g_object_get_data (G_OBJECT (notification), "room-id");

  if (room_id != NULL && self->app != NULL)
    cw_application_open_room (CW_APPLICATION (self->app), room_id);
}

static gboolean
window_shows_room (CwNotifier *self,
                   const char *room_id)
{
  GtkWindow *window = gtk_application_get_active_window (self->app);

  if (!CW_IS_WINDOW (window) || !gtk_window_is_active (window))
    return FALSE;
  return g_strcmp0 (cw_window_get_room_id (CW_WINDOW (window)), room_id) == 0;
}

static void
on_notification_cb (CcClient  *client,
                    CcRoom    *room,
                    CcMessage *message,
                    gpointer   user_data)
{
  CwNotifier *self = user_data;
  g_autoptr(GObject) notification = NULL;
  NotifyNotification *n;
  g_autofree char *title = NULL;
  const char *sender = cc_message_get_sender_name (message);
  const char *room_id = cc_room_get_id (room);
  GList *list;

  if (!self->notify_ready || window_shows_room (self, room_id))
    return;

  if (g_strcmp0 (cc_room_get_room_type (room), "direct") == 0)
    title = g_strdup (sender ? sender : cc_room_get_name (room));
  else
    /* Translators: notification title: "Alice in Design" */
    title = cc_bidi_printf (_("%s in %s"), sender ? sender : _("Someone"),
                             cc_room_get_name (room));

  n = notify_notification_new (title, cc_message_get_body (message), APP_ID);
  notification = G_OBJECT (n);
  notify_notification_set_app_name (n, _("Causerie"));
  notify_notification_set_category (n, "im.received");
  notify_notification_set_hint_string (n, "desktop-entry", APP_ID);
  g_object_set_data_full (G_OBJECT (n), "room-id", g_strdup (room_id), g_free);
  notify_notification_add_action (n, "default", _("Open"), on_activate_cb, self, NULL);

  if (!notify_notification_show (n, NULL))
    return;

  list = g_hash_table_lookup (self->shown, room_id);
  g_hash_table_steal (self->shown, room_id);
  list = g_list_prepend (list, g_object_ref (n));
  g_hash_table_insert (self->shown, g_strdup (room_id), list);
}

static void
on_review_cb (NotifyNotification *notification,
              char               *action,
              gpointer            user_data)
{
  CwNotifier *self = user_data;
  const char *token = g_object_get_data (G_OBJECT (notification), "token");

  if (token != NULL && self->app != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->app), "review-invitation",
                                    g_variant_new_string (token));
}

void
cw_notifier_show_invitation (CwNotifier   *self,
                             CcInvitation *invitation)
{
  g_autoptr(GObject) notification = NULL;
  NotifyNotification *n;
  g_autofree char *title = NULL;
  g_autofree char *key = NULL;
  const char *message;

  g_return_if_fail (CW_IS_NOTIFIER (self));
  g_return_if_fail (CC_IS_INVITATION (invitation));

  if (!self->notify_ready || cc_invitation_get_token (invitation) == NULL)
    return;

  /* Translators: notification title: "Alice Martin invited you to Design" */
  title = cc_bidi_printf (_("%s invited you to %s"),
                           cc_invitation_get_inviter_name (invitation),
                           cc_invitation_get_room_name (invitation));
  message = cc_invitation_get_message (invitation);
  n = notify_notification_new (title, message && *message ? message : _("Open Causerie to accept or decline."),
                               APP_ID);
  notification = G_OBJECT (n);
  notify_notification_set_app_name (n, _("Causerie"));
  notify_notification_set_category (n, "im");
  notify_notification_set_hint_string (n, "desktop-entry", APP_ID);
  g_object_set_data_full (G_OBJECT (n), "token", g_strdup (cc_invitation_get_token (invitation)), g_free);
  notify_notification_add_action (n, "default", _("Review"), on_review_cb, self, NULL);

  if (!notify_notification_show (n, NULL))
    return;

  key = g_strconcat ("invitation:", cc_invitation_get_token (invitation), NULL);
  g_hash_table_insert (self->shown, g_steal_pointer (&key), g_list_prepend (NULL, g_object_ref (n)));
}

void
cw_notifier_set_launcher_count (CwNotifier *self,
                                guint       count)
{
  GDBusConnection *bus;
  GVariantBuilder props;

  g_return_if_fail (CW_IS_NOTIFIER (self));

  bus = g_application_get_dbus_connection (G_APPLICATION (self->app));
  if (bus == NULL)
    return;

  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&props, "{sv}", "count", g_variant_new_int64 (count));
  g_variant_builder_add (&props, "{sv}", "count-visible", g_variant_new_boolean (count > 0));
  g_dbus_connection_emit_signal (bus, NULL, LAUNCHER_PATH,
                                 "com.canonical.Unity.LauncherEntry", "Update",
                                 g_variant_new ("(sa{sv})", LAUNCHER_URI, &props),
                                 NULL);
}

static void
on_unread_total_cb (CcClient   *client,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  cw_notifier_set_launcher_count (user_data, cc_client_get_unread_total (client));
}

void
cw_notifier_set_client (CwNotifier *self,
                        CcClient   *client)
{
  g_return_if_fail (CW_IS_NOTIFIER (self));

  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->notification_id, self->client);
      g_clear_signal_handler (&self->unread_id, self->client);
      g_clear_object (&self->client);
    }

  g_hash_table_remove_all (self->shown);

  if (client != NULL)
    {
      self->client = g_object_ref (client);
      self->notification_id = g_signal_connect (client, "notification",
                                                G_CALLBACK (on_notification_cb), self);
      self->unread_id = g_signal_connect (client, "notify::unread-total",
                                          G_CALLBACK (on_unread_total_cb), self);
      cw_notifier_set_launcher_count (self, cc_client_get_unread_total (client));
    }
  else
    cw_notifier_set_launcher_count (self, 0);
}

void
cw_notifier_withdraw (CwNotifier *self,
                      const char *room_id)
{
  g_return_if_fail (CW_IS_NOTIFIER (self));

  if (room_id != NULL)
    g_hash_table_remove (self->shown, room_id);
}

static void
cw_notifier_dispose (GObject *object)
{
  CwNotifier *self = CW_NOTIFIER (object);

  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->notification_id, self->client);
      g_clear_signal_handler (&self->unread_id, self->client);
      g_clear_object (&self->client);
    }
  g_clear_pointer (&self->shown, g_hash_table_unref);

  G_OBJECT_CLASS (cw_notifier_parent_class)->dispose (object);
}

static void
cw_notifier_class_init (CwNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cw_notifier_dispose;
}

static void
cw_notifier_init (CwNotifier *self)
{
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) close_all);
}

CwNotifier *
cw_notifier_new (GtkApplication *app)
{
  CwNotifier *self = g_object_new (CW_TYPE_NOTIFIER, NULL);

  self->app = app;
  self->notify_ready = notify_is_initted () || notify_init (APP_ID);
  return self;
}
