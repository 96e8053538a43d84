/* cs-clamd.h: uploads scanned by a ClamAV daemon over its INSTREAM
 * command, on a unix socket or TCP.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  CS_CLAMD_CLEAN,
  CS_CLAMD_FOUND,     /* *signature is the name clamd gave */
  CS_CLAMD_FAILED,    /* clamd is down, slow or answered an error: @error */
} CsClamdVerdict;

/* Streams the file at @path to clamd at @address ("unix:/path" or
 * "tcp:host:port", as [attachments] clamd checked it), reads its verdict
 * (at most a few hundred bytes are read back). Every connect, write and
 * read waits at most @timeout_s seconds. Blocking: call it on a worker
 * thread, never on the event loop. */
CsClamdVerdict  cs_clamd_scan_file     (const char  *address,
                                        const char  *path,
                                        guint        timeout_s,
                                        char       **signature,
                                        GError     **error);

G_END_DECLS
