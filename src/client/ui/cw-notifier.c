/* cw-notifier.c: desktop notifications and the Unity launcher badge.
 *
 * A notification is shown for what the core's "notification" signal
 * reports (it already applied mute and notify level) unless the window is
 * focused on that room. They are GNotifications whose default action is
 * an app action with its target (app.open-room ROOM_ID,
 * app.review-invitation TOKEN): the desktop (GNOME Shell, the portal in a
 * Flatpak) activates it over D-Bus, which starts the app when it has quit
 * (DBusActivatable=true in the desktop file, a D-Bus service file).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

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
  /* ids of the notifications shown ("room:ID", "invitation:TOKEN") */
  GHashTable     *shown;
};

G_DEFINE_FINAL_TYPE (CwNotifier, cw_notifier, G_TYPE_OBJECT)

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
send (CwNotifier    *self,
      char          *id,            /* (transfer full) */
      GNotification *notification)
{
  g_application_send_notification (G_APPLICATION (self->app), id, notification);
  g_hash_table_add (self->shown, id);
}

static void
withdraw_all (CwNotifier *self)
{
  GHashTableIter iter;
  const char *id;

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_application_withdraw_notification (G_APPLICATION (self->app), id);
  g_hash_table_remove_all (self->shown);
}

static void
on_notification_cb (CcClient  *client,
                    CcRoom    *room,
                    CcMessage *message,
                    gpointer   user_data)
{
  CwNotifier *self = user_data;
  g_autoptr(GNotification) n = NULL;
  g_autofree char *title = NULL;
  const char *sender = cc_message_get_sender_name (message);
  const char *room_id = cc_room_get_id (room);

  if (window_shows_room (self, room_id))
    return;

  if (g_strcmp0 (cc_room_get_room_type (room), "direct") == 0)
    title = g_strdup (sender ? sender : cc_room_get_name (room));
  else
    /* Translators: notification title: "Alice in Design" */
    title = cc_bidi_printf (_("%s in %s"), sender ? sender : _("Someone"),
                             cc_room_get_name (room));

  n = g_notification_new (title);
  g_notification_set_body (n, cc_message_get_body (message));
  g_notification_set_category (n, "im.received");
  g_notification_set_default_action_and_target (n, "app.open-room", "s", room_id);
  /* One per room: a newer message replaces the room's notification. */
  send (self, g_strconcat ("room:", room_id, NULL), n);
}

void
cw_notifier_show_invitation (CwNotifier   *self,
                             CcInvitation *invitation)
{
  g_autoptr(GNotification) n = NULL;
  g_autofree char *title = NULL;
  const char *message;
  const char *token;

  g_return_if_fail (CW_IS_NOTIFIER (self));
  g_return_if_fail (CC_IS_INVITATION (invitation));

  token = cc_invitation_get_token (invitation);
  if (token == NULL)
    return;

  /* Translators: notification title: "Alice Martin invited you to Design" */
  title = cc_bidi_printf (_("%s invited you to %s"),
                           cc_invitation_get_inviter_name (invitation),
                           cc_invitation_get_room_name (invitation));
  message = cc_invitation_get_message (invitation);
  n = g_notification_new (title);
  g_notification_set_body (n, message && *message ? message : _("Open Causerie to accept or decline."));
  g_notification_set_category (n, "im");
  g_notification_set_default_action_and_target (n, "app.review-invitation", "s", token);
  g_notification_add_button_with_target (n, _("Review"), "app.review-invitation", "s", token);
  send (self, g_strconcat ("invitation:", token, NULL), n);
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

  withdraw_all (self);

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
    {
      g_autofree char *id = g_strconcat ("room:", room_id, NULL);

      if (g_hash_table_remove (self->shown, id))
        g_application_withdraw_notification (G_APPLICATION (self->app), id);
    }
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
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CwNotifier *
cw_notifier_new (GtkApplication *app)
{
  CwNotifier *self = g_object_new (CW_TYPE_NOTIFIER, NULL);

  self->app = app;
  return self;
}
