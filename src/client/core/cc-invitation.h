/* cc-invitation.h: invitations by email: one invitation as a GObject (for
 * list models), the REST calls that send, list, revoke, look up, accept
 * and decline them, and the parser of the links that carry their token.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-api.h"

G_BEGIN_DECLS

#define CC_TYPE_INVITATION (cc_invitation_get_type ())
G_DECLARE_FINAL_TYPE (CcInvitation, cc_invitation, CC, INVITATION, GObject)

/* From any of the server's shapes: a room's pending invitation, the
 * details looked up by token, or the data of an `invitation.new` event. */
CcInvitation *cc_invitation_new_from_json     (JsonObject   *json);
/* The invitation's id (room listings and events), or NULL. */
const char   *cc_invitation_get_id            (CcInvitation *self);
const char   *cc_invitation_get_room_id       (CcInvitation *self);
const char   *cc_invitation_get_room_name     (CcInvitation *self);
const char   *cc_invitation_get_room_type     (CcInvitation *self);
const char   *cc_invitation_get_tenant        (CcInvitation *self);
const char   *cc_invitation_get_email         (CcInvitation *self);
const char   *cc_invitation_get_status        (CcInvitation *self);
const char   *cc_invitation_get_message       (CcInvitation *self);
const char   *cc_invitation_get_inviter_name  (CcInvitation *self);
/* "<public-url>/invite/<token>", or NULL when the server did not say. */
const char   *cc_invitation_get_link          (CcInvitation *self);
/* The token (from the event, the link, or set by the look-up), or NULL. */
const char   *cc_invitation_get_token         (CcInvitation *self);
/* The server the invitation lives on (set by the look-up), or NULL. */
const char   *cc_invitation_get_server_url    (CcInvitation *self);
/* Milliseconds since the epoch, 0 when unknown. */
gint64        cc_invitation_get_expires_at    (CcInvitation *self);
/* TRUE when the invited address already has an account there. */
gboolean      cc_invitation_get_has_account   (CcInvitation *self);

/**
 * cc_invitation_parse_link:
 * @link: `causerie://invite/<token>?server=<url>` or
 *   `http(s)://<host>[/<path>]/invite/<token>`
 * @out_token: (out): the token
 * @out_server_url: (out): the server's address, without a trailing slash
 *
 * Returns FALSE with a sentence for a person (G_IO_ERROR_INVALID_ARGUMENT)
 * when @link is not an invitation link Causerie can follow.
 */
gboolean      cc_invitation_parse_link        (const char  *link,
                                               char       **out_token,
                                               char       **out_server_url,
                                               GError     **error);

/* POST /api/rooms/{room_id}/invitations {email, message?}. */
void          cc_invitation_create_async      (CcApi               *api,
                                               const char          *room_id,
                                               const char          *email,
                                               const char          *message,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CcInvitation *cc_invitation_create_finish     (CcApi         *api,
                                               GAsyncResult  *result,
                                               GError       **error);
/* GET /api/rooms/{room_id}/invitations: a GListModel of the pending ones. */
void          cc_invitation_list_async        (CcApi               *api,
                                               const char          *room_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel   *cc_invitation_list_finish       (CcApi         *api,
                                               GAsyncResult  *result,
                                               GError       **error);
/* DELETE /api/invitations/{id}. */
void          cc_invitation_revoke_async      (CcApi               *api,
                                               const char          *invitation_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      cc_invitation_revoke_finish     (CcApi         *api,
                                               GAsyncResult  *result,
                                               GError       **error);
/* GET /api/invitations/{token}, no token needed: the details a person
 * sees before accepting. */
void          cc_invitation_lookup_async      (CcApi               *api,
                                               const char          *token,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CcInvitation *cc_invitation_lookup_finish     (CcApi         *api,
                                               GAsyncResult  *result,
                                               GError       **error);
/**
 * cc_invitation_accept_async:
 * @display_name: (nullable): with @password, creates the invited account
 *   (@api then carries no token); NULL to accept as the signed-in person.
 *
 * POST /api/invitations/{token}/accept. Finish returns the id of the room
 * joined (transfer full). A new account is then signed in to as usual
 * (cc_account_login_async() with the same password).
 */
void          cc_invitation_accept_async      (CcApi               *api,
                                               const char          *token,
                                               const char          *display_name,
                                               const char          *password,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char         *cc_invitation_accept_finish     (CcApi         *api,
                                               GAsyncResult  *result,
                                               GError       **error);
/* POST /api/invitations/{token}/decline. */
void          cc_invitation_decline_async     (CcApi               *api,
                                               const char          *token,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      cc_invitation_decline_finish    (CcApi         *api,
                                               GAsyncResult  *result,
                                               GError       **error);

G_END_DECLS
