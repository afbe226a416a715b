package analytics

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// logParse compiles the log-parsing functions. Each returns a row value
// whose fields (COLUMN1, COLUMN2, ... or the declared names) are read with
// r.COLUMN1; a line that does not parse gives NULL.
func (c *compiler) logParse(fc *funcCall, args []evalFn) (evalFn, sqlType, error) {
	rowT := sqlType{kind: KindRow, name: "ROW"}
	constStr := func(i int, what string) (string, error) {
		if i >= len(fc.args) {
			return "", codeErr(fc.pos, "%s needs %s", fc.name, what)
		}
		l, ok := fc.args[i].(*literal)
		if !ok || l.v.k != KindVarchar {
			return "", codeErr(fc.args[i].exprPos(), "%s must be a string literal", what)
		}
		return l.v.s, nil
	}
	var parse func(s string, e *env) (Value, bool)
	switch fc.name {
	case "REGEX_LOG_PARSE", "FAST_REGEX_LOG_PARSE":
		if len(args) != 2 {
			return nil, sqlType{}, codeErr(fc.pos, "%s takes 2 arguments", fc.name)
		}
		pat, err := constStr(1, "the regular expression")
		if err != nil {
			return nil, sqlType{}, err
		}
		if fc.name == "REGEX_LOG_PARSE" {
			pat = "^(?:" + pat + ")$" // Java's matches(): the whole line
		} else {
			pat = "^(?:" + pat + ")"
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, sqlType{}, codeErr(fc.args[1].exprPos(), "invalid regular expression: %v", err)
		}
		names := columnNames(re.NumSubexp())
		parse = func(s string, _ *env) (Value, bool) {
			m := re.FindStringSubmatch(s)
			if m == nil {
				return Null, false
			}
			vals := make([]Value, len(m)-1)
			for i, g := range m[1:] {
				vals[i] = String(truncRunes(g, 1024))
			}
			return rowOf(names, vals), true
		}
	case "SYS_LOG_PARSE":
		if len(args) != 1 {
			return nil, sqlType{}, codeErr(fc.pos, "SYS_LOG_PARSE takes 1 argument")
		}
		names := []string{"COLUMN1", "COLUMN2"}
		parse = func(s string, e *env) (Value, bool) {
			if len(s) < 16 {
				return Null, false
			}
			t, err := time.ParseInLocation("Jan _2 15:04:05", s[:15], time.UTC)
			if err != nil {
				return Null, false
			}
			year := time.UnixMilli(e.now).UTC().Year()
			t = t.AddDate(year, 0, 0)
			return rowOf(names, []Value{Timestamp(t), String(strings.TrimSpace(s[15:]))}), true
		}
	case "VARIABLE_COLUMN_LOG_PARSE":
		if len(args) < 3 || len(args) > 5 {
			return nil, sqlType{}, codeErr(fc.pos, "VARIABLE_COLUMN_LOG_PARSE takes 3 to 5 arguments")
		}
		cols, err := logColumns(fc, 1, false)
		if err != nil {
			return nil, sqlType{}, err
		}
		delim, err := constStr(2, "the delimiter")
		if err != nil || delim == "" {
			return nil, sqlType{}, codeErr(fc.pos, "VARIABLE_COLUMN_LOG_PARSE needs a non-empty delimiter string literal")
		}
		esc, quote := "", ""
		if len(args) > 3 {
			if esc, err = constStr(3, "the escape string"); err != nil {
				return nil, sqlType{}, err
			}
		}
		if len(args) > 4 {
			if quote, err = constStr(4, "the quote string"); err != nil {
				return nil, sqlType{}, err
			}
		}
		parse = func(s string, _ *env) (Value, bool) {
			fields := splitFields(s, delim, esc, quote)
			return typedRow(cols, func(i int) (string, bool) {
				if i < len(fields) {
					return fields[i], true
				}
				return "", false
			})
		}
	case "FIXED_COLUMN_LOG_PARSE":
		if len(args) != 2 {
			return nil, sqlType{}, codeErr(fc.pos, "FIXED_COLUMN_LOG_PARSE takes 2 arguments")
		}
		cols, err := logColumns(fc, 1, true)
		if err != nil {
			return nil, sqlType{}, err
		}
		parse = func(s string, _ *env) (Value, bool) {
			rs := []rune(s)
			return typedRow(cols, func(i int) (string, bool) {
				st := cols[i].start
				if st >= len(rs) {
					return "", false
				}
				end := len(rs)
				if cols[i].width > 0 {
					end = min(end, st+cols[i].width)
				}
				return strings.TrimSpace(string(rs[st:end])), true
			})
		}
	case "W3C_LOG_PARSE":
		if len(args) != 2 {
			return nil, sqlType{}, codeErr(fc.pos, "W3C_LOG_PARSE takes 2 arguments")
		}
		format, err := constStr(1, "the format")
		if err != nil {
			return nil, sqlType{}, err
		}
		re, n, ok := w3cRegexp(format)
		if !ok {
			return nil, sqlType{}, codeErr(fc.args[1].exprPos(), "unsupported W3C format %q (sluice knows COMMON, COMMON WITH VHOST, NCSA EXTENDED, REFERER and AGENT)", format)
		}
		names := columnNames(n)
		parse = func(s string, _ *env) (Value, bool) {
			m := re.FindStringSubmatch(s)
			if m == nil {
				return Null, false
			}
			vals := make([]Value, n)
			for i, g := range m[1:] {
				if g == "-" {
					continue
				}
				vals[i] = String(g)
			}
			return rowOf(names, vals), true
		}
	}
	in := args[0]
	return func(e *env) (Value, error) {
		v, err := in(e)
		if err != nil || v.k == KindNull {
			return Null, err
		}
		r, _ := parse(textOf(v), e)
		return r, nil
	}, rowT, nil
}

func columnNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "COLUMN" + strconv.Itoa(i+1)
	}
	return out
}

func rowOf(names []string, vals []Value) Value {
	return Value{k: KindRow, r: &rowValue{names: names, vals: vals}}
}

func truncRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// logColumn is one declared column of VARIABLE_ or FIXED_COLUMN_LOG_PARSE.
type logColumn struct {
	name    string
	typ     sqlType
	notNull bool
	layout  string // Go layout for datetime columns with a format
	start   int
	width   int
}

// logColumns reads the columns argument: a count (COLUMN1..n VARCHAR) or
// '<name> TYPE <type> [NOT NULL] [<format>] [START n [FOR m]], ...'.
func logColumns(fc *funcCall, i int, fixed bool) ([]logColumn, error) {
	l, ok := fc.args[i].(*literal)
	if !ok {
		return nil, codeErr(fc.args[i].exprPos(), "the columns must be a literal")
	}
	if l.v.k == KindBigint && !fixed {
		if l.v.i < 1 || l.v.i > 1000 {
			return nil, codeErr(l.pos, "the column count must be 1 to 1000")
		}
		out := make([]logColumn, l.v.i)
		for j := range out {
			out[j] = logColumn{name: "COLUMN" + strconv.Itoa(j+1), typ: sqlType{kind: KindVarchar, name: "VARCHAR", length: 1024}}
		}
		return out, nil
	}
	if l.v.k != KindVarchar {
		return nil, codeErr(l.pos, "the columns must be a count or a description string")
	}
	toks, err := lex(l.v.s)
	if err != nil {
		return nil, codeErr(l.pos, "invalid column description '%s'", l.v.s)
	}
	p := &parser{toks: toks}
	var out []logColumn
	for {
		name, err := p.ident("column name")
		if err != nil {
			return nil, codeErr(l.pos, "invalid column description: %s", err.(*Error).Message)
		}
		if err := p.expectKw("TYPE"); err != nil {
			return nil, codeErr(l.pos, "invalid column description: %s", err.(*Error).Message)
		}
		t, err := p.sqlType()
		if err != nil {
			return nil, codeErr(l.pos, "invalid column description: %s", err.(*Error).Message)
		}
		lc := logColumn{name: name, typ: t}
		if p.acceptKw("NOT") {
			if err := p.expectKw("NULL"); err != nil {
				return nil, codeErr(l.pos, "invalid column description")
			}
			lc.notNull = true
		}
		if p.peek().kind == tString {
			lc.layout = javaLayout(p.next().text)
		}
		if p.acceptKw("START") {
			n := p.next()
			v, err := strconv.Atoi(n.text)
			if n.kind != tNumber || err != nil || v < 0 {
				return nil, codeErr(l.pos, "invalid START in column description")
			}
			lc.start = v
			if p.acceptKw("FOR") {
				n := p.next()
				w, err := strconv.Atoi(n.text)
				if n.kind != tNumber || err != nil || w <= 0 {
					return nil, codeErr(l.pos, "invalid FOR in column description")
				}
				lc.width = w
			}
		} else if fixed {
			return nil, codeErr(l.pos, "column %s needs START", name)
		}
		out = append(out, lc)
		if !p.acceptOp(",") {
			break
		}
	}
	if p.peek().kind != tEOF {
		return nil, codeErr(l.pos, "invalid column description near %s", p.peek())
	}
	return out, nil
}

// typedRow converts fields to the declared column types; a field that
// does not convert, or a missing NOT NULL one, makes the row NULL.
func typedRow(cols []logColumn, field func(int) (string, bool)) (Value, bool) {
	names := make([]string, len(cols))
	vals := make([]Value, len(cols))
	for i, c := range cols {
		names[i] = c.name
		s, ok := field(i)
		if !ok || s == "" && c.typ.kind != KindVarchar {
			if c.notNull {
				return Null, false
			}
			continue
		}
		if c.layout != "" {
			t, err := time.ParseInLocation(c.layout, s, time.UTC)
			if err != nil {
				return Null, false
			}
			vals[i], _ = coerce(Timestamp(t), c.typ)
			continue
		}
		v, err := coerce(String(s), c.typ)
		if err != nil {
			return Null, false
		}
		vals[i] = v
	}
	return rowOf(names, vals), true
}

// splitFields splits on delim, honouring an escape string before a
// delimiter and quote characters around fields.
func splitFields(s, delim, esc, quote string) []string {
	open, close := "", ""
	if quote != "" {
		r := []rune(quote)
		open, close = string(r[0]), string(r[0])
		if len(r) > 1 {
			close = string(r[1])
		}
	}
	var out []string
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(s); {
		switch {
		case esc != "" && strings.HasPrefix(s[i:], esc) && i+len(esc) < len(s):
			i += len(esc)
			b.WriteByte(s[i])
			i++
		case open != "" && !inQuote && strings.HasPrefix(s[i:], open) && b.Len() == 0:
			inQuote = true
			i += len(open)
		case inQuote && strings.HasPrefix(s[i:], close):
			inQuote = false
			i += len(close)
		case !inQuote && strings.HasPrefix(s[i:], delim):
			out = append(out, b.String())
			b.Reset()
			i += len(delim)
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return append(out, b.String())
}

// w3cRegexp builds a matcher for a predefined W3C format.
func w3cRegexp(format string) (*regexp.Regexp, int, bool) {
	const (
		tok    = `(\S+)`
		tstamp = `\[([^\]]+)\]`
		quoted = `"([^"]*)"`
	)
	var parts []string
	switch strings.ToUpper(strings.Join(strings.Fields(format), " ")) {
	case "COMMON":
		parts = []string{tok, tok, tok, tstamp, quoted, tok, tok}
	case "COMMON WITH VHOST":
		parts = []string{tok, tok, tok, tok, tstamp, quoted, tok, tok}
	case "NCSA EXTENDED":
		parts = []string{tok, tok, tok, tstamp, quoted, tok, tok, quoted, quoted}
	case "REFERER":
		parts = []string{tok, "--->", tok}
	case "AGENT":
		return regexp.MustCompile(`^(.*)$`), 1, true
	default:
		return nil, 0, false
	}
	n := 0
	for _, p := range parts {
		if p != "--->" {
			n++
		}
	}
	return regexp.MustCompile(`^` + strings.Join(parts, ` `) + `$`), n, true
}
