/* cw-application.h: the Causerie application: one signed-in account, its
 * client core, notifications and the launcher badge.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_APPLICATION (cw_application_get_type ())
G_DECLARE_FINAL_TYPE (CwApplication, cw_application, CW, APPLICATION, AdwApplication)

/* Properties: "client" (CcClient, NULL while signed out, notify),
 * "busy" (gboolean: restoring a saved session). */

CwApplication *cw_application_new            (void);
CcClient      *cw_application_get_client     (CwApplication *self);
gboolean       cw_application_get_busy       (CwApplication *self);
/* The directory of the cache and the saved account. */
const char    *cw_application_get_data_dir   (CwApplication *self);

/* What the command line (--server, --organisation, --email) or an
 * invitation link asked to prefill in the sign-in form; may be NULL. */
const char    *cw_application_get_prefill    (CwApplication *self,
                                              const char    *key);

void           cw_application_sign_in_async  (CwApplication       *self,
                                              const char          *server_url,
                                              const char          *tenant,
                                              const char          *email,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       cw_application_sign_in_finish (CwApplication  *self,
                                              GAsyncResult   *result,
                                              GError        **error);
void           cw_application_sign_out       (CwApplication *self);

/* Presents the window with @room_id open. */
void           cw_application_open_room      (CwApplication *self,
                                              const char    *room_id);
/* Follows a causerie://invite/…, https://…/invite/… or causerie://room/…
 * link: an invitation opens its dialog (nothing is accepted without the
 * person); anything else is refused with a sentence. */
void           cw_application_open_link      (CwApplication *self,
                                              const char    *link);
/* Shows the invitation @token of @server_url with Accept / Decline. */
void           cw_application_review_invitation (CwApplication *self,
                                                 const char    *token,
                                                 const char    *server_url);
/* (transfer none) GListModel of CcInvitation: the invitations the
 * signed-in person received while the app runs, newest first. */
GListModel    *cw_application_get_invitations   (CwApplication *self);
/* Drops @token from the invitations (accepted or declined). */
void           cw_application_forget_invitation (CwApplication *self,
                                                 const char    *token);
/* Called by windows on user input: resets the 5 minute idle timer. */
void           cw_application_note_activity  (CwApplication *self);

G_END_DECLS
