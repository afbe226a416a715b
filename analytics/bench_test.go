package analytics

import (
	"context"
	"strconv"
	"testing"
)

func benchEngine(b *testing.B, cols, code string) (*engine, *inStream) {
	b.Helper()
	e := newEngine()
	e.start, e.now = t0.UnixMilli(), t0.UnixMilli()
	stmts, err := parseCode("CREATE STREAM \"SOURCE_SQL_STREAM_001\" (" + cols + ")")
	if err != nil {
		b.Fatal(err)
	}
	src := &inStream{name: "SOURCE_SQL_STREAM_001", source: true, wmIdx: -1}
	for _, c := range stmts[0].(*createStream).cols {
		src.cols = append(src.cols, column{name: c.name, typ: c.typ})
	}
	e.addStream(src)
	if err := compileCode(code, e); err != nil {
		b.Fatal(err)
	}
	return e, src
}

func reportRows(b *testing.B, n int) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFilterPump: a WHERE pump into DESTINATION_SQL_STREAM.
func BenchmarkFilterPump(b *testing.B) {
	e, src := benchEngine(b, `ticker VARCHAR(4), price DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), price DOUBLE);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM ticker, price FROM "SOURCE_SQL_STREAM_001" WHERE price > 50;`)
	out := 0
	e.streams["DESTINATION_SQL_STREAM"].subs = append(e.streams["DESTINATION_SQL_STREAM"].subs, func(row) { out++ })
	tickers := []Value{String("AMZN"), String("MSFT"), String("QXZ")}
	now := t0.UnixMilli()
	n := 0
	for b.Loop() {
		now++
		e.advance(now)
		e.insert(src, row{rowtime: now, vals: []Value{tickers[n%3], Float(float64(n % 100))}})
		n++
	}
	reportRows(b, n)
}

// BenchmarkTumbling60sGroupBy10kKeys: GROUP BY key, STEP(ROWTIME BY 60 s)
// over 10,000 keys; a row per millisecond, so a window closes every 60,000
// rows.
func BenchmarkTumbling60sGroupBy10kKeys(b *testing.B) {
	e, src := benchEngine(b, `k VARCHAR(8), v DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (k VARCHAR(8), n BIGINT, s DOUBLE);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM k, COUNT(*), SUM(v) FROM "SOURCE_SQL_STREAM_001" AS S
		GROUP BY k, STEP(S.ROWTIME BY INTERVAL '60' SECOND);`)
	keys := make([]Value, 10000)
	for i := range keys {
		keys[i] = String("k" + strconv.Itoa(i))
	}
	now := t0.UnixMilli()
	n := 0
	for b.Loop() {
		now++
		e.advance(now)
		e.insert(src, row{rowtime: now, vals: []Value{keys[n%len(keys)], Float(float64(n % 7))}})
		n++
	}
	reportRows(b, n)
}

// BenchmarkSlidingRange10s: AVG and COUNT over a 10-second RANGE window
// per key (100 keys).
func BenchmarkSlidingRange10s(b *testing.B) {
	e, src := benchEngine(b, `k VARCHAR(8), v DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (k VARCHAR(8), n BIGINT, a DOUBLE);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM k, COUNT(*) OVER w, AVG(v) OVER w FROM "SOURCE_SQL_STREAM_001"
		WINDOW w AS (PARTITION BY k RANGE INTERVAL '10' SECOND PRECEDING);`)
	keys := make([]Value, 100)
	for i := range keys {
		keys[i] = String("k" + strconv.Itoa(i))
	}
	now := t0.UnixMilli()
	n := 0
	for b.Loop() {
		now++
		e.advance(now)
		e.insert(src, row{rowtime: now, vals: []Value{keys[n%len(keys)], Float(float64(n % 7))}})
		n++
	}
	reportRows(b, n)
}

// BenchmarkChannelBaseline: the same rows through a buffered channel to a
// goroutine that filters them, for scale.
func BenchmarkChannelBaseline(b *testing.B) {
	ch := make(chan row, 1024)
	done := make(chan int)
	go func() {
		out := 0
		for r := range ch {
			if r.vals[1].f > 50 {
				out++
			}
		}
		done <- out
	}()
	now := t0.UnixMilli()
	n := 0
	for b.Loop() {
		now++
		ch <- row{rowtime: now, vals: []Value{String("AMZN"), Float(float64(n % 100))}}
		n++
	}
	close(ch)
	<-done
	reportRows(b, n)
}

// BenchmarkPutRecordsJSON: JSON records through Application.PutRecords
// (mapping, ROWTIME, a filter pump, a Reader).
func BenchmarkPutRecordsJSON(b *testing.B) {
	ctx := context.Background()
	svc := New(WithClock(newMock()))
	defer svc.Close()
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "b", ApplicationCode: tickerCode,
		Inputs: []Input{tickerInput()}}); err != nil {
		b.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "b"})
	if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "b", InputConfigurations: []InputConfiguration{{
		Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
			InputStartingPosition: StartingPositionNow}}}}); err != nil {
		b.Fatal(err)
	}
	app, _ := svc.Application("b")
	batch := make([][]byte, 100)
	for i := range batch {
		batch[i] = []byte(`{"TICKER_SYMBOL":"AMZN","PRICE":` + strconv.Itoa(i) + `}`)
	}
	n := 0
	for b.Loop() {
		if err := app.PutRecords(ctx, PutRecordsInput{Records: batch}); err != nil {
			b.Fatal(err)
		}
		n += len(batch)
		app.mu.Lock()
		app.inputs[0].log = app.inputs[0].log[:0]
		app.inputs[0].first = app.inputs[0].nextSeq
		app.mu.Unlock()
	}
	reportRows(b, n)
}
