/* main.c: causerie-server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-cli.h"

int
main (int    argc,
      char **argv)
{
  return cs_cli_main (argc, argv);
}
