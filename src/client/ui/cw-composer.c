/* cw-composer.c: the message bar. Enter sends, Shift+Enter adds a line.
 * Every change goes to cc_client_set_draft() (saved to SQLite, typing
 * notices). "@" opens a completion popover of the room's members (agents
 * with their badge and description, completed by handle) and @room. A banner above shows the message being replied to or edited.
 * Files wait in a tray above the bar (from the attach button's file
 * chooser, a drop on the conversation, or a pasted image or file list)
 * and are sent with the text.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cw-attachment-tray.h"
#include "cw-attachment-utils.h"
#include "cw-composer.h"
#include "cw-context-card.h"
#include "cw-mention-item.h"
#include "cw-utils.h"
#include "cc-bidi.h"

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
  CwAttachmentTray   *tray;
  CwContextCard      *cite_card;     /* the object the next message cites */
  GtkButton          *attach_button;
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
  GListStore         *room_entry;     /* of CwMentionItem: @room */
  GtkFilterListModel *mention_filter;
  GtkStringFilter    *string_filter;
  GtkSingleSelection *mention_selection;
  gsize               mention_start;

  GtkFileChooserNative *chooser;
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
    text = cc_bidi_printf (_("Message %s"), cc_room_get_name (self->room));
  else
    /* Translators: composer placeholder in a group or channel. */
    text = cc_bidi_printf (_("Message #%s"), cc_room_get_name (self->room));
  gtk_label_set_text (self->placeholder, text);
}

static void
set_mode (CwComposer *self,
          Mode        mode,
          CcMessage  *message)
{
  self->mode = mode;
  g_clear_pointer (&self->target_id, g_free);
  /* An edit changes the text only. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), mode != MODE_EDIT || message == NULL);

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
      title = cc_bidi_printf (_("Replying to %s"), sender ? sender : _("Deleted user"));
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
  CwMentionItem *mention = cw_mention_item_new_member (item);

  g_object_unref (item);
  return mention;
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
  g_autoptr(CwMentionItem) item = g_list_model_get_item (G_LIST_MODEL (self->mention_selection), position);
  g_autofree char *insert = NULL;
  GtkTextIter start, cursor;

  if (item == NULL)
    return;

  gtk_text_buffer_get_iter_at_mark (buffer (self), &cursor, gtk_text_buffer_get_insert (buffer (self)));
  gtk_text_buffer_get_iter_at_offset (buffer (self), &start, self->mention_start);
  insert = g_strdup_printf ("@%s ", cw_mention_item_get_insert (item));

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

typedef struct {
  CwComposer *composer;
  GPtrArray  *temporary;   /* pasted images, deleted once in the outbox */
} SendFilesData;

static void
send_files_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SendFilesData *data = user_data;
  g_autoptr(CwComposer) self = data->composer;
  g_autoptr(GPtrArray) temporary = data->temporary;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcMessage) message = cc_client_send_files_finish (CC_CLIENT (source), result, &error);

  g_free (data);
  /* The core copied the files into its outbox before finishing. */
  for (guint i = 0; message != NULL && i < temporary->len; i++)
    cw_attachment_delete_temporary (g_ptr_array_index (temporary, i));
  /* The message is in the timeline only now (after the copies): again, so
   * that the conversation shows it whole. */
  if (message != NULL)
    g_signal_emit (self, signals[SENT], 0);

  if (message == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("Files not queued: %s", error ? error->message : "?");
      cw_show_toast (GTK_WIDGET (self), cw_error_sentence (error));
    }
}

static void
edit_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CwComposer) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_client_message_op_finish (CC_CLIENT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
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
  gboolean has_files;

  g_return_if_fail (CW_IS_COMPOSER (self));

  if (self->client == NULL || self->room == NULL)
    return;

  text = cw_composer_get_text (self);
  body = g_strstrip (g_strdup (text));
  has_files = cw_attachment_tray_get_n_files (self->tray) > 0 && self->mode != MODE_EDIT;
  if (*body == '\0' && !has_files)
    return;

  room_id = cc_room_get_id (self->room);
  if (has_files)
    {
      SendFilesData *data = g_new0 (SendFilesData, 1);
      GFile **files = cw_attachment_tray_take_files (self->tray, &data->temporary);

      data->composer = g_object_ref (self);
      /* Not cancelled by leaving the room: copying large files into the
       * outbox takes a moment, and what was sent must not be lost. */
      cc_client_send_files_async (self->client, room_id, body,
                                  self->mode == MODE_REPLY ? self->target_id : NULL,
                                  files, NULL, send_files_cb, data);
      for (guint i = 0; files[i] != NULL; i++)
        g_object_unref (files[i]);
      g_free (files);
    }
  else if (self->mode == MODE_EDIT && self->target_id != NULL)
    cc_client_edit_message_async (self->client, room_id, self->target_id, body,
                                  self->cancellable, edit_cb, g_object_ref (self));
  else
    cc_client_send_cited_async (self->client, room_id, body,
                                self->mode == MODE_REPLY ? self->target_id : NULL,
                                cw_context_card_get_context (self->cite_card),
                                self->cancellable, send_cb, g_object_ref (self));
  /* Cited once: the next message is about whatever it says. Files go
   * without a citation (the files call takes none): it waits for the
   * next text. */
  if (self->mode != MODE_EDIT && !has_files)
    cw_composer_set_context (self, NULL);

  set_mode (self, MODE_NORMAL, NULL);
  cw_composer_set_text (self, "");
  cc_client_set_draft (self->client, room_id, "");
  cc_client_composer_sent (self->client, room_id);
  g_signal_emit (self, signals[SENT], 0);
}

/* Callbacks --------------------------------------------------------------- */

static void
update_send_button (CwComposer *self,
                    const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            (*stripped != '\0' || cw_attachment_tray_get_n_files (self->tray) > 0) &&
                            self->room != NULL);
}

static void
update_from_text (CwComposer *self,
                  const char *text)
{
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), *text == '\0');
  update_send_button (self, text);
}

static void
on_buffer_changed_cb (CwComposer *self)
{
  g_autofree char *text = cw_composer_get_text (self);

  update_from_text (self, text);

  if (self->loading || self->client == NULL || self->room == NULL)
    return;

  cc_client_set_draft (self->client, cc_room_get_id (self->room), text);
  update_mentions (self);
}

/* The newest message of ours in the room that can be edited, or NULL. */
static CcMessage *
last_own_message (CwComposer *self)
{
  g_autoptr(CcTimeline) timeline = NULL;
  guint n;

  if (self->client == NULL || self->room == NULL)
    return NULL;
  timeline = cc_client_get_timeline (self->client, cc_room_get_id (self->room));
  n = g_list_model_get_n_items (G_LIST_MODEL (timeline));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (timeline), i - 1);

      if (cc_message_get_is_own (m) && cc_message_get_state (m) == CC_MESSAGE_STATE_STORED &&
          cc_message_get_id (m) != NULL && !cc_message_get_deleted (m) &&
          g_strcmp0 (cc_message_get_kind (m), "system") != 0)
        return g_steal_pointer (&m);
    }
  return NULL;
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

  /* Up in an empty composer edits your last message (as in Slack). */
  if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up) &&
      !(state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) &&
      self->mode == MODE_NORMAL && cw_attachment_tray_get_n_files (self->tray) == 0)
    {
      g_autofree char *text = cw_composer_get_text (self);
      g_autoptr(CcMessage) last = *text == '\0' ? last_own_message (self) : NULL;

      if (last != NULL)
        {
          cw_composer_edit (self, last);
          return GDK_EVENT_STOP;
        }
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

/* Attachments ------------------------------------------------------------- */

static void
on_tray_changed_cb (CwComposer *self)
{
  g_autofree char *text = cw_composer_get_text (self);

  update_send_button (self, text);
}

void
cw_composer_add_files (CwComposer *self,
                       GSList     *files)
{
  g_return_if_fail (CW_IS_COMPOSER (self));

  if (self->room == NULL)
    return;
  for (GSList *l = files; l != NULL; l = l->next)
    cw_attachment_tray_add (self->tray, G_FILE (l->data), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        CwComposer      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      GSList *list = NULL;

      for (guint i = g_list_model_get_n_items (files); i > 0; i--)
        list = g_slist_prepend (list, g_list_model_get_item (files, i - 1));
      cw_composer_add_files (self, list);
      g_slist_free_full (list, g_object_unref);
    }
  g_clear_object (&self->chooser);
}

static void
on_attach_clicked_cb (CwComposer *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->room == NULL || self->chooser != NULL)
    return;

  /* Through the file chooser portal inside Flatpak. */
  self->chooser = gtk_file_chooser_native_new (_("Attach Files"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Attach"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
pasted_png_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CwComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = cw_texture_save_png_finish (result, &error);

  if (file == NULL)
    {
      cw_show_toast (GTK_WIDGET (self), cw_error_sentence (error));
      return;
    }
  if (self->room == NULL)
    {
      cw_attachment_delete_temporary (file);
      return;
    }
  cw_attachment_tray_add (self->tray, file, TRUE);
}

static void
pasted_texture_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CwComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *name = NULL;

  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cw_show_toast (GTK_WIDGET (self), _("The image on the clipboard could not be pasted."));
      return;
    }

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y-%m-%d %H.%M.%S");
  /* Translators: file name of a pasted image, %s a date and time. */
  name = g_strdup_printf (_("Pasted image %s"), stamp);
  cw_texture_save_png_async (texture, name, self->cancellable, pasted_png_cb, g_object_ref (self));
}

static void
pasted_files_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CwComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);
  GSList *files = value ? gdk_file_list_get_files (g_value_get_boxed (value)) : NULL;
  gboolean local = files != NULL;

  /* A copied link is a "file list" too: only local files are attached. */
  for (GSList *l = files; l != NULL; l = l->next)
    if (!g_file_is_native (l->data))
      local = FALSE;

  if (local)
    cw_composer_add_files (self, files);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_text_buffer_paste_clipboard (buffer (self), GDK_CLIPBOARD (source), NULL,
                                     gtk_text_view_get_editable (self->text_view));
  g_slist_free (files);
}

/* Ctrl+V: files copied in a file manager are attached; an image alone
 * (a screenshot, "Copy Image") is saved as a PNG and attached; anything
 * with text pastes as text. */
static void
on_paste_clipboard_cb (GtkTextView *text_view,
                       CwComposer  *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (text_view));
  GdkContentFormats *mime_types = gdk_clipboard_get_formats (clipboard);
  g_autoptr(GdkContentFormats) formats = NULL;
  gboolean has_text;

  if (self->room == NULL || self->mode == MODE_EDIT)
    return;

  /* What the offered mime types can be read as. */
  formats = gdk_content_formats_union_deserialize_gtypes (gdk_content_formats_ref (mime_types));
  has_text = gdk_content_formats_contain_mime_type (formats, "text/plain") ||
             gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8");

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    {
      g_signal_stop_emission_by_name (text_view, "paste-clipboard");
      gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                      self->cancellable, pasted_files_cb, g_object_ref (self));
    }
  else if (!has_text && gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    {
      g_signal_stop_emission_by_name (text_view, "paste-clipboard");
      gdk_clipboard_read_texture_async (clipboard, self->cancellable, pasted_texture_cb,
                                        g_object_ref (self));
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
  /* Files chosen for one room never go to another; nor does a citation. */
  cw_attachment_tray_clear (self->tray);
  cw_context_card_set_context (self->cite_card, NULL);
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
  /* Only the look: the emptied buffer is no edit of the new room's draft
   * (saving it deleted that draft while it was being loaded). */
  {
    g_autofree char *text = cw_composer_get_text (self);
    update_from_text (self, text);
  }
}

void
cw_composer_set_context (CwComposer       *self,
                         const CauContext *context)
{
  g_return_if_fail (CW_IS_COMPOSER (self));
  cw_context_card_set_context (self->cite_card, context);
}

static void
on_cite_remove_cb (CwComposer *self)
{
  cw_composer_set_context (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
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
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
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

  g_type_ensure (CW_TYPE_ATTACHMENT_TRAY);
  g_type_ensure (CW_TYPE_CONTEXT_CARD);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, CwComposer, tray);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, cite_card);
  gtk_widget_class_bind_template_child (widget_class, CwComposer, attach_button);
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
  gtk_widget_class_bind_template_callback (widget_class, on_attach_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tray_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cite_remove_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "composer");
}

static void
cw_composer_init (CwComposer *self)
{
  g_autoptr(CwMentionItem) room_item = cw_mention_item_new_room ();
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  GtkEventController *keys;
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  cw_context_card_set_removable (self->cite_card, TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->mention_popover), GTK_WIDGET (self->text_view));

  self->room_entry = g_list_store_new (CW_TYPE_MENTION_ITEM);
  g_list_store_append (self->room_entry, room_item);
  self->string_filter = gtk_string_filter_new (gtk_property_expression_new (CW_TYPE_MENTION_ITEM,
                                                                            NULL, "search"));
  gtk_string_filter_set_match_mode (self->string_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->string_filter, TRUE);
  self->mention_filter = gtk_filter_list_model_new (NULL, GTK_FILTER (self->string_filter));
  self->mention_selection = gtk_single_selection_new (G_LIST_MODEL (self->mention_filter));

  cw_add_agent_callbacks (scope);
  factory = gtk_builder_list_item_factory_new_from_resource (scope, "/org/causerie/Causerie/cw-mention-row.ui");
  gtk_list_view_set_factory (self->mention_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->mention_list, GTK_SELECTION_MODEL (self->mention_selection));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  g_signal_connect_swapped (buffer (self), "changed", G_CALLBACK (on_buffer_changed_cb), self);
  g_signal_connect (self->text_view, "paste-clipboard", G_CALLBACK (on_paste_clipboard_cb), self);
  update_placeholder (self);
}
