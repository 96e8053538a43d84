/* cs-metrics.c: latency histograms and process figures in the Prometheus
 * text format.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-metrics"

#include "cs-metrics.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Prometheus' default buckets, with 1 ms added: most answers here come
 * from memory or one indexed read. */
static const double bounds[CS_HISTOGRAM_BUCKETS] = {
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

static const char * const class_names[CS_ROUTE_N] = {
  "health", "read", "write", "slow", "file", "websocket", "other",
};

void
cs_metrics_count_status (CsMetrics *metrics,
                         guint      http_status)
{
  metrics->http_requests[MIN (http_status / 100, 5)]++;
}

void
cs_metrics_observe (CsMetrics    *metrics,
                    CsRouteClass  route_class,
                    double        seconds)
{
  cs_histogram_observe (&metrics->latency[route_class], seconds);
}

void
cs_histogram_observe (CsHistogram *h,
                      double       seconds)
{
  for (guint i = 0; i < CS_HISTOGRAM_BUCKETS; i++)
    if (seconds <= bounds[i])
      {
        h->buckets[i]++;
        break;
      }
  h->count++;
  h->sum += seconds;
}

void
cs_metrics_append_latency (GString           *out,
                           const CsHistogram *by_class)
{
  g_string_append (out, "# HELP causerie_http_request_duration_seconds From a request's headers to the end of "
                        "its response, by the kind of work its route does.\n"
                        "# TYPE causerie_http_request_duration_seconds histogram\n");
  for (guint c = 0; c < CS_ROUTE_N; c++)
    {
      const CsHistogram *h = &by_class[c];
      guint64 cumulative = 0;
      char sum[G_ASCII_DTOSTR_BUF_SIZE];

      for (guint i = 0; i < CS_HISTOGRAM_BUCKETS; i++)
        {
          char le[G_ASCII_DTOSTR_BUF_SIZE];

          cumulative += h->buckets[i];
          g_string_append_printf (out, "causerie_http_request_duration_seconds_bucket{route_class=\"%s\",le=\"%s\"} %"
                                  G_GUINT64_FORMAT "\n", class_names[c],
                                  g_ascii_formatd (le, sizeof le, "%g", bounds[i]), cumulative);
        }
      g_string_append_printf (out, "causerie_http_request_duration_seconds_bucket{route_class=\"%s\",le=\"+Inf\"} %"
                              G_GUINT64_FORMAT "\n", class_names[c], h->count);
      g_string_append_printf (out, "causerie_http_request_duration_seconds_sum{route_class=\"%s\"} %s\n",
                              class_names[c], g_ascii_formatd (sum, sizeof sum, "%.6f", h->sum));
      g_string_append_printf (out, "causerie_http_request_duration_seconds_count{route_class=\"%s\"} %"
                              G_GUINT64_FORMAT "\n", class_names[c], h->count);
    }
}

/* Field @n (1-based) of /proc/self/stat, after the command name. */
static char *
stat_field (const char *stat,
            guint       n)
{
  const char *p = strrchr (stat, ')');
  g_auto(GStrv) fields = NULL;

  if (p == NULL || n < 3)
    return NULL;
  fields = g_strsplit (p + 2, " ", -1);
  if (g_strv_length (fields) < n - 2)
    return NULL;
  return g_strdup (fields[n - 3]);
}

static double
start_time (void)
{
  g_autofree char *stat = NULL;
  g_autofree char *sys = NULL;
  g_autofree char *ticks = NULL;
  const char *btime;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      !g_file_get_contents ("/proc/stat", &sys, NULL, NULL) ||
      (ticks = stat_field (stat, 22)) == NULL ||
      (btime = strstr (sys, "\nbtime ")) == NULL)
    return 0;
  return g_ascii_strtod (btime + 7, NULL) + g_ascii_strtod (ticks, NULL) / (double) sysconf (_SC_CLK_TCK);
}

void
cs_metrics_append_process (GString *out)
{
  struct rusage usage;
  struct rlimit rl;
  g_autofree char *statm = NULL;
  g_autoptr(GDir) dir = NULL;
  guint64 vsize = 0, rss = 0;
  gint64 fds = -1;
  double cpu = 0;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (getrusage (RUSAGE_SELF, &usage) == 0)
    cpu = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
          (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    {
      char *end;

      vsize = g_ascii_strtoull (statm, &end, 10) * (guint64) sysconf (_SC_PAGESIZE);
      rss = g_ascii_strtoull (end, NULL, 10) * (guint64) sysconf (_SC_PAGESIZE);
    }
  if ((dir = g_dir_open ("/proc/self/fd", 0, NULL)))
    {
      fds = -1;   /* the directory being read */
      while (g_dir_read_name (dir))
        fds++;
    }
  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    rl.rlim_cur = 0;

  g_string_append_printf (out, "# HELP process_cpu_seconds_total User and system CPU time spent, in seconds.\n"
                               "# TYPE process_cpu_seconds_total counter\n"
                               "process_cpu_seconds_total %s\n",
                          g_ascii_formatd (buf, sizeof buf, "%.2f", cpu));
  g_string_append_printf (out, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                               "# TYPE process_resident_memory_bytes gauge\n"
                               "process_resident_memory_bytes %" G_GUINT64_FORMAT "\n"
                               "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
                               "# TYPE process_virtual_memory_bytes gauge\n"
                               "process_virtual_memory_bytes %" G_GUINT64_FORMAT "\n",
                          rss, vsize);
  if (fds >= 0)
    g_string_append_printf (out, "# HELP process_open_fds Number of open file descriptors.\n"
                                 "# TYPE process_open_fds gauge\n"
                                 "process_open_fds %" G_GINT64_FORMAT "\n", fds);
  g_string_append_printf (out, "# HELP process_max_fds Maximum number of open file descriptors.\n"
                               "# TYPE process_max_fds gauge\n"
                               "process_max_fds %" G_GUINT64_FORMAT "\n"
                               "# HELP process_start_time_seconds Start time of the process since the epoch, in seconds.\n"
                               "# TYPE process_start_time_seconds gauge\n"
                               "process_start_time_seconds %s\n",
                          (guint64) rl.rlim_cur, g_ascii_formatd (buf, sizeof buf, "%.2f", start_time ()));
}
