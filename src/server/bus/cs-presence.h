/* cs-presence.h: who is online, idle or offline. Written by the event loop
 * as sockets come and go, read by the storage threads to fill `presence`
 * in user objects.
 *
 * Two views are merged: this node's own sockets (cs_presence_set, from
 * the hub) and, with several nodes on a Redis bus, what the other nodes
 * said of theirs (cs_presence_set_remote, from cs-server-shared.c). A
 * user's status is the liveliest of them: online, then idle, then
 * offline. Without remote entries this is the node's own view, as before.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CsPresence CsPresence;

/* Called (on the event loop) when this node's own view of a user
 * changed; @merged_changed says whether the merged status did too. */
typedef void (*CsPresenceLocalFunc) (const char *tenant_id,
                                     const char *user_id,
                                     const char *status,
                                     gboolean    merged_changed,
                                     gpointer    data);

CsPresence *cs_presence_new        (void);
void        cs_presence_free       (CsPresence *presence);
void        cs_presence_set_local_func (CsPresence          *presence,
                                        CsPresenceLocalFunc  func,
                                        gpointer             data);
/* "online", "idle" or "offline" (the default), all nodes together. */
const char *cs_presence_get        (CsPresence *presence,
                                    const char *user_id);
/* This node's own status of @user_id. Returns TRUE when the merged
 * status changed. */
gboolean    cs_presence_set        (CsPresence *presence,
                                    const char *user_id,
                                    const char *status);
/* The same, with the user's organisation (for the other nodes). */
gboolean    cs_presence_set_in     (CsPresence *presence,
                                    const char *tenant_id,
                                    const char *user_id,
                                    const char *status);
/* Replaces what the other nodes say of @user_id: @statuses is node id ->
 * status (interned or static strings), NULL for none. Returns TRUE when
 * the merged status changed. */
gboolean    cs_presence_set_remote (CsPresence *presence,
                                    const char *tenant_id,
                                    const char *user_id,
                                    GHashTable *statuses);
/* The users this node holds a status of (its own or others'), with
 * their organisation: user id -> tenant id, newly made. */
GHashTable *cs_presence_users      (CsPresence *presence,
                                    gboolean    own_only);
/* The organisation last known for @user_id, or NULL (newly allocated). */
char       *cs_presence_tenant     (CsPresence *presence,
                                    const char *user_id);
/* This node's own status of @user_id. */
const char *cs_presence_get_own    (CsPresence *presence,
                                    const char *user_id);

G_END_DECLS
