package analytics

// The abstract syntax tree of application code. Identifiers are stored
// normalised: unquoted ones upper-cased, quoted ones exact.

// stmt is a top-level statement.
type stmt interface{ stmtPos() Pos }

// columnDef is one column of CREATE STREAM.
type columnDef struct {
	name    string
	typ     sqlType
	notNull bool
	pos     Pos
}

// createStream is CREATE [OR REPLACE] STREAM name (cols [, WATERMARK ...]).
type createStream struct {
	pos       Pos
	name      string
	replace   bool
	cols      []columnDef
	watermark *watermarkDef
}

// watermarkDef is WATERMARK FOR col AS col - INTERVAL 'n' unit.
type watermarkDef struct {
	col   string
	delay int64 // ms
	pos   Pos
}

// createPump is CREATE [OR REPLACE] PUMP name AS INSERT INTO ...
type createPump struct {
	pos     Pos
	name    string
	replace bool
	insert  *insertStmt
}

// insertStmt is INSERT INTO target [(cols)] query.
type insertStmt struct {
	pos    Pos
	target string
	cols   []string
	query  query
}

// createView is CREATE [OR REPLACE] VIEW name AS query.
type createView struct {
	pos     Pos
	name    string
	replace bool
	query   query
}

func (s *createStream) stmtPos() Pos { return s.pos }
func (s *createPump) stmtPos() Pos   { return s.pos }
func (s *insertStmt) stmtPos() Pos   { return s.pos }
func (s *createView) stmtPos() Pos   { return s.pos }

// query is a SELECT or a UNION ALL of SELECTs.
type query interface{ queryPos() Pos }

type unionAll struct {
	pos   Pos
	parts []*selectStmt
}

type selectStmt struct {
	pos      Pos
	stream   bool
	distinct bool
	items    []selectItem
	from     fromItem
	where    expr
	groupBy  []expr
	stagger  *staggerSpec
	having   expr
	windows  map[string]*windowSpec
	orderBy  []orderItem
}

func (q *unionAll) queryPos() Pos   { return q.pos }
func (q *selectStmt) queryPos() Pos { return q.pos }

type selectItem struct {
	star      bool   // * or qual.*
	qualifier string // for qual.*
	e         expr
	alias     string
	pos       Pos
}

type orderItem struct {
	e    expr
	desc bool
}

// staggerSpec is WINDOWED BY STAGGER (PARTITION BY ... RANGE INTERVAL ...).
type staggerSpec struct {
	pos       Pos
	partition []expr
	rng       int64 // ms
}

// windowSpec is an OVER window: a named reference or an inline spec.
type windowSpec struct {
	pos       Pos
	ref       string // name of a WINDOW clause entry, when a reference
	partition []expr
	rows      bool  // ROWS n PRECEDING (else RANGE)
	n         int64 // rows, or range in ms
	unbounded bool
}

// fromItem is a source in FROM.
type fromItem interface{ fromPos() Pos }

type streamRef struct {
	pos   Pos
	name  string
	alias string
	over  *windowSpec
}

type joinItem struct {
	pos   Pos
	left  fromItem
	right fromItem
	outer bool // LEFT or FULL OUTER: unmatched left rows with NULLs
	keepR bool // RIGHT or FULL OUTER: unmatched right rows with NULLs
	on    expr
}

// tableFunc is FROM TABLE(f(...)) [AS alias].
type tableFunc struct {
	pos   Pos
	name  string
	args  []expr
	alias string
}

type subquery struct {
	pos   Pos
	q     query
	alias string
}

func (f *streamRef) fromPos() Pos { return f.pos }
func (f *joinItem) fromPos() Pos  { return f.pos }
func (f *tableFunc) fromPos() Pos { return f.pos }
func (f *subquery) fromPos() Pos  { return f.pos }

// expr is an expression.
type expr interface{ exprPos() Pos }

type literal struct {
	pos Pos
	v   Value
}

type colRef struct {
	pos       Pos
	qualifier string
	name      string
	mono      bool // resolves to a column known to be monotonic (derived from ROWTIME)
}

type unaryExpr struct {
	pos Pos
	op  string // "-", "+", "NOT"
	x   expr
}

type binaryExpr struct {
	pos  Pos
	op   string // + - * / % || = <> < <= > >= AND OR LIKE
	l, r expr
}

type isNullExpr struct {
	pos Pos
	x   expr
	not bool
}

type inExpr struct {
	pos  Pos
	x    expr
	list []expr
}

type betweenExpr struct {
	pos       Pos
	x, lo, hi expr
}

type caseExpr struct {
	pos     Pos
	operand expr // nil for searched CASE
	whens   []expr
	thens   []expr
	els     expr
}

type castExpr struct {
	pos Pos
	x   expr
	typ sqlType
}

// funcCall is a function or aggregate call, with the special forms
// (STEP(x BY y), FLOOR(x TO unit), EXTRACT, POSITION, SUBSTRING, TRIM)
// normalised to plain arguments.
type funcCall struct {
	pos         Pos
	name        string
	args        []expr
	star        bool // COUNT(*)
	distinct    bool
	ignoreNulls bool
	over        *windowSpec
	unit        string // FLOOR/CEIL ... TO unit, EXTRACT unit, TRIM mode
}

// cursorExpr is CURSOR(query), an argument of a table function.
type cursorExpr struct {
	pos Pos
	q   query
}

// tableArg is TABLE name, an argument of a window table function.
type tableArg struct {
	pos       Pos
	name      string
	partition []expr // SESSION(TABLE t PARTITION BY k, ...)
}

// descriptorExpr is DESCRIPTOR(col).
type descriptorExpr struct {
	pos Pos
	col string
}

func (e *literal) exprPos() Pos        { return e.pos }
func (e *colRef) exprPos() Pos         { return e.pos }
func (e *unaryExpr) exprPos() Pos      { return e.pos }
func (e *binaryExpr) exprPos() Pos     { return e.pos }
func (e *isNullExpr) exprPos() Pos     { return e.pos }
func (e *inExpr) exprPos() Pos         { return e.pos }
func (e *betweenExpr) exprPos() Pos    { return e.pos }
func (e *caseExpr) exprPos() Pos       { return e.pos }
func (e *castExpr) exprPos() Pos       { return e.pos }
func (e *funcCall) exprPos() Pos       { return e.pos }
func (e *cursorExpr) exprPos() Pos     { return e.pos }
func (e *tableArg) exprPos() Pos       { return e.pos }
func (e *descriptorExpr) exprPos() Pos { return e.pos }

// fieldExpr is x.field on a row value.
type fieldExpr struct {
	pos   Pos
	x     expr
	field string
}

func (e *fieldExpr) exprPos() Pos { return e.pos }
