/* cw-account-actions.h: "Export My Data…", "Delete Account…" and the
 * organisation admin's window, as application actions.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cw-application.h"

G_BEGIN_DECLS

/* Adds app.export-data, app.delete-account and app.organisation; the last
 * is enabled (and its menu item shown) only for a tenant admin. */
void cw_account_actions_install (CwApplication *app);

G_END_DECLS
