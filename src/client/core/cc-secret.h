/* cc-secret.h: the session token in the Secret Service (libsecret; the
 * secret portal inside Flatpak). Schema "org.causerie.Causerie.Token",
 * attributes server, tenant, email. Never a plain file, never a log.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      cc_secret_store_async   (const char          *server,
                                   const char          *tenant,
                                   const char          *email,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean  cc_secret_store_finish  (GAsyncResult  *result,
                                   GError       **error);

/* Returns the token (free with g_free; it is not secure memory) or NULL
 * without an error when none is stored. */
void      cc_secret_lookup_async  (const char          *server,
                                   const char          *tenant,
                                   const char          *email,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
char     *cc_secret_lookup_finish (GAsyncResult  *result,
                                   GError       **error);

void      cc_secret_clear_async   (const char          *server,
                                   const char          *tenant,
                                   const char          *email,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean  cc_secret_clear_finish  (GAsyncResult  *result,
                                   GError       **error);

G_END_DECLS
