package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"
)

// TestTumblingModel checks GROUP BY k, STEP(ROWTIME BY 10 s) against a
// plain model: every window's counts and sums, emitted once, at the
// window end, in first-seen key order; counts sum to the input count.
func TestTumblingModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		h := newHarness(t, `k VARCHAR(2), v INTEGER`, `
			CREATE STREAM "DESTINATION_SQL_STREAM" (k VARCHAR(2), n BIGINT, s BIGINT);
			CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM k, COUNT(*), SUM(v) FROM "SOURCE_SQL_STREAM_001" AS S
			GROUP BY k, STEP(S.ROWTIME BY INTERVAL '10' SECOND);`, dest)
		type in struct {
			at int64
			k  string
			v  int64
		}
		var ins []in
		now := t0.UnixMilli()
		var got []string
		collect := func() { got = append(got, h.rows(dest)...) }
		rt.Repeat(map[string]func(*rapid.T){
			"put": func(rt *rapid.T) {
				now += rapid.Int64Range(0, 7000).Draw(rt, "gap")
				k := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "k")
				v := rapid.Int64Range(-5, 5).Draw(rt, "v")
				h.e.advance(now)
				h.e.insert(h.e.streams["SOURCE_SQL_STREAM_001"], row{rowtime: now, vals: []Value{String(k), Int(v)}})
				ins = append(ins, in{now, k, v})
				collect()
			},
			"tick": func(rt *rapid.T) {
				now += rapid.Int64Range(0, 15000).Draw(rt, "tick")
				h.e.advance(now)
				collect()
			},
		})
		h.e.advance(now + 3600_000)
		collect()
		// The model.
		type win struct {
			start int64
			keys  []string
			n, s  map[string]int64
		}
		var wins []*win
		for _, x := range ins {
			st := floorDiv(x.at, 10000) * 10000
			if len(wins) == 0 || wins[len(wins)-1].start != st {
				wins = append(wins, &win{start: st, n: map[string]int64{}, s: map[string]int64{}})
			}
			w := wins[len(wins)-1]
			if _, ok := w.n[x.k]; !ok {
				w.keys = append(w.keys, x.k)
			}
			w.n[x.k]++
			w.s[x.k] += x.v
		}
		var want []string
		total := int64(0)
		for _, w := range wins {
			for _, k := range w.keys {
				want = append(want, fmt.Sprintf("%s | %s | %d | %d", tsMillis(w.start+10000), k, w.n[k], w.s[k]))
				total += w.n[k]
			}
		}
		if total != int64(len(ins)) {
			rt.Fatalf("model counts %d rows of %d", total, len(ins))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			rt.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestSlidingOneOutputPerInput: a sliding window emits exactly one row per
// input row, whatever the clock does.
func TestSlidingOneOutputPerInput(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		h := newHarness(t, `k VARCHAR(2), v INTEGER`, `
			CREATE STREAM "DESTINATION_SQL_STREAM" (k VARCHAR(2), s BIGINT, m INTEGER);
			CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM k, SUM(v) OVER w, MAX(v) OVER w FROM "SOURCE_SQL_STREAM_001"
			WINDOW w AS (PARTITION BY k RANGE INTERVAL '5' SECOND PRECEDING);`, dest)
		now := t0.UnixMilli()
		n := rapid.IntRange(0, 200).Draw(rt, "n")
		type in struct {
			at int64
			k  string
			v  int64
		}
		var ins []in
		for range n {
			now += rapid.Int64Range(0, 3000).Draw(rt, "gap")
			k := rapid.SampledFrom([]string{"a", "b"}).Draw(rt, "k")
			v := rapid.Int64Range(0, 9).Draw(rt, "v")
			h.e.advance(now)
			h.e.insert(h.e.streams["SOURCE_SQL_STREAM_001"], row{rowtime: now, vals: []Value{String(k), Int(v)}})
			ins = append(ins, in{now, k, v})
		}
		h.e.advance(now + 60_000)
		got := h.rows(dest)
		if len(got) != n {
			rt.Fatalf("%d outputs for %d inputs", len(got), n)
		}
		for i, x := range ins {
			var s, m int64
			for _, y := range ins[:i+1] {
				if y.k == x.k && y.at >= x.at-5000 {
					s += y.v
					m = max(m, y.v)
				}
			}
			want := fmt.Sprintf("%s | %s | %d | %d", tsMillis(x.at), x.k, s, m)
			if got[i] != want {
				rt.Fatalf("row %d = %q, want %q", i, got[i], want)
			}
		}
	})
}

// TestEventTimeArrivalOrder: event-time window results are the same for
// every arrival order within the watermark delay.
func TestEventTimeArrivalOrder(t *testing.T) {
	code := `
		CREATE STREAM "DESTINATION_SQL_STREAM" (ws TIMESTAMP, we TIMESTAMP, k VARCHAR(2), n BIGINT, s BIGINT);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM window_start, window_end, k, COUNT(*), SUM(v)
		FROM TABLE(HOP(TABLE "SOURCE_SQL_STREAM_001", DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
		GROUP BY window_start, window_end, k;`
	cols := `k VARCHAR(2), v INTEGER, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '3' SECOND`
	run := func(evs [][3]int64) []string {
		h := newHarness(t, cols, code, dest)
		now := t0.UnixMilli()
		for _, e := range evs {
			now += 100
			h.e.advance(now)
			h.e.insert(h.e.streams["SOURCE_SQL_STREAM_001"], row{rowtime: now,
				vals: []Value{String(string(rune('a' + e[0]))), Int(e[1]), tsMillis(e[2])}})
		}
		var out []string
		for _, r := range h.rows(dest) {
			out = append(out, r[strings.Index(r, "|")+2:]) // without ROWTIME
		}
		return out
	}
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(rt, "n")
		base := t0.UnixMilli() - 3600_000
		ts := base
		var evs [][3]int64
		var keys []int64
		for range n {
			ts += rapid.Int64Range(0, 2000).Draw(rt, "gap")
			evs = append(evs, [3]int64{rapid.Int64Range(0, 2).Draw(rt, "k"), rapid.Int64Range(0, 9).Draw(rt, "v"), ts})
			keys = append(keys, ts+rapid.Int64Range(0, 2999).Draw(rt, "jitter"))
		}
		sentinel := [3]int64{0, 0, ts + 60_000}
		inOrder := append(slices.Clone(evs), sentinel)
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp3(keys[a], keys[b]) })
		var shuffled [][3]int64
		for _, i := range idx {
			shuffled = append(shuffled, evs[i])
		}
		shuffled = append(shuffled, sentinel)
		a, b := run(inOrder), run(shuffled)
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			rt.Fatalf("in order:\n%s\nshuffled:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	})
}

// TestDeterministicOutputBytes: the same inputs and clock script give the
// same output bytes, through the whole Service.
func TestDeterministicOutputBytes(t *testing.T) {
	code := `
		CREATE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), n BIGINT, a DOUBLE);
		CREATE STREAM "STAGGERED" (ticker_symbol VARCHAR(4), n BIGINT);
		CREATE PUMP "T" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM ticker_symbol, COUNT(*), AVG(price) FROM "SOURCE_SQL_STREAM_001" AS s
		GROUP BY ticker_symbol, STEP(s.ROWTIME BY INTERVAL '10' SECOND);
		CREATE PUMP "W" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM ticker_symbol, COUNT(*) OVER w, AVG(price) OVER w FROM "SOURCE_SQL_STREAM_001"
		WINDOW w AS (PARTITION BY ticker_symbol RANGE INTERVAL '7' SECOND PRECEDING);
		CREATE PUMP "S" AS INSERT INTO "STAGGERED"
		SELECT STREAM ticker_symbol, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
		WINDOWED BY STAGGER (PARTITION BY ticker_symbol RANGE INTERVAL '5' SECOND);`
	run := func() (result string) {
		synctest.Test(t, func(t *testing.T) { result = runScript(t, code) })
		return result
	}
	a, b := run(), run()
	if a != b || len(a) < 1000 {
		t.Fatalf("outputs differ or are short (%d, %d bytes)", len(a), len(b))
	}
}

func runScript(t *testing.T, code string) string {
	{
		ctx := context.Background()
		mock := newMock()
		svc := New(WithClock(mock))
		defer svc.Close()
		var out strings.Builder
		svc.RegisterDestination("arn:sink", DestinationFunc(func(_ context.Context, recs [][]byte) error {
			for _, r := range recs {
				out.Write(r)
				out.WriteByte('\n')
			}
			return nil
		}))
		in := tickerInput()
		if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "d", ApplicationCode: code, Inputs: []Input{in},
			Outputs: []Output{{Name: "DESTINATION_SQL_STREAM", DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatJSON},
				KinesisStreamsOutput: &KinesisStreamsOutput{ResourceARN: "arn:sink"}},
				{Name: "STAGGERED", DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatCSV},
					KinesisStreamsOutput: &KinesisStreamsOutput{ResourceARN: "arn:sink"}}}}); err != nil {
			t.Fatal(err)
		}
		d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "d"})
		if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "d", InputConfigurations: []InputConfiguration{{
			Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
				InputStartingPosition: StartingPositionNow}}}}); err != nil {
			t.Fatal(err)
		}
		app, _ := svc.Application("d")
		for i := range 200 {
			mock.Add(time.Duration(i%7) * 300 * time.Millisecond)
			synctest.Wait()
			b, _ := json.Marshal(map[string]any{"TICKER_SYMBOL": []string{"AMZN", "MSFT", "QXZ"}[i%3], "PRICE": float64(i%17) + 0.25})
			if err := app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{b}}); err != nil {
				t.Fatal(err)
			}
		}
		mock.Add(time.Minute)
		synctest.Wait()
		_ = app.step(ctx)
		return out.String()
	}
}

func TestSlidingPartitionsAreSwept(t *testing.T) {
	h := newHarness(t, `k INTEGER`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (k INTEGER, n BIGINT);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM k, COUNT(*) OVER (PARTITION BY k RANGE INTERVAL '1' SECOND PRECEDING) FROM "SOURCE_SQL_STREAM_001";`)
	src := h.e.streams["SOURCE_SQL_STREAM_001"]
	now := t0.UnixMilli()
	for i := range 3 * sweepEvery {
		now += 10
		h.e.insert(src, row{rowtime: now, vals: []Value{Int(int64(i))}})
	}
	// Every key is new and rows are 10 ms apart: after a sweep only the
	// last second's ~100 partitions remain, plus those added since.
	n := len(h.e.sliders[0].specs[0].parts)
	if n > 200 {
		t.Fatalf("%d partitions kept", n)
	}
}
