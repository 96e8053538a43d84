/* cc-account-private.h: what the client core sets on an account.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-account.h"

G_BEGIN_DECLS

/* The signed-in user as last known (from the cache when offline). */
void _cc_account_set_user (CcAccount  *self,
                           JsonObject *user);

G_END_DECLS
