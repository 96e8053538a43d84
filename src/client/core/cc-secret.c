/* cc-secret.c: the session token in the Secret Service.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-secret"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "cc-secret.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "org.causerie.Causerie.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "tenant", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

void
cc_secret_store_async (const char          *server,
                       const char          *tenant,
                       const char          *email,
                       const char          *token,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server && tenant && email && token);
  /* TRANSLATORS: the label of the stored secret in Passwords and Keys */
  label = g_strdup_printf (_("Causerie session for %s (%s)"), email, server);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, callback, user_data,
                         "server", server, "tenant", tenant, "email", email, NULL);
}

gboolean
cc_secret_store_finish (GAsyncResult  *result,
                        GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
cc_secret_lookup_async (const char          *server,
                        const char          *tenant,
                        const char          *email,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (server && tenant && email);
  secret_password_lookup (token_schema (), cancellable, callback, user_data,
                          "server", server, "tenant", tenant, "email", email, NULL);
}

char *
cc_secret_lookup_finish (GAsyncResult  *result,
                         GError       **error)
{
  char *secret = secret_password_lookup_finish (result, error);
  char *copy = g_strdup (secret);

  secret_password_free (secret);
  return copy;
}

void
cc_secret_clear_async (const char          *server,
                       const char          *tenant,
                       const char          *email,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (server && tenant && email);
  secret_password_clear (token_schema (), cancellable, callback, user_data,
                         "server", server, "tenant", tenant, "email", email, NULL);
}

gboolean
cc_secret_clear_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  /* FALSE without an error means there was nothing to clear: fine. */
  secret_password_clear_finish (result, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
