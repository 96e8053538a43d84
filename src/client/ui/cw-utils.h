/* cw-utils.h: small helpers the widgets share (time formatting, names).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* "now", "5 min", "14:02" (today), "Yesterday", "Mon", "12 Nov", "12/11/2025". */
char     *cw_format_relative_time (gint64 unix_ms);
/* "14:02" in local time. */
char     *cw_format_clock         (gint64 unix_ms);
/* "Today", "Yesterday", "Monday 17 November", "17 November 2025". */
char     *cw_format_day           (gint64 unix_ms);
/* TRUE when both times fall on the same local day. */
gboolean  cw_same_day             (gint64 a_ms,
                                   gint64 b_ms);
/* The person-readable text of a GError from the core. */
const char *cw_error_sentence     (const GError *error);

G_END_DECLS

#include "cc-client.h"

G_BEGIN_DECLS
/* A GAsyncReadyCallback for the core's calls on a room finished by
 * cc_client_room_op_finish() (rename, archive, mute, leave…): a failure
 * shows as a toast in the AdwToastOverlay above @user_data, a GtkWidget
 * the caller passes with a reference (dropped here). */
void cw_room_op_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);
/* Shows @text as a toast in the overlay above @widget. */
void cw_show_toast (GtkWidget      *widget,
                    const char     *text);
/* Gives @button the menu @model the first time it opens: a popover menu
 * is a few widgets per item, made at start for menus most sessions never
 * open. */
void cw_menu_button_set_menu_later (GtkMenuButton *button,
                                    GMenuModel    *model);
/* Many widgets went away (the rows of a conversation scrolled past): once
 * nothing has gone for a second, the freed memory goes back to the system
 * (malloc_trim() on a worker thread, well under a millisecond). glibc
 * keeps freed pages in the middle of the heap otherwise: 1.7 MB of RSS
 * after scrolling through a 10,000-message room (tests/bench, bench-ui). */
void cw_release_memory_soon (void);
/* Unparents what is left under @widget after gtk_widget_dispose_template():
 * GTK 4.8 only clears the children the template names. */
void cw_unparent_children (GtkWidget *widget);
G_END_DECLS

/* Agents (API.md v1.1): an icon instead of initials, and an "Agent" badge.
 * Closures for list item templates (register them with
 * cw_add_agent_callbacks): "is_agent_cb" (kind -> gboolean),
 * "is_person_cb" (kind -> gboolean, for AdwAvatar:show-initials) and
 * "avatar_icon_cb" (kind -> icon name or NULL) and "avatar_classes_cb"
 * (kind -> AdwAvatar:css-classes: the rounded square of an agent). */
#define CW_AGENT_ICON "cw-agent-symbolic"
void       cw_add_agent_callbacks    (GtkBuilderScope *scope);
/* Shows @avatar as an agent's (rounded square with the agent icon) or a
 * person's (round with initials). */
void       cw_avatar_set_agent       (AdwAvatar *avatar,
                                      gboolean   agent);
/* A small "Agent" badge label (made here, so every place says it alike). */
GtkWidget *cw_agent_badge_new        (void);
