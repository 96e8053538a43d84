/* cw-message-row.c: one message: day separator and unread marker above
 * it, avatar and sender for the first of a group, reply quote, body with
 * mentions, "edited", the state of our own messages (clock, ✓, ✓✓ or
 * "read by N", failed with retry/discard), tombstones and system lines;
 * an agent's answer with its badge, avatar, "Writing…" while it streams
 * and the reason when it failed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cc-reactions.h"
#include "cw-attachment-view.h"
#include "cw-context-card.h"
#include "cw-message-row.h"
#include "cw-reactions-bar.h"
#include "cw-read-list.h"
#include "cw-utils.h"

#define GROUP_WINDOW_MS (5 * 60 * 1000)

struct _CwMessageRow
{
  GtkWidget      parent_instance;

  GtkWidget     *main_box;
  GtkWidget     *content_box;
  GtkWidget     *header_box;
  GtkLabel      *sender_label;
  GtkLabel      *time_label;
  GtkWidget     *body_row;
  GtkLabel      *body_label;
  GtkWidget     *menu_button;
  GtkWidget     *react_button;
  GMenuModel    *message_menu;
  GtkWidget     *menu;          /* made when first opened */

  /* Made the first time a message needs them, then kept (hidden when the
   * next message does not): most rows never show most of these, and each
   * widget costs a few kB (tests/bench, bench-ui: RSS after scrolling). */
  GtkWidget     *day_box;        /* children of the row, above main_box */
  GtkLabel      *day_label;
  GtkWidget     *unread_box;
  GtkLabel      *system_label;
  AdwAvatar     *avatar;
  GtkLabel      *side_time_label;
  GtkWidget     *reply_box;
  GtkLabel      *reply_sender_label;
  GtkLabel      *reply_excerpt_label;
  GtkWidget     *meta_box;       /* after the body */
  GtkLabel      *edited_label;
  GtkImage      *state_icon;
  GtkButton     *read_by_button;  /* "read by N": opens who read it, when */
  CwReactionsBar *reactions;     /* under the message, once it has some */
  GtkLabel      *read_at_label;  /* "Read 14:02" (direct rooms) */
  GtkWidget     *failed_box;
  GtkWidget     *retry_button;   /* in failed_box */
  GtkLabel      *error_label;
  CwAttachmentView *attachments;
  CwContextCard    *cited;       /* made when a message first cites an object */
  GtkWidget     *agent_badge;    /* in header_box, after the sender */
  GtkWidget     *agent_box;      /* after the body: writing… or the error */
  GtkWidget     *agent_spinner;
  GtkWidget     *agent_icon;
  GtkLabel      *agent_label;

  CcMessage     *message;
  gulong         notify_id;
  CwMessageContext context;   /* previous is a strong ref, my_user_id a copy */
};

G_DEFINE_FINAL_TYPE (CwMessageRow, cw_message_row, GTK_TYPE_WIDGET)

/* CwMessageBody: holds the wrapping body label. GtkBox allocates its
 * children after measuring their widths for its height, and a wrapping
 * GtkLabel answers that by a binary search over widths, reshaping the whole
 * text at each step: ~240 Pango layouts per row when a room opens. A
 * height-for-width child's width does not depend on the height, so this
 * asks for it without one (tests/bench, bench-ui: room open). */
#define CW_TYPE_MESSAGE_BODY (cw_message_body_get_type ())
G_DECLARE_FINAL_TYPE (CwMessageBody, cw_message_body, CW, MESSAGE_BODY, GtkWidget)

struct _CwMessageBody
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (CwMessageBody, cw_message_body, GTK_TYPE_WIDGET)

static void
cw_message_body_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  *minimum = *natural = 0;
  if (child == NULL || !gtk_widget_should_layout (child))
    return;
  gtk_widget_measure (child, orientation,
                      orientation == GTK_ORIENTATION_HORIZONTAL ? -1 : for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
cw_message_body_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static GtkSizeRequestMode
cw_message_body_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cw_message_body_dispose (GObject *object)
{
  cw_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (cw_message_body_parent_class)->dispose (object);
}

static void
cw_message_body_class_init (CwMessageBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_message_body_dispose;
  widget_class->measure = cw_message_body_measure;
  widget_class->size_allocate = cw_message_body_size_allocate;
  widget_class->get_request_mode = cw_message_body_get_request_mode;
}

static void
cw_message_body_init (CwMessageBody *self)
{
}

static const char *
id_of (CcMessage *message)
{
  const char *id = cc_message_get_id (message);

  return id != NULL ? id : cc_message_get_txn_id (message);
}

static gboolean
is_plain (CcMessage *message)
{
  return g_strcmp0 (cc_message_get_kind (message), "system") != 0;
}

gboolean
cw_message_row_continues (CcMessage *previous,
                          CcMessage *message)
{
  gint64 a, b;

  if (previous == NULL || message == NULL)
    return FALSE;
  if (!is_plain (previous) || !is_plain (message))
    return FALSE;
  if (g_strcmp0 (cc_message_get_sender_id (previous), cc_message_get_sender_id (message)) != 0)
    return FALSE;
  /* By when they were written: a message written offline hours ago and
   * one written now are not one burst, though they arrived together. */
  a = cc_message_get_written_at (previous);
  b = cc_message_get_written_at (message);
  return b - a < GROUP_WINDOW_MS && b >= a && cw_same_day (a, b);
}

char *
cw_message_row_body_markup (CcMessage  *message,
                            const char *my_user_id,
                            gboolean   *mentions_me)
{
  const char *body = cc_message_get_body (message);
  glong length, cursor = 0;
  GString *out;
  guint n;

  if (mentions_me != NULL)
    *mentions_me = FALSE;
  if (body == NULL)
    return g_strdup ("");

  length = g_utf8_strlen (body, -1);
  out = g_string_new (NULL);
  n = cc_message_get_n_mentions (message);

  for (guint i = 0; i < n; i++)
    {
      const char *type = NULL, *id = NULL;
      glong start = 0, end = 0;
      const char *s, *e;
      g_autofree char *before = NULL;
      g_autofree char *mention = NULL;

      if (!cc_message_get_mention (message, i, &type, &id, &start, &end))
        continue;
      if (start < cursor || end <= start || end > length)
        continue;

      s = g_utf8_offset_to_pointer (body, start);
      e = g_utf8_offset_to_pointer (body, end);
      before = g_markup_escape_text (g_utf8_offset_to_pointer (body, cursor),
                                     s - g_utf8_offset_to_pointer (body, cursor));
      mention = g_markup_escape_text (s, e - s);
      g_string_append (out, before);
      g_string_append_printf (out, "<b>%s</b>", mention);
      cursor = end;

      if (mentions_me != NULL &&
          (g_strcmp0 (type, "room") == 0 ||
           (my_user_id != NULL && g_strcmp0 (id, my_user_id) == 0)))
        *mentions_me = TRUE;
    }

  {
    g_autofree char *rest = g_markup_escape_text (g_utf8_offset_to_pointer (body, cursor), -1);
    g_string_append (out, rest);
  }
  return g_string_free (out, FALSE);
}

static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

/* The parts made when first needed. ---------------------------------------- */

static void
show_part (gpointer part,
           gboolean visible)
{
  if (part != NULL)
    gtk_widget_set_visible (GTK_WIDGET (part), visible);
}

static GtkLabel *
new_label (const char *text,
           const char *first_class,
           ...)
{
  GtkWidget *label = gtk_label_new (text);
  va_list args;

  va_start (args, first_class);
  for (const char *c = first_class; c != NULL; c = va_arg (args, const char *))
    gtk_widget_add_css_class (label, c);
  va_end (args);
  return GTK_LABEL (label);
}

/* A line across the row with @label in its middle. */
static GtkWidget *
new_rule (const char *css_class,
          GtkLabel   *label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_add_css_class (box, css_class);
  for (int i = 0; i < 2; i++)
    {
      GtkWidget *line = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

      gtk_widget_set_hexpand (line, TRUE);
      gtk_widget_set_valign (line, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), line);
      if (i == 0)
        gtk_box_append (GTK_BOX (box), GTK_WIDGET (label));
    }
  return box;
}

/* Above the message, in this order: day separator, unread marker, system line. */
static void
ensure_day (CwMessageRow *self)
{
  if (self->day_box != NULL)
    return;
  self->day_label = new_label (NULL, "heading", "dim-label", NULL);
  self->day_box = new_rule ("day-separator", self->day_label);
  gtk_widget_insert_after (self->day_box, GTK_WIDGET (self), NULL);
}

static void
ensure_unread (CwMessageRow *self)
{
  if (self->unread_box != NULL)
    return;
  self->unread_box = new_rule ("unread-marker", new_label (_("New Messages"), "caption-heading", NULL));
  gtk_widget_insert_after (self->unread_box, GTK_WIDGET (self), self->day_box);
}

static void
ensure_system (CwMessageRow *self)
{
  if (self->system_label != NULL)
    return;
  self->system_label = new_label (NULL, "system-line", "dim-label", NULL);
  gtk_label_set_wrap (self->system_label, TRUE);
  gtk_label_set_wrap_mode (self->system_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (self->system_label, GTK_JUSTIFY_CENTER);
  gtk_widget_insert_before (GTK_WIDGET (self->system_label), GTK_WIDGET (self), self->main_box);
}

/* The first column: the avatar, or the time beside a grouped message. */
static void
ensure_avatar (CwMessageRow *self)
{
  if (self->avatar != NULL)
    return;
  self->avatar = ADW_AVATAR (adw_avatar_new (36, NULL, TRUE));
  gtk_widget_set_valign (GTK_WIDGET (self->avatar), GTK_ALIGN_START);
  gtk_widget_set_margin_top (GTK_WIDGET (self->avatar), 2);
  gtk_box_prepend (GTK_BOX (self->main_box), GTK_WIDGET (self->avatar));
}

static void
ensure_side_time (CwMessageRow *self)
{
  if (self->side_time_label != NULL)
    return;
  self->side_time_label = new_label (NULL, "side-time", "caption", NULL);
  gtk_widget_set_valign (GTK_WIDGET (self->side_time_label), GTK_ALIGN_START);
  gtk_widget_set_margin_top (GTK_WIDGET (self->side_time_label), 3);
  gtk_box_prepend (GTK_BOX (self->main_box), GTK_WIDGET (self->side_time_label));
}

static void
ensure_reply (CwMessageRow *self)
{
  if (self->reply_box != NULL)
    return;
  self->reply_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_halign (self->reply_box, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->reply_box, "reply-quote");
  self->reply_sender_label = new_label (NULL, "caption-heading", NULL);
  self->reply_excerpt_label = new_label (NULL, "caption", "dim-label", NULL);
  gtk_label_set_max_width_chars (self->reply_excerpt_label, 60);
  for (GtkLabel **l = (GtkLabel *[]) { self->reply_sender_label, self->reply_excerpt_label, NULL }; *l; l++)
    {
      gtk_label_set_xalign (*l, 0);
      gtk_label_set_ellipsize (*l, PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (self->reply_box), GTK_WIDGET (*l));
    }
  gtk_box_insert_child_after (GTK_BOX (self->content_box), self->reply_box, self->header_box);
}

/* After the body: "edited", the tick, "read by N". */
static void
ensure_meta (CwMessageRow *self)
{
  if (self->meta_box != NULL)
    return;
  self->meta_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_valign (self->meta_box, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (self->body_row), self->meta_box);
}

static void
ensure_edited (CwMessageRow *self)
{
  if (self->edited_label != NULL)
    return;
  ensure_meta (self);
  self->edited_label = new_label (_("edited"), "caption", "dim-label", NULL);
  gtk_box_prepend (GTK_BOX (self->meta_box), GTK_WIDGET (self->edited_label));
}

static void
ensure_state_icon (CwMessageRow *self)
{
  if (self->state_icon != NULL)
    return;
  ensure_meta (self);
  self->state_icon = GTK_IMAGE (gtk_image_new ());
  gtk_image_set_pixel_size (self->state_icon, 14);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "tick");
  gtk_box_insert_child_after (GTK_BOX (self->meta_box), GTK_WIDGET (self->state_icon),
                              self->edited_label ? GTK_WIDGET (self->edited_label) : NULL);
}

static void
on_read_by_clicked_cb (GtkButton    *button,
                       CwMessageRow *self)
{
  if (self->message != NULL)
    cw_read_list_popup (GTK_WIDGET (button), self->message);
}

static void
ensure_read_by (CwMessageRow *self)
{
  if (self->read_by_button != NULL)
    return;
  ensure_meta (self);
  self->read_by_button = GTK_BUTTON (gtk_button_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->read_by_button), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (self->read_by_button), "read-by");
  gtk_widget_add_css_class (GTK_WIDGET (self->read_by_button), "caption");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->read_by_button), _("Who read it, and when"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->read_by_button),
                                  GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE, -1);
  g_signal_connect (self->read_by_button, "clicked", G_CALLBACK (on_read_by_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->meta_box), GTK_WIDGET (self->read_by_button));
}

/* Under the body: the reactions, then "Read 14:02". */
static void
update_reactions (CwMessageRow *self,
                  gboolean      deleted)
{
  guint n = deleted ? 0 : cc_message_get_n_reactions (self->message);

  if (n > 0 && self->reactions == NULL)
    {
      self->reactions = cw_reactions_bar_new ();
      gtk_box_append (GTK_BOX (self->content_box), GTK_WIDGET (self->reactions));
      if (self->read_at_label != NULL)
        gtk_box_reorder_child_after (GTK_BOX (self->content_box), GTK_WIDGET (self->read_at_label),
                                     GTK_WIDGET (self->reactions));
    }
  if (self->reactions != NULL)
    cw_reactions_bar_set_message (self->reactions, n > 0 ? self->message : NULL);
}

static void
update_read_at (CwMessageRow *self,
                gboolean      deleted)
{
  gint64 at = cc_message_get_read_at (self->message);
  g_autofree char *text = NULL;
  gboolean show = self->context.direct && !deleted && cc_message_get_is_own (self->message) && at > 0;

  if (show && self->read_at_label == NULL)
    {
      self->read_at_label = new_label (NULL, "caption", "dim-label", "read-at", NULL);
      gtk_widget_set_halign (GTK_WIDGET (self->read_at_label), GTK_ALIGN_END);
      gtk_box_append (GTK_BOX (self->content_box), GTK_WIDGET (self->read_at_label));
    }
  show_part (self->read_at_label, show);
  if (!show)
    return;
  text = cc_format_read_at (at, 0);
  gtk_label_set_text (self->read_at_label, text);
}

/* An agent's answer: the badge beside its name, and under the body the
 * line that says it is still writing, or why it could not answer. */
static void
ensure_agent_badge (CwMessageRow *self)
{
  if (self->agent_badge != NULL)
    return;
  self->agent_badge = cw_agent_badge_new ();
  gtk_box_insert_child_after (GTK_BOX (self->header_box), self->agent_badge,
                              GTK_WIDGET (self->sender_label));
}

static void
ensure_agent_status (CwMessageRow *self)
{
  if (self->agent_box != NULL)
    return;
  self->agent_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (self->agent_box, "agent-status");
  gtk_widget_set_halign (self->agent_box, GTK_ALIGN_START);
  self->agent_spinner = gtk_spinner_new ();
  gtk_box_append (GTK_BOX (self->agent_box), self->agent_spinner);
  self->agent_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->agent_icon, "error");
  gtk_box_append (GTK_BOX (self->agent_box), self->agent_icon);
  self->agent_label = new_label (NULL, "caption", NULL);
  gtk_label_set_xalign (self->agent_label, 0);
  gtk_label_set_wrap (self->agent_label, TRUE);
  gtk_label_set_wrap_mode (self->agent_label, PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (self->agent_box), GTK_WIDGET (self->agent_label));
  gtk_box_insert_child_after (GTK_BOX (self->content_box), self->agent_box, self->body_row);
}

/* Returns what a screen reader hears of the state ("writing…", the
 * error), or NULL. */
static const char *
update_agent (CwMessageRow *self,
              CcMessage    *m,
              gboolean      deleted)
{
  gboolean agent = g_strcmp0 (cc_message_get_kind (m), "agent") == 0;
  gboolean streaming = agent && !deleted && cc_message_get_streaming (m);
  const char *error = agent && !deleted ? cc_message_get_agent_error (m) : NULL;
  gboolean failed = error != NULL && *error != '\0';

  if (agent)
    ensure_agent_badge (self);
  show_part (self->agent_badge, agent);
  if (self->avatar != NULL)
    cw_avatar_set_agent (self->avatar, agent);

  if (streaming || failed)
    ensure_agent_status (self);
  show_part (self->agent_box, streaming || failed);
  if (self->agent_box == NULL)
    return NULL;
  gtk_widget_set_visible (self->agent_spinner, streaming && !failed);
  gtk_spinner_set_spinning (GTK_SPINNER (self->agent_spinner), streaming && !failed);
  gtk_widget_set_visible (self->agent_icon, failed);
  set_class (self->agent_box, "error", failed);
  set_class (GTK_WIDGET (self->agent_label), "error", failed);
  set_class (GTK_WIDGET (self->agent_label), "dim-label", !failed);
  if (failed)
    {
      gtk_label_set_text (self->agent_label, error);
      return error;
    }
  if (streaming)
    {
      /* Translators: shown under an AI agent's answer while it is still
       * being written. */
      gtk_label_set_text (self->agent_label, _("Writing…"));
      return _("Writing…");
    }
  return NULL;
}

/* Last: the failed line, with Retry and Discard. */
static void
ensure_failed (CwMessageRow *self)
{
  GtkWidget *icon;

  if (self->failed_box != NULL)
    return;
  self->failed_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "error");
  gtk_box_append (GTK_BOX (self->failed_box), icon);
  self->error_label = new_label (NULL, "error", "caption", NULL);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->error_label), TRUE);
  gtk_box_append (GTK_BOX (self->failed_box), GTK_WIDGET (self->error_label));
  for (int i = 0; i < 2; i++)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (i == 0 ? _("_Retry") : _("_Discard"));

      if (i == 0)
        self->retry_button = button;
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button),
                                      i == 0 ? "message.retry" : "message.discard");
      gtk_widget_add_css_class (button, "flat");
      gtk_box_append (GTK_BOX (self->failed_box), button);
    }
  gtk_box_append (GTK_BOX (self->content_box), self->failed_box);
}

static gboolean
has_refused_file (CcMessage *m)
{
  GListModel *files = cc_message_get_attachments (m);
  guint n = g_list_model_get_n_items (files);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcAttachment) a = g_list_model_get_item (files, i);

      if (cc_attachment_get_state (a) == CC_ATTACHMENT_FAILED)
        return TRUE;
    }
  return FALSE;
}

static void
update_actions (CwMessageRow *self)
{
  CcMessage *m = self->message;
  gboolean stored, own, deleted, plain;

  if (m == NULL)
    return;

  stored = cc_message_get_state (m) == CC_MESSAGE_STATE_STORED && cc_message_get_id (m) != NULL;
  own = cc_message_get_is_own (m);
  deleted = cc_message_get_deleted (m);
  plain = is_plain (m);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.reply", stored && !deleted && plain);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.edit", stored && own && !deleted && plain);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.delete",
                                 stored && !deleted && plain && (own || self->context.can_moderate));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.copy", !deleted && plain);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.react", stored && !deleted && plain);
  gtk_widget_set_visible (self->react_button, stored && !deleted && plain);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.retry",
                                 cc_message_get_state (m) == CC_MESSAGE_STATE_FAILED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.discard",
                                 cc_message_get_state (m) == CC_MESSAGE_STATE_FAILED);
  gtk_widget_set_visible (self->menu_button, plain && !deleted);
}

static void
update_state (CwMessageRow *self)
{
  CcMessage *m = self->message;
  CcMessageState state = cc_message_get_state (m);
  gboolean own = cc_message_get_is_own (m);
  guint read_by = cc_message_get_read_by (m);
  const char *icon = NULL;
  g_autofree char *read_text = NULL;
  const char *a11y = NULL;

  show_part (self->read_by_button, FALSE);
  if (state == CC_MESSAGE_STATE_FAILED)
    {
      gboolean refused = has_refused_file (m);

      ensure_failed (self);
      /* A file the server refused says why on its card: the row says it
       * once, and offers no Retry for what cannot succeed. */
      gtk_label_set_text (self->error_label,
                          refused ? _("Not sent because a file was refused.")
                          : cc_message_get_error (m) ? cc_message_get_error (m) : _("Not sent"));
      gtk_widget_set_visible (self->retry_button, !refused);
    }
  show_part (self->failed_box, state == CC_MESSAGE_STATE_FAILED);

  if (!own || cc_message_get_deleted (m) || !is_plain (m))
    ;
  else if (state == CC_MESSAGE_STATE_PENDING)
    {
      icon = "cw-pending-symbolic";
      a11y = _("Sending");
    }
  else if (state == CC_MESSAGE_STATE_STORED)
    {
      if (read_by > 0 && self->context.direct)
        {
          icon = "cw-read-symbolic";
          a11y = _("Read");
        }
      else
        {
          icon = "cw-sent-symbolic";
          a11y = _("Sent");
        }
      if (read_by > 0 && !self->context.direct)
        {
          /* Translators: how many members of a group read the message. */
          read_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "read by %u",
                                                    "read by %u", read_by), read_by);
          ensure_read_by (self);
          gtk_button_set_label (self->read_by_button, read_text);
          gtk_widget_set_visible (GTK_WIDGET (self->read_by_button), TRUE);
        }
    }

  show_part (self->state_icon, icon != NULL);
  if (icon != NULL)
    {
      ensure_state_icon (self);
      set_class (GTK_WIDGET (self->state_icon), "read", g_str_equal (icon, "cw-read-symbolic"));
      gtk_image_set_from_icon_name (self->state_icon, icon);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_icon), a11y);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
    }
}

/* Most rows never show a file: the view is made when one first does. */
static guint
update_attachments (CwMessageRow *self,
                    gboolean      deleted)
{
  GListModel *files = deleted ? NULL : cc_message_get_attachments (self->message);
  guint n = files != NULL ? g_list_model_get_n_items (files) : 0;

  if (n > 0 && self->attachments == NULL)
    {
      self->attachments = cw_attachment_view_new ();
      gtk_box_insert_child_after (GTK_BOX (self->content_box), GTK_WIDGET (self->attachments),
                                  self->body_row);
    }
  if (self->attachments != NULL)
    {
      cw_attachment_view_set_message (self->attachments, n > 0 ? self->message : NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->attachments), n > 0);
    }
  return n;
}

/* Few messages cite an object: the card is made when one first does. */
static void
update_cited (CwMessageRow *self,
              gboolean      deleted)
{
  const CauContext *context = deleted ? NULL : cc_message_get_context (self->message);

  if (context != NULL && self->cited == NULL)
    {
      self->cited = cw_context_card_new ();
      gtk_box_insert_child_after (GTK_BOX (self->content_box), GTK_WIDGET (self->cited), self->body_row);
    }
  if (self->cited != NULL)
    cw_context_card_set_context (self->cited, context);
}

/* A message that waited in an outbox shows when it was written (issue 11):
 * its clock, with the day when that differs from the day it arrived, and
 * when it was delivered in the tooltip. *clock becomes what was shown. */
static void
update_written (CwMessageRow  *self,
                CcMessage     *m,
                char         **clock)
{
  gint64 written = cc_message_get_written_at (m);
  gint64 created = cc_message_get_created_at (m);
  g_autofree char *delivered = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *shown = NULL;

  /* Within the minute the clock shows: nothing to say. */
  if (created <= 0 || written <= 0 || created - written < 60 * 1000)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), NULL);
      if (self->side_time_label != NULL)
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->side_time_label), NULL);
      return;
    }
  shown = cw_format_clock (written);
  if (!cw_same_day (written, created))
    {
      g_autofree char *day = cw_format_day (written);
      g_autofree char *at = g_steal_pointer (&shown);

      /* Translators: when a message was written, on another day than it
       * arrived: "Yesterday 23:50". */
      shown = g_strdup_printf (C_("written at", "%s %s"), day, at);
    }
  delivered = cw_format_clock (created);
  /* Translators: tooltip of a message written offline: "Written at 09:12,
   * delivered at 09:40". */
  tooltip = g_strdup_printf (_("Written at %s, delivered at %s"), shown, delivered);
  gtk_label_set_text (self->time_label, shown);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), tooltip);
  if (self->side_time_label != NULL)
    {
      gtk_label_set_text (self->side_time_label, shown);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->side_time_label), tooltip);
    }
  g_free (*clock);
  *clock = g_steal_pointer (&shown);
}

static void
update (CwMessageRow *self)
{
  CcMessage *m = self->message;
  CcMessage *prev = self->context.previous;
  gboolean system, deleted, first_of_day, grouped, mentions_me = FALSE;
  gint64 created;
  const char *sender;
  g_autofree char *clock = NULL;
  g_autofree char *a11y = NULL;
  g_autofree char *files_text = NULL;
  const char *agent_state;
  gboolean no_text, streaming;
  guint n_files;

  if (m == NULL)
    return;

  system = !is_plain (m);
  deleted = cc_message_get_deleted (m);
  created = cc_message_get_created_at (m);
  sender = cc_message_get_sender_name (m);
  if (sender == NULL || *sender == '\0')
    sender = _("Deleted user");

  first_of_day = prev == NULL || !cw_same_day (cc_message_get_created_at (prev), created);
  grouped = !first_of_day && !self->context.unread_marker && cw_message_row_continues (prev, m);

  if (first_of_day && created > 0)
    {
      g_autofree char *day = cw_format_day (created);

      ensure_day (self);
      gtk_label_set_text (self->day_label, day);
    }
  show_part (self->day_box, first_of_day && created > 0);
  if (self->context.unread_marker)
    ensure_unread (self);
  show_part (self->unread_box, self->context.unread_marker);

  if (system)
    ensure_system (self);
  show_part (self->system_label, system);
  gtk_widget_set_visible (self->main_box, !system);
  clock = cw_format_clock (created);

  if (system)
    {
      /* Written here from the server's data, in the reader's language
       * (a line cached before servers sent it shows its body). */
      g_autofree char *said = cc_message_dup_system_text (m);
      g_autofree char *text = g_strdup_printf ("%s · %s", said, clock);

      gtk_label_set_text (self->system_label, text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, said, -1);
      update_actions (self);
      return;
    }

  set_class (GTK_WIDGET (self), "grouped", grouped);
  if (grouped)
    {
      ensure_side_time (self);
      gtk_label_set_text (self->side_time_label, clock);
    }
  else
    {
      ensure_avatar (self);
      adw_avatar_set_text (self->avatar, sender);
      /* The agent's look is set by update_agent() below. */
    }
  show_part (self->side_time_label, grouped);
  show_part (self->avatar, !grouped);
  gtk_widget_set_visible (self->header_box, !grouped);
  gtk_label_set_text (self->sender_label, sender);
  gtk_label_set_text (self->time_label, clock);
  update_written (self, m, &clock);

  if (!deleted && cc_message_get_reply_to_id (m) != NULL)
    {
      const char *rs = cc_message_get_reply_to_sender_name (m);
      const char *re = cc_message_get_reply_to_excerpt (m);
      g_autofree char *excerpt = g_strdup (re ? re : "");

      g_strdelimit (excerpt, "\r\n", ' ');
      ensure_reply (self);
      gtk_label_set_text (self->reply_sender_label, rs ? rs : _("Deleted user"));
      gtk_label_set_text (self->reply_excerpt_label, excerpt);
    }
  show_part (self->reply_box, !deleted && cc_message_get_reply_to_id (m) != NULL);

  if (deleted)
    {
      g_autofree char *text = g_markup_printf_escaped ("<i>%s</i>", _("This message was deleted"));
      gtk_label_set_markup (self->body_label, text);
      set_class (GTK_WIDGET (self->body_label), "dim-label", TRUE);
    }
  else
    {
      g_autofree char *markup = cw_message_row_body_markup (m, self->context.my_user_id, &mentions_me);
      gtk_label_set_markup (self->body_label, markup);
      set_class (GTK_WIDGET (self->body_label), "dim-label", FALSE);
    }

  set_class (GTK_WIDGET (self), "mentions-me", mentions_me && !cc_message_get_is_own (m));
  set_class (GTK_WIDGET (self), "own", cc_message_get_is_own (m));
  set_class (GTK_WIDGET (self), "pending", cc_message_get_state (m) == CC_MESSAGE_STATE_PENDING);
  /* An agent's answer is edited as it grows: that is no "edited". */
  streaming = g_strcmp0 (cc_message_get_kind (m), "agent") == 0;
  if (!deleted && !streaming && cc_message_get_edited_at (m) > 0)
    ensure_edited (self);
  show_part (self->edited_label, !deleted && !streaming && cc_message_get_edited_at (m) > 0);
  agent_state = update_agent (self, m, deleted);
  streaming = !deleted && cc_message_get_streaming (m);

  update_state (self);
  update_actions (self);
  update_reactions (self, deleted);
  update_read_at (self, deleted);

  /* One sentence for screen readers: "Alice, 14:02: see you tomorrow". */
  n_files = update_attachments (self, deleted);
  update_cited (self, deleted);
  /* Only files: no empty line above them. */
  no_text = cc_message_get_body (m) == NULL || *cc_message_get_body (m) == '\0';
  /* An answer that has not begun shows only its "Writing…" line. */
  gtk_widget_set_visible (GTK_WIDGET (self->body_label),
                          deleted || !no_text || (n_files == 0 && !streaming));
  if (!deleted && n_files > 0 && no_text)
    /* Translators: what a screen reader says of a message of files only. */
    files_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file", "%u files", n_files), n_files);

  a11y = g_strdup_printf ("%s, %s: %s", sender, clock, files_text ? files_text :
                          deleted ? _("This message was deleted") : cc_message_get_body (m));
  if (agent_state != NULL)
    {
      g_autofree char *said = g_steal_pointer (&a11y);

      /* Translators: a screen reader's sentence for an agent's answer,
       * then its state ("Writing…" or why it failed). */
      a11y = g_strdup_printf (C_("agent answer", "%s (%s)"), said, agent_state);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

static gboolean
context_equal (const CwMessageContext *a,
               const CwMessageContext *b)
{
  return a->previous == b->previous && a->unread_marker == b->unread_marker &&
         a->direct == b->direct && a->can_moderate == b->can_moderate &&
         g_strcmp0 (a->my_user_id, b->my_user_id) == 0;
}

void
cw_message_row_set_message (CwMessageRow           *self,
                            CcMessage              *message,
                            const CwMessageContext *context)
{
  g_return_if_fail (CW_IS_MESSAGE_ROW (self));

  /* Rebound as it is (the list changed elsewhere): the row follows its
   * message's notifications already, and filling it again is the costly
   * part of showing a room. */
  if (message != NULL && self->message == message && context != NULL &&
      context_equal (&self->context, context))
    return;

  if (self->message != message)
    {
      if (self->message != NULL)
        {
          g_clear_signal_handler (&self->notify_id, self->message);
          g_clear_object (&self->message);
        }
      if (message != NULL)
        {
          self->message = g_object_ref (message);
          self->notify_id = g_signal_connect_swapped (message, "notify", G_CALLBACK (update), self);
        }
    }

  g_clear_object (&self->context.previous);
  g_clear_pointer ((char **) &self->context.my_user_id, g_free);
  if (context != NULL)
    {
      self->context = *context;
      self->context.previous = context->previous ? g_object_ref (context->previous) : NULL;
      self->context.my_user_id = g_strdup (context->my_user_id);
    }
  else
    memset (&self->context, 0, sizeof self->context);

  update (self);
}

CcMessage *
cw_message_row_get_message (CwMessageRow *self)
{
  g_return_val_if_fail (CW_IS_MESSAGE_ROW (self), NULL);
  return self->message;
}

/* Actions: forwarded to the conversation with the message id. ------------- */

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CwMessageRow *self = CW_MESSAGE_ROW (widget);
  g_autofree char *target = NULL;

  if (self->message == NULL || id_of (self->message) == NULL)
    return;

  /* "message.reply" -> "conversation.reply" */
  target = g_strconcat ("conversation", strchr (action_name, '.'), NULL);
  gtk_widget_activate_action (widget, target, "s", id_of (self->message));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CwMessageRow *self = CW_MESSAGE_ROW (widget);

  if (self->message != NULL && cc_message_get_body (self->message) != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), cc_message_get_body (self->message));
}

/* "Add Reaction": the picker under the header's button, or under the
 * menu button for a grouped message (no header). */
static void
react_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  CwMessageRow *self = CW_MESSAGE_ROW (widget);
  GtkWidget *anchor = gtk_widget_is_visible (self->react_button) ? self->react_button : self->menu_button;

  if (self->message != NULL && cc_message_get_id (self->message) != NULL)
    cw_reaction_picker_popup (anchor, self->message);
}

/* The menu is made when first opened: a popover menu per row would be
 * most of the cost of a row when a room opens. The button is a plain
 * GtkButton: a GtkMenuButton costs four times as much memory (10.7 against
 * 2.5 kB, with its toggle button and arrow), in every row. */
static void
on_menu_closed_cb (GtkPopover   *menu,
                   CwMessageRow *self)
{
  gtk_widget_unset_state_flags (self->menu_button, GTK_STATE_FLAG_CHECKED);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->menu_button),
                               GTK_ACCESSIBLE_STATE_EXPANDED, FALSE, -1);
}

static void
popup_menu (CwMessageRow *self)
{
  if (!gtk_widget_get_visible (self->menu_button))
    return;
  if (self->menu == NULL)
    {
      self->menu = gtk_popover_menu_new_from_model (self->message_menu);
      gtk_widget_set_parent (self->menu, self->menu_button);
      gtk_popover_set_position (GTK_POPOVER (self->menu), GTK_POS_BOTTOM);
      g_signal_connect (self->menu, "closed", G_CALLBACK (on_menu_closed_cb), self);
    }
  gtk_widget_set_state_flags (self->menu_button, GTK_STATE_FLAG_CHECKED, FALSE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->menu_button),
                               GTK_ACCESSIBLE_STATE_EXPANDED, TRUE, -1);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_context_pressed_cb (GtkGestureClick *gesture,
                       int              n_press,
                       double           x,
                       double           y,
                       CwMessageRow    *self)
{
  if (!gtk_widget_get_visible (self->menu_button))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu (self);
}

static void
on_long_pressed_cb (GtkGestureLongPress *gesture,
                    double               x,
                    double               y,
                    CwMessageRow        *self)
{
  popup_menu (self);
}

static void
cw_message_row_dispose (GObject *object)
{
  CwMessageRow *self = CW_MESSAGE_ROW (object);

  if (self->message != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->message);
      g_clear_object (&self->message);
    }
  g_clear_object (&self->context.previous);
  g_clear_pointer ((char **) &self->context.my_user_id, g_free);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_MESSAGE_ROW);
  cw_unparent_children (GTK_WIDGET (self));
  cw_release_memory_soon ();

  G_OBJECT_CLASS (cw_message_row_parent_class)->dispose (object);
}

static void
cw_message_row_class_init (CwMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_message_row_dispose;

  g_type_ensure (CW_TYPE_MESSAGE_BODY);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, main_box);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, content_box);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, header_box);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, body_row);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, react_button);
  gtk_widget_class_bind_template_child (widget_class, CwMessageRow, message_menu);

  gtk_widget_class_install_action (widget_class, "message.reply", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "message.edit", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "message.delete", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "message.retry", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "message.discard", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "message.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "message.react", NULL, react_action);

  /* The row lays out its children itself, top to bottom: no box around
   * them (one widget less in every row). */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cw_message_row_init (CwMessageRow *self)
{
  GtkGesture *click, *press;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->menu_button, "clicked", G_CALLBACK (popup_menu), self);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_context_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_long_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (press));
}

CwMessageRow *
cw_message_row_new (void)
{
  return g_object_new (CW_TYPE_MESSAGE_ROW, NULL);
}
