/* cw-composer.h: the message bar: text, reply/edit banner, @mention
 * completion, drafts and typing notices through the core.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_COMPOSER (cw_composer_get_type ())
G_DECLARE_FINAL_TYPE (CwComposer, cw_composer, CW, COMPOSER, GtkWidget)

/* Signal "sent" (): a message was queued or an edit was sent. */

void  cw_composer_set_client (CwComposer *self,
                              CcClient   *client);
/* Saves nothing: the draft of every room is saved as it is typed. Loads
 * the draft of @room. */
void  cw_composer_set_room   (CwComposer *self,
                              CcRoom     *room);
/* The next message cites @context (NULL: none): shown as a removable
 * card above the text; a change of room drops it. */
void  cw_composer_set_context (CwComposer       *self,
                               const CauContext *context);
void  cw_composer_reply_to   (CwComposer *self,
                              CcMessage  *message);
void  cw_composer_edit       (CwComposer *self,
                              CcMessage  *message);
void  cw_composer_focus      (CwComposer *self);
/* The text typed. */
char *cw_composer_get_text   (CwComposer *self);
void  cw_composer_set_text   (CwComposer *self,
                              const char *text);
/* Sends what is typed (what Enter does), with the files of the tray. */
void  cw_composer_send       (CwComposer *self);
/* Puts @files (GFile) in the tray of files to send with the next message. */
void  cw_composer_add_files  (CwComposer *self,
                              GSList     *files);

/* The "@query" being typed before @cursor in @text (byte offset), or NULL;
 * *start receives the byte offset of the "@". */
char *cw_composer_mention_query (const char *text,
                                 gsize       cursor,
                                 gsize      *start);

G_END_DECLS
