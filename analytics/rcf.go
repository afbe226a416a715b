package analytics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
)

// numericKinds are the column kinds RANDOM_CUT_FOREST and HOTSPOTS read.
func isNumeric(t sqlType) bool {
	return t.kind == KindBigint || t.kind == KindDouble && t.name != "DECIMAL"
}

// cursorArg compiles the CURSOR(...) first argument of a table function.
func (qc *qctx) cursorArg(f *tableFunc) ([]column, connector, error) {
	if len(f.args) == 0 {
		return nil, nil, codeErr(f.pos, "%s needs a CURSOR(SELECT STREAM ...) argument", f.name)
	}
	cur, ok := f.args[0].(*cursorExpr)
	if !ok {
		return nil, nil, codeErr(f.args[0].exprPos(), "the first argument of %s must be CURSOR(SELECT STREAM ...)", f.name)
	}
	return qc.query(cur.q)
}

// numArg reads an optional numeric literal argument.
func numArg(f *tableFunc, i int, def, lo, hi float64, what string) (float64, error) {
	if i >= len(f.args) {
		return def, nil
	}
	l, ok := f.args[i].(*literal)
	if !ok || l.v.k != KindBigint && l.v.k != KindDouble {
		return 0, codeErr(f.args[i].exprPos(), "%s must be a number", what)
	}
	v := l.v.Float64()
	if v < lo || v > hi {
		return 0, codeErr(f.args[i].exprPos(), "%s must be from %g to %g", what, lo, hi)
	}
	return v, nil
}

// randomCutForest is RANDOM_CUT_FOREST(CURSOR(q), numberOfTrees,
// subSampleSize, timeDecay, shingleSize): the cursor's columns plus
// ANOMALY_SCORE, computed from the numeric columns by a forest of trees,
// each over a time-decayed reservoir sample. A row is scored before it
// joins the samples; the model starts empty (score 0).
func (qc *qctx) randomCutForest(f *tableFunc) (*source, error) {
	explain := f.name == "RANDOM_CUT_FOREST_WITH_EXPLANATION"
	if len(f.args) > 5 && !explain || len(f.args) > 6 {
		return nil, codeErr(f.pos, "%s takes too many arguments", f.name)
	}
	directional := false
	if explain && len(f.args) == 6 {
		l, ok := f.args[5].(*literal)
		if !ok || l.v.k != KindBoolean {
			return nil, codeErr(f.args[5].exprPos(), "withDirectionality must be TRUE or FALSE")
		}
		directional = l.v.Bool()
	}
	cols, conn, err := qc.cursorArg(f)
	if err != nil {
		return nil, err
	}
	trees, err := numArg(f, 1, 100, 1, 1000, "numberOfTrees")
	if err != nil {
		return nil, err
	}
	sample, err := numArg(f, 2, 256, 10, 1000, "subSampleSize")
	if err != nil {
		return nil, err
	}
	decay, err := numArg(f, 3, 100000, 1, math.MaxInt32, "timeDecay")
	if err != nil {
		return nil, err
	}
	shingle, err := numArg(f, 4, 1, 1, 30, "shingleSize")
	if err != nil {
		return nil, err
	}
	var num []int
	for i, c := range cols {
		if isNumeric(c.typ) {
			num = append(num, i)
		}
	}
	if len(num) == 0 {
		return nil, codeErr(f.pos, "RANDOM_CUT_FOREST needs at least one numeric column (DOUBLE, INTEGER, BIGINT, ...)")
	}
	op := &forest{rng: qc.e.newRand(), trees: make([][][]float64, int(trees)), sample: int(sample), decay: decay,
		shingle: int(shingle), num: num, cuts: make([]float64, len(num)*int(shingle))}
	outCols := append(append([]column(nil), cols...), column{name: "ANOMALY_SCORE", typ: tDouble})
	if explain {
		outCols = append(outCols, column{name: "ANOMALY_EXPLANATION", typ: tVarchar})
	}
	src := &source{sc: &scope{frames: []frame{{names: []string{aliasOr(f.alias, f.name)}, cols: outCols, rowtimeIdx: -1}}}, stream: true}
	src.connect = func(sink rowSink) {
		conn(func(r row) {
			clear(op.cuts)
			point, mean, sd := op.current(r)
			score := op.score(r)
			vals := append(append([]Value(nil), r.vals...), Float(score))
			if explain {
				vals = append(vals, String(op.explain(cols, point, mean, sd, score, directional)))
			}
			sink(row{rowtime: r.rowtime, vals: vals})
		})
	}
	return src, nil
}

// newRand returns a random source for one operator, derived from the
// engine's seed so runs repeat.
func (e *engine) newRand() *rand.Rand {
	e.seed++
	return rand.New(rand.NewPCG(e.seedBase, e.seed))
}

type forest struct {
	rng     *rand.Rand
	trees   [][][]float64
	sample  int
	decay   float64
	shingle int
	num     []int
	recent  [][]float64
	seen    float64
	cuts    []float64 // cuts per dimension while isolating the current point
}

// current returns the numeric values of r and the mean and standard
// deviation of each in the first tree's sample (for explanations).
func (f *forest) current(r row) (point, mean, sd []float64) {
	n := len(f.num)
	point = make([]float64, n)
	for i, c := range f.num {
		point[i] = r.vals[c].Float64()
	}
	mean, sd = make([]float64, n), make([]float64, n)
	if len(f.trees) == 0 || len(f.trees[0]) == 0 {
		return point, mean, sd
	}
	t := f.trees[0]
	last := len(t[0]) - n // the newest row of a shingle
	for _, q := range t {
		for i := range n {
			mean[i] += q[last+i]
		}
	}
	for i := range n {
		mean[i] /= float64(len(t))
	}
	for _, q := range t {
		for i := range n {
			d := q[last+i] - mean[i]
			sd[i] += d * d
		}
	}
	for i := range n {
		sd[i] = math.Sqrt(sd[i] / float64(len(t)))
	}
	return point, mean, sd
}

// explain is ANOMALY_EXPLANATION: per numeric column, its share of the
// score (by the cuts that isolated the row on that column), its strength
// (distance from the sample mean in standard deviations) and, with
// directionality, HIGH, LOW or NEUTRAL.
func (f *forest) explain(cols []column, point, mean, sd []float64, score float64, directional bool) string {
	n := len(f.num)
	total := 0.0
	for _, c := range f.cuts {
		total += c
	}
	type attribution struct {
		Attribution    float64 `json:"ATTRIBUTION_SCORE"`
		Strength       float64 `json:"STRENGTH"`
		Directionality string  `json:"DIRECTIONALITY,omitempty"`
	}
	out := map[string]attribution{}
	for i, c := range f.num {
		share := 0.0
		if total > 0 {
			for s := 0; s < f.shingle; s++ {
				share += f.cuts[s*n+i]
			}
			share /= total
		}
		a := attribution{Attribution: round4(share * score)}
		if sd[i] > 0 {
			a.Strength = round4(math.Abs(point[i]-mean[i]) / sd[i])
		}
		if directional {
			switch {
			case point[i] > mean[i]:
				a.Directionality = "HIGH"
			case point[i] < mean[i]:
				a.Directionality = "LOW"
			default:
				a.Directionality = "NEUTRAL"
			}
		}
		out[cols[c].name] = a
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

func (f *forest) score(r row) float64 {
	p := make([]float64, 0, len(f.num)*f.shingle)
	cur := make([]float64, len(f.num))
	for i, c := range f.num {
		v := r.vals[c]
		if v.k == KindBigint || v.k == KindDouble {
			cur[i] = v.Float64()
		}
	}
	f.recent = append(f.recent, cur)
	if len(f.recent) > f.shingle {
		f.recent = f.recent[1:]
	}
	if len(f.recent) < f.shingle {
		return 0
	}
	for _, s := range f.recent {
		p = append(p, s...)
	}
	total := 0.0
	scored := 0
	for _, t := range f.trees {
		if len(t) == 0 {
			continue
		}
		d := f.isolationDepth(t, p)
		total += math.Log2(float64(len(t))+1) / float64(d)
		scored++
	}
	score := 0.0
	if scored > 0 && len(f.trees[0]) >= 8 {
		score = total / float64(scored)
	}
	// Reservoir with time decay: once full, a point replaces a random one
	// with probability sample / min(seen, decay).
	f.seen++
	for i, t := range f.trees {
		if len(t) < f.sample {
			f.trees[i] = append(t, p)
			continue
		}
		if f.rng.Float64() < float64(f.sample)/math.Min(f.seen, f.decay) {
			t[f.rng.IntN(len(t))] = p
		}
	}
	return score
}

// isolationDepth is how many random cuts separate p from the points:
// each cut picks a dimension in proportion to its range in the bounding
// box of the remaining points (and p) and a uniform position in it.
func (f *forest) isolationDepth(pts [][]float64, p []float64) int {
	set := append([][]float64(nil), pts...)
	depth := 1
	for len(set) > 0 && depth < 64 {
		lo := append([]float64(nil), p...)
		hi := append([]float64(nil), p...)
		for _, q := range set {
			for i, x := range q {
				lo[i] = math.Min(lo[i], x)
				hi[i] = math.Max(hi[i], x)
			}
		}
		sum := 0.0
		for i := range lo {
			sum += hi[i] - lo[i]
		}
		if sum == 0 {
			return depth + int(math.Log2(float64(len(set))+1))
		}
		pick := f.rng.Float64() * sum
		dim := 0
		for i := range lo {
			pick -= hi[i] - lo[i]
			if pick <= 0 {
				dim = i
				break
			}
		}
		cut := lo[dim] + f.rng.Float64()*(hi[dim]-lo[dim])
		f.cuts[dim]++
		left := p[dim] <= cut
		next := set[:0]
		for _, q := range set {
			if (q[dim] <= cut) == left {
				next = append(next, q)
			}
		}
		set = next
		depth++
	}
	return depth
}

// hotspots is HOTSPOTS(CURSOR(q), windowSize, scanRadius,
// minimumNumberOfPointsInAHotspot): the cursor's columns plus
// HOTSPOTS_RESULT, a JSON document listing the dense regions among the
// last windowSize rows' numeric columns: groups of at least minimum points
// connected by distances up to scanRadius, each with its density (share of
// the window), and the minimum and maximum of each column.
func (qc *qctx) hotspots(f *tableFunc) (*source, error) {
	if len(f.args) != 4 {
		return nil, codeErr(f.pos, "HOTSPOTS takes 4 arguments")
	}
	cols, conn, err := qc.cursorArg(f)
	if err != nil {
		return nil, err
	}
	w, err := numArg(f, 1, 0, 100, 1000, "windowSize")
	if err != nil {
		return nil, err
	}
	radius, err := numArg(f, 2, 0, 0, math.MaxFloat64, "scanRadius")
	if err != nil {
		return nil, err
	}
	minPts, err := numArg(f, 3, 0, 2, 1000, "minimumNumberOfPointsInAHotspot")
	if err != nil {
		return nil, err
	}
	var num []int
	for i, c := range cols {
		if isNumeric(c.typ) {
			num = append(num, i)
		}
	}
	if len(num) == 0 {
		return nil, codeErr(f.pos, "HOTSPOTS needs at least one numeric column")
	}
	outCols := append(append([]column(nil), cols...), column{name: "HOTSPOTS_RESULT", typ: tVarchar})
	src := &source{sc: &scope{frames: []frame{{names: []string{aliasOr(f.alias, f.name)}, cols: outCols, rowtimeIdx: -1}}}, stream: true}
	var window [][]float64
	src.connect = func(sink rowSink) {
		conn(func(r row) {
			p := make([]float64, len(num))
			for i, c := range num {
				p[i] = r.vals[c].Float64()
			}
			window = append(window, p)
			if len(window) > int(w) {
				window = window[1:]
			}
			res := findHotspots(window, radius, int(minPts))
			vals := append(append([]Value(nil), r.vals...), String(res))
			sink(row{rowtime: r.rowtime, vals: vals})
		})
	}
	return src, nil
}

func findHotspots(pts [][]float64, radius float64, minPts int) string {
	n := len(pts)
	comp := make([]int, n)
	for i := range comp {
		comp[i] = -1
	}
	near := func(a, b []float64) bool {
		s := 0.0
		for i := range a {
			d := a[i] - b[i]
			s += d * d
		}
		return s <= radius*radius
	}
	type hotspot struct {
		Density   float64   `json:"density"`
		MinValues []float64 `json:"minValues"`
		MaxValues []float64 `json:"maxValues"`
	}
	var out []hotspot
	c := 0
	for i := range pts {
		if comp[i] >= 0 {
			continue
		}
		comp[i] = c
		queue := []int{i}
		members := []int{i}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for j := range pts {
				if comp[j] < 0 && near(pts[x], pts[j]) {
					comp[j] = c
					queue = append(queue, j)
					members = append(members, j)
				}
			}
		}
		c++
		if len(members) < minPts {
			continue
		}
		h := hotspot{Density: float64(len(members)) / float64(n),
			MinValues: append([]float64(nil), pts[members[0]]...), MaxValues: append([]float64(nil), pts[members[0]]...)}
		for _, m := range members {
			for d, v := range pts[m] {
				h.MinValues[d] = math.Min(h.MinValues[d], v)
				h.MaxValues[d] = math.Max(h.MaxValues[d], v)
			}
		}
		out = append(out, h)
	}
	if out == nil {
		out = []hotspot{}
	}
	b, _ := json.Marshal(map[string]any{"hotspots": out})
	return string(b)
}
