# t_inventory.sh - the printed inventory 归档文件目录 is a hand-over form:
# rendered by headless Chromium to A4 PDF and PNG, it carries page numbers
# on every page (第 i 页 共 n 页, CSS @page margin boxes), the totals, and
# the 移交/接收 signature and date lines, after the last row.
. "$E2E/lib.sh"
standard_archive
n=20
i=0
while [ $i -lt $n ]; do
	id=$(new_case "$SHARED_FIXTURES/cases/02-civil-affairs.json")
	$XFA case move "$id" withdrawn --as keys/clerk.key > /dev/null
	i=$((i + 1))
done
$XFA export --closed --out pkg.tar --as keys/archivist.key > /dev/null
mkdir x && bsdtar -xf pkg.tar -C x
html=$(ls x/*/data/inventory.html)
grep -q '@bottom-center' "$html" || die "no page-number box"

say "Chromium renders it to PDF and PNG"
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || die "chromium is not installed (make deps installs it)"
"$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
	--user-data-dir="$PWD/chrome" --print-to-pdf="$PWD/inv.pdf" --no-pdf-header-footer \
	"file://$PWD/$html" > chrome.log 2>&1 || { cat chrome.log; die "chromium print failed"; }
"$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
	--user-data-dir="$PWD/chrome" --window-size=794,1123 --screenshot="$PWD/inv.png" \
	"file://$PWD/$html" > chrome.log 2>&1 || { cat chrome.log; die "chromium screenshot failed"; }
[ "$(head -c 8 inv.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || die "no PNG"

say "pdftotext: page numbers, totals, hand-over lines"
pages=$(pdfinfo inv.pdf | awk '/^Pages:/ {print $2}')
[ "$pages" -ge 2 ] || die "$n cases fit on $pages page: the test needs more"
pdfinfo inv.pdf | grep -Eq 'Page size: *59[45](\.[0-9]+)? x 84[12](\.[0-9]+)? pts' || die "not A4: $(pdfinfo inv.pdf | grep 'Page size')"
p=1
while [ $p -le "$pages" ]; do
	pdftotext -f $p -l $p -layout inv.pdf page.txt
	grep -Eq "第 *$p *页 *共 *$pages *页" page.txt || { cat page.txt; die "page $p lacks '第 $p 页 共 $pages 页'"; }
	p=$((p + 1))
done
pdftotext -layout inv.pdf all.txt
grep -Eq "合计：共 *$n *件" all.txt || die "no total of $n"
grep -Eq "文件 *$((n * 1)) *份" all.txt || die "the total of files"
for w in 移交单位 接收单位 '移交人（签名）' '接收人（签名）' 移交日期 接收日期; do
	grep -q "$w" all.txt || die "the hand-over form lacks $w"
done
pdftotext -f "$pages" -l "$pages" inv.pdf last.txt
grep -q '接收人（签名）' last.txt || die "the hand-over lines are not on the last page"
pdftoppm -f "$pages" -l "$pages" -r 60 -png inv.pdf last
ls last*.png > /dev/null || die "pdftoppm made no PNG"
cp inv.png last*.png "${XFA_KEEP:-.}/" 2> /dev/null || true
echo "inventory: $pages pages"
