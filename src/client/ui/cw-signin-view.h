/* cw-signin-view.h: the sign-in form: server, organisation, email, password.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cw-application.h"

G_BEGIN_DECLS

#define CW_TYPE_SIGNIN_VIEW (cw_signin_view_get_type ())
G_DECLARE_FINAL_TYPE (CwSigninView, cw_signin_view, CW, SIGNIN_VIEW, GtkWidget)

void cw_signin_view_set_application (CwSigninView  *self,
                                     CwApplication *app);
/* Clears the password and the error, fills what the app was told. */
void cw_signin_view_reset           (CwSigninView  *self);

/* Turns what a person typed into a server URL: adds http:// for local
 * addresses and https:// otherwise, drops a trailing slash. */
char *cw_signin_normalize_url       (const char *text);

G_END_DECLS
