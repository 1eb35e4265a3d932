/* export.c - how fast `xfa export` and `xfa verify-export` go on a package
 * of scanned-document-sized attachments (2-5 MB each, random bytes, so
 * nothing compresses), next to libsodium's SHA-256 measured in the same
 * run: the bound, since export hashes every byte with SHA-256 twice (the
 * manifest and the package) and SHA-512 once.
 *
 *   bench_export [-m MB] [-c CASES] [-d DIR]  (default 1024 MB, no extra
 *                                     cases, DIR /tmp)
 *
 * -c adds CASES small rejected cases without attachments: a package whose
 * events and documents are more than verify-export may hold at once, to
 * show its memory does not grow with the cases.
 *
 * Side by side with the stock tool the issue measures against: `sha256sum`
 * of the package, run as a child right before the export, between the
 * export and verify-export, and after (its mean is the reference; wall and
 * CPU seconds both, as the machine is shared); and, when $XFA names the
 * binary, `xfa verify-export` as a child process with its peak RSS.
 *
 * Prints one JSON line:
 * {"step":"export","mb":...,"files":...,"setup_s":...,"export_s":...,
 *  "export_mb_per_s":...,"export_cpu_s":...,"export_mb_per_cpu_s":...,
 *  "verify_export_s":...,"verify_export_mb_per_s":...,(and per CPU second),
 *  "sha256_mb_per_s":...,"sha512_mb_per_s":...,"maxrss_kb":...} */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admin.h"
#include "bench.h"
#include "case.h"
#include "error.h"
#include "export.h"
#include "json.h"
#include "key.h"
#include "xfa.h"

#define MB (1024.0 * 1024.0)

/* CPU seconds (user + system) of this process so far: the machine may be
 * shared, so the figures are given per CPU second too. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_export: %s: %s\n", what, xfa_error_last());
	exit(1);
}

static void fill(unsigned char *p, size_t n, unsigned long long *s)
{
	size_t i;

	for (i = 0; i < n; i++) {   /* xorshift: incompressible, fast, repeatable */
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		p[i] = (unsigned char)*s;
	}
}

/* SHA-256 (or SHA-512) of `total` bytes in 1 MiB pieces, in MB/s of wall
 * time; *per_cpu receives MB per CPU second. */
static double hash_rate(const unsigned char *buf, size_t total, int sha512,
			double *per_cpu)
{
	xfa_sha256_ctx c2;
	xfa_sha512_ctx c5;
	unsigned char out[64];
	double t0 = bench_now_ms(), c0 = cpu_s();
	size_t off;

	xfa_sha256_init(&c2);
	xfa_sha512_init(&c5);
	for (off = 0; off < total; off += 1 << 20) {
		if (sha512)
			xfa_sha512_update(&c5, buf, 1 << 20);
		else
			xfa_sha256_update(&c2, buf, 1 << 20);
	}
	if (sha512)
		xfa_sha512_final(&c5, out);
	else
		xfa_sha256_final(&c2, out);
	*per_cpu = (double)total / MB / (cpu_s() - c0);
	return (double)total / MB / ((bench_now_ms() - t0) / 1e3);
}

/* Run argv as a child; wall seconds, *cpu its CPU seconds, *rss_kb its
 * peak RSS.  Exits on failure. */
static double run_child(char *const argv[], double *cpu, long *rss_kb)
{
	struct rusage ru;
	double t0 = bench_now_ms();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_export: %s failed\n", argv[0]);
		exit(1);
	}
	*cpu = bench_ru_ms(&ru) / 1e3;
	*rss_kb = ru.ru_maxrss;
	return (bench_now_ms() - t0) / 1e3;
}

static double sha256sum_s(const char *pkg, double *cpu)
{
	char *argv[] = { "sha256sum", (char *)pkg, NULL };
	long rss;

	return run_child(argv, cpu, &rss);
}

/* One rejected case with `natt` attachments written from `files`. */
static void add_case(xfa_archive *a, const xfa_key *clerk, const json_t *input,
		     char **files, size_t natt)
{
	xfa_case_opts o;
	json_t *patch = json_pack("{s:{s:s, s:s}}", "decision", "reason",
				  "不属于信访事项", "channel", "litigation");
	char *id = NULL, *code = NULL;

	memset(&o, 0, sizeof(o));
	o.attach = (const char *const *)files;
	o.nattach = natt;
	if (xfa_case_register(&id, &code, a, clerk, input, &o) < 0)
		die("register");
	memset(&o, 0, sizeof(o));
	o.patch = patch;
	if (xfa_case_move(NULL, a, clerk, id, "rejected", &o) < 0)
		die("reject");
	json_decref(patch);
	free(id);
	free(code);
}

int main(int argc, char **argv)
{
	size_t want_mb = 1024, total = 0, nfiles = 0, i, extra = 0;
	const char *base = "/tmp";
	char dir[256], path[512], pkg[512], *spec[5];
	unsigned char *buf;
	unsigned long long seed = 88172645463325252ull;
	xfa_key *admin = NULL, *clerk = NULL, *arch = NULL;
	xfa_archive *a = NULL;
	xfa_init_opts io;
	xfa_export_opts eo;
	json_t *input, *res = NULL, *rep = NULL;
	double t0, c0, setup, exp_s, ver_s, exp_c, ver_c, sha256, sha512, sha256c, sha512c;
	double sum_s[3], sum_c[3], ref_s, ref_c, pkg_mb, vx_s = 0, vx_c = 0;
	long vx_rss = 0;
	const char *xfa = getenv("XFA");
	int c;

	while ((c = getopt(argc, argv, "m:c:d:")) != -1) {
		if (c == 'm')
			want_mb = (size_t)strtoul(optarg, NULL, 10);
		else if (c == 'c')
			extra = (size_t)strtoul(optarg, NULL, 10);
		else if (c == 'd')
			base = optarg;
		else
			return fprintf(stderr, "usage: bench_export [-m MB] [-c CASES] [-d DIR]\n"), 64;
	}
	if (xfa_init() < 0)
		die("init");
	xfa_store_set_fsync(0);
	snprintf(dir, sizeof(dir), "%s/xfa-bench-export-XXXXXX", base);
	if (!mkdtemp(dir))
		return perror("mkdtemp"), 1;
	buf = malloc(5 << 20);
	fill(buf, 5 << 20, &seed);
	sha256 = hash_rate(buf, 512 << 20, 0, &sha256c);
	sha512 = hash_rate(buf, 512 << 20, 1, &sha512c);

	t0 = bench_now_ms();
	if (xfa_key_generate(&admin) < 0 || xfa_key_generate(&clerk) < 0 ||
	    xfa_key_generate(&arch) < 0)
		die("keys");
	memset(&io, 0, sizeof(io));
	io.name = "测试县信访局";
	io.fonds = "J001";
	io.admin_name = "管理员";
	snprintf(path, sizeof(path), "%s/a.xfa", dir);
	if (xfa_archive_create(&a, path, &io, admin) < 0 ||
	    xfa_admin_key_add(a, admin, xfa_key_public(clerk), "登记员",
			      "clerk@bureau.example", "clerk") < 0 ||
	    xfa_admin_key_add(a, admin, xfa_key_public(arch), "档案员",
			      "archivist@bureau.example", "archivist") < 0)
		die("archive");
	input = json_pack("{s:s, s:s, s:[{s:s}], s:s}", "channel", "letter",
			  "received_at", "2026-02-09T10:05:00+08:00", "petitioners",
			  "name", "王某", "summary", "扫描件基准测试");
	while (total < want_mb * (size_t)MB) {
		size_t k;
		for (k = 0; k < 5 && total < want_mb * (size_t)MB; k++) {
			size_t n = (2 << 20) + (size_t)(seed % (3 << 20));
			FILE *f;
			fill(buf, n, &seed);
			if (asprintf(&spec[k], "evidence:%s/scan-%04zu.pdf", dir, nfiles) < 0)
				return 1;
			f = fopen(spec[k] + 9, "wb");
			if (!f || fwrite(buf, 1, n, f) != n || fclose(f))
				return perror("write"), 1;
			total += n;
			nfiles++;
		}
		add_case(a, clerk, input, spec, k);
		for (i = 0; i < k; i++) {
			unlink(spec[i] + 9);
			free(spec[i]);
		}
	}
	for (i = 0; i < extra; i++)
		add_case(a, clerk, input, spec, 0);
	setup = (bench_now_ms() - t0) / 1e3;

	snprintf(pkg, sizeof(pkg), "%s/pkg.tar", dir);
	memset(&eo, 0, sizeof(eo));
	eo.closed = 1;
	eo.out = pkg;
	t0 = bench_now_ms();
	c0 = cpu_s();
	if (xfa_export_run(&res, a, arch, &eo) < 0)
		die("export");
	exp_s = (bench_now_ms() - t0) / 1e3;
	exp_c = cpu_s() - c0;
	sha256sum_s(pkg, &sum_c[0]);                  /* warm the page cache */
	sum_s[0] = sha256sum_s(pkg, &sum_c[0]);
	t0 = bench_now_ms();
	c0 = cpu_s();
	if (xfa_export_verify(&rep, pkg, NULL, NULL) < 0 || !json_is_true(json_object_get(rep, "ok")))
		die("verify-export");
	ver_s = (bench_now_ms() - t0) / 1e3;
	ver_c = cpu_s() - c0;
	sum_s[1] = sha256sum_s(pkg, &sum_c[1]);
	if (xfa) {
		/* through /usr/bin/time: a child forked from this big process
		 * would count the parent's pages in its own peak RSS */
		char rssf[600], *vargv[] = { "/usr/bin/time", "-f", "%M", "-o", rssf,
					     (char *)xfa, "verify-export", pkg, NULL };
		FILE *f;
		snprintf(rssf, sizeof(rssf), "%s/rss", dir);
		vx_s = run_child(vargv, &vx_c, &vx_rss);
		if ((f = fopen(rssf, "r"))) {
			if (fscanf(f, "%ld", &vx_rss) != 1)
				vx_rss = -1;
			fclose(f);
		}
	}
	sum_s[2] = sha256sum_s(pkg, &sum_c[2]);
	ref_s = (sum_s[0] + sum_s[1] + sum_s[2]) / 3;
	ref_c = (sum_c[0] + sum_c[1] + sum_c[2]) / 3;
	pkg_mb = (double)xfa_json_int(res, "bytes", 0) / MB;

	printf("{\"step\":\"export\",\"extra_cases\":%zu,\"mb\":%.1f,\"files\":%zu,\"package_mb\":%.1f,"
	       "\"setup_s\":%.2f,\"export_s\":%.2f,\"export_mb_per_s\":%.1f,"
	       "\"export_cpu_s\":%.2f,\"export_mb_per_cpu_s\":%.1f,"
	       "\"verify_export_s\":%.2f,\"verify_export_mb_per_s\":%.1f,"
	       "\"verify_export_cpu_s\":%.2f,\"verify_export_mb_per_cpu_s\":%.1f,"
	       "\"sha256_mb_per_s\":%.1f,\"sha256_mb_per_cpu_s\":%.1f,"
	       "\"sha512_mb_per_s\":%.1f,\"sha512_mb_per_cpu_s\":%.1f,\"maxrss_kb\":%ld,"
	       "\"sha256sum_s\":[%.3f,%.3f,%.3f],\"sha256sum_mb_per_s\":%.1f,"
	       "\"sha256sum_mb_per_cpu_s\":%.1f,"
	       "\"export_vs_sha256sum\":%.3f,\"export_vs_sha256sum_cpu\":%.3f,"
	       "\"verify_export_vs_sha256sum\":%.3f,\"verify_export_vs_sha256sum_cpu\":%.3f,"
	       "\"verify_export_process_s\":%.3f,\"verify_export_process_cpu_s\":%.3f,"
	       "\"verify_export_process_maxrss_kb\":%ld}\n",
	       extra, (double)total / MB, nfiles,
	       (double)xfa_json_int(res, "bytes", 0) / MB, setup, exp_s,
	       (double)total / MB / exp_s, exp_c, (double)total / MB / exp_c,
	       ver_s, (double)total / MB / ver_s, ver_c, (double)total / MB / ver_c,
	       sha256, sha256c, sha512, sha512c, bench_self_rss_kb(),
	       sum_s[0], sum_s[1], sum_s[2], pkg_mb / ref_s, pkg_mb / ref_c,
	       ref_s / exp_s, ref_c / exp_c, ref_s / ver_s, ref_c / ver_c,
	       vx_s, vx_c, vx_rss);
	json_decref(res);
	json_decref(rep);
	json_decref(input);
	xfa_archive_free(a);
	xfa_key_free(admin);
	xfa_key_free(clerk);
	xfa_key_free(arch);
	free(buf);
	if (getenv("BENCH_EXPORT_KEEP")) {    /* to look at the package */
		fprintf(stderr, "bench_export: kept %s\n", dir);
		return 0;
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	return system(path) == 0 ? 0 : 1;
}
