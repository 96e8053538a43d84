/* cs-demo.h: the demo workspace.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_DEMO_TENANT "demo"

/* Creates tenant "demo" with people, rooms and a conversation, and prints
 * the logins. Returns FALSE with @error when it cannot. */
gboolean cs_demo_create (CsStore  *store,
                         CsConfig *config,
                         GError  **error);

G_END_DECLS
