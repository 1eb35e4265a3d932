/* bench_crypto.c - the crypto limits the archive is compared with:
 * Ed25519 signing and verification (libsodium through key.h) of 300-byte
 * messages, on one core and on every core (one thread per core).
 *
 *   bench_crypto [-t SECONDS]
 *
 * Prints {"step":"ed25519","threads":T,"sign_per_s":...,"verify_per_s":...}
 * for T = 1 and T = the number of online cores. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "error.h"
#include "key.h"
#include "xfa.h"

struct job {
	const xfa_key *k;
	double seconds;
	int verify;
	unsigned long done;
};

static void *work(void *p)
{
	struct job *j = p;
	unsigned char msg[300], sig[64];
	double end = bench_now_ms() + j->seconds * 1e3;
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	xfa_key_sign(sig, j->k, msg, sizeof(msg));
	while (bench_now_ms() < end) {
		for (i = 0; i < 64; i++) {
			if (!j->verify) {
				msg[0] = (unsigned char)i;
				xfa_key_sign(sig, j->k, msg, sizeof(msg));
			} else if (xfa_pubkey_verify(xfa_key_public(j->k), sig, msg,
						     sizeof(msg)) != 0) {
				abort();
			}
		}
		j->done += 64;
	}
	return NULL;
}

/* Operations per second over `threads` threads. */
static double rate(const xfa_key *k, int threads, int verify, double seconds)
{
	pthread_t th[64];
	struct job jobs[64];
	double t0 = bench_now_ms(), ms, total = 0;
	int i;

	for (i = 0; i < threads; i++) {
		jobs[i].k = k;
		jobs[i].seconds = seconds;
		jobs[i].verify = verify;
		jobs[i].done = 0;
		pthread_create(&th[i], NULL, work, &jobs[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		total += (double)jobs[i].done;
	}
	ms = bench_now_ms() - t0;
	return total * 1e3 / ms;
}

int main(int argc, char **argv)
{
	double seconds = 1.0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	xfa_key *k = NULL;
	int c, t;

	while ((c = getopt(argc, argv, "t:")) != -1)
		if (c == 't')
			seconds = atof(optarg);
	if (cores < 1)
		cores = 1;
	if (cores > 64)
		cores = 64;
	if (xfa_init() < 0 || xfa_key_generate(&k) < 0) {
		fprintf(stderr, "bench_crypto: %s\n", xfa_error_last());
		return 1;
	}
	for (t = 1; t <= cores; t = t == 1 && cores > 1 ? (int)cores : (int)cores + 1) {
		double s = rate(k, t, 0, seconds), v = rate(k, t, 1, seconds);
		printf("{\"step\":\"ed25519\",\"threads\":%d,\"msg_bytes\":300,"
		       "\"sign_per_s\":%.0f,\"verify_per_s\":%.0f}\n", t, s, v);
		fflush(stdout);
	}
	xfa_key_free(k);
	return 0;
}
