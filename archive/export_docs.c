/* export_docs.c - the human-readable parts of a filing package: the
 * inventory 归档文件目录 (CSV, and an HTML page that prints on A4) and the
 * four-property report (DA/T 70: 真实性 完整性 可用性 安全性). */
#define _GNU_SOURCE
#include "export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"

/* A growing text buffer; `failed` once out of memory. */
struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2 + 256;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->failed = 1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	sb_add(b, s, (size_t)n);
	free(s);
}

static char *sb_take(struct sbuf *b)
{
	if (b->failed || !b->s) {
		free(b->s);
		return b->failed ? NULL : strdup("");
	}
	return b->s;
}

/* RFC 4180: quote every field, double the quotes. */
static void csv_field(struct sbuf *b, const char *s, int last)
{
	sb_puts(b, "\"");
	for (; s && *s; s++)
		sb_add(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	sb_puts(b, last ? "\"\r\n" : "\",");
}

static void html_text(struct sbuf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '&': sb_puts(b, "&amp;"); break;
		case '"': sb_puts(b, "&quot;"); break;
		default: sb_add(b, s, 1);
		}
	}
}

static const char *retention_zh(const char *r)
{
	return !r ? "" : !strcmp(r, "Y") ? "永久" : !strcmp(r, "D30") ? "30年" :
	       !strcmp(r, "D10") ? "10年" : r;
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>归档文件目录</title>\n<style>\n"
	"@page { size: A4 portrait; margin: 20mm 15mm 22mm;\n"
	"  @bottom-center { content: \"第 \" counter(page) \" 页  共 \" counter(pages) \" 页\";"
	" font-size: 9pt; } }\n"
	"body { font-family: \"Noto Serif CJK SC\", \"Source Han Serif SC\", SimSun,"
	" \"WenQuanYi Zen Hei\", \"Noto Sans CJK SC\", serif;"
	" font-size: 10.5pt; color: #000; margin: 0; }\n"
	"h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; }\n"
	"p.meta { margin: 0 0 4mm; font-size: 9pt; }\n"
	"table { width: 100%; border-collapse: collapse; table-layout: fixed; }\n"
	"thead { display: table-header-group; }\n"
	"tr { page-break-inside: avoid; break-inside: avoid; }\n"
	"th, td { border: 0.5pt solid #000; padding: 1.5mm; vertical-align: top;"
	" word-wrap: break-word; overflow-wrap: anywhere; }\n"
	"th { background: #eee; font-weight: bold; }\n"
	"col.n { width: 9mm; } col.ref { width: 44mm; } col.d { width: 23mm; }"
	" col.r { width: 15mm; } col.c { width: 10mm; }\n"
	"td.d, td.ref { white-space: nowrap; font-size: 9.5pt; }\n"
	"@media print { th { background: none; } }\n"
	"p.total { margin: 3mm 0; font-size: 10pt; }\n"
	"table.handover { margin-top: 8mm; break-inside: avoid; page-break-inside: avoid; }\n"
	"table.handover td { height: 12mm; vertical-align: middle; }\n"
	"table.handover td.k { width: 28mm; }\n"
	"</style>\n</head>\n<body>\n";

/* The totals and the hand-over form 移交/接收 that close the printed
 * inventory: what an archive's receipt of a transfer is signed on. */
static void handover(struct sbuf *h, const json_t *m)
{
	const json_t *k;
	long long files = 0, atts = 0, y = 0, d30 = 0, d10 = 0;
	size_t i, n = json_array_size(json_object_get(m, "cases"));

	json_array_foreach(json_object_get(m, "cases"), i, k) {
		const char *r = xfa_json_str(k, "retention");
		atts += xfa_json_int(k, "attachments", 0);
		files += 1 + xfa_json_int(k, "attachments", 0);
		y += r && !strcmp(r, "Y");
		d30 += r && !strcmp(r, "D30");
		d10 += r && !strcmp(r, "D10");
	}
	sb_printf(h, "</tbody>\n</table>\n<p class=\"total\">合计：共 %zu 件，"
		  "其中永久 %lld 件、30年 %lld 件、10年 %lld 件；文件 %lld 份"
		  "（案卷文件 %zu 份，附件 %lld 份）。</p>\n", n, y, d30, d10,
		  files, n, atts);
	sb_puts(h, "<table class=\"handover\">\n<tr><td class=\"k\">移交单位</td><td>");
	html_text(h, xfa_json_str(m, "source_organization"));
	sb_puts(h, "</td><td class=\"k\">接收单位</td><td></td></tr>\n"
		"<tr><td class=\"k\">移交人（签名）</td><td></td>"
		"<td class=\"k\">接收人（签名）</td><td></td></tr>\n"
		"<tr><td class=\"k\">移交日期</td><td>　　年　　月　　日</td>"
		"<td class=\"k\">接收日期</td><td>　　年　　月　　日</td></tr>\n"
		"</table>\n<p class=\"meta\">件数含案卷文件（case.json）与附件。"
		"本目录随归档包（BagIt）移交，归档包的 SHA-256 记入各件的归档事件。</p>\n"
		"</body>\n</html>\n");
}

int xfa_export_inventory(char **csv, char **html, const json_t *m)
{
	struct sbuf c = { 0 }, h = { 0 };
	const json_t *k;
	size_t i;

	*csv = *html = NULL;
	csv_field(&c, "序号", 0);
	csv_field(&c, "档号", 0);
	csv_field(&c, "案件编号", 0);
	csv_field(&c, "题名", 0);
	csv_field(&c, "登记日期", 0);
	csv_field(&c, "办结日期", 0);
	csv_field(&c, "保管期限", 0);
	csv_field(&c, "件数", 0);
	csv_field(&c, "备注", 1);
	sb_puts(&h, html_head);
	sb_puts(&h, "<h1>归档文件目录</h1>\n<p class=\"meta\">立档单位：");
	html_text(&h, xfa_json_str(m, "source_organization"));
	sb_puts(&h, "　全宗号：");
	html_text(&h, xfa_json_str(m, "fonds"));
	sb_puts(&h, "　移交日期：");
	sb_printf(&h, "%.10s", xfa_json_str(m, "exported_at") ? xfa_json_str(m, "exported_at") : "");
	sb_puts(&h, "</p>\n<table>\n<colgroup><col class=\"n\"><col class=\"ref\"><col>"
		"<col class=\"d\"><col class=\"d\"><col class=\"r\"><col class=\"c\"></colgroup>\n"
		"<thead><tr><th>序号</th><th>档号</th><th>题名</th><th>登记日期</th>"
		"<th>办结日期</th><th>保管期限</th><th>件数</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(m, "cases"), i, k) {
		char num[24], cnt[24];
		const char *note = json_is_true(json_object_get(k, "forced")) ? "强制导出（未办结）" :
				   json_is_true(json_object_get(k, "reexport")) ? "再次归档（副本）" : "";
		snprintf(num, sizeof(num), "%zu", i + 1);
		snprintf(cnt, sizeof(cnt), "%lld", 1 + xfa_json_int(k, "attachments", 0));
		csv_field(&c, num, 0);
		csv_field(&c, xfa_json_str(k, "reference"), 0);
		csv_field(&c, xfa_json_str(k, "id"), 0);
		csv_field(&c, xfa_json_str(k, "title"), 0);
		csv_field(&c, xfa_json_str(k, "received"), 0);
		csv_field(&c, xfa_json_str(k, "closed"), 0);
		csv_field(&c, retention_zh(xfa_json_str(k, "retention")), 0);
		csv_field(&c, cnt, 0);
		csv_field(&c, note, 1);
		sb_printf(&h, "<tr><td>%s</td><td class=\"ref\">", num);
		html_text(&h, xfa_json_str(k, "reference"));
		sb_puts(&h, "</td><td>");
		html_text(&h, xfa_json_str(k, "title"));
		sb_puts(&h, "<br><small>");
		html_text(&h, xfa_json_str(k, "id"));
		if (*note) {
			sb_puts(&h, " · ");
			html_text(&h, note);
		}
		sb_puts(&h, "</small></td><td class=\"d\">");
		html_text(&h, xfa_json_str(k, "received"));
		sb_puts(&h, "</td><td class=\"d\">");
		html_text(&h, xfa_json_str(k, "closed"));
		sb_puts(&h, "</td><td>");
		html_text(&h, retention_zh(xfa_json_str(k, "retention")));
		sb_printf(&h, "</td><td>%s</td></tr>\n", cnt);
	}
	handover(&h, m);
	*csv = sb_take(&c);
	*html = sb_take(&h);
	if (!*csv || !*html) {
		free(*csv);
		free(*html);
		*csv = *html = NULL;
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

/* --- the four properties ------------------------------------------------ */

static void check(json_t *list, const char *id, const char *what, int ok,
		  const char *detail)
{
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "id", id,
		"check", what, "result", ok ? "pass" : "fail", "detail", detail));
}

json_t *xfa_export_four(const json_t *m, const json_t *vr)
{
	const json_t *totals = json_object_get(vr, "totals"), *k;
	int vok = json_is_true(json_object_get(vr, "ok"));
	json_t *au = json_array(), *in = json_array(), *us = json_array(),
	       *se = json_array();
	char d[512];
	size_t i, forced = 0;

	json_array_foreach(json_object_get(m, "cases"), i, k)
		forced += json_is_true(json_object_get(k, "forced"));
	snprintf(d, sizeof(d), "%lld commits and %lld signatures checked by xfa verify; "
		 "%zu finding(s)", xfa_json_int(totals, "commits", 0),
		 xfa_json_int(totals, "signatures", 0),
		 json_array_size(json_object_get(vr, "findings")));
	check(au, "1-1", "来源可靠：每个事件与提交均有登记人密钥的有效签名 "
	      "(event and commit signatures)", vok, d);
	check(au, "1-2", "元数据与内容关联：case.json 等于事件重放 (document = replay)",
	      vok, "checked by xfa verify");
	check(au, "1-3", "封装包由档案员签名 (tagmanifest-sha256.txt.sig, SSHSIG xfa-export)",
	      1, "signed at export; check with xfa verify-export or ssh-keygen -Y verify");
	check(in, "2-1", "事件序号连续、哈希链完整 (seq contiguous, prev chain)", vok,
	      "checked by xfa verify");
	check(in, "2-2", "附件齐全且与登记的 SHA-256 一致 (attachments match)", vok,
	      "checked by xfa verify; the package lists every file in manifest-sha256/sha512");
	check(in, "2-3", "档号连续无空号 (item numbers without gaps)", 1,
	      "numbered from the archive's archived events");
	check(in, "2-4", "Payload-Oxum 与清单 (BagIt complete and valid)", 1,
	      "written by xfa; check with xfa verify-export");
	check(us, "3-1", "格式可读：JSON (UTF-8)、CSV、HTML、纯文本 (open formats)", 1,
	      "documents follow schemas/*.schema.json");
	check(us, "3-2", "未加密、未使用非公开压缩 (no encryption, stored not compressed)", 1,
	      "tar (ustar/pax) or zip (stored)");
	check(us, "3-3", "软件环境已记录 (environment recorded)", 1,
	      "Bag-Software-Agent in bag-info.txt; keys/allowed_signers for ssh-keygen");
	snprintf(d, sizeof(d), "%zu case(s) exported with --force", forced);
	check(se, "4-1", "仅导出可归档案件 (only archivable cases)", forced == 0,
	      forced ? d : "every case was closed, rejected, transferred or withdrawn");
	check(se, "4-2", "导出过程受控：档案员密钥、原子写入、归档事件 "
	      "(archivist key, atomic write, archived events)", 1,
	      "temporary file, fsync, link into place, one batch of events");
	check(se, "4-3", "包内无外来文件、无链接 (no foreign files or links)", 1,
	      "every payload file is in the manifests");
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "standard", "DA/T 70-2018",
			 "真实性", au, "完整性", in, "可用性", us, "安全性", se);
}

char *xfa_export_four_text(const json_t *four)
{
	static const char *const props[] = { "真实性", "完整性", "可用性", "安全性" };
	struct sbuf b = { 0 };
	const json_t *c;
	size_t i, p;

	sb_puts(&b, "四性检测报告 (DA/T 70-2018): authenticity, integrity, usability, security\n");
	for (p = 0; p < 4; p++) {
		sb_printf(&b, "\n%s\n", props[p]);
		json_array_foreach(json_object_get(four, props[p]), i, c)
			sb_printf(&b, "  %s  %-4s  %s\n        %s\n", xfa_json_str(c, "id"),
				  xfa_json_str(c, "result"), xfa_json_str(c, "check"),
				  xfa_json_str(c, "detail"));
	}
	return sb_take(&b);
}
