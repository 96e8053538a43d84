/* cw-bench.h: measurement hooks for the UI benchmark (tests/bench), off
 * unless CAUSERIE_BENCH=1.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cw-application.h"

G_BEGIN_DECLS

/* Called for each new window; does nothing unless CAUSERIE_BENCH=1. */
void cw_bench_attach (GtkWindow     *window,
                      CwApplication *app);

G_END_DECLS
