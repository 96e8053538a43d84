/* cs-cli-private.h: what the command line's files share.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-config.h"

G_BEGIN_DECLS

/* Prints "causerie-server: MESSAGE" on standard error; returns 1. */
int         cs_cli_fail          (const char *format,
                                  ...) G_GNUC_PRINTF (1, 2);
/* One line from standard input (asked for without echo on a terminal). */
char       *cs_cli_read_password (const char *prompt);
/* Takes "--name VALUE" (or --name=VALUE) out of @args. */
const char *cs_cli_take_option   (GPtrArray  *args,
                                  const char *name);

/* cs-cli-ops.c: the operator's commands. */
int         cs_cli_backup        (CsConfig   *config,
                                  GPtrArray  *args);
int         cs_cli_restore       (CsConfig   *config,
                                  GPtrArray  *args);
int         cs_cli_tenant_list   (CsConfig   *config,
                                  GPtrArray  *args);
/* user list|disable|enable|reset-password|delete; -1 for another verb. */
int         cs_cli_user          (CsConfig   *config,
                                  const char *verb,
                                  GPtrArray  *args);
/* Takes the data directory's lock for a server (TRUE), or says who holds
 * it. The lock lasts as long as the process. */
gboolean    cs_cli_lock_data_dir (const char *data_dir,
                                  GError    **error);
/* Whether a server holds @data_dir's lock now. */
gboolean    cs_cli_data_dir_busy (const char *data_dir);

G_END_DECLS
