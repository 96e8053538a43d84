/* cc-sync-private.h: the reconnect policy, apart so tests can check it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-sync.h"

G_BEGIN_DECLS

/* Capped exponential backoff with full jitter: a uniformly random wait in
 * [0, min(cap_ms, base_ms * 2^attempt)] milliseconds. */
guint _cc_sync_backoff_delay (guint base_ms,
                              guint cap_ms,
                              guint attempt);

G_END_DECLS
