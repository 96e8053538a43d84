/* cw-composer.c: the message bar. Enter sends, Shift+Enter adds a line.
 * Every change goes to cc_client_set_draft() (saved to SQLite, typing
 * notices). "@" opens a completion popover of the room's members and
 * @room. A banner above shows the message being replied to or edited.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cw-composer.h"
#include "cw-utils.h"

typedef enum {
  MODE_NORMAL,
  MODE_REPLY,
  MODE_EDIT,
} Mode;

struct _CwComposer
{
  GtkWidget           parent_instance;

  GtkRevealer        *context_revealer;
  GtkImage           *context_icon;
  GtkLabel           *context_title;
  GtkLabel           *context_excerpt;
  GtkTextView        *text_view;
  GtkLabel           *placeholder;
  GtkButton          *send_button;
  GtkPopover         *mention_popover;
  GtkListView        *mention_list;

  CcClient           *client;
  CcRoom             *room;
  GCancellable       *cancellable;
  Mode                mode;
  char               *target_id;     /* replied-to or edited message */
  gboolean            loading;       /* setting text: not a draft change */

  GListModel         *members;
  GtkStringList      *room_entry;
  GtkFilterListModel *mention_filter;
  GtkStringFilter    *string_filter;
  GtkSingleSelection *mention_selection;
  gsize               mention_start;
};

enum {
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CwComposer, cw_composer, GTK_TYPE_WIDGET)

char *
cw_composer_mention_query (const char *text,
                           gsize       cursor,
                           gsize      *start)
{
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  for (p = text + cursor; p > text;)
    {
      gunichar c;

      p = g_utf8_prev_char (p);
      c = g_utf8_get_char (p);
      if (c == '@')
        {
          if (p > text)
            {
              gunichar before = g_utf8_get_char (g_utf8_prev_char (p));
              if (!g_unichar_isspace (before) && !g_unichar_ispunct (before))
                return NULL;
            }
          if (start != NULL)
            *start = p - text;
          return g_strndup (p + 1, text + cursor - (p + 1));
        }
      if (g_unichar_isspace (c))
        return NULL;
    }
  return NULL;
}

static GtkTextBuffer *
buffer (CwComposer *self)
{
  return gtk_text_view_get_buffer (self->text_view);
}

char *
cw_composer_get_text (CwComposer *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (CW_IS_COMPOSER (self), NULL);
  gtk_text_buffer_get_bounds (buffer (self), &start, &end);
  return gtk_text_buffer_get_text (buffer (self), &start, &end, FALSE);
}

void
cw_composer_set_text (CwComposer *self,
                      const char *text)
{
  g_return_if_fail (CW_IS_COMPOSER (self));

  self->loading = TRUE;
  gtk_text_buffer_set_text (buffer (self), text ? text : "", -1);
  self->loading = FALSE;
}

static void
update_placeholder (CwComposer *self)
{
  g_autofree char *text = NULL;

  if (self->room == NULL)
    text = g_strdup (_("Message"));
  else if (g_strcmp0 (cc_room_get_room_type (self->room), "direct") == 0)
    /* Translators: composer placeholder in a direct room, %s a person. */
    text = g_strdup_printf (_("Message %s"), cc_room_get_name (self->room));
  else
    /* Translators: composer placeholder in a group or channel. */
    text = g_strdup_printf (_("Message #%s"), cc_room_get_name (self->room));
  gtk_label_set_text (self->placeholder, text);
}

static void
set_mode (CwComposer *self,
          Mode        mode,
          CcMessage  *message)
{
  self->mode = mode;
  g_clear_pointer (&self->target_id, g_free);

  if (mode == MODE_NORMAL || message == NULL)
    {
      self->mode = MODE_NORMAL;
      gtk_revealer_set_reveal_child (self->context_revealer, FALSE);
      return;
    }

  self->target_id = g_strdup (cc_message_get_id (message));
  if (mode == MODE_REPLY)
    {
      g_autofree char *title = NULL;
      const char *sender = cc_message_get_sender_name (message);

      /* Translators: banner above the composer, %s a person. */
      title = g_strdup_printf (_("Replying to %s"), sender ? sender : _("Deleted user"));
      gtk_image_set_from_icon_name (self->context_icon, "mail-reply-sender-symbolic");
      gtk_label_set_text (self->context_title, title);
    }
  else
    {
      gtk_image_set_from_icon_name (self->context_icon, "document-edit-symbolic");
      gtk_label_set_text (self->context_title, _("Editing message"));
    }
  gtk_label_set_text (self->context_excerpt, cc_message_get_body (message));
  gtk_revealer_set_reveal_child (self->context_revealer, TRUE);
}

/* Mentions ---------------------------------------------------------------- */

static gpointer
member_to_string (gpointer item,
                  gpointer user_data)
{
  GtkStringObject *s = gtk_string_object_new (cc_member_get_display_name (item));

  g_object_unref (item);
  return s;
}

/* Nobody mentions themselves: the list offers the other members. */
static gboolean
is_other_member (gpointer item,
                 gpointer user_data)
{
  return g_strcmp0 (cc_member_get_user_id (item), user_data) != 0;
}

static void
hide_mentions (CwComposer *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->mention_popover)))
    gtk_popover_popdown (self->mention_popover);
}

static void
update_mentions (CwComposer *self)
{
  GtkTextIter cursor, start;
  g_autofree char *text = NULL;
  g_autofree char *query = NULL;
  GdkRectangle rect;
  gsize at = 0;

  if (self->room == NULL)
    return;

  gtk_text_buffer_get_iter_at_mark (buffer (self), &cursor, gtk_text_buffer_get_insert (buffer (self)));
  start = cursor;
  gtk_text_iter_set_line_offset (&start, 0);
  text = gtk_text_buffer_get_text (buffer (self), &start, &cursor, FALSE);
  query = cw_composer_mention_query (text, strlen (text), &at);

  if (query == NULL)
    {
      hide_mentions (self);
      return;
    }

  gtk_string_filter_set_search (self->string_filter, query);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->mention_filter)) == 0)
    {
      hide_mentions (self);
      return;
    }

  self->mention_start = gtk_text_iter_get_offset (&start) + g_utf8_strlen (text, at);
  gtk_single_selection_set_selected (self->mention_selection, 0);

  gtk_text_view_get_iter_location (self->text_view, &cursor, &rect);
  gtk_text_view_buffer_to_window_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET,
                                         rect.x, rect.y, &rect.x, &rect.y);
  gtk_popover_set_pointing_to (self->mention_popover, &rect);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->mention_popover)))
    gtk_popover_popup (self->mention_popover);
}

static void
insert_mention (CwComposer *self,
                guint       position)
{
  g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (self->mention_selection), position);
  g_autofree char *insert = NULL;
  GtkTextIter start, cursor;

  if (item == NULL)
    return;

  gtk_text_buffer_get_iter_at_mark (buffer (self), &cursor, gtk_text_buffer_get_insert (buffer (self)));
  gtk_text_buffer_get_iter_at_offset (buffer (self), &start, self->mention_start);
  insert = g_strdup_printf ("@%s ", gtk_string_object_get_string (item));

  gtk_text_buffer_begin_user_action (buffer (self));
  gtk_text_buffer_delete (buffer (self), &start, &cursor);
  gtk_text_buffer_insert (buffer (self), &start, insert, -1);
  gtk_text_buffer_end_user_action (buffer (self));
  hide_mentions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
on_mention_activate_cb (CwComposer *self,
                        guint       position)
{
  insert_mention (self, position);
}

/* Sending ----------------------------------------------------------------- */

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CwComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcMessage) message = cc_client_send_message_finish (CC_CLIENT (source), result, &error);

  if (message == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

      g_warning ("Message not queued: %s", error ? error->message : "?");
      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay),
                                     adw_toast_new (cw_error_sentence (error)));
    }
}

static void
edit_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CwComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = cc_client_action_finish (CC_CLIENT (source), result, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay),
                                     adw_toast_new (cw_error_sentence (error)));
    }
}

void
cw_composer_send (CwComposer *self)
{
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  const char *room_id;

  g_return_if_fail (CW_IS_COMPOSER (self));

  if (self->client == NULL || self->room == NULL)
    return;

  text = cw_composer_get_text (self);
  body = g_strstrip (g_strdup (text));
  if (*body == '\0')
    return;

  room_id = cc_room_get_id (self->room);
  if (self->mode == MODE_EDIT && self->target_id != NULL)
    {
      g_autoptr(JsonObject) obj = json_object_new ();

      json_object_set_string_member (obj, "body", body);
      cc_client_action_async (self->client, CC_CLIENT_ACTION_EDIT_MESSAGE, room_id,
                              self->target_id, obj, self->cancellable, edit_cb,
                              g_object_ref (self));
    }
  else
    cc_client_send_message_async (self->client, room_id, body,
                                  self->mode == MODE_REPLY ? self->target_id : NULL,
                                  self->cancellable, send_cb, g_object_ref (self));

  set_mode (self, MODE_NORMAL, NULL);
  cw_composer_set_text (self, "");
  cc_client_set_draft (self->client, room_id, "");
  cc_client_composer_sent (self->client, room_id);
  g_signal_emit (self, signals[SENT], 0);
}

/* Callbacks --------------------------------------------------------------- */

static void
on_buffer_changed_cb (CwComposer *self)
{
  g_autofree char *text = cw_composer_get_text (self);
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), *text == '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), *stripped != '\0' && self->room != NULL);

  if (self->loading || self->client == NULL || self->room == NULL)
    return;

  cc_client_set_draft (self->client, cc_room_get_id (self->room), text);
  update_mentions (self);
}

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   CwComposer            *self)
{
  gboolean popup = gtk_widget_get_visible (GTK_WIDGET (self->mention_popover));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->mention_selection));
  guint selected = gtk_single_selection_get_selected (self->mention_selection);

  if (popup && n > 0)
    {
      switch (keyval)
        {
        case GDK_KEY_Up:
          gtk_single_selection_set_selected (self->mention_selection, selected > 0 ? selected - 1 : n - 1);
          return GDK_EVENT_STOP;
        case GDK_KEY_Down:
          gtk_single_selection_set_selected (self->mention_selection, (selected + 1) % n);
          return GDK_EVENT_STOP;
        case GDK_KEY_Tab:
        case GDK_KEY_Return:
        case GDK_KEY_KP_Enter:
          insert_mention (self, selected == GTK_INVALID_LIST_POSITION ? 0 : selected);
          return GDK_EVENT_STOP;
        case GDK_KEY_Escape:
          hide_mentions (self);
          return GDK_EVENT_STOP;
        default:
          break;
        }
    }

  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) &&
      !(state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)))
    {
      cw_composer_send (self);
      return GDK_EVENT_STOP;
    }

  if (keyval == GDK_KEY_Escape && self->mode != MODE_NORMAL)
    {
      if (self->mode == MODE_EDIT)
        cw_composer_set_text (self, "");
      set_mode (self, MODE_NORMAL, NULL);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
on_send_clicked_cb (CwComposer *self)
{
  cw_composer_send (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
on_cancel_clicked_cb (CwComposer *self)
{
  if (self->mode == MODE_EDIT)
    cw_composer_set_text (self, "");
  set_mode (self, MODE_NORMAL, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
load_draft_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CwComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *draft = cc_client_load_draft_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Draft: %s", error->message);

  /* Typed before the draft arrived: keep what was typed. */
  {
    g_autofree char *now = cw_composer_get_text (self);
    if (*now == '\0' && draft != NULL)
      cw_composer_set_text (self, draft);
  }
}

/* Public ------------------------------------------------------------------ */

void
cw_composer_set_client (CwComposer *self,
                        CcClient   *client)
{
  g_return_if_fail (CW_IS_COMPOSER (self));

  cw_composer_set_room (self, NULL);
  g_set_object (&self->client, client);
}

void
cw_composer_set_room (CwComposer *self,
                      CcRoom     *room)
{
  g_return_if_fail (CW_IS_COMPOSER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  hide_mentions (self);
  set_mode (self, MODE_NORMAL, NULL);
  cw_composer_set_text (self, "");
  g_set_object (&self->room, room);
  g_clear_object (&self->members);

  if (room != NULL && self->client != NULL)
    {
      g_autoptr(GtkFlattenListModel) flat = NULL;
      g_autoptr(GtkMapListModel) names = NULL;
      GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);
      const char *me = cc_account_get_user_id (cc_client_get_account (self->client));
      GtkCustomFilter *others = gtk_custom_filter_new (is_other_member, g_strdup (me), g_free);
      GtkFilterListModel *other_members = NULL;

      self->members = cc_client_get_members (self->client, cc_room_get_id (room));
      other_members = gtk_filter_list_model_new (g_object_ref (self->members), GTK_FILTER (others));
      names = gtk_map_list_model_new (G_LIST_MODEL (other_members), member_to_string, NULL, NULL);
      g_list_store_append (parts, self->room_entry);
      g_list_store_append (parts, names);
      flat = gtk_flatten_list_model_new (G_LIST_MODEL (parts));
      gtk_filter_list_model_set_model (self->mention_filter, G_LIST_MODEL (flat));

      cc_client_load_draft_async (self->client, cc_room_get_id (room), self->cancellable,
                                  load_draft_cb, g_object_ref (self));
    }
  else
    gtk_filter_list_model_set_model (self->mention_filter, NULL);

  update_placeholder (self);
  on_buffer_changed_cb (self);
}

void
cw_composer_reply_to (CwComposer *self,
                      CcMessage  *message)
{
  g_return_if_fail (CW_IS_COMPOSER (self));

  set_mode (self, MODE_REPLY, message);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

void
cw_composer_edit (CwComposer *self,
                  CcMessage  *message)
{
  g_return_if_fail (CW_IS_COMPOSER (self));

  set_mode (self, MODE_EDIT, message);
  cw_composer_set_text (self, cc_message_get_body (message));
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

void
cw_composer_focus (CwComposer *self)
{
  g_return_if_fail (CW_IS_COMPOSER (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* GObject ----------------------------------------------------------------- */

static void
cw_composer_dispose (GObject *object)
{
  CwComposer *self = CW_COMPOSER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->mention_popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->mention_popover));
      self->mention_popover = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_COMPOSER);
  cw_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->client);
  g_clear_object (&self->room);
  g_clear_object (&self->members);
  g_clear_object (&self->room_entry);
  g_clear_object (&self->mention_selection);
  g_clear_pointer (&self->target_id, g_free);

  G_OBJECT_CLASS (cw_composer_parent_class)->dispose (object);
}

static void
cw_composer_class_init (CwComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_composer_dispose;

  signals[SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, CwComposer, context_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, context_icon);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, context_title);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, context_excerpt);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, placeholder);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, send_button);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, mention_popover);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, mention_list);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mention_activate_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "composer");
}

static void
cw_composer_init (CwComposer *self)
{
  static const char *room_entry[] = { "room", NULL };
  GtkEventController *keys;
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->mention_popover), GTK_WIDGET (self->text_view));

  self->room_entry = gtk_string_list_new (room_entry);
  self->string_filter = gtk_string_filter_new (gtk_property_expression_new (GTK_TYPE_STRING_OBJECT,
                                                                            NULL, "string"));
  gtk_string_filter_set_match_mode (self->string_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->string_filter, TRUE);
  self->mention_filter = gtk_filter_list_model_new (NULL, GTK_FILTER (self->string_filter));
  self->mention_selection = gtk_single_selection_new (G_LIST_MODEL (self->mention_filter));

  factory = gtk_builder_list_item_factory_new_from_resource (NULL, "/org/causerie/Causerie/cw-mention-row.ui");
  gtk_list_view_set_factory (self->mention_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->mention_list, GTK_SELECTION_MODEL (self->mention_selection));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  g_signal_connect_swapped (buffer (self), "changed", G_CALLBACK (on_buffer_changed_cb), self);
  update_placeholder (self);
}
