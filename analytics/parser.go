package analytics

import (
	"math"
	"strconv"
	"strings"
)

// MaxApplicationCodeLength is the longest ApplicationCode AWS accepts.
const MaxApplicationCodeLength = 102400

// maxDepth bounds expression and query nesting so hostile input cannot
// exhaust the stack.
const maxDepth = 200

type parser struct {
	toks  []token
	i     int
	depth int
}

// parseCode parses application code: statements separated by semicolons.
func parseCode(src string) ([]stmt, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	var out []stmt
	for {
		for p.isOp(";") {
			p.i++
		}
		if p.peek().kind == tEOF {
			break
		}
		s, err := p.statement()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		if !p.isOp(";") && p.peek().kind != tEOF {
			return nil, p.errExpected("';'")
		}
	}
	return out, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}
func (p *parser) isKw(kw string) bool { t := p.peek(); return t.kind == tIdent && t.text == kw }
func (p *parser) isOp(op string) bool { t := p.peek(); return t.kind == tOp && t.text == op }
func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.i++
		return true
	}
	return false
}
func (p *parser) acceptOp(op string) bool {
	if p.isOp(op) {
		p.i++
		return true
	}
	return false
}

func (p *parser) errExpected(what string) error {
	t := p.peek()
	return codeErr(t.pos, "expected %s but found %s", what, t)
}

func (p *parser) expectKw(kw string) error {
	if !p.acceptKw(kw) {
		return p.errExpected(kw)
	}
	return nil
}

func (p *parser) expectOp(op string) error {
	if !p.acceptOp(op) {
		return p.errExpected("'" + op + "'")
	}
	return nil
}

// reserved words cannot be unquoted identifiers or aliases.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "GROUP": true, "HAVING": true, "ORDER": true, "BY": true,
	"WINDOW": true, "WINDOWED": true, "UNION": true, "JOIN": true, "LEFT": true, "RIGHT": true, "INNER": true,
	"OUTER": true, "FULL": true, "CROSS": true, "ON": true, "AS": true, "AND": true, "OR": true, "NOT": true,
	"CREATE": true, "INSERT": true, "INTO": true, "STREAM": true, "PUMP": true, "OVER": true, "CASE": true,
	"WHEN": true, "THEN": true, "ELSE": true, "END": true, "NULL": true, "TRUE": true, "FALSE": true, "IS": true,
	"IN": true, "BETWEEN": true, "LIKE": true, "DISTINCT": true, "ALL": true, "PARTITION": true, "RANGE": true,
	"ROWS": true, "PRECEDING": true, "INTERVAL": true, "CAST": true, "TABLE": true, "USER": true, "VALUES": true,
	"LIMIT": true, "FOR": true, "TO": true, "CURSOR": true,
}

// ident reads an identifier: quoted (exact) or unquoted (upper-cased,
// not reserved).
func (p *parser) ident(what string) (string, error) {
	t := p.peek()
	switch {
	case t.kind == tQIdent:
		p.i++
		return t.text, nil
	case t.kind == tIdent && !reserved[t.text]:
		p.i++
		return t.text, nil
	}
	return "", p.errExpected(what)
}

func (p *parser) statement() (stmt, error) {
	t := p.peek()
	switch {
	case p.acceptKw("CREATE"):
		replace := false
		if p.acceptKw("OR") {
			if err := p.expectKw("REPLACE"); err != nil {
				return nil, err
			}
			replace = true
		}
		switch {
		case p.acceptKw("STREAM"):
			return p.createStream(t.pos, replace)
		case p.acceptKw("PUMP"):
			name, err := p.ident("pump name")
			if err != nil {
				return nil, err
			}
			if p.acceptKw("STOPPED") || p.acceptKw("STARTED") {
				// Accepted for SQLstream compatibility; pumps run with the application.
			}
			if err := p.expectKw("AS"); err != nil {
				return nil, err
			}
			it := p.peek()
			if err := p.expectKw("INSERT"); err != nil {
				return nil, err
			}
			ins, err := p.insert(it.pos)
			if err != nil {
				return nil, err
			}
			return &createPump{pos: t.pos, name: name, replace: replace, insert: ins}, nil
		case p.acceptKw("VIEW"):
			name, err := p.ident("view name")
			if err != nil {
				return nil, err
			}
			if err := p.expectKw("AS"); err != nil {
				return nil, err
			}
			q, err := p.query()
			if err != nil {
				return nil, err
			}
			return &createView{pos: t.pos, name: name, replace: replace, query: q}, nil
		}
		return nil, p.errExpected("STREAM, PUMP or VIEW")
	case p.acceptKw("INSERT"):
		return p.insert(t.pos)
	}
	return nil, p.errExpected("CREATE or INSERT")
}

func (p *parser) createStream(pos Pos, replace bool) (stmt, error) {
	name, err := p.ident("stream name")
	if err != nil {
		return nil, err
	}
	cs := &createStream{pos: pos, name: name, replace: replace}
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for {
		if p.isKw("WATERMARK") {
			wp := p.next().pos
			if cs.watermark != nil {
				return nil, codeErr(wp, "only one WATERMARK per stream")
			}
			if err := p.expectKw("FOR"); err != nil {
				return nil, err
			}
			col, err := p.ident("column name")
			if err != nil {
				return nil, err
			}
			if err := p.expectKw("AS"); err != nil {
				return nil, err
			}
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			delay, ok := watermarkDelay(e, col)
			if !ok {
				return nil, codeErr(e.exprPos(), "WATERMARK must be %s or %s - INTERVAL '<n>' <unit>", col, col)
			}
			cs.watermark = &watermarkDef{col: col, delay: delay, pos: wp}
		} else {
			cp := p.peek().pos
			col, err := p.ident("column name")
			if err != nil {
				return nil, err
			}
			if seen[col] {
				return nil, codeErr(cp, "duplicate column %q", col)
			}
			seen[col] = true
			typ, err := p.sqlType()
			if err != nil {
				return nil, err
			}
			def := columnDef{name: col, typ: typ, pos: cp}
			if p.acceptKw("NOT") {
				if err := p.expectKw("NULL"); err != nil {
					return nil, err
				}
				def.notNull = true
			} else {
				p.acceptKw("NULL")
			}
			cs.cols = append(cs.cols, def)
		}
		if p.acceptOp(")") {
			break
		}
		if err := p.expectOp(","); err != nil {
			return nil, err
		}
	}
	if len(cs.cols) == 0 {
		return nil, codeErr(pos, "stream %q has no columns", name)
	}
	if cs.watermark != nil && !seen[cs.watermark.col] {
		return nil, codeErr(cs.watermark.pos, "WATERMARK column %q is not a column of %q", cs.watermark.col, name)
	}
	if p.acceptKw("DESCRIPTION") {
		if p.peek().kind != tString {
			return nil, p.errExpected("description string")
		}
		p.next()
	}
	return cs, nil
}

// watermarkDelay recognises col and col - INTERVAL.
func watermarkDelay(e expr, col string) (int64, bool) {
	if c, ok := e.(*colRef); ok && c.qualifier == "" && c.name == col {
		return 0, true
	}
	b, ok := e.(*binaryExpr)
	if !ok || b.op != "-" {
		return 0, false
	}
	c, ok := b.l.(*colRef)
	if !ok || c.name != col {
		return 0, false
	}
	l, ok := b.r.(*literal)
	if !ok || l.v.k != KindInterval || l.v.i < 0 {
		return 0, false
	}
	return l.v.i, true
}

func (p *parser) sqlType() (sqlType, error) {
	t := p.peek()
	if t.kind != tIdent {
		return sqlType{}, p.errExpected("a type")
	}
	k, ok := typeNames[t.text]
	if !ok {
		return sqlType{}, codeErr(t.pos, "unknown type %s", t.text)
	}
	p.i++
	st := sqlType{kind: k, name: t.text}
	switch t.text {
	case "INT":
		st.name = "INTEGER"
	case "DEC", "NUMERIC":
		st.name = "DECIMAL"
	case "DOUBLE":
		p.acceptKw("PRECISION")
	case "CHARACTER":
		st.name = "CHAR"
		if p.acceptKw("VARYING") {
			st.name = "VARCHAR"
		}
	case "CHAR":
		if p.acceptKw("VARYING") {
			st.name = "VARCHAR"
		}
	case "INTERVAL":
		if _, err := p.intervalQualifier(); err != nil {
			return sqlType{}, err
		}
	case "TIMESTAMP", "TIME":
		if p.isOp("(") {
			p.next()
			if p.peek().kind != tNumber {
				return sqlType{}, p.errExpected("a precision")
			}
			p.next()
			if err := p.expectOp(")"); err != nil {
				return sqlType{}, err
			}
		}
	}
	switch st.name {
	case "VARCHAR", "CHAR", "VARBINARY", "BINARY":
		if p.acceptOp("(") {
			n := p.peek()
			v, err := strconv.Atoi(n.text)
			if n.kind != tNumber || err != nil || v <= 0 {
				return sqlType{}, p.errExpected("a positive length")
			}
			p.next()
			st.length = v
			if err := p.expectOp(")"); err != nil {
				return sqlType{}, err
			}
		} else if st.name == "CHAR" || st.name == "BINARY" {
			st.length = 1
		}
	case "DECIMAL":
		if p.acceptOp("(") {
			n := p.peek()
			v, err := strconv.Atoi(n.text)
			if n.kind != tNumber || err != nil || v <= 0 || v > 19 {
				return sqlType{}, codeErr(n.pos, "DECIMAL precision must be 1 to 19, found %s", n)
			}
			p.next()
			st.prec = v
			if p.acceptOp(",") {
				n := p.peek()
				s, err := strconv.Atoi(n.text)
				if n.kind != tNumber || err != nil || s > v {
					return sqlType{}, codeErr(n.pos, "DECIMAL scale must be 0 to %d, found %s", v, n)
				}
				p.next()
				st.scale = s
			}
			if err := p.expectOp(")"); err != nil {
				return sqlType{}, err
			}
		}
	}
	return st, nil
}

func (p *parser) insert(pos Pos) (*insertStmt, error) {
	if err := p.expectKw("INTO"); err != nil {
		return nil, err
	}
	target, err := p.ident("stream name")
	if err != nil {
		return nil, err
	}
	ins := &insertStmt{pos: pos, target: target}
	if p.acceptOp("(") {
		for {
			c, err := p.ident("column name")
			if err != nil {
				return nil, err
			}
			ins.cols = append(ins.cols, c)
			if p.acceptOp(")") {
				break
			}
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
		}
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	ins.query = q
	return ins, nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return codeErr(p.peek().pos, "nesting too deep")
	}
	return nil
}

func (p *parser) query() (query, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	pos := p.peek().pos
	first, err := p.selectStmt()
	if err != nil {
		return nil, err
	}
	if !p.isKw("UNION") {
		return first, nil
	}
	u := &unionAll{pos: pos, parts: []*selectStmt{first}}
	for p.acceptKw("UNION") {
		if err := p.expectKw("ALL"); err != nil {
			return nil, codeErr(p.peek().pos, "only UNION ALL is supported on streams")
		}
		s, err := p.selectStmt()
		if err != nil {
			return nil, err
		}
		u.parts = append(u.parts, s)
	}
	return u, nil
}

func (p *parser) selectStmt() (*selectStmt, error) {
	if p.isOp("(") {
		p.next()
		s, err := p.selectStmt()
		if err != nil {
			return nil, err
		}
		return s, p.expectOp(")")
	}
	pos := p.peek().pos
	if err := p.expectKw("SELECT"); err != nil {
		return nil, err
	}
	s := &selectStmt{pos: pos}
	s.stream = p.acceptKw("STREAM")
	if p.acceptKw("DISTINCT") {
		s.distinct = true
	} else {
		p.acceptKw("ALL")
	}
	for {
		it, err := p.selectItem()
		if err != nil {
			return nil, err
		}
		s.items = append(s.items, it)
		if !p.acceptOp(",") {
			break
		}
	}
	if err := p.expectKw("FROM"); err != nil {
		return nil, err
	}
	from, err := p.fromClause()
	if err != nil {
		return nil, err
	}
	s.from = from
	if p.acceptKw("WHERE") {
		if s.where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("GROUP") {
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		if s.groupBy, err = p.exprList(); err != nil {
			return nil, err
		}
	}
	if p.isKw("WINDOWED") {
		wp := p.next().pos
		if s.groupBy != nil {
			return nil, codeErr(wp, "WINDOWED BY STAGGER replaces GROUP BY; use one or the other")
		}
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		if err := p.expectKw("STAGGER"); err != nil {
			return nil, err
		}
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		if err := p.expectKw("PARTITION"); err != nil {
			return nil, err
		}
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		part, err := p.exprList()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("RANGE"); err != nil {
			return nil, err
		}
		rng, err := p.intervalLiteralMs()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		s.stagger = &staggerSpec{pos: wp, partition: part, rng: rng}
	}
	if p.acceptKw("HAVING") {
		if s.having, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("WINDOW") {
		s.windows = map[string]*windowSpec{}
		for {
			np := p.peek().pos
			name, err := p.ident("window name")
			if err != nil {
				return nil, err
			}
			if _, dup := s.windows[name]; dup {
				return nil, codeErr(np, "duplicate window %q", name)
			}
			if err := p.expectKw("AS"); err != nil {
				return nil, err
			}
			w, err := p.windowSpecParen()
			if err != nil {
				return nil, err
			}
			s.windows[name] = w
			if !p.acceptOp(",") {
				break
			}
		}
	}
	if p.acceptKw("ORDER") {
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		for {
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			oi := orderItem{e: e}
			if p.acceptKw("DESC") {
				oi.desc = true
			} else {
				p.acceptKw("ASC")
			}
			s.orderBy = append(s.orderBy, oi)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return s, nil
}

func (p *parser) selectItem() (selectItem, error) {
	pos := p.peek().pos
	if p.acceptOp("*") {
		return selectItem{star: true, pos: pos}, nil
	}
	// qualifier.*
	if t := p.peek(); (t.kind == tIdent || t.kind == tQIdent) && p.peekAt(1).kind == tOp && p.peekAt(1).text == "." &&
		p.peekAt(2).kind == tOp && p.peekAt(2).text == "*" {
		p.i += 3
		return selectItem{star: true, qualifier: t.text, pos: pos}, nil
	}
	e, err := p.expr()
	if err != nil {
		return selectItem{}, err
	}
	it := selectItem{e: e, pos: pos}
	if p.acceptKw("AS") {
		if it.alias, err = p.ident("column alias"); err != nil {
			return selectItem{}, err
		}
	} else if t := p.peek(); t.kind == tQIdent || t.kind == tIdent && !reserved[t.text] {
		it.alias, _ = p.ident("")
	}
	return it, nil
}

func (p *parser) fromClause() (fromItem, error) {
	left, err := p.fromPrimary()
	if err != nil {
		return nil, err
	}
	for {
		pos := p.peek().pos
		outer, rightOuter, cross := false, false, false
		switch {
		case p.acceptKw("JOIN"):
		case p.acceptKw("INNER"):
			if err := p.expectKw("JOIN"); err != nil {
				return nil, err
			}
		case p.acceptKw("LEFT"):
			outer = true
		case p.acceptKw("RIGHT"):
			rightOuter = true
		case p.acceptKw("FULL"):
			outer, rightOuter = true, true
		case p.acceptKw("CROSS"):
			cross = true
		default:
			return left, nil
		}
		if outer || rightOuter || cross {
			if outer || rightOuter {
				p.acceptKw("OUTER")
			}
			if err := p.expectKw("JOIN"); err != nil {
				return nil, err
			}
		}
		right, err := p.fromPrimary()
		if err != nil {
			return nil, err
		}
		var on expr = &literal{pos: pos, v: Bool(true)}
		if !cross {
			if err := p.expectKw("ON"); err != nil {
				return nil, err
			}
			if on, err = p.expr(); err != nil {
				return nil, err
			}
		}
		left = &joinItem{pos: pos, left: left, right: right, outer: outer, keepR: rightOuter, on: on}
	}
}

func (p *parser) fromPrimary() (fromItem, error) {
	pos := p.peek().pos
	var item fromItem
	switch {
	case p.isKw("TABLE"):
		p.next()
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		name, err := p.ident("table function name")
		if err != nil {
			return nil, err
		}
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		tf := &tableFunc{pos: pos, name: strings.ToUpper(name)}
		if !p.acceptOp(")") {
			for {
				a, err := p.tableFuncArg()
				if err != nil {
					return nil, err
				}
				tf.args = append(tf.args, a)
				if p.acceptOp(")") {
					break
				}
				if err := p.expectOp(","); err != nil {
					return nil, err
				}
			}
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		item = tf
	case p.isOp("("):
		p.next()
		q, err := p.query()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		item = &subquery{pos: pos, q: q}
	default:
		name, err := p.ident("stream or table name")
		if err != nil {
			return nil, err
		}
		sr := &streamRef{pos: pos, name: name}
		if p.acceptKw("OVER") {
			if sr.over, err = p.windowRefOrSpec(); err != nil {
				return nil, err
			}
		}
		item = sr
	}
	alias := ""
	if p.acceptKw("AS") {
		a, err := p.ident("alias")
		if err != nil {
			return nil, err
		}
		alias = a
	} else if t := p.peek(); t.kind == tQIdent || t.kind == tIdent && !reserved[t.text] && !p.isKw("WINDOWED") {
		alias, _ = p.ident("")
	}
	// KDA also accepts the OVER after the alias.
	if sr, ok := item.(*streamRef); ok && sr.over == nil && p.acceptKw("OVER") {
		var err error
		if sr.over, err = p.windowRefOrSpec(); err != nil {
			return nil, err
		}
	}
	switch it := item.(type) {
	case *streamRef:
		it.alias = alias
	case *tableFunc:
		it.alias = alias
	case *subquery:
		it.alias = alias
	}
	return item, nil
}

func (p *parser) tableFuncArg() (expr, error) {
	pos := p.peek().pos
	switch {
	case p.acceptKw("TABLE"):
		name, err := p.ident("stream name")
		if err != nil {
			return nil, err
		}
		ta := &tableArg{pos: pos, name: name}
		if p.acceptKw("PARTITION") {
			if err := p.expectKw("BY"); err != nil {
				return nil, err
			}
			for {
				e, err := p.primary()
				if err != nil {
					return nil, err
				}
				ta.partition = append(ta.partition, e)
				if !(p.isOp(",") && (p.peekAt(1).kind == tQIdent || p.peekAt(1).kind == tIdent && p.peekAt(1).text != "DESCRIPTOR" && p.peekAt(2).text != "(")) {
					break
				}
				p.next()
			}
		}
		return ta, nil
	case p.isKw("DESCRIPTOR"):
		p.next()
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		col, err := p.ident("column name")
		if err != nil {
			return nil, err
		}
		return &descriptorExpr{pos: pos, col: col}, p.expectOp(")")
	}
	return p.expr()
}

func (p *parser) windowRefOrSpec() (*windowSpec, error) {
	if p.isOp("(") {
		return p.windowSpecParen()
	}
	pos := p.peek().pos
	name, err := p.ident("window name or '('")
	if err != nil {
		return nil, err
	}
	return &windowSpec{pos: pos, ref: name}, nil
}

func (p *parser) windowSpecParen() (*windowSpec, error) {
	pos := p.peek().pos
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	w := &windowSpec{pos: pos}
	if p.acceptKw("PARTITION") {
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		var err error
		if w.partition, err = p.exprList(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("ORDER") {
		// ORDER BY ROWTIME is the only order a stream window has.
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		if _, err := p.exprList(); err != nil {
			return nil, err
		}
	}
	switch {
	case p.acceptKw("RANGE"):
		between := p.acceptKw("BETWEEN")
		if p.acceptKw("UNBOUNDED") {
			w.unbounded = true
		} else if p.acceptKw("CURRENT") {
			if err := p.expectKw("ROW"); err != nil {
				return nil, err
			}
			if between {
				return nil, p.errExpected("INTERVAL or UNBOUNDED")
			}
			return w, p.expectOp(")")
		} else {
			ms, err := p.intervalLiteralMs()
			if err != nil {
				return nil, err
			}
			w.n = ms
		}
		if err := p.expectKw("PRECEDING"); err != nil {
			return nil, err
		}
		if between {
			if err := p.expectKw("AND"); err != nil {
				return nil, err
			}
			if err := p.expectKw("CURRENT"); err != nil {
				return nil, err
			}
			if err := p.expectKw("ROW"); err != nil {
				return nil, err
			}
		}
	case p.acceptKw("ROWS"):
		w.rows = true
		between := p.acceptKw("BETWEEN")
		if p.acceptKw("UNBOUNDED") {
			w.unbounded = true
		} else if p.acceptKw("CURRENT") {
			if err := p.expectKw("ROW"); err != nil {
				return nil, err
			}
			return w, p.expectOp(")")
		} else {
			t := p.peek()
			n, err := strconv.ParseInt(t.text, 10, 64)
			if t.kind != tNumber || err != nil || n < 0 {
				return nil, p.errExpected("a row count")
			}
			p.next()
			w.n = n
		}
		if err := p.expectKw("PRECEDING"); err != nil {
			return nil, err
		}
		if between {
			if err := p.expectKw("AND"); err != nil {
				return nil, err
			}
			if err := p.expectKw("CURRENT"); err != nil {
				return nil, err
			}
			if err := p.expectKw("ROW"); err != nil {
				return nil, err
			}
		}
	default:
		return nil, p.errExpected("RANGE or ROWS")
	}
	return w, p.expectOp(")")
}

// intervalLiteralMs reads INTERVAL 'n' unit and returns milliseconds.
func (p *parser) intervalLiteralMs() (int64, error) {
	pos := p.peek().pos
	e, err := p.primary()
	if err != nil {
		return 0, err
	}
	l, ok := e.(*literal)
	if !ok || l.v.k != KindInterval {
		return 0, codeErr(pos, "expected an INTERVAL literal")
	}
	if l.v.i <= 0 {
		return 0, codeErr(pos, "window range must be positive")
	}
	return l.v.i, nil
}

func (p *parser) exprList() ([]expr, error) {
	var out []expr
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !p.acceptOp(",") {
			return out, nil
		}
	}
}

// expr parses an expression (lowest precedence: OR).
func (p *parser) expr() (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	return p.orExpr()
}

func (p *parser) orExpr() (expr, error) {
	l, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for p.isKw("OR") {
		pos := p.next().pos
		r, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		l = &binaryExpr{pos: pos, op: "OR", l: l, r: r}
	}
	return l, nil
}

func (p *parser) andExpr() (expr, error) {
	l, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	for p.isKw("AND") {
		pos := p.next().pos
		r, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		l = &binaryExpr{pos: pos, op: "AND", l: l, r: r}
	}
	return l, nil
}

func (p *parser) notExpr() (expr, error) {
	if p.isKw("NOT") {
		pos := p.next().pos
		if err := p.enter(); err != nil {
			return nil, err
		}
		x, err := p.notExpr()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &unaryExpr{pos: pos, op: "NOT", x: x}, nil
	}
	return p.cmpExpr()
}

func (p *parser) cmpExpr() (expr, error) {
	l, err := p.addExpr()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind == tOp {
			switch t.text {
			case "=", "<>", "!=", "<", "<=", ">", ">=":
				p.next()
				r, err := p.addExpr()
				if err != nil {
					return nil, err
				}
				op := t.text
				if op == "!=" {
					op = "<>"
				}
				l = &binaryExpr{pos: t.pos, op: op, l: l, r: r}
				continue
			}
			return l, nil
		}
		if t.kind != tIdent {
			return l, nil
		}
		switch t.text {
		case "IS":
			p.next()
			not := p.acceptKw("NOT")
			switch {
			case p.acceptKw("NULL"):
				l = &isNullExpr{pos: t.pos, x: l, not: not}
			case p.isKw("TRUE") || p.isKw("FALSE"):
				v := p.next().text == "TRUE"
				var e expr = &binaryExpr{pos: t.pos, op: "IS", l: l, r: &literal{pos: t.pos, v: Bool(v)}}
				if not {
					e = &unaryExpr{pos: t.pos, op: "NOT", x: e}
				}
				l = e
			default:
				return nil, p.errExpected("NULL, TRUE or FALSE")
			}
			continue
		case "NOT", "LIKE", "IN", "BETWEEN", "SIMILAR":
		default:
			return l, nil
		}
		not := false
		if t.text == "NOT" {
			nt := p.peekAt(1)
			if nt.kind != tIdent || (nt.text != "LIKE" && nt.text != "IN" && nt.text != "BETWEEN" && nt.text != "SIMILAR") {
				return l, nil
			}
			p.next()
			not = true
		}
		kw := p.next()
		var e expr
		switch kw.text {
		case "LIKE", "SIMILAR":
			op := "LIKE"
			if kw.text == "SIMILAR" {
				if err := p.expectKw("TO"); err != nil {
					return nil, err
				}
				op = "SIMILAR"
			}
			r, err := p.addExpr()
			if err != nil {
				return nil, err
			}
			b := &binaryExpr{pos: kw.pos, op: op, l: l, r: r}
			if p.acceptKw("ESCAPE") {
				esc, err := p.addExpr()
				if err != nil {
					return nil, err
				}
				e = &funcCall{pos: kw.pos, name: "$" + op + "_ESCAPE", args: []expr{l, r, esc}}
			} else {
				e = b
			}
		case "IN":
			if err := p.expectOp("("); err != nil {
				return nil, err
			}
			list, err := p.exprList()
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			e = &inExpr{pos: kw.pos, x: l, list: list}
		case "BETWEEN":
			p.acceptKw("SYMMETRIC")
			lo, err := p.addExpr()
			if err != nil {
				return nil, err
			}
			if err := p.expectKw("AND"); err != nil {
				return nil, err
			}
			hi, err := p.addExpr()
			if err != nil {
				return nil, err
			}
			e = &betweenExpr{pos: kw.pos, x: l, lo: lo, hi: hi}
		}
		if not {
			e = &unaryExpr{pos: t.pos, op: "NOT", x: e}
		}
		l = e
	}
}

func (p *parser) addExpr() (expr, error) {
	l, err := p.mulExpr()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") || p.isOp("||") {
		t := p.next()
		r, err := p.mulExpr()
		if err != nil {
			return nil, err
		}
		l = &binaryExpr{pos: t.pos, op: t.text, l: l, r: r}
	}
	return l, nil
}

func (p *parser) mulExpr() (expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") || p.isOp("%") {
		t := p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &binaryExpr{pos: t.pos, op: t.text, l: l, r: r}
	}
	return l, nil
}

func (p *parser) unary() (expr, error) {
	if p.isOp("-") || p.isOp("+") {
		t := p.next()
		if err := p.enter(); err != nil {
			return nil, err
		}
		x, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		if l, ok := x.(*literal); ok && t.text == "-" {
			switch l.v.k {
			case KindBigint:
				return &literal{pos: t.pos, v: Int(-l.v.i)}, nil
			case KindDouble:
				return &literal{pos: t.pos, v: Float(-l.v.f)}, nil
			}
		}
		return &unaryExpr{pos: t.pos, op: t.text, x: x}, nil
	}
	return p.primary()
}

// intervalUnits maps interval units to milliseconds.
var intervalUnits = map[string]int64{
	"MILLISECOND": 1, "SECOND": 1000, "MINUTE": 60000, "HOUR": 3600000, "DAY": 86400000,
	"WEEK": 7 * 86400000, "MONTH": 30 * 86400000, "YEAR": 365 * 86400000,
}

// intervalQualifier reads a unit [(precision)] [TO unit].
func (p *parser) intervalQualifier() ([2]string, error) {
	t := p.peek()
	u := strings.TrimSuffix(t.text, "S")
	if t.kind != tIdent || intervalUnits[u] == 0 {
		return [2]string{}, p.errExpected("an interval unit (SECOND, MINUTE, HOUR, DAY)")
	}
	p.next()
	if p.acceptOp("(") {
		for !p.isOp(")") && p.peek().kind != tEOF {
			p.next()
		}
		if err := p.expectOp(")"); err != nil {
			return [2]string{}, err
		}
	}
	q := [2]string{u, ""}
	if p.acceptKw("TO") {
		t2 := p.peek()
		u2 := strings.TrimSuffix(t2.text, "S")
		if t2.kind != tIdent || intervalUnits[u2] == 0 {
			return [2]string{}, p.errExpected("an interval unit")
		}
		p.next()
		if p.acceptOp("(") {
			for !p.isOp(")") && p.peek().kind != tEOF {
				p.next()
			}
			if err := p.expectOp(")"); err != nil {
				return [2]string{}, err
			}
		}
		q[1] = u2
	}
	return q, nil
}

// parseIntervalText turns the text of INTERVAL 'text' q into milliseconds:
// '5' SECOND, '1:30' MINUTE TO SECOND, '1 02:03:04.5' DAY TO SECOND.
func parseIntervalText(text string, q [2]string) (int64, bool) {
	text = strings.TrimSpace(text)
	neg := false
	if strings.HasPrefix(text, "-") {
		neg = true
		text = text[1:]
	} else {
		text = strings.TrimPrefix(text, "+")
	}
	var ms float64
	if q[1] == "" {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || f < 0 {
			return 0, false
		}
		ms = f * float64(intervalUnits[q[0]])
	} else {
		order := []string{"DAY", "HOUR", "MINUTE", "SECOND"}
		start, end := -1, -1
		for i, u := range order {
			if u == q[0] {
				start = i
			}
			if u == q[1] {
				end = i
			}
		}
		if start < 0 || end <= start {
			return 0, false
		}
		fields := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ':' })
		if len(fields) != end-start+1 {
			return 0, false
		}
		for i, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || v < 0 {
				return 0, false
			}
			ms += v * float64(intervalUnits[order[start+i]])
		}
	}
	if math.IsInf(ms, 0) || ms > 1e17 {
		return 0, false
	}
	if neg {
		ms = -ms
	}
	return int64(math.Round(ms)), true
}

// specialNoParen are niladic functions written without parentheses.
var specialNoParen = map[string]bool{
	"CURRENT_ROW_TIMESTAMP": true, "CURRENT_TIMESTAMP": true, "CURRENT_DATE": true, "CURRENT_TIME": true,
	"LOCALTIME": true, "LOCALTIMESTAMP": true,
}

func (p *parser) primary() (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	t := p.peek()
	switch t.kind {
	case tNumber:
		p.next()
		if !strings.ContainsAny(t.text, ".eE") {
			if v, err := strconv.ParseInt(t.text, 10, 64); err == nil {
				return &literal{pos: t.pos, v: Int(v)}, nil
			}
		}
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, codeErr(t.pos, "invalid number %s", t.text)
		}
		return &literal{pos: t.pos, v: Float(f)}, nil
	case tString:
		p.next()
		s := t.text
		for p.peek().kind == tString { // adjacent literals concatenate
			s += p.next().text
		}
		return &literal{pos: t.pos, v: String(s)}, nil
	case tBinary:
		p.next()
		return &literal{pos: t.pos, v: Value{k: KindBinary, s: t.text}}, nil
	case tQIdent:
		return p.columnOrCall()
	case tOp:
		if t.text == "(" {
			p.next()
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		}
		return nil, p.errExpected("an expression")
	case tEOF:
		return nil, p.errExpected("an expression")
	}
	switch t.text {
	case "NULL":
		p.next()
		return &literal{pos: t.pos, v: Null}, nil
	case "TRUE", "FALSE":
		p.next()
		return &literal{pos: t.pos, v: Bool(t.text == "TRUE")}, nil
	case "UNKNOWN":
		p.next()
		return &literal{pos: t.pos, v: Null}, nil
	case "INTERVAL":
		p.next()
		neg := p.acceptOp("-")
		s := p.peek()
		if s.kind != tString && s.kind != tNumber {
			return nil, p.errExpected("an interval string such as '5'")
		}
		p.next()
		q, err := p.intervalQualifier()
		if err != nil {
			return nil, err
		}
		ms, ok := parseIntervalText(s.text, q)
		if !ok {
			return nil, codeErr(s.pos, "invalid interval literal '%s' %s", s.text, q[0])
		}
		if neg {
			ms = -ms
		}
		return &literal{pos: t.pos, v: ivMillis(ms)}, nil
	case "TIMESTAMP", "DATE", "TIME":
		if p.peekAt(1).kind == tString {
			p.next()
			s := p.next()
			v, ok := parseDateTimeLiteral(t.text, s.text)
			if !ok {
				return nil, codeErr(s.pos, "invalid %s literal '%s'", t.text, s.text)
			}
			return &literal{pos: t.pos, v: v}, nil
		}
	case "CASE":
		return p.caseExpr()
	case "CAST":
		p.next()
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("AS"); err != nil {
			return nil, err
		}
		typ, err := p.sqlType()
		if err != nil {
			return nil, err
		}
		return &castExpr{pos: t.pos, x: x, typ: typ}, p.expectOp(")")
	case "CURSOR":
		p.next()
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		q, err := p.query()
		if err != nil {
			return nil, err
		}
		return &cursorExpr{pos: t.pos, q: q}, p.expectOp(")")
	}
	if specialNoParen[t.text] && !(p.peekAt(1).kind == tOp && p.peekAt(1).text == "(") {
		p.next()
		return &funcCall{pos: t.pos, name: t.text}, nil
	}
	if reserved[t.text] && t.text != "USER" {
		return nil, p.errExpected("an expression")
	}
	return p.columnOrCall()
}

// parseDateTimeLiteral parses the text of TIMESTAMP/DATE/TIME literals.
func parseDateTimeLiteral(kind, s string) (Value, bool) {
	switch kind {
	case "TIMESTAMP":
		ms, ok := parseTimestampText(s)
		return tsMillis(ms), ok
	case "DATE":
		ms, ok := parseDateText(s)
		return dateMillis(ms), ok
	case "TIME":
		ms, ok := parseTimeText(s)
		return timeMillis(ms), ok
	}
	return Null, false
}

func (p *parser) caseExpr() (expr, error) {
	t := p.next()
	c := &caseExpr{pos: t.pos}
	if !p.isKw("WHEN") {
		op, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.operand = op
	}
	for p.acceptKw("WHEN") {
		w, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("THEN"); err != nil {
			return nil, err
		}
		th, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.whens = append(c.whens, w)
		c.thens = append(c.thens, th)
	}
	if len(c.whens) == 0 {
		return nil, p.errExpected("WHEN")
	}
	if p.acceptKw("ELSE") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.els = e
	}
	return c, p.expectKw("END")
}

// timeUnits are the units FLOOR/CEIL ... TO and EXTRACT accept.
var timeUnits = map[string]bool{"MILLISECOND": true, "SECOND": true, "MINUTE": true, "HOUR": true, "DAY": true,
	"WEEK": true, "MONTH": true, "YEAR": true, "DOW": true, "DOY": true, "QUARTER": true, "EPOCH": true}

func (p *parser) columnOrCall() (expr, error) {
	t := p.next()
	name := t.text
	if p.isOp(".") {
		p.next()
		col, err := p.ident("column name")
		if err != nil {
			if p.isKw("ROWTIME") {
				p.next()
				col = "ROWTIME"
			} else {
				return nil, err
			}
		}
		var x expr = &colRef{pos: t.pos, qualifier: name, name: col}
		return p.fieldAccess(x)
	}
	if !p.isOp("(") || t.kind == tQIdent {
		return &colRef{pos: t.pos, name: name}, nil
	}
	p.next()
	fc := &funcCall{pos: t.pos, name: name}
	switch name {
	case "STEP":
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		y, err := p.expr()
		if err != nil {
			return nil, err
		}
		fc.args = []expr{x, y}
	case "FLOOR", "CEIL", "CEILING":
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		fc.args = []expr{x}
		if p.acceptKw("TO") {
			u := p.peek()
			unit := strings.TrimSuffix(u.text, "S")
			if u.kind != tIdent || !timeUnits[unit] {
				return nil, p.errExpected("a time unit")
			}
			p.next()
			fc.unit = unit
		}
	case "EXTRACT":
		u := p.peek()
		unit := strings.TrimSuffix(u.text, "S")
		if u.kind != tIdent || !timeUnits[unit] {
			return nil, p.errExpected("a time unit")
		}
		p.next()
		fc.unit = unit
		if err := p.expectKw("FROM"); err != nil {
			return nil, err
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		fc.args = []expr{x}
	case "POSITION":
		a, err := p.addExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("IN"); err != nil {
			return nil, err
		}
		b, err := p.addExpr()
		if err != nil {
			return nil, err
		}
		fc.args = []expr{a, b}
		if p.acceptKw("FROM") {
			c, err := p.addExpr()
			if err != nil {
				return nil, err
			}
			fc.args = append(fc.args, c)
		}
	case "SUBSTRING":
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		fc.args = []expr{a}
		if p.acceptKw("FROM") {
			b, err := p.expr()
			if err != nil {
				return nil, err
			}
			fc.args = append(fc.args, b)
			if p.acceptKw("FOR") {
				c, err := p.expr()
				if err != nil {
					return nil, err
				}
				fc.args = append(fc.args, c)
			}
		} else if p.acceptKw("SIMILAR") {
			b, err := p.expr()
			if err != nil {
				return nil, err
			}
			fc.args = append(fc.args, b)
			if err := p.expectKw("ESCAPE"); err != nil {
				return nil, err
			}
			c, err := p.expr()
			if err != nil {
				return nil, err
			}
			fc.args = append(fc.args, c)
			fc.unit = "SIMILAR"
		} else {
			for p.acceptOp(",") {
				b, err := p.expr()
				if err != nil {
					return nil, err
				}
				fc.args = append(fc.args, b)
			}
		}
	case "TRIM":
		fc.unit = "BOTH"
		for _, m := range []string{"BOTH", "LEADING", "TRAILING"} {
			if p.acceptKw(m) {
				fc.unit = m
			}
		}
		var chars expr = &literal{pos: t.pos, v: String(" ")}
		if !p.acceptKw("FROM") {
			a, err := p.expr()
			if err != nil {
				return nil, err
			}
			if p.acceptKw("FROM") {
				chars = a
				b, err := p.expr()
				if err != nil {
					return nil, err
				}
				fc.args = []expr{b, chars}
				break
			}
			fc.args = []expr{a, chars}
			break
		}
		b, err := p.expr()
		if err != nil {
			return nil, err
		}
		fc.args = []expr{b, chars}
	case "OVERLAY":
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("PLACING"); err != nil {
			return nil, err
		}
		b, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("FROM"); err != nil {
			return nil, err
		}
		c, err := p.expr()
		if err != nil {
			return nil, err
		}
		fc.args = []expr{a, b, c}
		if p.acceptKw("FOR") {
			d, err := p.expr()
			if err != nil {
				return nil, err
			}
			fc.args = append(fc.args, d)
		}
	default:
		if p.acceptOp("*") {
			fc.star = true
		} else if !p.isOp(")") {
			if p.acceptKw("DISTINCT") {
				fc.distinct = true
			} else {
				p.acceptKw("ALL")
			}
			args, err := p.exprList()
			if err != nil {
				return nil, err
			}
			fc.args = args
		}
	}
	if err := p.expectOp(")"); err != nil {
		return nil, err
	}
	if p.acceptKw("IGNORE") {
		if err := p.expectKw("NULLS"); err != nil {
			return nil, err
		}
		fc.ignoreNulls = true
	} else if p.acceptKw("RESPECT") {
		if err := p.expectKw("NULLS"); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("OVER") {
		w, err := p.windowRefOrSpec()
		if err != nil {
			return nil, err
		}
		fc.over = w
	}
	return p.fieldAccess(fc)
}

// fieldAccess reads .FIELD suffixes: a field of a row value (the result
// of a log-parsing function).
func (p *parser) fieldAccess(x expr) (expr, error) {
	for p.isOp(".") {
		pos := p.next().pos
		f, err := p.ident("field name")
		if err != nil {
			return nil, err
		}
		x = &fieldExpr{pos: pos, x: x, field: f}
	}
	return x, nil
}
