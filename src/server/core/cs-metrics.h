/* cs-metrics.h: the Prometheus text the metrics listener serves: request
 * latency histograms and the process's own figures, and the counters
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

/* The server's counters. Every layer that counts something is given a
 * CsMetrics * and counts through these calls, on the main context only;
 * only the HTTP layer reads them (for /metrics). */
typedef enum {
  CS_COUNT_WS_ACCEPTED,
  CS_COUNT_WS_FRAMES_IN,
  CS_COUNT_WS_BAD_FRAMES,
  CS_COUNT_WS_SLOW_CLOSED,
  CS_COUNT_MESSAGES_SENT,
  CS_COUNT_DELIVERIES,
  CS_COUNT_WS_RING_WRITES,   /* socket writes that went out together through io_uring */
  CS_COUNT_UPLOAD_BYTES,
  CS_COUNT_UPLOADS_TOO_LARGE,
  CS_COUNT_DOWNLOADS,
  /* the Redis bus (bus/cs-bus-redis.c) */
  CS_COUNT_BUS_DOWN,
  CS_COUNT_BUS_UPS,
  CS_COUNT_BUS_PUBLISHED,
  CS_COUNT_BUS_RECEIVED,
  CS_COUNT_BUS_DROPPED,
  CS_COUNT_BUS_LOST,
  CS_COUNT_BUS_BAD,
  CS_COUNT_N
} CsCounter;

typedef struct {
  guint64     counts[CS_COUNT_N];
  guint64     http_requests[6];          /* by status class: 1xx..5xx, index 1..5 */
  CsHistogram latency[CS_ROUTE_N];       /* request durations by route class */
} CsMetrics;

/* Inline: a delivery is counted once per socket per event. */
static inline void
cs_metrics_add (CsMetrics *metrics,
                CsCounter  counter,
                guint64    n)
{
  metrics->counts[counter] += n;
}

static inline guint64
cs_metrics_get (const CsMetrics *metrics,
                CsCounter        counter)
{
  return metrics->counts[counter];
}

void cs_metrics_count_status    (CsMetrics         *metrics,
                                 guint              http_status);
void cs_metrics_observe         (CsMetrics         *metrics,
                                 CsRouteClass       route_class,
                                 double             seconds);
/* causerie_http_request_duration_seconds, one series per route class. */
void cs_metrics_append_latency  (GString           *out,
                                 const CsHistogram *by_class);
/* process_cpu_seconds_total, process_resident_memory_bytes,
 * process_virtual_memory_bytes, process_open_fds, process_max_fds,
 * process_start_time_seconds: the names Prometheus clients use. */
void cs_metrics_append_process  (GString           *out);

G_END_DECLS
