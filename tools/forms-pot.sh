#!/bin/sh
# forms-pot.sh: the translatable text of the form files as a gettext
# template, on stdout: every form title, field label, field hint,
# retired field's label and choice label of DIR/*.form, DIR/*.fields (the shared field blocks a
# form pulls in with "include") and DIR/choices (DIR defaults to "forms"),
# each once, with a "#: DIR/FILE:LINE" reference for every place it is
# written.  "make update-po" joins it to what xgettext finds in the C
# sources.
#
# It reads the files the way src/form.c does: a line that starts with a
# blank belongs to the last "field" or "choices" block; "#" starts a
# comment line.  A text with no Latin letter in it (a label written in
# Chinese for a local field) is left out: it is shown as written and
# needs no translation.
#
# Usage: tools/forms-pot.sh [DIR] > forms.pot     (POSIX sh and awk)

set -e
dir=${1:-forms}
dir=${dir%/}

if [ ! -d "$dir" ]; then
	echo "forms-pot.sh: no folder \"$dir\"" >&2
	exit 1
fi

files=
[ -f "$dir/choices" ] && files="$dir/choices"
for f in "$dir"/*.fields "$dir"/*.form; do
	[ -f "$f" ] && files="$files $f"
done
if [ -z "$files" ]; then
	echo "forms-pot.sh: no form files in \"$dir\"" >&2
	exit 1
fi

# Bytes, not characters: the labels are UTF-8 and pass through untouched.
LC_ALL=C
export LC_ALL

# shellcheck disable=SC2086  # the file names are split on purpose
awk '
function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t\r]+$/, "", s)
	return s
}
# Character by character: what gsub makes of "\\" differs between awks.
function po_escape(s,    out, c, i) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\")
			out = out "\\\\"
		else if (c == "\"")
			out = out "\\\""
		else if (c == "\t")
			out = out "\\t"
		else
			out = out c
	}
	return out
}
function add(text, what) {
	if (text == "" || text !~ /[A-Za-z]/)
		return
	if (!(text in seen)) {
		seen[text] = ++n
		order[n] = text
		refs[text] = ""
		notes[text] = ""
	}
	refs[text] = refs[text] "#: " FILENAME ":" FNR "\n"
	if (index(notes[text], "#. " what "\n") == 0)
		notes[text] = notes[text] "#. " what "\n"
}
FNR == 1 { block = "top"; owner = ""; formname = "" }
{
	raw = $0
	indented = raw ~ /^[ \t]/
	line = trim(raw)
	if (line == "" || substr(line, 1, 1) == "#")
		next
	key = line
	val = ""
	if (match(line, /[ \t]/)) {
		key = substr(line, 1, RSTART - 1)
		val = trim(substr(line, RSTART + 1))
	}
	if (!indented) {
		if (key == "field") {
			block = "field"; owner = val
		} else if (key == "choices") {
			block = "choices"; owner = val
		} else {
			block = "top"
			if (key == "form")
				formname = val
			else if (key == "title")
				add(val, "title of the form " formname)
			else if (key == "retired" && match(val, /[ \t]/))
				add(trim(substr(val, RSTART + 1)),
				    "label of the retired field " substr(val, 1, RSTART - 1))
		}
		next
	}
	if (block == "field" && (key == "label" || key == "hint"))
		add(val, key " of the field " owner)
	else if (block == "choices")
		add(val, "choice \"" key "\" of the list " owner)
}
END {
	print "# Translatable text of the form files (tools/forms-pot.sh)."
	print "#, fuzzy"
	print "msgid \"\""
	print "msgstr \"\""
	print "\"Project-Id-Version: shegong\\n\""
	print "\"MIME-Version: 1.0\\n\""
	print "\"Content-Type: text/plain; charset=UTF-8\\n\""
	print "\"Content-Transfer-Encoding: 8bit\\n\""
	for (i = 1; i <= n; i++) {
		t = order[i]
		printf "\n%s%smsgid \"%s\"\nmsgstr \"\"\n", notes[t], refs[t], po_escape(t)
	}
}
' $files
