/* bench.h - shared helpers of the benchmark programs in tests/bench/:
 * a monotonic clock, sample statistics, and one JSON result line. */
#ifndef XFA_BENCH_H
#define XFA_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Milliseconds on the monotonic clock. */
static inline double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

typedef struct bench_stats {
	size_t n;
	double median, p99, mean, min, max;
} bench_stats;

/* Sorts `v` in place.  p99 is the nearest-rank 99th percentile. */
static inline bench_stats bench_summary(double *v, size_t n)
{
	bench_stats s;
	size_t i, r;

	memset(&s, 0, sizeof(s));
	s.n = n;
	if (!n)
		return s;
	qsort(v, n, sizeof(*v), bench_cmp);
	for (i = 0; i < n; i++)
		s.mean += v[i];
	s.mean /= (double)n;
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	r = (size_t)((double)n * 0.99 + 0.999999);
	s.p99 = v[(r ? r : 1) - 1];
	return s;
}

/* CPU time (user + system) of this process so far, in milliseconds. */
static inline double bench_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* User + system time of a rusage, in milliseconds. */
static inline double bench_ru_ms(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e3 +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e3;
}

/* Peak resident set of this process, in KiB. */
static inline long bench_self_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* One result line: {"step":..., <extra>, "n":..., "median_ms":..., ...}. */
static inline void bench_print(const char *step, const char *extra,
			       const bench_stats *s, long rss_kb)
{
	printf("{\"step\":\"%s\"%s%s,\"n\":%zu,\"median_ms\":%.3f,\"p99_ms\":%.3f,"
	       "\"mean_ms\":%.3f,\"min_ms\":%.3f,\"max_ms\":%.3f,\"maxrss_kb\":%ld}\n",
	       step, extra && *extra ? "," : "", extra ? extra : "", s->n,
	       s->median, s->p99, s->mean, s->min, s->max, rss_kb);
	fflush(stdout);
}

/* The same with the CPU time (user + system) of each sample: on a busy
 * machine it moves far less than the wall time. */
static inline void bench_print_cpu(const char *step, const char *extra,
				   const bench_stats *s, const bench_stats *cpu,
				   long rss_kb)
{
	char x[1200];

	snprintf(x, sizeof(x), "%.1000s%s\"cpu_median_ms\":%.3f,\"cpu_p99_ms\":%.3f",
		 extra ? extra : "", extra && *extra ? "," : "", cpu->median, cpu->p99);
	bench_print(step, x, s, rss_kb);
}

#endif
