/* cs-metrics.h: the Prometheus text the metrics listener serves: request
 * latency histograms and the process's own figures, beside the counters
 * kept in CsMetrics.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a request was, for its latency: the kind of work its route does. */
typedef enum {
  CS_ROUTE_HEALTH,
  CS_ROUTE_READ,
  CS_ROUTE_WRITE,
  CS_ROUTE_SLOW,       /* password hashing: log-in, new accounts */
  CS_ROUTE_FILE,       /* uploads */
  CS_ROUTE_WEBSOCKET,  /* the handshake, not the socket's life */
  CS_ROUTE_OTHER,      /* refused before routing: 404, 405, 413 ... */
  CS_ROUTE_N
} CsRouteClass;

#define CS_HISTOGRAM_BUCKETS 13

typedef struct {
  guint64 buckets[CS_HISTOGRAM_BUCKETS];   /* not cumulative; +Inf is count */
  guint64 count;
  double  sum;
} CsHistogram;

void cs_histogram_observe       (CsHistogram       *histogram,
                                 double             seconds);
/* causerie_http_request_duration_seconds, one series per route class. */
void cs_metrics_append_latency  (GString           *out,
                                 const CsHistogram *by_class);
/* process_cpu_seconds_total, process_resident_memory_bytes,
 * process_virtual_memory_bytes, process_open_fds, process_max_fds,
 * process_start_time_seconds: the names Prometheus clients use. */
void cs_metrics_append_process  (GString           *out);

G_END_DECLS
