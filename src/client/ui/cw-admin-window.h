/* cw-admin-window.h: the organisation admin's window: audit log, users.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_ADMIN_WINDOW (cw_admin_window_get_type ())
G_DECLARE_FINAL_TYPE (CwAdminWindow, cw_admin_window, CW, ADMIN_WINDOW, AdwWindow)

CwAdminWindow *cw_admin_window_new (CcClient *client);

G_END_DECLS
