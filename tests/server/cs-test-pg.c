/* cs-test-pg.c: the private PostgreSQL cluster of cs-test-services.c for
 * tests that are not written in C (cs_test.py), so there is one way to start
 * and stop one. It starts the cluster and writes its folder on the first
 * line of stdout ("skip: WHY" instead when PostgreSQL 15 is missing), then
 * answers requests on stdin, one a line, "DATABASE<TAB>SQL": psql's output
 * as a line with its length in bytes, then those bytes. At the end of stdin
 * (the test exited, or was killed) it stops the cluster and removes its
 * folder.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test-services.h"

#include <stdio.h>
#include <string.h>

int
main (int   argc,
      char *argv[])
{
  g_autofree char *why = NULL;
  CsTestPostgres *pg = cs_test_postgres_start (&why);
  char line[65536];

  if (pg == NULL)
    {
      printf ("skip: %s\n", why);
      return 0;
    }
  printf ("%s\n", pg->dir);
  fflush (stdout);
  while (fgets (line, sizeof line, stdin) != NULL)
    {
      CsTestPostgres db = *pg;
      g_autofree char *out = NULL;
      char *tab = strchr (line, '\t');

      g_strchomp (line);
      if (tab == NULL)
        g_error ("cs-test-pg: expected DATABASE<TAB>SQL, got “%s”", line);
      *tab = '\0';
      db.conninfo = g_strdup_printf ("host=%s dbname=%s user=postgres", pg->dir, line);
      out = cs_test_postgres_query (&db, tab + 1);
      g_free (db.conninfo);
      printf ("%zu\n%s", strlen (out), out);
      fflush (stdout);
    }
  cs_test_postgres_free (pg);
  return 0;
}
