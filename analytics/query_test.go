package analytics

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestGoQueryAPI(t *testing.T) {
	ctx := context.Background()
	mock := newMock()
	svc := New(WithClock(mock))
	defer svc.Close()
	app, err := svc.Open(ctx, "go", tickerInput())
	if err != nil {
		t.Fatal(err)
	}
	tumbling, err := app.AddQuery(ctx, "PER_TICKER", Query{
		From:    "SOURCE_SQL_STREAM_001",
		Where:   Gt(Col("PRICE"), Lit(Float(1))),
		Select:  []Column{{"WINDOW_START", WindowStart()}, {"TICKER", Col("TICKER_SYMBOL")}, {"N", Count()}, {"AVG_PRICE", Avg(Col("PRICE"))}},
		GroupBy: []Expr{Col("TICKER_SYMBOL")},
		Window:  Tumbling{Size: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	sliding, err := app.AddQuery(ctx, "MOVING", Query{
		From:   "SOURCE_SQL_STREAM_001",
		Select: []Column{{"TICKER", Col("TICKER_SYMBOL")}, {"MAX2", Max(Col("PRICE"))}},
		Window: Sliding{Rows: 1, PartitionBy: []Expr{Col("TICKER_SYMBOL")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	put := func(s string) {
		if err := app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(s)}}); err != nil {
			t.Fatal(err)
		}
	}
	put(`{"TICKER_SYMBOL":"A","PRICE":4}`)
	mock.Add(time.Second)
	put(`{"TICKER_SYMBOL":"A","PRICE":2}`)
	put(`{"TICKER_SYMBOL":"A","PRICE":0.5}`)
	mock.Add(10 * time.Second)
	row, ok, err := tumbling.TryNext(ctx)
	if err != nil || !ok {
		t.Fatalf("no tumbling row: %v", err)
	}
	if row.String() != "2026-01-02 11:00:10.000 | 2026-01-02 11:00:00.000 | A | 2 | 3.0" || row.Get("N").Int64() != 2 {
		t.Fatalf("tumbling row = %s", row)
	}
	var maxes []float64
	for {
		r, ok, _ := sliding.TryNext(ctx)
		if !ok {
			break
		}
		maxes = append(maxes, r.Get("MAX2").Float64())
	}
	if len(maxes) != 3 || maxes[0] != 4 || maxes[1] != 4 || maxes[2] != 2 {
		t.Fatalf("sliding maxes = %v", maxes)
	}
	if _, err := app.AddQuery(ctx, "BAD", Query{From: "SOURCE_SQL_STREAM_001", Select: []Column{{"X", Col("NOPE")}}}); !errors.Is(err, ErrCodeValidationException) {
		t.Fatalf("bad query: %v", err)
	}
	if _, err := app.AddQuery(ctx, "BAD", Query{From: "SOURCE_SQL_STREAM_001", Select: []Column{{"N", Count()}}}); !errors.Is(err, ErrCodeValidationException) {
		t.Fatalf("aggregate without window: %v", err)
	}
}

func TestGoQueryEventTime(t *testing.T) {
	ctx := context.Background()
	svc := New(WithClock(newMock()))
	defer svc.Close()
	in := tickerInput()
	in.InputSchema.RecordColumns = append(in.InputSchema.RecordColumns, RecordColumn{Name: "EVENT_TIME", SqlType: "TIMESTAMP", Mapping: "$.ts"})
	app, err := svc.Open(ctx, "ev", in)
	if err != nil {
		t.Fatal(err)
	}
	r, err := app.AddQuery(ctx, "PER_10S", Query{
		From:    "SOURCE_SQL_STREAM_001",
		Select:  []Column{{"WS", WindowStart()}, {"WE", WindowEnd()}, {"TICKER", Col("TICKER_SYMBOL")}, {"N", Count()}},
		GroupBy: []Expr{Col("TICKER_SYMBOL")},
		Window:  EventTumbling{Column: "EVENT_TIME", Size: 10 * time.Second, Delay: 2 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range []string{
		`{"TICKER_SYMBOL":"A","PRICE":1,"ts":"2026-01-02 10:00:01"}`,
		`{"TICKER_SYMBOL":"A","PRICE":1,"ts":"2026-01-02 10:00:09"}`,
		`{"TICKER_SYMBOL":"A","PRICE":1,"ts":"2026-01-02 10:00:05"}`, // out of order, within the delay
		`{"TICKER_SYMBOL":"A","PRICE":1,"ts":"2026-01-02 10:00:12"}`, // watermark 10:00:10
	} {
		if err := app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(rec)}}); err != nil {
			t.Fatal(err)
		}
	}
	row, ok, _ := r.TryNext(ctx)
	if !ok || row.String()[26:] != "2026-01-02 10:00:00.000 | 2026-01-02 10:00:10.000 | A | 3" {
		t.Fatalf("row %v %v", row, ok)
	}
}
