/* cs-pg-retention.c: the functions of cs-retention.h on PostgreSQL. An entry left out
 * is a function this engine does not have yet: a request needing it fails
 * with a 500 naming it (store/README.md).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-pg.h"
#include "cs-retention.h"

const CsRetentionOps cs_pg_retention_ops = {
};
