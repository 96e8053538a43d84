/* cs-presence.h: who is online, idle or offline. Written by the event loop
 * as sockets come and go, read by the storage threads to fill `presence`
 * in user objects.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CsPresence CsPresence;

CsPresence *cs_presence_new        (void);
void        cs_presence_free       (CsPresence *presence);
/* "online", "idle" or "offline" (the default). */
const char *cs_presence_get        (CsPresence *presence,
                                    const char *user_id);
/* Returns TRUE when the status changed. */
gboolean    cs_presence_set        (CsPresence *presence,
                                    const char *user_id,
                                    const char *status);

G_END_DECLS
